import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";

export const SERVER_JS = path.join(__dirname, "..", "..", "dist", "server.js");

export interface ServerProcess {
	child: ChildProcess;
	port: number;
	url: string;
	output: string[];
	exited: Promise<number | null>;
}

/** A port nothing listens on right now (the server is told it up front, as a load balancer would be). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once("error", reject);
		probe.listen(0, "127.0.0.1", () => {
			const { port } = probe.address() as net.AddressInfo;
			probe.close(() => resolve(port));
		});
	});
}

/** Starts the built server (`dist/server.js`, what `npm start` runs) with this environment; does not wait for it. */
export async function spawnServer(env: Record<string, string>, port?: number): Promise<ServerProcess> {
	const chosen = port ?? (await freePort());
	const child = spawn(process.execPath, [SERVER_JS], {
		env: { ...process.env, LOG_LEVEL: "warn", ...env, PORT: String(chosen) },
		stdio: ["ignore", "pipe", "pipe"]
	});
	const output: string[] = [];
	child.stdout!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
	child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
	const exited = new Promise<number | null>(resolve => child.once("exit", code => resolve(code)));
	return { child, port: chosen, url: `http://127.0.0.1:${chosen}`, output, exited };
}

/** Polls GET /health every `intervalMs` like a load balancer until it answers 200; fails if the process exits first. */
export async function waitHealthy(server: ServerProcess, timeoutMs = 30_000, intervalMs = 10): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (server.child.exitCode !== null) throw new Error(`server exited with ${server.child.exitCode}:\n${server.output.join("")}`);
		const status = await fetch(`${server.url}/health`).then(r => r.status, () => 0);
		if (status === 200) return;
		await new Promise(r => setTimeout(r, intervalMs));
	}
	throw new Error(`server not healthy within ${timeoutMs} ms:\n${server.output.join("")}`);
}

export async function stopServer(server: ServerProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
	if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal);
	return server.exited;
}
