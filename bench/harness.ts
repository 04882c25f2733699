import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import autocannon from "autocannon";

export interface Measured {
	rps: number;
	p50: number;
	p99: number;
	errors: number;
	non2xx: number;
}


/** Starts a bench server script in its own process and resolves with its port once it prints READY. */
export function startServer(script: string, env: Record<string, string> = {}): Promise<{ port: number; child: ChildProcess }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "servers", script)], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
		let buffer = "";
		child.stdout!.on("data", (chunk: Buffer) => {
			buffer += chunk.toString();
			const match = /READY (\d+)/.exec(buffer);
			if (match) resolve({ port: Number(match[1]), child });
		});
		child.once("exit", code => reject(new Error(`${script} exited with ${code} before it was ready`)));
	});
}

export async function load(url: string, opts: { seconds: number; connections: number; headers?: Record<string, string>; rate?: number }): Promise<Measured> {
	const result = await autocannon({ url, duration: opts.seconds, connections: opts.connections, headers: opts.headers, overallRate: opts.rate });
	return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

export const fmt = (m: Measured) => `${m.rps.toFixed(0).padStart(7)} req/s  p50 ${m.p50.toFixed(2)} ms  p99 ${m.p99.toFixed(2)} ms  errors ${m.errors}  non-2xx ${m.non2xx}`;
