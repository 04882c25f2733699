/**
 * Everything written to stdout/stderr from now until `restore()`. Started before the broker, pino
 * writes through the replaced process.stdout.write; JSON log lines are kept and not echoed.
 */
export function captureOutput(): { text(): string; restore(): void } {
	const captured: string[] = [];
	const spies = [process.stdout, process.stderr].map(stream => {
		const original = stream.write.bind(stream);
		return jest.spyOn(stream, "write").mockImplementation(((chunk: any, ...rest: any[]) => {
			const text = Buffer.isBuffer(chunk) ? chunk.toString("utf8") : String(chunk);
			captured.push(text);
			if (text.startsWith('{"level"')) {
				const cb = rest.find(a => typeof a === "function");
				if (cb) process.nextTick(cb);
				return true;
			}
			return original(chunk, ...rest);
		}) as any);
	});
	return { text: () => captured.join(""), restore: () => spies.forEach(spy => spy.mockRestore()) };
}
