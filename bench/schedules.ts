import type { ChildProcess } from "node:child_process";
import { closeSharedRedis, sharedRedis } from "../lib/redis";
import { startServer } from "./harness";

const REDIS = process.env.BENCH_REDIS ?? "redis://127.0.0.1:6379";
const KEY = "fgk_SchedulesBenchKey_0123456789abcdefghijk".slice(0, 44);
const SCHEDULES = Number(process.env.BENCH_SCHEDULES ?? 50);
const TICKS = Number(process.env.BENCH_TICKS ?? 3);
const INTERVAL_S = 10;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (n: number) => `${n.toFixed(1)} ms`;

const DATA_SERVICES = "api,admin,rbac,auth,audit,agents,lifecycle,providers,secrets,tools,budgets,governance,cost,runtime,actors,schedules,scheduler";

async function api(port: number, method: string, path: string, body?: unknown): Promise<any> {
	const res = await fetch(`http://127.0.0.1:${port}/api/v1${path}`, {
		method,
		headers: { Authorization: `Bearer ${KEY}`, ...(body ? { "Content-Type": "application/json" } : {}) },
		body: body ? JSON.stringify(body) : undefined
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
	return text ? JSON.parse(text) : null;
}

/** Bare setTimeout jitter in this process, armed for the same instants as the schedules' ticks. */
function timerJitter(targets: number[]): Promise<number[]> {
	return Promise.all(targets.map(at => new Promise<number>(resolve => setTimeout(() => resolve(Date.now() - at), Math.max(0, at - Date.now())))));
}

/**
 * Tick jitter across three nodes that all run the scheduler, over Redis: the time from a tick's
 * scheduled instant to its claim and to its run being persisted, and how many runs each tick created.
 */
export async function schedulesBench(): Promise<void> {
	const namespace = `bench-schedules-${process.pid}`;
	const env = (nodeId: string, services: string) => ({ TRANSPORTER: REDIS, NAMESPACE: namespace, NODE_ID: nodeId, SERVICES: services, FLUXGATE_BOOTSTRAP_KEY: KEY });
	const children: ChildProcess[] = [];
	try {
		const data = await startServer("fluxgate.ts", env("bench-sched-a", DATA_SERVICES));
		children.push(data.child);
		// Every node of this cluster runs the scheduler; the other two also host agent actors and a gateway.
		for (const id of ["bench-sched-b", "bench-sched-c"]) children.push((await startServer("fluxgate.ts", env(id, "api,scheduler,actors"))).child);
		const port = data.port;
		const agent = await api(port, "POST", "/agents", { name: "bench-scheduled", model: "mock-echo", memory_enabled: false });
		for (const target_state of ["testing", "active"]) await api(port, "POST", `/lifecycle/${agent.id}/promote`, { target_state });
		for (;;) {
			const workers = (await api(port, "GET", "/admin/workers")).items as any[];
			if (workers.filter(w => w.services.includes("scheduler")).length === 3) break;
			await new Promise(r => setTimeout(r, 200));
		}

		const schedules: any[] = [];
		for (let i = 0; i < SCHEDULES; i++) {
			schedules.push(await api(port, "POST", "/schedules", { agent_id: agent.id, name: `bench ${i}`, interval_seconds: INTERVAL_S, input: `tick ${i}` }));
		}
		const ticksOf = (s: any) => Array.from({ length: TICKS }, (_, k) => Date.parse(s.next_run_at) + k * INTERVAL_S * 1000);
		console.log(`schedules: ${SCHEDULES} interval schedules (${INTERVAL_S} s) x ${TICKS} ticks, 3 node processes all running the scheduler, over Redis`);
		const baseline = timerJitter(schedules.flatMap(ticksOf));
		const lastTick = Math.max(...schedules.flatMap(ticksOf));
		await new Promise(r => setTimeout(r, lastTick - Date.now() + 3000));
		for (const s of schedules) await api(port, "PUT", `/schedules/${s.id}`, { enabled: false });

		const redis = sharedRedis(REDIS);
		const claimDelay: number[] = [];
		const jitter: number[] = [];
		const firesPerTick: number[] = [];
		for (const s of schedules) {
			const keys = await redis.keys(`${namespace}:schedule-tick:${s.id}:*`);
			const values = keys.length ? await redis.mget(...keys) : [];
			keys.forEach((key, i) => claimDelay.push(Number(String(values[i]).split("@")[1]) - Number(key.split(":").pop())));
			const runs = (await api(port, "GET", `/schedules/${s.id}/runs?limit=200&order=asc`)).items as any[];
			const ticks = ticksOf(s);
			const fires = ticks.map(() => 0);
			for (const run of runs) {
				const created = Date.parse(run.created_at);
				// A run belongs to the latest tick at or before its creation.
				const k = ticks.filter(t => t <= created).length - 1;
				if (k < 0) throw new Error(`run ${run.id} was created before the schedule's first tick`);
				fires[k]++;
				jitter.push(created - ticks[k]);
			}
			firesPerTick.push(...fires);
		}
		jitter.sort((a, b) => a - b);
		claimDelay.sort((a, b) => a - b);
		const timers = (await baseline).sort((a, b) => a - b);
		console.log(`  bare setTimeout jitter (baseline)  p50 ${ms(percentile(timers, 50))}  p99 ${ms(percentile(timers, 99))}  max ${ms(timers[timers.length - 1])}`);
		console.log(`  tick → claimed (scheduler jitter)  p50 ${ms(percentile(claimDelay, 50))}  p99 ${ms(percentile(claimDelay, 99))}  max ${ms(claimDelay[claimDelay.length - 1])}  (target p99 < 250 ms)`);
		console.log(`  tick → persisted run               p50 ${ms(percentile(jitter, 50))}  p99 ${ms(percentile(jitter, 99))}  max ${ms(jitter[jitter.length - 1])}`);
		console.log(`  fires per tick                     min ${Math.min(...firesPerTick)}  max ${Math.max(...firesPerTick)}  over ${firesPerTick.length} ticks (target exactly 1)`);
	} finally {
		for (const child of children) child.kill("SIGTERM");
		await closeSharedRedis();
	}
}
