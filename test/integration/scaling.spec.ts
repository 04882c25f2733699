import { bearer, startApp, type TestApp } from "../helpers/app";
import { createOrgWithOwner, keyWithRoles, uid } from "../helpers/platform";
import { until } from "../helpers/cluster";

let app: TestApp;
let auth: Record<string, string>;
let other: Record<string, string>;
let viewer: Record<string, string>;

const api = (path: string) => `/api/v1${path}`;
const get = (path: string, who = auth) => app.http.get(api(path)).set(who);
const post = (path: string, body?: object, who = auth) => app.http.post(api(path)).set(who).send(body);
const put = (path: string, body: object, who = auth) => app.http.put(api(path)).set(who).send(body);
const del = (path: string, who = auth) => app.http.delete(api(path)).set(who);

async function activeAgent(): Promise<any> {
	const agent = (await post("/agents", { name: `scaled-${uid()}`, model: "mock-echo" })).body;
	for (const target_state of ["testing", "active"]) await post(`/lifecycle/${agent.id}/promote`, { target_state }).expect(200);
	return agent;
}

const agentMetrics = async (agentId: string) => (await get(`/scaling/metrics?agent_id=${agentId}`)).body.agents[0];

beforeAll(async () => {
	app = await startApp({ scalingIntervalMs: 300 });
	auth = bearer(app.ownerKey);
	other = bearer((await createOrgWithOwner(app)).ownerKey);
	viewer = bearer((await keyWithRoles(app, app.ownerKey, ["viewer"])).key);
});
afterAll(() => app?.stop());

describe("scaling rules (§15 rows 1–5)", () => {
	it("creates with the contract's defaults and refuses inconsistent bounds, unknown agents and taken names", async () => {
		const agent = await activeAgent();
		const created = await post("/scaling/rules", { name: "runtime-worker-scaling", metric: "queue_depth", target_value: 10, min_instances: 1, max_instances: 10, cooldown_seconds: 300, scale_up_step: 2, scale_down_step: 1 });
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({ agent_id: null, scale_down_threshold: 2, enabled: true, description: "", last_scaled_at: null });
		const before = (await get("/scaling/rules")).body.total;
		const cases: [object, string[]][] = [
			[{}, ["metric", "name", "target_value"]],
			[{ name: "x", metric: "gpu", target_value: 0 }, ["metric", "target_value"]],
			[{ name: "x", metric: "cpu_usage", target_value: 80, min_instances: 5, max_instances: 2 }, ["min_instances"]],
			[{ name: "x", metric: "cpu_usage", target_value: 80, scale_down_threshold: 80 }, ["scale_down_threshold"]],
			[{ name: "x", metric: "cpu_usage", target_value: 80, max_instances: 101, cooldown_seconds: -1, scale_up_step: 51 }, ["cooldown_seconds", "max_instances", "scale_up_step"]]
		];
		for (const [body, fields] of cases) {
			const res = await post("/scaling/rules", body);
			expect([res.status, res.body.error.details.map((d: any) => d.field).sort()]).toEqual([400, fields]);
		}
		expect((await post("/scaling/rules", { name: "x", metric: "queue_depth", target_value: 1, agent_id: "agt_missing" })).status).toBe(404);
		expect((await post("/scaling/rules", { name: "runtime-worker-scaling", metric: "queue_depth", target_value: 1 })).body.error.code).toBe("ALREADY_EXISTS");
		expect((await get("/scaling/rules")).body.total).toBe(before);

		const own = (await post("/scaling/rules", { name: `own ${uid()}`, agent_id: agent.id, metric: "latency_p99", target_value: 500 })).body;
		expect((await get(`/scaling/rules?agent_id=${agent.id}&metric=latency_p99`)).body.items.map((r: any) => r.id)).toEqual([own.id]);
		expect((await put(`/scaling/rules/${own.id}`, { scale_down_threshold: 600 })).status).toBe(400);
		expect((await put(`/scaling/rules/${own.id}`, { target_value: 800, scale_down_threshold: 600, enabled: false })).body).toMatchObject({ target_value: 800, scale_down_threshold: 600, enabled: false });
		expect((await get("/scaling/rules?enabled=false")).body.items.map((r: any) => r.id)).toEqual([own.id]);
		expect((await get(`/scaling/rules/${own.id}`, other)).status).toBe(404);
		expect((await put(`/scaling/rules/${own.id}`, { enabled: true }, viewer)).status).toBe(403);
		await del(`/scaling/rules/${own.id}`).expect(204);
		await del(`/scaling/rules/${created.body.id}`).expect(204);
		expect((await get(`/scaling/rules/${own.id}`)).status).toBe(404);
	});
});

describe("the autoscaler (§15 rules, rows 6–7)", () => {
	it("keeps agents without rules at the default replicas and reports live metrics", async () => {
		const agent = await activeAgent();
		const m = await until(async () => {
			const found = await agentMetrics(agent.id);
			return found?.replicas === 4 ? found : null;
		}, 10_000, "the default placement");
		expect(m).toMatchObject({ agent_name: agent.name, min_instances: 4, max_instances: 4, queue_depth: 0, running_runs: 0, rule_ids: [], nodes: [{ node_id: app.broker.nodeID, replicas: 4 }] });
		expect(typeof m.cpu_usage).toBe("number");
		const all = (await get("/scaling/metrics")).body;
		expect(all).toMatchObject({ collected_at: expect.any(String), org: { queue_depth: expect.any(Number), running_runs: expect.any(Number) } });
		expect((await get("/scaling/metrics", other)).body.agents.map((a: any) => a.agent_id)).not.toContain(agent.id);
		expect((await get("/scaling/events", other)).body.total).toBe(0);
	});

	it("scales an agent down while idle and up under queue depth, within bounds, recording every decision", async () => {
		const agent = await activeAgent();
		const rule = (await post("/scaling/rules", { name: `queue ${uid()}`, agent_id: agent.id, metric: "queue_depth", target_value: 2, scale_down_threshold: 1, min_instances: 1, max_instances: 6, cooldown_seconds: 0, scale_up_step: 2, scale_down_step: 3 })).body;
		// Idle: 4 → 1 (down by 3), never below min_instances.
		await until(async () => (await agentMetrics(agent.id))?.replicas === 1, 10_000, "scale down to min_instances");
		for (let i = 0; i < 12; i++) await post("/runtime/runs", { agent_id: agent.id, input: `SLEEP 1500\nrun ${i}` }).expect(202);
		await until(async () => (await agentMetrics(agent.id))?.replicas === 6, 15_000, "scale up to max_instances");
		const events = (await get(`/scaling/events?agent_id=${agent.id}&order=asc`)).body.items;
		expect(events[0]).toMatchObject({ rule_id: rule.id, direction: "down", from_replicas: 4, to_replicas: 1, metric: "queue_depth", metric_value: 0 });
		const ups = events.filter((e: any) => e.direction === "up");
		expect(ups.length).toBeGreaterThanOrEqual(2);
		for (const e of ups) expect(e.to_replicas - e.from_replicas).toBeLessThanOrEqual(2);
		expect(ups.at(-1).to_replicas).toBe(6);
		expect(ups[0].reason).toContain("above the target 2");
		expect((await get(`/scaling/events?agent_id=${agent.id}&direction=up`)).body.total).toBe(ups.length);
		expect((await get(`/scaling/events?rule_id=${rule.id}&created_before=2000-01-01T00:00:00Z`)).body.total).toBe(0);
		expect((await get("/scaling/events?direction=sideways")).status).toBe(400);
		expect((await get(`/scaling/rules/${rule.id}`)).body.last_scaled_at).toEqual(expect.any(String));
		// The queue drains, the agent goes back down.
		await until(async () => (await agentMetrics(agent.id))?.replicas === 1, 30_000, "scale down after the queue drained");
	}, 60_000);
});
