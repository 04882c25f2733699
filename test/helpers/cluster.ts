import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { ServiceBroker } from "moleculer";

export const REDIS_URL = "redis://127.0.0.1:6379";

export interface NodeProcess {
	child: ChildProcess;
	port: number;
	output: string[];
}

/** Starts a Fluxgate node process (test/helpers/node-process.ts) and waits until it is ready. */
export function startNode(env: Record<string, string>, timeoutMs = 30_000): Promise<NodeProcess> {
	return new Promise((resolve, reject) => {
		// node itself with the tsx loader (not the tsx CLI, whose child would survive a SIGKILL of the parent).
		const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "node-process.ts")], {
			env: { ...process.env, LOG_LEVEL: "warn", FLUXGATE_STORE: "memory", ...env },
			stdio: ["ignore", "pipe", "pipe"]
		});
		const output: string[] = [];
		const timer = setTimeout(() => reject(new Error(`node did not start in time:\n${output.join("")}`)), timeoutMs);
		child.stdout!.on("data", (chunk: Buffer) => {
			output.push(chunk.toString());
			const match = /READY (\d+)/.exec(output.join(""));
			if (match) {
				clearTimeout(timer);
				resolve({ child, port: Number(match[1]), output });
			}
		});
		child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
		child.once("exit", code => {
			clearTimeout(timer);
			reject(new Error(`node exited with ${code}:\n${output.join("")}`));
		});
	});
}

/** What every cluster test's gateway node runs: the gateway and the data services a run needs. */
const GATEWAY_SERVICES = ["api", "admin", "rbac", "auth", "audit", "agents", "lifecycle", "providers", "secrets", "tools", "runtime"];

/** The gateway node "gateway" of a cluster test, with its bootstrap key and the modules under test; it never rate limits the test. */
export function startGateway(common: Record<string, string>, key: string, modules: string[], env: Record<string, string> = {}): Promise<NodeProcess> {
	return startNode({ ...common, NODE_ID: "gateway", FLUXGATE_BOOTSTRAP_KEY: key, FLUXGATE_RATE_LIMIT: "100000", SERVICES: [...GATEWAY_SERVICES, ...modules].join(","), ...env });
}

export function stopNode(node: NodeProcess | undefined, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
	return new Promise(resolve => {
		if (!node || node.child.exitCode !== null || node.child.signalCode !== null) return resolve();
		node.child.once("exit", () => resolve());
		node.child.kill(signal);
	});
}

/** A service-less broker joined to the test cluster, to look at it from inside. */
export async function observer(namespace: string): Promise<ServiceBroker> {
	const broker = new ServiceBroker({ namespace, nodeID: `observer-${process.pid}`, transporter: REDIS_URL as any, logger: false });
	await broker.start();
	return broker;
}

export const uniqueNamespace = (name: string) => `test-${name}-${process.pid}-${Date.now().toString(36)}`;

export async function until<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs: number, what: string): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await new Promise(r => setTimeout(r, 200));
	}
}
