/** One Server-Sent Event as the contract sends it (§0.13): `data` is parsed JSON. */
export interface StreamEvent<T = any> {
	id: string | null;
	event: string;
	data: T;
}

/** Parses a `text/event-stream` body into events; comment lines (`: keep-alive`) are skipped. */
export async function* parseEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
	const decoder = new TextDecoder();
	const reader = body.getReader();
	let buffer = "";
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			buffer += decoder.decode(value, { stream: true });
			let boundary: number;
			while ((boundary = buffer.search(/\r?\n\r?\n/)) !== -1) {
				const block = buffer.slice(0, boundary);
				buffer = buffer.slice(boundary).replace(/^\r?\n\r?\n/, "");
				const event = parseBlock(block);
				if (event) yield event;
			}
		}
		const last = parseBlock(buffer);
		if (last) yield last;
	} finally {
		await reader.cancel().catch(() => undefined);
	}
}

function parseBlock(block: string): StreamEvent | null {
	let id: string | null = null;
	let event = "message";
	const data: string[] = [];
	for (const line of block.split(/\r?\n/)) {
		if (!line || line.startsWith(":")) continue;
		const colon = line.indexOf(":");
		const field = colon === -1 ? line : line.slice(0, colon);
		const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
		if (field === "id") id = value;
		else if (field === "event") event = value;
		else if (field === "data") data.push(value);
	}
	if (!data.length) return null;
	const text = data.join("\n");
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		parsed = text;
	}
	return { id, event, data: parsed };
}
