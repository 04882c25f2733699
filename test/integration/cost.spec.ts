import { bearer, startApp, type TestApp } from "../helpers/app";
import { auditEntries, createOrgWithOwner, expectFieldProblems, keyWithRoles, uid } from "../helpers/platform";

let app: TestApp;
let auth: Record<string, string>;
let viewer: Record<string, string>;
let other: Record<string, string>;
let orgId: string;
let agent: any;
let otherAgent: any;

const api = (path: string) => `/api/v1${path}`;
const usd = (x: number) => Math.round(x * 1e6) / 1e6;
const get = (path: string, who = auth) => app.http.get(api(path)).set(who);
const post = (path: string, body?: object, who = auth) => app.http.post(api(path)).set(who).send(body);
const put = (path: string, body: object, who = auth) => app.http.put(api(path)).set(who).send(body);
const del = (path: string, who = auth) => app.http.delete(api(path)).set(who);

async function createRule(body: Record<string, unknown>, who = auth): Promise<any> {
	const res = await post("/cost/rules", { condition: { max_input_tokens: 500 }, target_model: "mock-tools", ...body, name: body.name ?? `Rule ${uid()}` }, who);
	if (res.status !== 201) throw new Error(`create rule answered ${res.status}: ${res.text}`);
	return res.body;
}

async function createAgent(body: Record<string, unknown>, who = auth): Promise<any> {
	const res = await post("/agents", { model: "mock-echo", ...body, name: body.name ?? `agent-${uid()}` }, who);
	if (res.status !== 201) throw new Error(`create agent answered ${res.status}: ${res.text}`);
	return res.body;
}

async function activeAgent(body: Record<string, unknown>): Promise<any> {
	const created = await createAgent(body);
	for (const target_state of ["testing", "active"]) expect((await post(`/lifecycle/${created.id}/promote`, { target_state })).status).toBe(200);
	return created;
}

async function runToEnd(agentId: string, input: string): Promise<any> {
	const res = await post("/runtime/runs", { agent_id: agentId, input, wait: true, timeout_seconds: 30 });
	expect(res.status).toBe(200);
	return res.body;
}

const select = (agentId: string, model: string, estimated_input_tokens: number) =>
	app.broker.call("cost.selectModel", { org_id: orgId, agent_id: agentId, model, estimated_input_tokens }) as Promise<any>;

beforeAll(async () => {
	app = await startApp();
	auth = bearer(app.ownerKey);
	orgId = (await get("/auth/me")).body.org.id;
	viewer = bearer((await keyWithRoles(app, app.ownerKey, ["viewer"])).key);
	other = bearer((await createOrgWithOwner(app)).ownerKey);
	// Runs cost money only with prices: the mock model gets an org price; mock-tools stays free.
	expect((await put("/providers/models/mock-echo", { input_price_per_1k_usd: 1, output_price_per_1k_usd: 1 })).status).toBe(200);
	agent = await createAgent({ tags: ["support", "tier-1"] });
	otherAgent = await createAgent({}, other);
});

afterAll(() => app?.stop());

describe("cost rules CRUD (§11 rows 1–5)", () => {
	it("creates with defaults", async () => {
		const res = await post("/cost/rules", { name: "Small inputs to the free model", condition: { max_input_tokens: 1000, extra: 1 }, target_model: "mock-tools" });
		expect(res.status).toBe(201);
		expect(res.body).toEqual({
			id: expect.any(String),
			org_id: orgId,
			name: "Small inputs to the free model",
			description: "",
			agent_id: null,
			priority: 100,
			condition: { max_input_tokens: 1000 },
			target_model: "mock-tools",
			fallback_model: null,
			enabled: true,
			applied_count: 0,
			savings_usd: 0,
			created_at: expect.any(String),
			updated_at: expect.any(String)
		});
		expect((await get(`/cost/rules/${res.body.id}`)).body).toEqual(res.body);
		const full = await createRule({
			agent_id: agent.id,
			priority: 5,
			description: "all keys",
			fallback_model: "mock-echo",
			enabled: false,
			condition: { max_input_tokens: 10, min_budget_percentage: 50, models: ["mock-echo", "gpt-4o"], agent_tags: ["support"] }
		});
		expect(full).toMatchObject({ agent_id: agent.id, priority: 5, fallback_model: "mock-echo", enabled: false, condition: { models: ["mock-echo", "gpt-4o"] } });
		const [entry] = await auditEntries(app, app.ownerKey, { action: "cost_rule.create", resource_id: res.body.id });
		expect(entry).toMatchObject({ outcome: "success", status_code: 201, resource_type: "cost_rule" });
		await del(`/cost/rules/${res.body.id}`);
		await del(`/cost/rules/${full.id}`);
	});

	it("answers 400 (empty condition, unknown models, ranges) and creates nothing", async () => {
		const before = (await get("/cost/rules")).body.total;
		const base = { name: "bad", target_model: "mock-tools", condition: { max_input_tokens: 5 } };
		const cases: [Record<string, unknown>, string[]][] = [
			[{}, ["name", "condition", "target_model"]],
			[{ ...base, condition: {} }, ["condition"]],
			[{ ...base, condition: { unknown_key: 1 } }, ["condition"]],
			[{ ...base, condition: "small" }, ["condition"]],
			[{ ...base, condition: { max_input_tokens: 0 } }, ["condition.max_input_tokens"]],
			[{ ...base, condition: { min_budget_percentage: 100.5 } }, ["condition.min_budget_percentage"]],
			[{ ...base, condition: { models: [] } }, ["condition.models"]],
			[{ ...base, condition: { max_input_tokens: null } }, ["condition.max_input_tokens"]],
			[{ ...base, target_model: "no-such-model" }, ["target_model"]],
			[{ ...base, condition: { models: ["mock-echo", 9] } }, ["condition.models[1]"]],
			[{ ...base, fallback_model: "nope", condition: { models: ["mock-echo", "not-in-the-catalogue"] } }, ["fallback_model"]],
			[{ ...base, priority: 10001 }, ["priority"]],
			[{ ...base, priority: 1.5, enabled: "yes" }, ["priority", "enabled"]]
		];
		for (const [body, fields] of cases) {
			const res = await post("/cost/rules", body);
			expectFieldProblems(res, body, fields);
		}
		expect((await get("/cost/rules")).body.total).toBe(before);
	});

	it("answers 404 for an unknown or other-org agent and 409 for a taken name", async () => {
		for (const agent_id of ["agt_missing", otherAgent.id]) {
			const res = await post("/cost/rules", { name: `r-${uid()}`, condition: { max_input_tokens: 5 }, target_model: "mock-tools", agent_id });
			expect(res.status).toBe(404);
			expect(res.body.error.details).toEqual([{ field: "agent_id", message: expect.any(String) }]);
		}
		const rule = await createRule({});
		const dup = await post("/cost/rules", { name: rule.name, condition: { max_input_tokens: 5 }, target_model: "mock-tools" });
		expect(dup.status).toBe(409);
		expect(dup.body.error).toMatchObject({ code: "ALREADY_EXISTS", details: { field: "name" } });
		expect((await post("/cost/rules", { name: rule.name, condition: { max_input_tokens: 5 }, target_model: "mock-tools" }, other)).status).toBe(201);
		await del(`/cost/rules/${rule.id}`);
	});

	it("lists by priority (ties by age) unless an order is given; filters by agent and enabled", async () => {
		const a = await createAgent({});
		const late = await createRule({ agent_id: a.id, priority: 10 });
		const first = await createRule({ agent_id: a.id, priority: 1 });
		const tie = await createRule({ agent_id: a.id, priority: 10, enabled: false });
		const ids = (res: any) => res.body.items.map((r: any) => r.id);
		expect(ids(await get(`/cost/rules?agent_id=${a.id}`))).toEqual([first.id, late.id, tie.id]);
		expect(ids(await get(`/cost/rules?agent_id=${a.id}&order=desc`))).toEqual([tie.id, first.id, late.id]);
		expect(ids(await get(`/cost/rules?agent_id=${a.id}&order=asc`))).toEqual([late.id, first.id, tie.id]);
		expect(ids(await get(`/cost/rules?agent_id=${a.id}&enabled=false`))).toEqual([tie.id]);
		expect((await get(`/cost/rules?agent_id=${a.id}&limit=1&offset=2`)).body).toMatchObject({ total: 3, limit: 1, offset: 2, items: [{ id: tie.id }] });
		expect((await get(`/cost/rules?agent_id=${a.id}`, other)).body.total).toBe(0);
		for (const bad of ["enabled=perhaps", "limit=201", "order=sideways"]) expect((await get(`/cost/rules?${bad}`)).status).toBe(400);
		for (const r of [late, first, tie]) await del(`/cost/rules/${r.id}`);
	});

	it("updates any writable field; 400/404/409 change nothing; deletes", async () => {
		const rule = await createRule({ description: "before" });
		const res = await put(`/cost/rules/${rule.id}`, { description: "after", priority: 7, condition: { models: ["gpt-4o"] }, agent_id: agent.id, fallback_model: "mock-echo" });
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ description: "after", priority: 7, condition: { models: ["gpt-4o"] }, agent_id: agent.id, fallback_model: "mock-echo", name: rule.name });
		expect((await put(`/cost/rules/${rule.id}`, {})).body).toEqual(res.body);
		for (const body of [{ condition: {} }, { target_model: "nope" }, { name: "" }, { enabled: null }, { priority: -1 }]) {
			expect((await put(`/cost/rules/${rule.id}`, body)).status).toBe(400);
		}
		expect((await put(`/cost/rules/${rule.id}`, { agent_id: otherAgent.id })).status).toBe(404);
		const taken = await createRule({});
		expect((await put(`/cost/rules/${rule.id}`, { name: taken.name })).status).toBe(409);
		expect((await get(`/cost/rules/${rule.id}`)).body).toEqual(res.body);
		expect((await put(`/cost/rules/${rule.id}`, { agent_id: null, fallback_model: null })).body).toMatchObject({ agent_id: null, fallback_model: null });

		for (const [method, path] of [["get", `/cost/rules/${rule.id}`], ["put", `/cost/rules/${rule.id}`], ["delete", `/cost/rules/${rule.id}`]] as const) {
			expect((await (app.http as any)[method](api(path)).set(other).send({ priority: 1 })).status).toBe(404);
		}
		expect((await post("/cost/rules", { name: "v", condition: { max_input_tokens: 1 }, target_model: "mock-tools" }, viewer)).status).toBe(403);
		expect((await put(`/cost/rules/${rule.id}`, { priority: 1 }, viewer)).status).toBe(403);
		expect((await del(`/cost/rules/${rule.id}`, viewer)).status).toBe(403);
		expect((await get(`/cost/rules/${rule.id}`, viewer)).status).toBe(200);
		expect((await del(`/cost/rules/${rule.id}`)).status).toBe(204);
		expect((await get(`/cost/rules/${rule.id}`)).status).toBe(404);
		expect((await del(`/cost/rules/${rule.id}`)).status).toBe(404);
		const actions = (await auditEntries(app, app.ownerKey, { resource_id: rule.id })).map(e => `${e.action}:${e.outcome}`);
		expect(actions).toEqual(expect.arrayContaining(["cost_rule.update:success", "cost_rule.update:failure", "cost_rule.delete:success"]));
		await del(`/cost/rules/${taken.id}`);
	});
});

describe("model selection (cost.selectModel)", () => {
	it("takes the first enabled matching rule by priority; every given condition key must hold", async () => {
		const a = await createAgent({ tags: ["vip"] });
		const b = await createAgent({ tags: [] });
		expect(await select(a.id, "mock-echo", 10)).toBeNull();
		const small = await createRule({ agent_id: a.id, priority: 20, condition: { max_input_tokens: 100, models: ["mock-echo"] }, fallback_model: "mock-echo" });
		const tagged = await createRule({ agent_id: a.id, priority: 10, condition: { agent_tags: ["vip", "gold"], max_input_tokens: 50 }, target_model: "gpt-4o-mini" });
		await createRule({ agent_id: a.id, priority: 1, condition: { max_input_tokens: 1000 }, enabled: false });
		const orgWide = await createRule({ priority: 30, condition: { models: ["gpt-4o"] }, target_model: "gpt-4o-mini" });

		expect(await select(a.id, "mock-echo", 40)).toEqual({ model: "gpt-4o-mini", rule_id: tagged.id, fallback_model: null });
		expect(await select(a.id, "mock-echo", 60)).toEqual({ model: "mock-tools", rule_id: small.id, fallback_model: "mock-echo" });
		expect(await select(a.id, "mock-echo", 101)).toBeNull();
		expect(await select(a.id, "gpt-4o", 5000)).toEqual({ model: "gpt-4o-mini", rule_id: orgWide.id, fallback_model: null });
		// Agent-specific rules apply to their agent only; tags come from the agent.
		expect(await select(b.id, "mock-echo", 10)).toBeNull();
		expect(await select(b.id, "gpt-4o", 10)).toMatchObject({ rule_id: orgWide.id });
		// Another org's call never sees these rules.
		expect(await app.broker.call("cost.selectModel", { org_id: "org_other", agent_id: a.id, model: "gpt-4o", estimated_input_tokens: 1 })).toBeNull();
		await del(`/cost/rules/${orgWide.id}`);
	});

	it("min_budget_percentage reads the agent's applicable budgets", async () => {
		const a = await createAgent({});
		const rule = await createRule({ agent_id: a.id, condition: { min_budget_percentage: 50 } });
		expect(await select(a.id, "mock-echo", 1)).toBeNull();
		const budget = (await post("/budgets", { name: `pct ${uid()}`, agent_id: a.id, period: "daily", limit_usd: 0.01 })).body;
		expect(await select(a.id, "mock-echo", 1)).toBeNull();
		const r: any = await app.broker.call("budgets.reserve", { org_id: orgId, agent_id: a.id, run_id: "run_x", amount_usd: 0.005 });
		await app.broker.call("budgets.settle", { org_id: orgId, reservation_id: r.reservation_id, actual_usd: 0.005 });
		expect(await select(a.id, "mock-echo", 1)).toEqual({ model: "mock-tools", rule_id: rule.id, fallback_model: null });
		await put(`/budgets/${budget.id}`, { enabled: false });
		expect(await select(a.id, "mock-echo", 1)).toBeNull();
	});

	it("recordSavings adds to the rule's lifetime totals", async () => {
		const rule = await createRule({ agent_id: agent.id, enabled: false });
		await app.broker.call("cost.recordSavings", { org_id: orgId, rule_id: rule.id, savings_usd: 0.000015 });
		await app.broker.call("cost.recordSavings", { org_id: orgId, rule_id: rule.id, savings_usd: 0.1 });
		expect((await get(`/cost/rules/${rule.id}`)).body).toMatchObject({ applied_count: 2, savings_usd: 0.100015 });
		// Tenancy comes from org_id only.
		await app.broker.call("cost.recordSavings", { org_id: "org_other", rule_id: rule.id, savings_usd: 5 });
		expect((await get(`/cost/rules/${rule.id}`)).body.applied_count).toBe(2);
	});
});

describe("runs, savings and summary (§11 rows 6, 7)", () => {
	let routedAgent: any;
	let plainAgent: any;
	let rule: any;
	let routed: any[];
	let plain: any[];

	beforeAll(async () => {
		// Without memory: recalled episodes would add context tokens to the second run of each agent.
		routedAgent = await activeAgent({ max_tokens: 100, memory_enabled: false });
		plainAgent = await activeAgent({ max_tokens: 100, memory_enabled: false });
		rule = await createRule({ name: "Echo to free", agent_id: routedAgent.id, condition: { models: ["mock-echo"], max_input_tokens: 100 }, target_model: "mock-tools" });
		routed = [await runToEnd(routedAgent.id, "twelve chars"), await runToEnd(routedAgent.id, "a somewhat longer input text")];
		plain = [await runToEnd(plainAgent.id, "hello world!"), await runToEnd(plainAgent.id, "x".repeat(41))];
	});

	it("a rule routes the call to a cheaper model; the savings show on the run, its step and the rule", async () => {
		for (const run of routed) {
			expect(run).toMatchObject({ status: "completed", model: "mock-echo", cost_usd: 0 });
			const tokens = Math.ceil(run.input.length / 4);
			// The original model at 1 USD per 1k tokens each way would have cost the tokens of both directions.
			expect(run.savings_usd).toBe((tokens * 2) / 1000);
			const steps = (await get(`/runtime/runs/${run.id}/steps?type=llm_call`)).body.items;
			expect(steps).toHaveLength(1);
			expect(steps[0]).toMatchObject({ name: "mock-tools", model: "mock-tools", cost_usd: 0, input: { original_model: "mock-echo", cost_rule_id: rule.id } });
		}
		const after = (await get(`/cost/rules/${rule.id}`)).body;
		expect(after.applied_count).toBe(2);
		expect(after.savings_usd).toBe(usd(routed[0].savings_usd + routed[1].savings_usd));
		for (const run of plain) expect(run.cost_usd).toBe((Math.ceil(run.input.length / 4) * 2) / 1000);
	});

	it("savings report groups by rule (default), agent or day", async () => {
		const total = usd(routed[0].savings_usd + routed[1].savings_usd);
		const byRule = (await get("/cost/savings")).body;
		expect(byRule).toEqual({
			start: expect.any(String),
			end: expect.any(String),
			total_savings_usd: total,
			routed_calls: 2,
			items: [{ key: rule.id, label: "Echo to free", savings_usd: total, routed_calls: 2 }]
		});
		expect(Date.parse(byRule.end) - Date.parse(byRule.start)).toBe(30 * 86_400_000);
		expect((await get("/cost/savings?group_by=agent")).body.items).toEqual([{ key: routedAgent.id, label: routedAgent.name, savings_usd: total, routed_calls: 2 }]);
		const today = new Date().toISOString().slice(0, 10);
		expect((await get("/cost/savings?group_by=day")).body.items).toEqual([{ key: today, label: today, savings_usd: total, routed_calls: 2 }]);
		expect((await get(`/cost/savings?agent_id=${plainAgent.id}`)).body).toMatchObject({ total_savings_usd: 0, routed_calls: 0, items: [] });
		const past = (await get("/cost/savings?start=2020-01-01T00:00:00Z&end=2020-02-01T00:00:00%2B01:00")).body;
		expect(past).toMatchObject({ start: "2020-01-01T00:00:00.000Z", end: "2020-01-31T23:00:00.000Z", routed_calls: 0 });
		expect((await get("/cost/savings", other)).body).toMatchObject({ total_savings_usd: 0, items: [] });
	});

	it("summary groups spend by agent (default), model actually called, provider or day", async () => {
		const plainCost = usd(plain[0].cost_usd + plain[1].cost_usd);
		const tokens = (runs: any[], key: "tokens_input" | "tokens_output") => runs.reduce((s, r) => s + r[key], 0);
		const byAgent = (await get("/cost/summary")).body;
		expect(byAgent.total_cost_usd).toBe(plainCost);
		expect(byAgent.items).toEqual([
			{ key: plainAgent.id, label: plainAgent.name, cost_usd: plainCost, runs: 2, tokens_input: tokens(plain, "tokens_input"), tokens_output: tokens(plain, "tokens_output") },
			{ key: routedAgent.id, label: routedAgent.name, cost_usd: 0, runs: 2, tokens_input: tokens(routed, "tokens_input"), tokens_output: tokens(routed, "tokens_output") }
		]);
		const byModel = (await get("/cost/summary?group_by=model")).body.items;
		expect(byModel.map((i: any) => [i.key, i.cost_usd, i.runs])).toEqual([
			["mock-echo", plainCost, 2],
			["mock-tools", 0, 2]
		]);
		expect((await get("/cost/summary?group_by=provider")).body.items).toEqual([
			{ key: "mock", label: "mock", cost_usd: plainCost, runs: 4, tokens_input: tokens([...plain, ...routed], "tokens_input"), tokens_output: tokens([...plain, ...routed], "tokens_output") }
		]);
		const today = new Date().toISOString().slice(0, 10);
		expect((await get("/cost/summary?group_by=day")).body.items).toMatchObject([{ key: today, cost_usd: plainCost, runs: 4 }]);
		expect((await get(`/cost/summary?agent_id=${plainAgent.id}&group_by=model`)).body.items).toMatchObject([{ key: "mock-echo", runs: 2 }]);
		expect((await get("/cost/summary", other)).body).toMatchObject({ total_cost_usd: 0, items: [] });
		expect((await get("/cost/summary", viewer)).status).toBe(200);
	});

	it("reports validate their queries", async () => {
		for (const q of ["group_by=rule", "start=yesterday", "start=2025-01-02T00:00:00Z&end=2025-01-01T00:00:00Z", "end=2025-01-01"]) {
			expect((await get(`/cost/summary?${q}`)).status).toBe(400);
		}
		for (const q of ["group_by=model", "start=2025-13-01T00:00:00Z"]) expect((await get(`/cost/savings?${q}`)).status).toBe(400);
	});
});

describe("recommendations (§11 row 8)", () => {
	it("suggests a cheaper model of the same provider for an agent with 20+ small runs", async () => {
		const busy = await activeAgent({ max_tokens: 100 });
		const few = await activeAgent({ max_tokens: 100 });
		const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => runToEnd(busy.id, `short question ${i}`)));
		await Promise.all(Array.from({ length: 5 }, (_, i) => runToEnd(few.id, `other ${i}`)));
		const spent = usd(runs.reduce((s, r) => s + r.cost_usd, 0));
		expect(spent).toBeGreaterThan(0);

		// A human evaluation of one of its runs (§16): the recommendation names the agent's quality.
		expect((await post("/intelligence/evaluate", { run_id: runs[0].id, evaluator: "human", score: 0.85, dimensions: { relevance: 0.9, accuracy: 0.8, safety: 1, helpfulness: 0.7 } })).status).toBe(201);

		const list = (await get("/cost/recommendations")).body;
		expect(list.total).toBe(1);
		expect(list.items[0].reason).toContain("quality score of 0.85");
		expect(list.items[0]).toEqual({
			id: expect.any(String),
			agent_id: busy.id,
			current_model: "mock-echo",
			suggested_model: "mock-tools",
			reason: expect.stringContaining("20 runs"),
			estimated_monthly_savings_usd: spent,
			created_at: expect.any(String),
			updated_at: expect.any(String)
		});
		expect((await get(`/cost/recommendations?agent_id=${few.id}`)).body.total).toBe(0);
		expect((await get(`/cost/recommendations?agent_id=${busy.id}`, viewer)).body.total).toBe(1);
		expect((await get("/cost/recommendations", other)).body.total).toBe(0);
		expect((await get("/cost/recommendations?limit=0")).status).toBe(400);
	});
});

describe("several matching rules on real runs (§11 evaluation)", () => {
	it("a rule may name models no catalogue lists; the lowest priority wins, ties by creation, and the step records that rule", async () => {
		const routed = await activeAgent({ max_tokens: 100 });
		const late = await createRule({ agent_id: routed.id, priority: 50, condition: { models: ["mock-echo"] } });
		// Created back to back (usually within one millisecond): creation order still decides the tie.
		const [tieFirst, tieSecond] = [
			await createRule({ agent_id: routed.id, priority: 5, condition: { models: ["vendor-model-of-next-year", "mock-echo"] } }),
			await createRule({ priority: 5, condition: { max_input_tokens: 1000 } })
		];
		expect(tieFirst.condition.models).toEqual(["vendor-model-of-next-year", "mock-echo"]);
		const listed = (await get(`/cost/rules?enabled=true`)).body.items.map((r: any) => r.id);
		expect(listed.filter((id: string) => [late.id, tieFirst.id, tieSecond.id].includes(id))).toEqual([tieFirst.id, tieSecond.id, late.id]);

		const ruleOfRun = async () => {
			const run = await runToEnd(routed.id, "route me");
			const steps = (await get(`/runtime/runs/${run.id}/steps?type=llm_call`)).body.items;
			return [steps[0].model, steps[0].input.cost_rule_id, steps[0].input.original_model];
		};
		expect(await ruleOfRun()).toEqual(["mock-tools", tieFirst.id, "mock-echo"]);
		await put(`/cost/rules/${tieFirst.id}`, { enabled: false });
		expect(await ruleOfRun()).toEqual(["mock-tools", tieSecond.id, "mock-echo"]);
		await put(`/cost/rules/${tieSecond.id}`, { enabled: false });
		expect(await ruleOfRun()).toEqual(["mock-tools", late.id, "mock-echo"]);
		const counts = await Promise.all([tieFirst, tieSecond, late].map(async r => (await get(`/cost/rules/${r.id}`)).body.applied_count));
		expect(counts).toEqual([1, 1, 1]);
	});
});
