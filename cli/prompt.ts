import type { Output } from "./output";

/** Reads a secret: all of stdin when asked to (scripts), else a prompt on the terminal that does not echo. */
export async function readSecret(out: Output, question: string, fromStdin: boolean): Promise<string> {
	const stdin = process.stdin;
	if (fromStdin || !stdin.isTTY) {
		let text = "";
		for await (const chunk of stdin) text += chunk;
		return text.replace(/\r?\n$/, "");
	}
	out.stderr.write(question);
	stdin.setRawMode(true);
	stdin.resume();
	return new Promise(resolve => {
		let value = "";
		const onData = (chunk: Buffer) => {
			for (const char of chunk.toString("utf8")) {
				if (char === "\r" || char === "\n") {
					stdin.setRawMode(false);
					stdin.pause();
					stdin.off("data", onData);
					out.stderr.write("\n");
					return resolve(value);
				}
				if (char === "\u0003") process.exit(130);
				value = char === "\u007f" ? value.slice(0, -1) : value + char;
			}
		};
		stdin.on("data", onData);
	});
}
