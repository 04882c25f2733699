import type { Context } from "moleculer";
import { bearer, startApp, type TestApp } from "../helpers/app";
import { auditEntries, createOrgWithOwner, keyWithRoles, uid } from "../helpers/platform";
import { until } from "../helpers/cluster";

let app: TestApp;
let auth: Record<string, string>;
let developer: Record<string, string>;
let other: Record<string, string>;
let agent: any;
const issued: any[] = [];

const api = (path: string) => `/api/v1${path}`;
const get = (path: string, who = auth) => app.http.get(api(path)).set(who);
const post = (path: string, body?: object, who = auth) => app.http.post(api(path)).set(who).send(body);
const put = (path: string, body: object, who = auth) => app.http.put(api(path)).set(who).send(body);
const del = (path: string, who = auth) => app.http.delete(api(path)).set(who);

async function createPlan(body: Record<string, unknown> = {}, who = auth): Promise<any> {
	const res = await post("/billing/plans", { name: `Plan ${uid()}`, ...body }, who);
	if (res.status !== 201) throw new Error(`create plan answered ${res.status}: ${res.text}`);
	return res.body;
}

async function createCustomer(planId: string, body: Record<string, unknown> = {}, who = auth): Promise<any> {
	const res = await post("/billing/customers", { external_id: `ext-${uid()}`, name: "Acme Corp", plan_id: planId, ...body }, who);
	if (res.status !== 201) throw new Error(`create customer answered ${res.status}: ${res.text}`);
	return res.body;
}

const runFor = (customerId: string, input = "hello billing") => post("/runtime/runs", { agent_id: agent.id, input, customer_id: customerId, wait: true, timeout_seconds: 30 });
const usage = async (customerId: string) => (await get(`/billing/customers/${customerId}/usage`)).body;
const month = () => new Date().toISOString().slice(0, 7);

beforeAll(async () => {
	app = await startApp();
	auth = bearer(app.ownerKey);
	developer = bearer((await keyWithRoles(app, app.ownerKey, ["developer"])).key);
	other = bearer((await createOrgWithOwner(app)).ownerKey);
	// mock-echo costs 1 USD per 1k tokens each way in this org, so runs have an LLM cost to bill.
	expect((await put("/providers/models/mock-echo", { input_price_per_1k_usd: 1, output_price_per_1k_usd: 1 })).status).toBe(200);
	agent = (await post("/agents", { name: `billed-${uid()}`, model: "mock-echo" })).body;
	for (const target_state of ["testing", "active"]) await post(`/lifecycle/${agent.id}/promote`, { target_state }).expect(200);
	app.broker.createService({ name: "billing-spec-probe", events: { "billing.invoice_issued"(ctx: Context<any>) { issued.push(ctx.params); } } });
});
afterAll(() => app?.stop());

describe("plans (§24 rows 1–5)", () => {
	it("creates with every default, lists by active, updates partially, refuses bad input and duplicates", async () => {
		const plan = await createPlan({ name: "Starter" });
		expect(plan).toMatchObject({
			name: "Starter", description: "", base_fee_usd: 0, included_runs: null, included_tokens: null, price_per_run_usd: 0,
			price_per_1k_tokens_usd: 0, llm_cost_multiplier: 0, hard_limit: false, active: true, id: expect.stringMatching(/^plan_/)
		});
		const before = (await get("/billing/plans")).body.total;
		const bad = await post("/billing/plans", { name: "", base_fee_usd: -1, included_runs: 1.5, included_tokens: "10", hard_limit: "yes", price_per_run_usd: -0.1 });
		expect(bad.status).toBe(400);
		expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(["base_fee_usd", "hard_limit", "included_runs", "included_tokens", "name", "price_per_run_usd"]);
		expect((await post("/billing/plans", { name: "Starter" })).body.error).toMatchObject({ code: "ALREADY_EXISTS", details: { field: "name" } });
		expect((await get("/billing/plans")).body.total).toBe(before);

		const changed = await put(`/billing/plans/${plan.id}`, { base_fee_usd: 49, included_runs: 100, active: false });
		expect(changed.body).toMatchObject({ name: "Starter", base_fee_usd: 49, included_runs: 100, active: false });
		expect((await put(`/billing/plans/${plan.id}`, { included_runs: null })).body.included_runs).toBeNull();
		expect((await put(`/billing/plans/${plan.id}`, { hard_limit: null })).status).toBe(400);
		expect((await get("/billing/plans?active=false")).body.items.map((p: any) => p.id)).toContain(plan.id);
		expect((await get("/billing/plans?active=true")).body.items.map((p: any) => p.id)).not.toContain(plan.id);
		expect((await get("/billing/plans?active=maybe")).status).toBe(400);
	});

	it("needs billing:admin to change plans, billing:read to see them; another org's plan is a 404", async () => {
		const plan = await createPlan();
		const denied = await post("/billing/plans", { name: "Nope" }, developer);
		expect([denied.status, denied.body.error.details]).toEqual([403, { required: ["billing:admin"] }]);
		expect((await get(`/billing/plans/${plan.id}`, developer)).status).toBe(200);
		for (const res of [await get(`/billing/plans/${plan.id}`, other), await put(`/billing/plans/${plan.id}`, { base_fee_usd: 1 }, other), await del(`/billing/plans/${plan.id}`, other)]) {
			expect([res.status, res.body.error.code]).toEqual([404, "NOT_FOUND"]);
		}
	});

	it("refuses to delete a plan customers are on (RESOURCE_IN_USE), deletes it once it is free", async () => {
		const plan = await createPlan();
		const customer = await createCustomer(plan.id);
		const refused = await del(`/billing/plans/${plan.id}`);
		expect([refused.status, refused.body.error.code, refused.body.error.details]).toEqual([409, "RESOURCE_IN_USE", { customers: [customer.id] }]);
		await del(`/billing/customers/${customer.id}`).expect(204);
		await del(`/billing/plans/${plan.id}`).expect(204);
		expect((await get(`/billing/plans/${plan.id}`)).status).toBe(404);
		expect((await auditEntries(app, app.ownerKey, { action: "plan.delete", resource_id: plan.id })).map(e => e.status_code)).toEqual([204, 409]);
	});
});

describe("customers (§24 rows 6–10)", () => {
	it("creates on an active plan; inactive plans, unknown plans and taken external ids are refused", async () => {
		const plan = await createPlan();
		const customer = await createCustomer(plan.id, { email: "billing@acme.example", metadata: { crm: "42" } });
		expect(customer).toMatchObject({ status: "active", email: "billing@acme.example", metadata: { crm: "42" }, plan_id: plan.id });
		expect(customer.current_period_start).toBe(`${month()}-01T00:00:00.000Z`);
		const inactive = await createPlan({ active: false });
		const onInactive = await post("/billing/customers", { external_id: "x1", name: "X", plan_id: inactive.id });
		expect([onInactive.status, onInactive.body.error.details[0].field]).toEqual([400, "plan_id"]);
		const unknown = await post("/billing/customers", { external_id: "x2", name: "X", plan_id: "plan_missing" });
		expect([unknown.status, unknown.body.error.details]).toEqual([404, [{ field: "plan_id", message: "Plan not found" }]]);
		const theirs = await createPlan({}, other);
		expect((await post("/billing/customers", { external_id: "x3", name: "X", plan_id: theirs.id })).status).toBe(404);
		const taken = await post("/billing/customers", { external_id: customer.external_id, name: "Again", plan_id: plan.id });
		expect([taken.status, taken.body.error.details]).toEqual([409, { field: "external_id" }]);
		const invalid = await post("/billing/customers", { external_id: "", name: " ", email: "not-an-email", status: "gone" });
		expect(invalid.body.error.details.map((d: any) => d.field).sort()).toEqual(["email", "external_id", "name", "plan_id", "status"]);
	});

	it("lists with status, plan and search filters; updates keep external_id; deleting keeps the invoices", async () => {
		const plan = await createPlan();
		const second = await createPlan();
		const a = await createCustomer(plan.id, { name: "Globex Search Co", external_id: `globex-${uid()}` });
		const b = await createCustomer(second.id, { status: "suspended", email: `ops-${uid()}@initech.example` });
		expect((await get(`/billing/customers?plan_id=${plan.id}`)).body.items.map((c: any) => c.id)).toEqual([a.id]);
		expect((await get("/billing/customers?status=suspended")).body.items.map((c: any) => c.id)).toContain(b.id);
		expect((await get("/billing/customers?search=GLOBEX")).body.items.map((c: any) => c.id)).toEqual([a.id]);
		expect((await get("/billing/customers?search=initech")).body.items.map((c: any) => c.id)).toEqual([b.id]);
		expect((await get("/billing/customers?status=gone")).status).toBe(400);

		const moved = await put(`/billing/customers/${a.id}`, { plan_id: second.id, status: "suspended", external_id: a.external_id });
		expect(moved.body).toMatchObject({ plan_id: second.id, status: "suspended", external_id: a.external_id });
		const immutable = await put(`/billing/customers/${a.id}`, { external_id: "renamed" });
		expect([immutable.status, immutable.body.error.details[0].field]).toEqual([400, "external_id"]);
		expect((await put(`/billing/customers/${a.id}`, { plan_id: "plan_missing" })).status).toBe(404);
		expect((await get(`/billing/customers/${a.id}`, other)).status).toBe(404);

		const draft = (await get(`/billing/invoices?customer_id=${a.id}`)).body.items;
		expect(draft).toHaveLength(1);
		await del(`/billing/customers/${a.id}`).expect(204);
		expect((await get(`/billing/customers/${a.id}`)).status).toBe(404);
		expect((await get(`/billing/invoices/${draft[0].id}`)).status).toBe(200);
	});
});

describe("metering, hard limits and invoices (§24 rows 11–15, §2 acceptance rule 3)", () => {
	it("meters terminal runs of a customer, stops it at its hard limit with a stored blocked run, and bills the period", async () => {
		const plan = await createPlan({ base_fee_usd: 10, included_runs: 2, price_per_run_usd: 0.5, included_tokens: null, price_per_1k_tokens_usd: 2, llm_cost_multiplier: 1.5, hard_limit: true });
		const customer = await createCustomer(plan.id);
		const runs = [(await runFor(customer.id, "first billed input")).body, (await runFor(customer.id, "second billed input")).body];
		expect(runs.map(r => [r.status, r.customer_id])).toEqual([["completed", customer.id], ["completed", customer.id]]);
		const used = await until(async () => {
			const u = await usage(customer.id);
			return u.runs === 2 ? u : null;
		}, 10_000, "both runs metered");
		const cost = Math.round(runs.reduce((n, r) => n + r.cost_usd, 0) * 1e6) / 1e6;
		expect(cost).toBeGreaterThan(0);
		const due = Math.round((10 + cost * 1.5) * 1e6) / 1e6;
		expect(used).toEqual({
			customer_id: customer.id,
			period_start: `${month()}-01T00:00:00.000Z`,
			period_end: expect.any(String),
			runs: 2,
			tokens_input: runs[0].tokens_input + runs[1].tokens_input,
			tokens_output: runs[0].tokens_output + runs[1].tokens_output,
			llm_cost_usd: cost,
			included_runs: 2,
			included_tokens: null,
			overage_runs: 0,
			overage_tokens: 0,
			amount_due_usd: due,
			hard_limit_reached: true
		});

		const refused = await post("/runtime/runs", { agent_id: agent.id, input: "third", customer_id: customer.id });
		expect([refused.status, refused.body.error.code]).toEqual([409, "PLAN_LIMIT_EXCEEDED"]);
		const blocked = (await get(`/runtime/runs/${refused.body.error.details.run_id}`)).body;
		expect([blocked.status, blocked.error.code, blocked.customer_id]).toEqual(["blocked", "PLAN_LIMIT_EXCEEDED", customer.id]);
		// The refusal itself is not billed.
		await new Promise(r => setTimeout(r, 200));
		expect((await usage(customer.id)).runs).toBe(2);

		// A run event delivered twice (a transporter reconnect) is metered once.
		app.broker.broadcast("run.completed", { org_id: runs[0].org_id, run: runs[0] });
		await new Promise(r => setTimeout(r, 200));
		expect((await usage(customer.id)).runs).toBe(2);

		const draft = (await get(`/billing/invoices?customer_id=${customer.id}&status=draft&period=${month()}`)).body.items[0];
		expect(draft).toMatchObject({ status: "draft", currency: "USD", number: expect.stringMatching(/^INV-\d{6}$/), subtotal_usd: due, total_usd: due });
		expect(draft.line_items.map((l: any) => [l.description.split(" ")[0], l.quantity, l.amount_usd])).toEqual([
			["Base", 1, 10],
			["LLM", cost, Math.round(cost * 1.5 * 1e6) / 1e6]
		]);
		// Plan changes reach the draft at once.
		await put(`/billing/plans/${plan.id}`, { base_fee_usd: 20 });
		expect((await get(`/billing/invoices/${draft.id}`)).body.line_items[0].amount_usd).toBe(20);

		const report = (await get(`/billing/usage?period=${month()}`)).body;
		expect(report.items.find((u: any) => u.customer_id === customer.id)).toMatchObject({ runs: 2, amount_due_usd: Math.round((due + 10) * 1e6) / 1e6 });
		expect(report.totals.runs).toBe(report.items.reduce((n: number, u: any) => n + u.runs, 0));
		expect((await get("/billing/usage?period=2026-13")).status).toBe(400);
		expect((await get("/billing/usage?period=1999-01")).body.totals).toEqual({ runs: 0, tokens_input: 0, tokens_output: 0, llm_cost_usd: 0, amount_due_usd: 0 });

		// The month ends: the draft is frozen as issued, announced, then paid once.
		expect((await post(`/billing/invoices/${draft.id}/mark-paid`, {})).body.error).toMatchObject({ code: "INVALID_STATE_TRANSITION", details: { current: "draft", requested: "paid" } });
		const nextMonth = new Date(Date.parse(draft.period_end) + 1000);
		await (app.broker.getLocalService("billing") as any).issueDueInvoices(nextMonth);
		const frozen = (await get(`/billing/invoices/${draft.id}`)).body;
		expect(frozen).toMatchObject({ status: "issued", total_usd: Math.round((due + 10) * 1e6) / 1e6, issued_at: expect.any(String) });
		expect(issued.find(e => e.invoice_id === draft.id)).toMatchObject({ org_id: customer.org_id, customer_id: customer.id, number: draft.number });
		await put(`/billing/plans/${plan.id}`, { base_fee_usd: 99 });
		expect((await get(`/billing/invoices/${draft.id}`)).body.line_items[0].amount_usd).toBe(20);
		const paid = await post(`/billing/invoices/${draft.id}/mark-paid`, { paid_at: "2030-01-02T03:04:05+01:00" });
		expect(paid.body).toMatchObject({ status: "paid", paid_at: "2030-01-02T02:04:05.000Z" });
		expect((await post(`/billing/invoices/${draft.id}/mark-paid`, {})).status).toBe(409);
		expect((await post(`/billing/invoices/${draft.id}/mark-paid`, { paid_at: "yesterday" })).status).toBe(400);
		expect((await post(`/billing/invoices/${draft.id}/mark-paid`, {}, developer)).status).toBe(403);
		expect((await get(`/billing/invoices/${draft.id}`, other)).status).toBe(404);
	});

	it("bills runs and tokens beyond the included quotas without a hard limit; zero lines other than the base fee are left out", async () => {
		const plan = await createPlan({ included_runs: 0, price_per_run_usd: 0.5, included_tokens: 4, price_per_1k_tokens_usd: 2 });
		const customer = await createCustomer(plan.id);
		const runs = [(await runFor(customer.id, "one input to bill")).body, (await runFor(customer.id, "another input to bill")).body];
		expect(runs.map(r => r.status)).toEqual(["completed", "completed"]);
		const used = await until(async () => {
			const u = await usage(customer.id);
			return u.runs === 2 ? u : null;
		}, 10_000, "both runs metered");
		const tokens = runs.reduce((n, r) => n + r.tokens_input + r.tokens_output, 0);
		const overTokens = Math.round(((tokens - 4) / 1000) * 1000) / 1000;
		expect(used).toMatchObject({ overage_runs: 2, overage_tokens: tokens - 4, hard_limit_reached: false, amount_due_usd: Math.round((1 + overTokens * 2) * 1e6) / 1e6 });
		const draft = (await get(`/billing/invoices?customer_id=${customer.id}`)).body.items[0];
		expect(draft.line_items.map((l: any) => [l.description.split(" ")[0], l.quantity, l.unit_price_usd, l.amount_usd])).toEqual([
			["Base", 1, 0, 0],
			["Runs", 2, 0.5, 1],
			["Tokens", overTokens, 2, Math.round(overTokens * 2 * 1e6) / 1e6]
		]);
	});

	it("suspended customers get CUSTOMER_SUSPENDED and no run; unknown customers are a 404", async () => {
		const plan = await createPlan();
		const customer = await createCustomer(plan.id, { status: "suspended" });
		const suspended = await post("/runtime/runs", { agent_id: agent.id, input: "hi", customer_id: customer.id });
		expect([suspended.status, suspended.body.error.code]).toEqual([409, "CUSTOMER_SUSPENDED"]);
		expect((await get(`/runtime/runs?customer_id=${customer.id}`)).body.total).toBe(0);
		const unknown = await post("/runtime/runs", { agent_id: agent.id, input: "hi", customer_id: "cus_missing" });
		expect([unknown.status, unknown.body.error.details]).toEqual([404, [{ field: "customer_id", message: "Customer not found" }]]);
		await put(`/billing/customers/${customer.id}`, { status: "active" });
		expect((await runFor(customer.id)).body.status).toBe("completed");
	});

	it("numbers invoices per org in sequence", async () => {
		const plan = await createPlan({}, other);
		const numbers: string[] = [];
		for (let i = 0; i < 2; i++) {
			const customer = await createCustomer(plan.id, {}, other);
			numbers.push((await get(`/billing/invoices?customer_id=${customer.id}`, other)).body.items[0].number);
		}
		expect(numbers).toEqual(["INV-000001", "INV-000002"]);
	});
});
