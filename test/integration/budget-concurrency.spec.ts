import request from "supertest";
import { SERVICE_SCHEMAS } from "../../services";
import { REDIS_URL, startNode, stopNode, uniqueNamespace, until, type NodeProcess } from "../helpers/cluster";

const KEY = "fgk_BudgetRaceOwnerKey_0123456789abcdefghij".slice(0, 44);
const auth = { Authorization: `Bearer ${KEY}` };
const RUNS = 50;
const COST_PER_RUN = 0.02;
const LIMIT = 0.2;

/**
 * A gateway process (every data-owning service, budgets and cost included, embedded store) and two
 * runtime node processes (agent actors only) over the real Redis transporter: many runs reserve
 * against one `block` budget at the same moment from both runtime nodes.
 */
describe("a block budget under concurrent runs on two runtime nodes", () => {
	const namespace = uniqueNamespace("budget-race");
	let gateway: NodeProcess;
	let runtimeA: NodeProcess;
	let runtimeB: NodeProcess;
	let http: ReturnType<typeof request>;

	beforeAll(async () => {
		const common = { TRANSPORTER: REDIS_URL, NAMESPACE: namespace };
		const dataServices = Object.keys(SERVICE_SCHEMAS).filter(name => name !== "actors");
		gateway = await startNode({ ...common, NODE_ID: "gateway", FLUXGATE_BOOTSTRAP_KEY: KEY, SERVICES: dataServices.join(",") });
		[runtimeA, runtimeB] = await Promise.all([
			startNode({ ...common, NODE_ID: "runtime-a", SERVICES: "actors" }),
			startNode({ ...common, NODE_ID: "runtime-b", SERVICES: "actors" })
		]);
		http = request(`http://127.0.0.1:${gateway.port}`);
	}, 90_000);

	afterAll(async () => {
		await Promise.all([stopNode(runtimeA), stopNode(runtimeB), stopNode(gateway)]);
	});

	test(`${RUNS} runs at once never spend past the limit, and every cent is counted once`, async () => {
		expect((await http.put("/api/v1/providers/models/mock-echo").set(auth).send({ input_price_per_1k_usd: 1, output_price_per_1k_usd: 1 })).status).toBe(200);
		// 40 characters in and out: 10 tokens each way, 0.02 USD per run, and max_tokens makes the reserved worst case the same.
		const agent = (await http.post("/api/v1/agents").set(auth).send({ name: "race-agent", model: "mock-echo", max_tokens: 10, memory_enabled: false }).expect(201)).body;
		for (const target_state of ["testing", "active"]) await http.post(`/api/v1/lifecycle/${agent.id}/promote`).set(auth).send({ target_state }).expect(200);
		const budget = (await http.post("/api/v1/budgets").set(auth).send({ name: "race budget", agent_id: agent.id, period: "daily", limit_usd: LIMIT }).expect(201)).body;
		const actor = `agent-actor.${agent.id}`;
		await until(async () => {
			const workers = (await http.get("/api/v1/admin/workers").set(auth)).body.items as any[];
			return workers.filter(w => w.services.includes(actor)).length === 2;
		}, 15_000, "the actor on both runtime nodes");

		const input = (i: number) => `concurrent run ${String(i).padStart(2, "0")} `.padEnd(40, ".");
		const answers = await Promise.all(Array.from({ length: RUNS }, (_, i) => http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: agent.id, input: input(i) })));
		for (const res of answers) {
			expect([202, 409]).toContain(res.status);
			if (res.status === 409) expect(res.body.error).toMatchObject({ code: "BUDGET_EXCEEDED", details: { run_id: expect.any(String), budget_id: budget.id } });
		}

		const runs = await until(async () => {
			const page = (await http.get(`/api/v1/runtime/runs?agent_id=${agent.id}&limit=200`).set(auth)).body;
			return page.total === RUNS && page.items.every((r: any) => ["completed", "blocked", "failed"].includes(r.status)) ? (page.items as any[]) : null;
		}, 30_000, "every run to end");

		const completed = runs.filter(r => r.status === "completed");
		const refused = runs.filter(r => r.status !== "completed");
		for (const run of refused) expect(run).toMatchObject({ status: "blocked", error: { code: "BUDGET_EXCEEDED" }, cost_usd: 0 });
		for (const run of completed) expect(run.cost_usd).toBe(COST_PER_RUN);
		// The refused ones: 409 at acceptance (stored blocked) or blocked at their model call.
		const refusedAtAcceptance = answers.filter(r => r.status === 409).map(r => r.body.error.details.run_id);
		expect(refused.map(r => r.id)).toEqual(expect.arrayContaining(refusedAtAcceptance));

		const spent = Math.round(runs.reduce((s, r) => s + r.cost_usd, 0) * 1e6) / 1e6;
		const usage = (await http.get(`/api/v1/budgets/${budget.id}/usage`).set(auth)).body;
		expect(spent).toBeLessThanOrEqual(LIMIT);
		expect(usage.used_usd).toBeLessThanOrEqual(LIMIT);
		expect(usage.used_usd).toBe(spent);
		expect(usage.reserved_usd).toBe(0);
		// Each reservation equals its run's cost, so exactly what the limit affords was spent.
		expect(completed).toHaveLength(Math.round(LIMIT / COST_PER_RUN));
		expect(usage).toMatchObject({ remaining_usd: 0, percentage_used: 100 });
	}, 120_000);
});
