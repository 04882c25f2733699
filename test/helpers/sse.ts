import http from "node:http";

export interface SseEvent {
	id: number;
	event: string;
	data: any;
	/** When the client received the event (ms since epoch). */
	at: number;
}

export interface SseResponse {
	status: number;
	headers: http.IncomingHttpHeaders;
	/** The raw body (the JSON error body when the stream never started). */
	text: string;
	events: SseEvent[];
	comments: string[];
}

/** Sends a request with a real HTTP client and reads the text/event-stream answer until the server closes it. */
export function requestSse(method: "GET" | "POST", url: string, token: string, body?: unknown, onEvent?: (e: SseEvent) => void): Promise<SseResponse> {
	return openSse(method, url, token, body, onEvent).done;
}

/** As `requestSse`, plus `started`: resolves with the status once the response headers arrived. */
export function openSse(method: "GET" | "POST", url: string, token: string, body?: unknown, onEvent?: (e: SseEvent) => void): { started: Promise<number>; done: Promise<SseResponse> } {
	let onStart: (status: number) => void = () => undefined;
	const started = new Promise<number>(resolve => (onStart = resolve));
	const done = new Promise<SseResponse>((resolve, reject) => {
		const payload = body === undefined ? undefined : JSON.stringify(body);
		const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "text/event-stream" };
		if (payload !== undefined) headers["Content-Type"] = "application/json";
		const req = http.request(url, { method, headers }, res => {
			onStart(res.statusCode as number);
			let buffer = "";
			let text = "";
			const events: SseEvent[] = [];
			const comments: string[] = [];
			res.setEncoding("utf8");
			res.on("data", (chunk: string) => {
				text += chunk;
				buffer += chunk;
				let end: number;
				while ((end = buffer.indexOf("\n\n")) >= 0) {
					const block = buffer.slice(0, end);
					buffer = buffer.slice(end + 2);
					if (block.startsWith(":")) {
						comments.push(block);
						continue;
					}
					const fields = Object.fromEntries(block.split("\n").map(l => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]));
					if (fields.event === undefined) continue;
					const e = { id: Number(fields.id), event: fields.event, data: JSON.parse(fields.data), at: Date.now() };
					events.push(e);
					onEvent?.(e);
				}
			});
			res.on("end", () => resolve({ status: res.statusCode as number, headers: res.headers, text, events, comments }));
			res.on("error", reject);
		});
		req.on("error", reject);
		if (payload !== undefined) req.write(payload);
		req.end();
	});
	return { started, done };
}
