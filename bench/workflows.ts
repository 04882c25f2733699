import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ServiceBroker } from "moleculer";
import { createBroker, stopBroker } from "../lib/broker";
import { loadConfig, type Config } from "../lib/config";
import type { Principal } from "../lib/principal";
import { closeSharedRedis } from "../lib/redis";

const REDIS = process.env.BENCH_REDIS ?? "redis://127.0.0.1:6379";
const KEY = "fgk_WorkflowsBenchKey_0123456789abcdefghijk".slice(0, 44);
const WARMUP = 30;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (n: number) => `${n.toFixed(2)} ms`;

/** Sequential timings of several workloads, interleaved so that each sees the same machine load. */
async function interleaved(times: number, work: ((i: number) => Promise<void>)[]): Promise<number[][]> {
	const out: number[][] = work.map(() => []);
	for (let i = 0; i < times + WARMUP; i++) {
		for (let w = 0; w < work.length; w++) {
			const start = process.hrtime.bigint();
			await work[w](i);
			if (i >= WARMUP) out[w].push(Number(process.hrtime.bigint() - start) / 1e6);
		}
	}
	return out.map(t => t.sort((a, b) => a - b));
}

async function setup(broker: ServiceBroker) {
	const principal: Principal = await broker.call("auth.authenticate", { token: KEY });
	const meta = { principal };
	const agent: any = await broker.call("agents.createAgent", { name: "bench-wf-agent", model: "mock-echo" }, { meta });
	for (const target_state of ["testing", "active"]) await broker.call("lifecycle.promote", { agent_id: agent.id, target_state }, { meta });
	const create = (name: string, length: number) =>
		broker.call(
			"workflows.createWorkflow",
			{
				name,
				steps: Array.from({ length }, (_, i) => ({ id: `s${i}`, agent_id: agent.id, depends_on: i ? [`s${i - 1}`] : [], input_template: i ? `{{steps.s${i - 1}.output}}` : "{{input}}" }))
			},
			{ meta }
		) as Promise<any>;
	return { meta, agentId: agent.id as string, single: await create("bench-single", 1), chain: await create("bench-chain", 10) };
}

/**
 * Workflow step overhead: what an execution adds per step (accept and persist the execution, hand it
 * to a workflow-run actor, journal each step three times, render templates, finish) over a bare
 * agent run of the same agent, both measured sequentially in the same process.
 */
async function node(overrides: Partial<Config>): Promise<ServiceBroker> {
	const config = loadConfig({ LOG_LEVEL: "error", FLUXGATE_BOOTSTRAP_KEY: KEY, FLUXGATE_ACTOR_CONCURRENCY: "64", FLUXGATE_STORE: "memory" }, { port: 0, rateLimitPerMinute: 100_000_000, ...overrides });
	const broker = createBroker(config);
	await broker.start();
	return broker;
}

/** Bare runs, then 1-step and 10-step executions of the same agent, all started from `caller`. */
async function measure(label: string, caller: ServiceBroker, fixtures: Awaited<ReturnType<typeof setup>>, runs: number): Promise<void> {
	const { meta, agentId, single, chain } = fixtures;
	const execute = async (workflowId: string, input: string) => {
		const done: any = await caller.call("workflows.execute", { workflow_id: workflowId, input, wait: true }, { meta });
		if (done.status !== "completed") throw new Error(`execution ended ${done.status}`);
	};
	const bareRun = async (i: number) => {
		const run: any = await caller.call("runtime.execute", { agent_id: agentId, input: `bare ${i}` }, { meta });
		if (run.status !== "completed") throw new Error(`run ended ${run.status}`);
	};
	const [bare, one, ten] = await interleaved(runs, [bareRun, i => execute(single.id, `one ${i}`), i => execute(chain.id, `chain ${i}`)]);
	const bareP50 = percentile(bare, 50);
	console.log(`  ${label}`);
	console.log(`    bare agent run (baseline)        p50 ${ms(bareP50)}  p99 ${ms(percentile(bare, 99))}`);
	console.log(`    1-step execution                 p50 ${ms(percentile(one, 50))}  p99 ${ms(percentile(one, 99))}`);
	console.log(`    10-step chain execution          p50 ${ms(percentile(ten, 50))}  p99 ${ms(percentile(ten, 99))}`);
	console.log(`    step overhead, 1-step workflow   p50 ${ms(percentile(one, 50) - bareP50)}  (target p50 < 3 ms per step)`);
	console.log(`    step overhead, 10-step chain     p50 ${ms((percentile(ten, 50) - 10 * bareP50) / 10)} per step  (target p50 < 3 ms per step)`);
}

export async function workflowsBench(): Promise<void> {
	console.log("workflows: mock-echo agent; bare runs, 1-step and 10-step executions interleaved; overhead = execution p50 minus bare-run p50 per step");
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fluxgate-bench-wf-"));
	const single = await node({ storeKind: "nedb", dataDir });
	try {
		await measure("one process, embedded store (NeDB files)", single, await setup(single), 150);
	} finally {
		await stopBroker(single);
		fs.rmSync(dataDir, { recursive: true, force: true });
	}

	// A data node (workflows, runtime, agents, ...) and a runtime node (agent actors, workflow-run actors) over Redis.
	const namespace = `bench-wf-${process.pid}`;
	const data = await node({ transporter: REDIS, namespace, nodeId: "bench-wf-data", services: ["api", "admin", "rbac", "auth", "audit", "agents", "lifecycle", "providers", "secrets", "tools", "runtime", "workflows"] });
	const runtime = await node({ transporter: REDIS, namespace, nodeId: "bench-wf-runtime", services: ["actors", "workflow-runner"] });
	try {
		const fixtures = await setup(data);
		await data.waitForServices([`agent-actor.${fixtures.agentId}`, "workflow-runner"], 10_000);
		await measure("data node + runtime node over Redis", data, fixtures, 80);
	} finally {
		await stopBroker(runtime);
		await stopBroker(data);
		await closeSharedRedis();
	}
}
