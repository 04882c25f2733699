import type { ServiceBroker } from "moleculer";
import request from "supertest";
import { observer, REDIS_URL, startGateway, startNode, stopNode, uniqueNamespace, until, type NodeProcess } from "../helpers/cluster";

const KEY = "fgk_AnalyticsClusterKey_0123456789abcdefgh".slice(0, 44);
const auth = { Authorization: `Bearer ${KEY}` };
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * Three processes over the real Redis transporter: a gateway with the data services, a runtime node
 * running the agent actors, and an insight node running analytics and intelligence, started late.
 * Runs that ended before it was up are caught up by its sweep; later run events cross the bus to
 * it; duplicate deliveries are counted once.
 */
describe("analytics and intelligence on their own node over Redis", () => {
	const namespace = uniqueNamespace("analytics");
	const common = { TRANSPORTER: REDIS_URL, NAMESPACE: namespace };
	let gateway: NodeProcess;
	let runtime: NodeProcess;
	let insight: NodeProcess;
	let watcher: ServiceBroker;
	let http: ReturnType<typeof request>;

	beforeAll(async () => {
		gateway = await startGateway(common, KEY, ["governance", "budgets"]);
		runtime = await startNode({ ...common, NODE_ID: "runtime", SERVICES: "actors" });
		http = request(`http://127.0.0.1:${gateway.port}`);
		watcher = await observer(namespace);
	}, 120_000);

	afterAll(async () => {
		await watcher?.stop();
		await Promise.all([stopNode(runtime), stopNode(insight), stopNode(gateway)]);
	});

	test("runs that ended before any analytics node was up are caught up; later runs are rolled up once; scores feed analytics", async () => {
		const agent = (await http.post("/api/v1/agents").set(auth).send({ name: "cluster-stats", model: "mock-echo" }).expect(201)).body;
		for (const target_state of ["testing", "active"]) await http.post(`/api/v1/lifecycle/${agent.id}/promote`).set(auth).send({ target_state }).expect(200);
		await until(async () => (await http.post("/api/v1/runtime/execute").set(auth).send({ agent_id: agent.id, input: "warm up" })).body.status === "completed", 30_000, "the actor to answer");
		await http.post("/api/v1/runtime/execute").set(auth).send({ agent_id: agent.id, input: "before analytics" }).expect(200);
		// No analytics node yet: these end events reach nobody.
		expect((await http.get("/api/v1/analytics/dashboard").set(auth)).status).toBe(404);

		const early = (await http.get(`/api/v1/runtime/runs?agent_id=${agent.id}`).set(auth)).body.items as any[];
		insight = await startNode({ ...common, NODE_ID: "insight", SERVICES: "analytics,intelligence" });
		const view = () => http.get(`/api/v1/analytics/agents/${agent.id}`).set(auth);
		await until(async () => (await view()).body.runs === early.length, 30_000, "the catch-up sweep of the insight node");
		expect((await view()).body).toMatchObject({ runs: early.length, completed: early.filter(r => r.status === "completed").length });

		for (const input of ["first clustered answer", "FAIL", "SLEEP 50\nthird one"]) await http.post("/api/v1/runtime/execute").set(auth).send({ agent_id: agent.id, input }).expect(200);
		const runs = (await http.get(`/api/v1/runtime/runs?agent_id=${agent.id}`).set(auth)).body.items as any[];
		expect(runs).toHaveLength(early.length + 3);
		const count = (status: string) => runs.filter(r => r.status === status).length;
		const finished = runs.filter(r => r.status === "completed" || r.status === "failed");
		const expected = {
			runs: runs.length,
			completed: count("completed"),
			failed: count("failed"),
			tokens_input: runs.reduce((s, r) => s + r.tokens_input, 0),
			tokens_output: runs.reduce((s, r) => s + r.tokens_output, 0),
			cost_usd: round6(runs.reduce((s, r) => s + r.cost_usd, 0)),
			avg_latency_ms: Math.round(finished.reduce((s, r) => s + r.latency_ms, 0) / finished.length)
		};
		await until(async () => (await view()).body.runs === runs.length && (await view()).body.failed === 1, 20_000, "the rollups on the insight node");
		expect((await view()).body).toMatchObject(expected);

		// The same end event delivered again over the bus (a transporter redelivery) changes nothing.
		const done = runs.find(r => r.status === "completed");
		await watcher.broadcast("run.completed", { org_id: done.org_id, run: done });
		await watcher.broadcast("run.completed", { org_id: done.org_id, run: done });
		await new Promise(r => setTimeout(r, 1000));
		expect((await view()).body).toMatchObject(expected);

		// Intelligence on the insight node reads the run from the gateway's runtime and feeds analytics.
		const evaluation = await http.post("/api/v1/intelligence/evaluate").set(auth).send({ run_id: done.id });
		expect(evaluation.status).toBe(201);
		expect((await view()).body.avg_quality_score).toBe(evaluation.body.score);
		expect((await http.get("/api/v1/analytics/dashboard").set(auth)).body).toMatchObject({ total_runs: runs.length, completed_runs: count("completed"), failed_runs: 1 });
	}, 120_000);
});
