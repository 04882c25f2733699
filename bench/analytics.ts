import type { ServiceBroker } from "moleculer";
import { createBroker, stopBroker } from "../lib/broker";
import { loadConfig } from "../lib/config";
import { platformOf } from "../lib/platform";
import type { Principal } from "../lib/principal";

const KEY = "fgk_AnalyticsBenchKey_0123456789abcdefghijk".slice(0, 44);
const SIZES = [1_000, 10_000, 100_000];
const DAY_MS = 86_400_000;
const AGENTS = 10;
const HOURS = 144;
/** Every size covers the same agent × hour slots (6 days, 10 agents), so the rollup documents read are the same. */
const SLOTS = AGENTS * HOURS;
const STATUSES = ["completed", "completed", "completed", "completed", "completed", "completed", "completed", "failed", "blocked", "cancelled"];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (n: number) => `${n.toFixed(2).padStart(8)} ms`;

async function timed(times: number, fn: () => Promise<unknown>): Promise<number> {
	const samples: number[] = [];
	for (let i = 0; i < times; i++) {
		const start = process.hrtime.bigint();
		await fn();
		samples.push(Number(process.hrtime.bigint() - start) / 1e6);
	}
	return median(samples);
}

/** A finished run of one of the last 144 hours as the runtime would announce it. */
function fakeRun(orgId: string, i: number, now: number) {
	const status = STATUSES[i % STATUSES.length];
	return {
		id: `run_bench${i}`,
		org_id: orgId,
		agent_id: `agt_bench${i % AGENTS}`,
		mode: "production",
		model: "mock-echo",
		trigger: "api",
		status,
		created_at: new Date(now - (Math.floor((i % SLOTS) / AGENTS) + 1) * 3_600_000 + (i % 3_600_000)).toISOString(),
		tokens_input: 20 + (i % 50),
		tokens_output: 10 + (i % 30),
		cost_usd: (i % 100) / 10_000,
		savings_usd: 0,
		latency_ms: status === "blocked" ? 0 : 50 + ((i * 31) % 3000),
		error: status === "failed" ? { code: "PROVIDER_ERROR", message: "x" } : null
	};
}

/** The per-request alternative the rollups replace: read every run of the window and add it up. */
async function scanDashboard(runs: { find(filter: object): Promise<any[]> }, start: string, end: string) {
	const found = await runs.find({ created_at: { $gte: start, $lt: end } });
	const totals = { runs: 0, completed: 0, failed: 0, blocked: 0, cancelled: 0, tokens_input: 0, tokens_output: 0, cost: 0, latency: [] as number[] };
	for (const r of found) {
		totals.runs++;
		(totals as any)[r.status]++;
		totals.tokens_input += r.tokens_input;
		totals.tokens_output += r.tokens_output;
		totals.cost += r.cost_usd;
		if (r.status === "completed" || r.status === "failed") totals.latency.push(r.latency_ms);
	}
	totals.latency.sort((a, b) => a - b);
	return { ...totals, p95: totals.latency[Math.ceil(totals.latency.length * 0.95) - 1] };
}

/**
 * Dashboard read latency at 1k, 10k and 100k runs in the window: the rollup read (through the real
 * action, runs fed through the same path their end events take) next to a scan of the same runs.
 */
export async function analyticsBench(): Promise<void> {
	const config = loadConfig(
		{ LOG_LEVEL: "error", FLUXGATE_STORE: "memory", FLUXGATE_BOOTSTRAP_KEY: KEY },
		{ port: 0, services: ["admin", "rbac", "auth", "agents", "governance", "analytics"] }
	);
	const broker: ServiceBroker = createBroker(config);
	await broker.start();
	try {
		const principal: Principal = await broker.call("auth.authenticate", { token: KEY });
		const orgId = principal.org_id;
		const runs = (await platformOf(broker).store.repository("bench_scan_runs", [{ fields: ["created_at"] }])).forOrg(orgId);
		const now = Date.now();
		const start = new Date(now - 7 * DAY_MS).toISOString();
		const end = new Date(now + 1000).toISOString();
		console.log("analytics: dashboard read over a 7-day window (memory store, 10 agents × 144 hours); rollups vs a scan of the runs");
		let seeded = 0;
		for (const size of SIZES) {
			const seedStart = Date.now();
			for (; seeded < size; seeded += 100) {
				const batch = Array.from({ length: 100 }, (_, k) => fakeRun(orgId, seeded + k, now));
				await Promise.all(batch.map(run => broker.call("analytics.recordRun", { run, steps: [] })));
				for (const run of batch) await runs.insert(run);
			}
			const seedMs = Date.now() - seedStart;
			const dashboard: any = await broker.call("analytics.dashboard", { start, end }, { meta: { principal } });
			if (dashboard.total_runs !== size) throw new Error(`dashboard counts ${dashboard.total_runs} runs, expected ${size}`);
			const rollup = await timed(size >= 100_000 ? 30 : 100, () => broker.call("analytics.dashboard", { start, end }, { meta: { principal } }));
			const scan = await timed(size >= 100_000 ? 5 : 20, () => scanDashboard(runs, start, end));
			const docs = await (broker.getLocalService("analytics") as any).repos.analytics_rollups.forOrg(orgId).count();
			console.log(
				`  ${String(size).padStart(7)} runs  rollup read p50 ${ms(rollup)}  scan p50 ${ms(scan)}  scan/rollup ${(scan / rollup).toFixed(1).padStart(6)}x  ` +
					`(${docs} rollup docs; fed ${size - (SIZES[SIZES.indexOf(size) - 1] ?? 0)} runs in ${seedMs} ms)`
			);
		}
	} finally {
		await stopBroker(broker);
	}
}
