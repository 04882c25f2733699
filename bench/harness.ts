import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import autocannon from "autocannon";

export interface Measured {
	rps: number;
	/** CPU time the server process spent per answered request (user + system), when its pid was given. */
	cpuUsPerRequest: number | null;
	p50: number;
	p99: number;
	errors: number;
	non2xx: number;
}


/** Starts a bench server script in its own process and resolves with its port once it prints READY. */
export function startServer(script: string, env: Record<string, string> = {}): Promise<{ port: number; child: ChildProcess }> {
	return new Promise((resolve, reject) => {
		// BENCH_PROFILE=<dir> writes a V8 CPU profile of each server process there when it stops.
		const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`] : [];
		const child = spawn(process.execPath, [...profile, "--import", "tsx", path.join(__dirname, "servers", script)], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
		let buffer = "";
		child.stdout!.on("data", (chunk: Buffer) => {
			buffer += chunk.toString();
			const match = /READY (\d+)/.exec(buffer);
			if (match) resolve({ port: Number(match[1]), child });
		});
		child.once("exit", code => reject(new Error(`${script} exited with ${code} before it was ready`)));
	});
}

/** CPU milliseconds (user + system) a process has used so far, from /proc; null where there is no /proc. */
function cpuMsOf(pid: number): number | null {
	try {
		const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
	} catch {
		return null;
	}
}
const CLOCK_TICKS = 100;

export async function load(url: string, opts: { seconds: number; connections: number; headers?: Record<string, string>; rate?: number; pid?: number }): Promise<Measured> {
	const before = opts.pid ? cpuMsOf(opts.pid) : null;
	const result = await autocannon({ url, duration: opts.seconds, connections: opts.connections, headers: opts.headers, overallRate: opts.rate });
	const after = opts.pid ? cpuMsOf(opts.pid) : null;
	const answered = result.requests.total;
	const cpuUsPerRequest = before !== null && after !== null && answered ? ((after - before) * 1000) / answered : null;
	return { rps: result.requests.average, cpuUsPerRequest, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

export const fmt = (m: Measured) =>
	`${m.rps.toFixed(0).padStart(7)} req/s  p50 ${m.p50.toFixed(2)} ms  p99 ${m.p99.toFixed(2)} ms  errors ${m.errors}  non-2xx ${m.non2xx}` +
	(m.cpuUsPerRequest !== null ? `  cpu ${m.cpuUsPerRequest.toFixed(0).padStart(4)} µs/req` : "");
