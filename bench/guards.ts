import type { ServiceBroker } from "moleculer";
import { createBroker, stopBroker } from "../lib/broker";
import { loadConfig } from "../lib/config";
import type { Principal } from "../lib/principal";
import { SERVICE_SCHEMAS } from "../services";

const KEY = "fgk_GuardsBenchKey_0123456789abcdefghijklmn".slice(0, 44);
const RUNS = Number(process.env.BENCH_GUARD_RUNS ?? 400);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

type Setup = (broker: ServiceBroker, meta: { principal: Principal }, agentId: string) => Promise<void>;

/** Run overhead (p50/p99) of sequential mock runs on one in-process node with the given services and setup. */
async function measure(services: string[], setup: Setup): Promise<{ p50: number; p99: number }> {
	const config = loadConfig({ LOG_LEVEL: "error", FLUXGATE_STORE: "memory", FLUXGATE_BOOTSTRAP_KEY: KEY }, { port: 0, services, rateLimitPerMinute: 100_000_000 });
	const broker = createBroker(config);
	await broker.start();
	try {
		const principal: Principal = await broker.call("auth.authenticate", { token: KEY });
		const meta = { principal };
		const agent: any = await broker.call("agents.createAgent", { name: "guarded", model: "mock-echo" }, { meta });
		for (const target_state of ["testing", "active"]) await broker.call("lifecycle.promote", { agent_id: agent.id, target_state }, { meta });
		await setup(broker, meta, agent.id);
		const times: number[] = [];
		for (let i = 0; i < RUNS + 50; i++) {
			const start = process.hrtime.bigint();
			const run: any = await broker.call("runtime.execute", { agent_id: agent.id, input: `guarded run ${i}` }, { meta });
			if (run.status !== "completed") throw new Error(`run ended ${run.status}: ${JSON.stringify(run.error)}`);
			if (i >= 50) times.push(Number(process.hrtime.bigint() - start) / 1e6);
		}
		times.sort((a, b) => a - b);
		return { p50: percentile(times, 50), p99: percentile(times, 99) };
	} finally {
		await stopBroker(broker);
	}
}

/** What each guard adds to a run's control-plane overhead, against the same run with no guard deployed. */
export async function guardsBench(): Promise<void> {
	const all = Object.keys(SERVICE_SCHEMAS);
	const core = all.filter(s => !["governance", "budgets", "cost"].includes(s));
	const none: Setup = async () => undefined;
	const scenarios: [string, string[], Setup][] = [
		["no guard modules deployed", core, none],
		["guard modules deployed, nothing configured", all, none],
		[
			"+ governance: content filters and a token limit",
			all,
			async (b, meta, agentId) => {
				await b.call("governance.createPolicy", {
					name: "bench policy",
					agent_id: agentId,
					rules: [
						{ type: "content_filter", block_patterns: ["forbidden-word"], action: "block" },
						{ type: "token_limit", max_tokens_per_run: 1_000_000 }
					]
				}, { meta });
			}
		],
		[
			"+ budgets: a block budget (reserve and settle per call)",
			all,
			async (b, meta) => {
				await b.call("budgets.createBudget", { name: "bench budget", period: "monthly", limit_usd: 1_000_000, action_on_exceed: "block" }, { meta });
			}
		],
		[
			"+ cost: a matching routing rule",
			all,
			async (b, meta) => {
				await b.call("cost.createRule", { name: "bench rule", condition: { models: ["mock-echo"] }, target_model: "mock-tools" }, { meta });
			}
		]
	];
	console.log(`guards: ${RUNS} sequential mock runs per scenario, one process, in-memory store`);
	let baseline = 0;
	for (const [label, services, setup] of scenarios) {
		const m = await measure(services, setup);
		if (!baseline) baseline = m.p50;
		const delta = m.p50 - baseline;
		console.log(`  ${label.padEnd(58)} p50 ${m.p50.toFixed(2)} ms  p99 ${m.p99.toFixed(2)} ms  (${delta >= 0 ? "+" : ""}${delta.toFixed(2)} ms vs no guards)`);
	}
}
