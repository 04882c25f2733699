import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ServiceBroker } from "moleculer";
import { createBroker, stopBroker } from "../lib/broker";
import { loadConfig, type Config } from "../lib/config";
import type { Principal } from "../lib/principal";
import { closeSharedRedis } from "../lib/redis";

const REDIS = process.env.BENCH_REDIS ?? "redis://127.0.0.1:6379";
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function node(overrides: Partial<Config>, env: Record<string, string> = {}): Promise<ServiceBroker> {
	const config = loadConfig({ LOG_LEVEL: "error", FLUXGATE_STORE: "memory", ...env }, { port: 0, rateLimitPerMinute: 100_000_000, ...overrides });
	const broker = createBroker(config);
	await broker.start();
	return broker;
}

/** The bootstrap owner as a principal, for calling actions the way the gateway does. */
async function ownerOf(broker: ServiceBroker): Promise<Principal> {
	const key = "fgk_RuntimeBenchKey_0123456789abcdefghijklm".slice(0, 44);
	return broker.call("auth.authenticate", { token: key });
}

/** The control plane alone: memory recall and episodic writes (on by default, §1) are measured separately. */
async function activeAgent(broker: ServiceBroker, principal: Principal, name: string, memory = false): Promise<string> {
	const meta = { principal };
	const agent: any = await broker.call("agents.createAgent", { name, model: "mock-echo", memory_enabled: memory }, { meta });
	for (const target_state of ["testing", "active"]) await broker.call("lifecycle.promote", { agent_id: agent.id, target_state }, { meta });
	return agent.id;
}

/** Per-run control-plane latency (accept → persist → dispatch → steps → settle) of sequential runs. */
async function overhead(caller: ServiceBroker, principal: Principal, agentId: string, runs: number): Promise<number[]> {
	const times: number[] = [];
	for (let i = 0; i < runs + 50; i++) {
		const start = process.hrtime.bigint();
		const run: any = await caller.call("runtime.execute", { agent_id: agentId, input: `overhead ${i}` }, { meta: { principal } });
		if (run.status !== "completed") throw new Error(`run ended ${run.status}`);
		if (i >= 50) times.push(Number(process.hrtime.bigint() - start) / 1e6);
	}
	return times.sort((a, b) => a - b);
}

/** A no-op request/response over the same path, measured in the same run: the floor under the overhead. */
async function baseline(caller: ServiceBroker, nodeID: string | undefined, calls: number): Promise<number[]> {
	const times: number[] = [];
	for (let i = 0; i < calls + 50; i++) {
		const start = process.hrtime.bigint();
		await caller.call("admin.currentSettings", {}, nodeID ? { nodeID } : {});
		if (i >= 50) times.push(Number(process.hrtime.bigint() - start) / 1e6);
	}
	return times.sort((a, b) => a - b);
}

async function throughput(broker: ServiceBroker, principal: Principal, agentId: string, total: number): Promise<number> {
	let done = 0;
	const finished = new Promise<void>(resolve => {
		broker.createService({
			name: "bench-counter",
			events: {
				"run.completed"() {
					if (++done === total) resolve();
				}
			}
		});
	});
	const start = Date.now();
	const inFlight = 64;
	let next = 0;
	await Promise.all(
		Array.from({ length: inFlight }, async () => {
			while (next < total) {
				next += 1;
				await broker.call("runtime.createRun", { agent_id: agentId, input: `run ${next}` }, { meta: { principal } });
			}
		})
	);
	await finished;
	return (total / (Date.now() - start)) * 1000;
}

export async function runtimeBench(): Promise<void> {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fluxgate-bench-"));
	const env = { FLUXGATE_BOOTSTRAP_KEY: "fgk_RuntimeBenchKey_0123456789abcdefghijklm".slice(0, 44), FLUXGATE_ACTOR_CONCURRENCY: "64" };
	console.log("runtime: mock provider; embedded store (NeDB files) unless stated");

	// 1. Throughput and in-process overhead on one node with the file-backed embedded store.
	const single = await node({ storeKind: "nedb", dataDir }, env);
	try {
		const owner = await ownerOf(single);
		// One replica runs one run at a time (§15): size the agent for the node, as an operator would.
		await single.call("admin.updateSettings", { default_agent_replicas: 64 }, { meta: { principal: owner } });
		const agent = await activeAgent(single, owner, "bench-single");
		const remembering = await activeAgent(single, owner, "bench-memory", true);
		const floor = await baseline(single, undefined, 500);
		const local = await overhead(single, owner, agent, 500);
		console.log(`  no-op action call, in process     p50 ${ms(percentile(floor, 50))}  p99 ${ms(percentile(floor, 99))}`);
		console.log(`  run overhead, one process         p50 ${ms(percentile(local, 50))}  p99 ${ms(percentile(local, 99))}  (target p50 < 5 ms)`);
		const withMemory = await overhead(single, owner, remembering, 200);
		console.log(`  same with memory_enabled          p50 ${ms(percentile(withMemory, 50))}  p99 ${ms(percentile(withMemory, 99))}  (recall step + episodic write)`);
		const rate = await throughput(single, owner, agent, 3000);
		console.log(`  completed runs/s, one node        ${rate.toFixed(0)}  (target >= 500)`);
	} finally {
		await stopBroker(single);
	}

	// 2. Overhead across the Redis transporter: data node + runtime node.
	const namespace = `bench-${process.pid}`;
	const data = await node({ transporter: REDIS, namespace, nodeId: "bench-data", services: ["api", "admin", "rbac", "auth", "audit", "agents", "lifecycle", "providers", "secrets", "tools", "runtime"] }, env);
	const runtime = await node({ transporter: REDIS, namespace, nodeId: "bench-runtime", services: ["actors"] }, env);
	try {
		const owner = await ownerOf(data);
		const agent = await activeAgent(data, owner, "bench-redis");
		await runtime.waitForServices([`agent-actor.${agent}`], 10_000);
		await data.waitForServices([`agent-actor.${agent}`], 10_000);
		const floor = await baseline(runtime, "bench-data", 500);
		const remote = await overhead(data, owner, agent, 500);
		console.log(`  no-op call over Redis             p50 ${ms(percentile(floor, 50))}  p99 ${ms(percentile(floor, 99))}`);
		console.log(`  run overhead over Redis           p50 ${ms(percentile(remote, 50))}  p99 ${ms(percentile(remote, 99))}  (target p50 < 15 ms)`);
	} finally {
		await stopBroker(runtime);
		await stopBroker(data);
	}

	// 3. 1,000 actors on one runtime node: memory per idle actor, and how fast another node sees them.
	const ns2 = `bench-actors-${process.pid}`;
	const hub = await node({ transporter: REDIS, namespace: ns2, nodeId: "bench-hub", services: ["api", "admin", "rbac", "auth", "audit", "agents", "lifecycle", "providers", "secrets", "tools", "runtime", "actors"] }, env);
	let watcher: ServiceBroker | null = null;
	try {
		const owner = await ownerOf(hub);
		const count = Number(process.env.BENCH_ACTORS ?? 1000);
		(global as any).gc?.();
		const heapBefore = process.memoryUsage().heapUsed;
		for (let i = 0; i < count; i++) await activeAgent(hub, owner, `bench-actor-${i}`);
		const deployed = () => hub.registry.getServiceList({ onlyLocal: true }).filter((s: any) => s.name.startsWith("agent-actor.")).length;
		while (deployed() < count) await new Promise(r => setTimeout(r, 20));
		(global as any).gc?.();
		const perActor = (process.memoryUsage().heapUsed - heapBefore) / count;
		console.log(`  memory per idle actor             ${(perActor / 1024).toFixed(1)} KiB (heap, agent record included${(global as any).gc ? "" : ", no --expose-gc"})`);
		const joinStart = Date.now();
		watcher = new ServiceBroker({ namespace: ns2, nodeID: "bench-watcher", transporter: REDIS as any, logger: false });
		await watcher.start();
		const seen = () => watcher!.registry.getServiceList({ onlyAvailable: true }).filter((s: any) => s.name.startsWith("agent-actor.")).length;
		while (seen() < count) await new Promise(r => setTimeout(r, 10));
		console.log(`  a new node sees ${count} actors in     ${Date.now() - joinStart} ms (target < 2,000 ms)`);
	} finally {
		await watcher?.stop();
		await stopBroker(hub);
		await closeSharedRedis();
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
}
