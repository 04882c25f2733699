import Redis from "ioredis";
import request from "supertest";
import { REDIS_URL, startGateway, startNode, stopNode, uniqueNamespace, until, type NodeProcess } from "../helpers/cluster";

const KEY = "fgk_SchedulesMultiNodeKey_0123456789abcdefgh".slice(0, 44);
const auth = { Authorization: `Bearer ${KEY}` };
const INTERVAL_MS = 10_000;

/**
 * A gateway + data node (schedules service, embedded store) and two scheduler nodes (scheduler and
 * agent actors) over the real Redis. Both schedulers arm every tick; each tick must create exactly
 * one run, also after the node that was winning the claims is killed.
 */
describe("schedule ticks across scheduler nodes over Redis", () => {
	const namespace = uniqueNamespace("schedules");
	const nodes: Record<string, NodeProcess> = {};
	let http: ReturnType<typeof request>;
	let redis: Redis;
	const common = { TRANSPORTER: REDIS_URL, NAMESPACE: namespace };

	beforeAll(async () => {
		nodes.gateway = await startGateway(common, KEY, ["schedules"]);
		[nodes["scheduler-a"], nodes["scheduler-b"]] = await Promise.all(
			["scheduler-a", "scheduler-b"].map(NODE_ID => startNode({ ...common, NODE_ID, SERVICES: "scheduler,actors" }))
		);
		http = request(`http://127.0.0.1:${nodes.gateway.port}`);
		redis = new Redis(REDIS_URL);
	}, 120_000);

	afterAll(async () => {
		await Promise.all(Object.values(nodes).map(node => stopNode(node)));
		await redis?.quit();
	});

	/** Every claimed tick of the schedule: tick time → the node that claimed it. */
	async function claims(scheduleId: string): Promise<Map<number, string>> {
		const keys = await redis.keys(`${namespace}:schedule-tick:${scheduleId}:*`);
		const owners = keys.length ? await redis.mget(...keys) : [];
		return new Map(keys.map((key, i) => [Number(key.split(":").pop()), String(owners[i]).split("@")[0]]));
	}

	const runsOf = async (scheduleId: string): Promise<any[]> =>
		(await http.get(`/api/v1/schedules/${scheduleId}/runs?limit=200&order=asc`).set(auth).expect(200)).body.items;

	/** Exactly one run per claimed tick, the ticks on the schedule's 10 s grid with none left out. */
	function expectOneRunPerTick(first: number, ticks: Map<number, string>, runs: any[]) {
		const times = [...ticks.keys()].sort((a, b) => a - b);
		expect(times).toEqual(times.map((_, i) => first + i * INTERVAL_MS));
		expect(runs).toHaveLength(times.length);
		for (const [i, run] of runs.entries()) {
			expect(run).toMatchObject({ trigger: "schedule" });
			// A run is created after its tick (ticks may fire late, never early).
			expect(Date.parse(run.created_at)).toBeGreaterThanOrEqual(times[i]);
		}
	}

	test("each tick fires once whatever the number of schedulers, and keeps firing when one is killed", async () => {
		const agent = (await http.post("/api/v1/agents").set(auth).send({ name: "scheduled-agent", model: "mock-echo", memory_enabled: false }).expect(201)).body;
		for (const target_state of ["testing", "active"]) await http.post(`/api/v1/lifecycle/${agent.id}/promote`).set(auth).send({ target_state }).expect(200);
		await until(async () => {
			const workers = (await http.get("/api/v1/admin/workers").set(auth)).body.items as any[];
			return workers.filter(w => w.services.includes("scheduler")).length === 2;
		}, 15_000, "both scheduler nodes registered");

		const schedule = (await http.post("/api/v1/schedules").set(auth).send({ agent_id: agent.id, name: "Every ten seconds", interval_seconds: 10, input: "tick" }).expect(201)).body;
		const first = Date.parse(schedule.next_run_at);

		const before = await until(async () => {
			const ticks = await claims(schedule.id);
			return ticks.size >= 4 ? ticks : null;
		}, 90_000, "four ticks");
		await until(async () => (await runsOf(schedule.id)).length >= before.size, 15_000, "the runs of four ticks");
		// Kill the node that claimed the latest tick, right after it fired (the next tick is ~10 s away).
		const latest = Math.max(...before.keys());
		const victim = before.get(latest) as string;
		expect(["scheduler-a", "scheduler-b"]).toContain(victim);
		const survivor = victim === "scheduler-a" ? "scheduler-b" : "scheduler-a";
		await stopNode(nodes[victim], "SIGKILL");
		const killedAt = Date.now();

		const after = await until(async () => {
			const ticks = await claims(schedule.id);
			return [...ticks.keys()].filter(t => t > killedAt).length >= 3 ? ticks : null;
		}, 90_000, "three ticks after the kill");
		await until(async () => (await runsOf(schedule.id)).length >= after.size, 15_000, "the runs of every tick");
		const current = (await http.get(`/api/v1/schedules/${schedule.id}`).set(auth).expect(200)).body;
		expect(Date.parse(current.next_run_at)).toBe(Math.max(...after.keys()) + INTERVAL_MS);
		// Stop the schedule between two ticks, then give a duplicate run the time to show up: none may.
		await http.put(`/api/v1/schedules/${schedule.id}`).set(auth).send({ enabled: false }).expect(200);
		await new Promise(r => setTimeout(r, 3000));
		const ticks = await claims(schedule.id);
		const runs = await runsOf(schedule.id);
		expectOneRunPerTick(first, ticks, runs);
		for (const [tick, owner] of ticks) if (tick > killedAt) expect(owner).toBe(survivor);
		expect((await http.get(`/api/v1/schedules/${schedule.id}`).set(auth)).body.run_count).toBe(runs.length);
		await until(async () => (await http.get(`/api/v1/schedules/${schedule.id}`).set(auth)).body.last_status === "completed", 30_000, "last run completed");
	}, 240_000);
});
