import { storeOf, bearer, startApp, type TestApp } from "../helpers/app";
import { auditEntries, createOrgWithOwner, expectFieldProblems, keyWithRoles, uid } from "../helpers/platform";

let app: TestApp;
let auth: Record<string, string>;
let viewer: Record<string, string>;
let other: Record<string, string>;
let orgId: string;
let agent: any;
let teamAgent: any;
let otherAgent: any;
const events: { event: string; payload: any }[] = [];

const api = (path: string) => `/api/v1${path}`;
const get = (path: string, who = auth) => app.http.get(api(path)).set(who);
const post = (path: string, body?: object, who = auth) => app.http.post(api(path)).set(who).send(body);
const put = (path: string, body: object, who = auth) => app.http.put(api(path)).set(who).send(body);
const del = (path: string, who = auth) => app.http.delete(api(path)).set(who);

async function createBudget(body: Record<string, unknown>, who = auth): Promise<any> {
	const res = await post("/budgets", { period: "daily", limit_usd: 10, ...body, name: body.name ?? `Budget ${uid()}` }, who);
	if (res.status !== 201) throw new Error(`create budget answered ${res.status}: ${res.text}`);
	return res.body;
}

async function createAgent(body: Record<string, unknown>, who = auth): Promise<any> {
	const res = await post("/agents", { model: "mock-echo", ...body, name: body.name ?? `agent-${uid()}` }, who);
	if (res.status !== 201) throw new Error(`create agent answered ${res.status}: ${res.text}`);
	return res.body;
}

const call = <T = any>(action: string, params: object) => app.broker.call(action, params) as Promise<T>;
const reserve = (agentId: string, amount_usd: number, org = orgId) => call("budgets.reserve", { org_id: org, agent_id: agentId, run_id: `run_${uid()}`, amount_usd });
const settle = (reservation_id: string, actual_usd: number, org = orgId) => call("budgets.settle", { org_id: org, reservation_id, actual_usd });
async function spend(agentId: string, usd: number) {
	const r = await reserve(agentId, usd);
	expect(r.ok).toBe(true);
	await settle(r.reservation_id, usd);
}

/** The stored budget documents, to move a budget's counters into an earlier period. */
const budgetRepo = () => storeOf(app.broker).repository("budgets");
const alertRepo = () => storeOf(app.broker).repository("budget_alerts");

const DAY_MS = 86_400_000;
const startOfUtcDay = (d = new Date()) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));

beforeAll(async () => {
	app = await startApp();
	auth = bearer(app.ownerKey);
	orgId = (await get("/auth/me")).body.org.id;
	viewer = bearer((await keyWithRoles(app, app.ownerKey, ["viewer"])).key);
	const second = await createOrgWithOwner(app);
	other = bearer(second.ownerKey);
	agent = await createAgent({});
	teamAgent = await createAgent({ team: "Support" });
	otherAgent = await createAgent({}, other);
	const spy = app.broker.createService({
		name: "budget-event-spy",
		events: Object.fromEntries(["budget.alert", "budget.exceeded", "budget.reset"].map(name => [name, (ctx: any) => void events.push({ event: name, payload: ctx.params })]))
	});
	await app.broker.waitForServices(spy.name);
});

afterAll(() => app?.stop());

describe("budget CRUD (§8 rows 1, 2, 6–8)", () => {
	it("creates with the documented defaults and current period", async () => {
		const res = await post("/budgets", { name: "Org monthly", period: "monthly", limit_usd: 250 });
		expect(res.status).toBe(201);
		const now = new Date();
		const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
		const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
		expect(res.body).toEqual({
			id: expect.any(String),
			org_id: orgId,
			name: "Org monthly",
			scope: "org",
			agent_id: null,
			team: null,
			period: "monthly",
			limit_usd: 250,
			alert_threshold: 0.8,
			action_on_exceed: "block",
			throttle_model: null,
			throttle_concurrency: 1,
			enabled: true,
			current_period_start: monthStart.toISOString(),
			resets_at: nextMonth.toISOString(),
			created_at: expect.any(String),
			updated_at: expect.any(String)
		});
		expect((await get(`/budgets/${res.body.id}`)).body).toEqual(res.body);
		const [entry] = await auditEntries(app, app.ownerKey, { action: "budget.create", resource_id: res.body.id });
		expect(entry).toMatchObject({ outcome: "success", status_code: 201, resource_type: "budget" });
	});

	it("derives the scope from agent_id; team budgets name their team", async () => {
		const byAgent = await createBudget({ agent_id: agent.id, period: "weekly", action_on_exceed: "throttle", throttle_model: "mock-tools", throttle_concurrency: 3 });
		expect(byAgent).toMatchObject({ scope: "agent", agent_id: agent.id, team: null, throttle_model: "mock-tools", throttle_concurrency: 3 });
		const monday = startOfUtcDay(new Date(Date.now() - ((new Date().getUTCDay() + 6) % 7) * DAY_MS));
		expect(byAgent.current_period_start).toBe(monday.toISOString());
		expect(byAgent.resets_at).toBe(new Date(monday.getTime() + 7 * DAY_MS).toISOString());
		const team = await createBudget({ scope: "team", team: "Support", alert_threshold: 1, enabled: false });
		expect(team).toMatchObject({ scope: "team", team: "Support", agent_id: null, alert_threshold: 1, enabled: false });
	});

	it("answers 400 with every problem and creates nothing", async () => {
		const before = (await get("/budgets")).body.total;
		const cases: [Record<string, unknown>, string[]][] = [
			[{}, ["name", "period", "limit_usd"]],
			[{ name: "x", period: "yearly", limit_usd: 0 }, ["period", "limit_usd"]],
			[{ name: "x", period: "daily", limit_usd: "5" }, ["limit_usd"]],
			[{ name: "x", period: "daily", limit_usd: 5, alert_threshold: 0 }, ["alert_threshold"]],
			[{ name: "x", period: "daily", limit_usd: 5, alert_threshold: 1.01 }, ["alert_threshold"]],
			[{ name: "x", period: "daily", limit_usd: 5, throttle_concurrency: 101 }, ["throttle_concurrency"]],
			[{ name: "x", period: "daily", limit_usd: 5, action_on_exceed: "stop" }, ["action_on_exceed"]],
			[{ name: "x", period: "daily", limit_usd: 5, scope: "agent" }, ["agent_id"]],
			[{ name: "x", period: "daily", limit_usd: 5, scope: "team" }, ["team"]],
			[{ name: "x", period: "daily", limit_usd: 5, scope: "org", team: "Support" }, ["team"]],
			[{ name: "x", period: "daily", limit_usd: 5, scope: "team", team: "Support", agent_id: agent.id }, ["agent_id"]],
			[{ name: "x", period: "daily", limit_usd: 5, throttle_model: "no-such-model" }, ["throttle_model"]],
			[{ name: "   ", period: "daily", limit_usd: 5, enabled: null }, ["name", "enabled"]]
		];
		for (const [body, fields] of cases) {
			const res = await post("/budgets", body);
			expectFieldProblems(res, body, fields);
		}
		expect((await get("/budgets")).body.total).toBe(before);
	});

	it("answers 404 for an unknown agent or another org's agent, 409 for a taken name", async () => {
		for (const agent_id of ["agt_missing", otherAgent.id]) {
			const res = await post("/budgets", { name: `b-${uid()}`, period: "daily", limit_usd: 1, agent_id });
			expect(res.status).toBe(404);
			expect(res.body.error).toMatchObject({ code: "NOT_FOUND", details: [{ field: "agent_id", message: expect.any(String) }] });
		}
		const first = await createBudget({});
		const dup = await post("/budgets", { name: first.name, period: "weekly", limit_usd: 3 });
		expect(dup.status).toBe(409);
		expect(dup.body.error).toMatchObject({ code: "ALREADY_EXISTS", details: { field: "name" } });
		// Names are unique per org only.
		expect((await post("/budgets", { name: first.name, period: "weekly", limit_usd: 3 }, other)).status).toBe(201);
	});

	it("lists with filters and the list envelope", async () => {
		const name = `Filter ${uid()}`;
		const b = await createBudget({ name, agent_id: teamAgent.id, period: "monthly", enabled: false });
		const q = async (query: string) => (await get(`/budgets?limit=200&${query}`)).body;
		expect((await q(`agent_id=${teamAgent.id}`)).items.map((x: any) => x.id)).toEqual([b.id]);
		const scoped = await q("scope=agent&period=monthly&enabled=false");
		expect(scoped.items.map((x: any) => x.id)).toContain(b.id);
		expect(scoped.items.every((x: any) => x.scope === "agent" && x.period === "monthly" && x.enabled === false)).toBe(true);
		expect((await q("team=Support")).items.every((x: any) => x.team === "Support")).toBe(true);
		expect((await q("agent_id=agt_nobody")).total).toBe(0);
		const page = (await get("/budgets?limit=1&offset=1&order=asc")).body;
		expect(page).toMatchObject({ limit: 1, offset: 1, total: expect.any(Number) });
		expect(page.items).toHaveLength(1);
		for (const bad of ["scope=planet", "period=hourly", "enabled=maybe", "limit=0", "offset=-1"]) expect((await get(`/budgets?${bad}`)).status).toBe(400);
		// Another org sees none of them.
		expect((await get(`/budgets?agent_id=${teamAgent.id}`, other)).body.total).toBe(0);
	});

	it("updates partially; immutable fields must keep their value; 400 and 409 change nothing", async () => {
		const b = await createBudget({ agent_id: agent.id, limit_usd: 5 });
		const res = await put(`/budgets/${b.id}`, { limit_usd: 7.5, alert_threshold: 0.5, action_on_exceed: "alert_only", agent_id: agent.id, scope: "agent" });
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ limit_usd: 7.5, alert_threshold: 0.5, action_on_exceed: "alert_only", name: b.name, scope: "agent" });
		expect((await put(`/budgets/${b.id}`, {})).body).toEqual(res.body);

		for (const body of [{ scope: "org" }, { agent_id: teamAgent.id }, { team: "Support" }, { limit_usd: -1 }, { name: null }, { throttle_model: "nope" }, { period: "hourly" }]) {
			const bad = await put(`/budgets/${b.id}`, body);
			expect({ body, status: bad.status }).toEqual({ body, status: 400 });
		}
		const taken = await createBudget({});
		const dup = await put(`/budgets/${b.id}`, { name: taken.name, limit_usd: 99 });
		expect(dup.status).toBe(409);
		expect((await get(`/budgets/${b.id}`)).body).toEqual(res.body);

		const cleared = await put(`/budgets/${b.id}`, { throttle_model: "mock-echo" });
		expect(cleared.body.throttle_model).toBe("mock-echo");
		expect((await put(`/budgets/${b.id}`, { throttle_model: null })).body.throttle_model).toBeNull();
		const [entry] = await auditEntries(app, app.ownerKey, { action: "budget.update", resource_id: b.id, outcome: "success" });
		expect(entry.status_code).toBe(200);
	});

	it("a period change starts the current period at the new boundary", async () => {
		const b = await createBudget({ period: "daily" });
		const res = await put(`/budgets/${b.id}`, { period: "monthly" });
		const now = new Date();
		expect(res.body).toMatchObject({
			period: "monthly",
			current_period_start: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString(),
			resets_at: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString()
		});
	});

	it("deletes; unknown, deleted and other-org ids answer 404; viewers get 403", async () => {
		const b = await createBudget({});
		for (const [method, path, body] of [
			["get", `/budgets/${b.id}`],
			["put", `/budgets/${b.id}`, { limit_usd: 1 }],
			["delete", `/budgets/${b.id}`],
			["get", `/budgets/${b.id}/usage`]
		] as const) {
			const res = await (app.http as any)[method](api(path)).set(other).send(body);
			expect({ path, method, status: res.status }).toEqual({ path, method, status: 404 });
		}
		expect((await post("/budgets", { name: "viewer", period: "daily", limit_usd: 1 }, viewer)).status).toBe(403);
		expect((await put(`/budgets/${b.id}`, { limit_usd: 1 }, viewer)).status).toBe(403);
		expect((await del(`/budgets/${b.id}`, viewer)).status).toBe(403);
		expect((await get(`/budgets/${b.id}`, viewer)).status).toBe(200);

		const res = await del(`/budgets/${b.id}`);
		expect(res.status).toBe(204);
		expect(res.text).toBe("");
		expect((await get(`/budgets/${b.id}`)).status).toBe(404);
		expect((await del(`/budgets/${b.id}`)).status).toBe(404);
		expect((await get("/budgets/bdg_unknown")).body.error.code).toBe("NOT_FOUND");
		const [entry] = await auditEntries(app, app.ownerKey, { action: "budget.delete", resource_id: b.id, outcome: "success" });
		expect(entry.status_code).toBe(204);
	});
});

describe("usage (§8 rows 3 and 9)", () => {
	it("is exact at read time: used, reserved, remaining and percentage", async () => {
		const a = await createAgent({});
		const b = await createBudget({ agent_id: a.id, limit_usd: 0.3 });
		const r1 = await reserve(a.id, 0.05);
		const r2 = await reserve(a.id, 0.02);
		expect(r1.ok && r2.ok).toBe(true);
		let usage = (await get(`/budgets/${b.id}/usage`)).body;
		expect(usage).toEqual({
			budget_id: b.id,
			budget_name: b.name,
			period: "daily",
			limit_usd: 0.3,
			used_usd: 0,
			reserved_usd: 0.07,
			remaining_usd: 0.23,
			percentage_used: 0,
			resets_at: b.resets_at
		});
		await settle(r1.reservation_id, 0.0417);
		usage = (await get(`/budgets/${b.id}/usage`)).body;
		expect(usage).toMatchObject({ used_usd: 0.0417, reserved_usd: 0.02, remaining_usd: 0.2383, percentage_used: 13.9 });
		await call("budgets.release", { org_id: orgId, reservation_id: r2.reservation_id });
		usage = (await get(`/budgets/${b.id}/usage`)).body;
		expect(usage).toMatchObject({ used_usd: 0.0417, reserved_usd: 0, remaining_usd: 0.2583 });

		const list = (await get(`/budgets/usage?agent_id=${a.id}`)).body;
		expect(list).toEqual({ items: [usage], total: 1, limit: 50, offset: 0 });
		expect((await get(`/budgets/usage?scope=team&agent_id=${a.id}`)).body.total).toBe(0);
		expect((await get("/budgets/usage?scope=galaxy")).status).toBe(400);
		expect((await get(`/budgets/usage?agent_id=${a.id}`, other)).body.total).toBe(0);
		expect((await get(`/budgets/usage`, viewer)).status).toBe(200);
	});

	it("counts spend toward the agent's, its team's and the org's budgets, never spend from before a budget existed", async () => {
		const a = await createAgent({ team: "Billing" });
		const bystander = await createAgent({ team: "Other" });
		await spend(a.id, 0.01);
		const team = await createBudget({ scope: "team", team: "Billing", limit_usd: 1 });
		const mine = await createBudget({ agent_id: a.id, limit_usd: 1 });
		const org = await createBudget({ limit_usd: 100 });
		await spend(a.id, 0.002);
		await spend(bystander.id, 0.004);
		const usage = async (id: string) => (await get(`/budgets/${id}/usage`)).body.used_usd;
		expect(await usage(team.id)).toBe(0.002);
		expect(await usage(mine.id)).toBe(0.002);
		expect(await usage(org.id)).toBe(0.006);
		// Moving the agent to another team moves its future spend.
		await put(`/agents/${a.id}`, { team: "Other" });
		await spend(a.id, 0.001);
		expect(await usage(team.id)).toBe(0.002);
	});

	it("a new period resets used to 0 and emits budget.reset", async () => {
		const b = await createBudget({ limit_usd: 2, period: "daily" });
		const today = startOfUtcDay();
		// The counters were written yesterday: the stored period has ended.
		await (await budgetRepo()).forOrg(orgId).updateWhere(
			{ id: b.id },
			{ $set: { period_start: new Date(today.getTime() - DAY_MS).toISOString(), period_end: today.toISOString(), used_micros: 1500000, committed_micros: 1500000 } }
		);
		events.length = 0;
		const usage = (await get(`/budgets/${b.id}/usage`)).body;
		expect(usage).toMatchObject({ used_usd: 0, percentage_used: 0, remaining_usd: 2, resets_at: new Date(today.getTime() + DAY_MS).toISOString() });
		expect(events).toEqual([
			{
				event: "budget.reset",
				payload: { org_id: orgId, budget_id: b.id, budget_name: b.name, alert_id: null, percentage_used: 0, used_usd: 0, limit_usd: 2, action_on_exceed: "block" }
			}
		]);
		await get(`/budgets/${b.id}/usage`);
		expect(events).toHaveLength(1);
	});
});

describe("alerts (§8 rows 4 and 5)", () => {
	it("one threshold and one exceeded alert per period, with events; acknowledge once", async () => {
		const a = await createAgent({});
		const b = await createBudget({ agent_id: a.id, limit_usd: 0.01, alert_threshold: 0.5, action_on_exceed: "alert_only" });
		events.length = 0;
		await spend(a.id, 0.004);
		expect((await get(`/budgets/alerts?budget_id=${b.id}`)).body.total).toBe(0);
		await spend(a.id, 0.002);
		await spend(a.id, 0.001);
		await spend(a.id, 0.005);
		await spend(a.id, 0.005);
		const list = (await get(`/budgets/alerts?budget_id=${b.id}&order=asc`)).body;
		expect(list.total).toBe(2);
		const [threshold, exceeded] = list.items;
		expect(threshold).toEqual({
			id: expect.any(String),
			org_id: orgId,
			budget_id: b.id,
			budget_name: b.name,
			agent_id: a.id,
			type: "threshold",
			percentage_used: 60,
			used_usd: 0.006,
			limit_usd: 0.01,
			message: expect.stringContaining(b.name),
			period_start: b.current_period_start,
			acknowledged: false,
			acknowledged_at: null,
			acknowledged_by: null,
			created_at: expect.any(String),
			updated_at: expect.any(String)
		});
		expect(exceeded).toMatchObject({ type: "exceeded", used_usd: 0.012, percentage_used: 120 });
		expect(events.map(e => [e.event, e.payload.alert_id])).toEqual([
			["budget.alert", threshold.id],
			["budget.exceeded", exceeded.id]
		]);
		expect(events[1].payload).toEqual({
			org_id: orgId,
			budget_id: b.id,
			budget_name: b.name,
			alert_id: exceeded.id,
			percentage_used: 120,
			used_usd: 0.012,
			limit_usd: 0.01,
			action_on_exceed: "alert_only"
		});
		expect((await get(`/budgets/alerts?budget_id=${b.id}&type=exceeded`)).body.items.map((x: any) => x.id)).toEqual([exceeded.id]);

		expect((await post(`/budgets/alerts/${threshold.id}/acknowledge`, undefined, viewer)).status).toBe(403);
		expect((await post(`/budgets/alerts/${threshold.id}/acknowledge`, undefined, other)).status).toBe(404);
		const ack = await app.http.post(api(`/budgets/alerts/${threshold.id}/acknowledge`)).set(auth);
		expect(ack.status).toBe(200);
		expect(ack.body).toMatchObject({ id: threshold.id, acknowledged: true, acknowledged_at: expect.any(String), acknowledged_by: expect.any(String) });
		const again = await post(`/budgets/alerts/${threshold.id}/acknowledge`);
		expect(again.status).toBe(409);
		expect(again.body.error.code).toBe("INVALID_STATE_TRANSITION");
		expect((await get(`/budgets/alerts?budget_id=${b.id}`)).body.items.map((x: any) => x.id)).toEqual([exceeded.id]);
		expect((await get(`/budgets/alerts?budget_id=${b.id}&acknowledged=true`)).body.items).toEqual([ack.body]);
		expect((await post(`/budgets/alerts/alert_missing/acknowledge`)).status).toBe(404);
		const entries = await auditEntries(app, app.ownerKey, { action: "budget_alert.acknowledge", resource_id: threshold.id });
		expect(entries.map(e => e.outcome).sort()).toEqual(["failure", "success"]);
		expect((await get(`/budgets/alerts?budget_id=${b.id}`, other)).body.total).toBe(0);
	});

	it("alerts of past periods show only on request", async () => {
		const a = await createAgent({});
		const b = await createBudget({ agent_id: a.id, limit_usd: 0.01, action_on_exceed: "alert_only" });
		await spend(a.id, 0.02);
		const [past] = (await get(`/budgets/alerts?budget_id=${b.id}&type=exceeded`)).body.items;
		await (await alertRepo()).forOrg(orgId).updateWhere({ id: past.id }, { $set: { period_start: new Date(startOfUtcDay().getTime() - DAY_MS).toISOString() } });
		expect((await get(`/budgets/alerts?budget_id=${b.id}`)).body.items.map((x: any) => x.type)).toEqual(["threshold"]);
		const all = (await get(`/budgets/alerts?budget_id=${b.id}&include_past_periods=true`)).body;
		expect(all.items.map((x: any) => x.id)).toContain(past.id);
		expect((await get("/budgets/alerts?type=big")).status).toBe(400);
		expect((await get("/budgets/alerts?include_past_periods=yes")).status).toBe(400);
	});

	it("lowering the limit below the spend raises the alerts at once", async () => {
		const a = await createAgent({});
		const b = await createBudget({ agent_id: a.id, limit_usd: 1 });
		await spend(a.id, 0.3);
		expect((await get(`/budgets/alerts?budget_id=${b.id}`)).body.total).toBe(0);
		await put(`/budgets/${b.id}`, { limit_usd: 0.25 });
		expect((await get(`/budgets/alerts?budget_id=${b.id}`)).body.items.map((x: any) => x.type).sort()).toEqual(["exceeded", "threshold"]);
	});

	it("disabled budgets raise no alerts", async () => {
		const a = await createAgent({});
		const b = await createBudget({ agent_id: a.id, limit_usd: 0.001, enabled: false });
		await spend(a.id, 0.01);
		expect((await get(`/budgets/alerts?budget_id=${b.id}`)).body.total).toBe(0);
		expect((await get(`/budgets/${b.id}/usage`)).body.used_usd).toBe(0.01);
	});
});

describe("runtime guards (internal actions)", () => {
	it("reserve refuses what a block budget cannot afford; checkAcceptance refuses once used + reserved reach the limit", async () => {
		const a = await createAgent({});
		const b = await createBudget({ agent_id: a.id, limit_usd: 0.01 });
		expect(await call("budgets.checkAcceptance", { org_id: orgId, agent_id: a.id })).toBeNull();
		const held = await reserve(a.id, 0.006);
		expect(held).toEqual({ ok: true, reservation_id: expect.any(String) });
		expect(await reserve(a.id, 0.005)).toEqual({ ok: false, budget_id: b.id, budget_name: b.name, resets_at: b.resets_at });
		const rest = await reserve(a.id, 0.004);
		expect(rest.ok).toBe(true);
		expect(await call("budgets.checkAcceptance", { org_id: orgId, agent_id: a.id })).toEqual({ budget_id: b.id, budget_name: b.name, resets_at: b.resets_at });
		await call("budgets.release", { org_id: orgId, reservation_id: rest.reservation_id });
		expect(await call("budgets.checkAcceptance", { org_id: orgId, agent_id: a.id })).toBeNull();
		// Another org's budgets never apply.
		expect(await call("budgets.checkAcceptance", { org_id: orgId, agent_id: otherAgent.id })).toBeNull();
		// Disabled budgets are not enforced.
		await put(`/budgets/${b.id}`, { enabled: false });
		expect((await reserve(a.id, 1)).ok).toBe(true);
	});

	it("a call reserved while no budget applied still counts toward a budget created before it settles", async () => {
		const second = await createOrgWithOwner(app);
		const theirs = bearer(second.ownerKey);
		const theirOrg = (await get("/auth/me", theirs)).body.org.id;
		const theirAgent = await createAgent({}, theirs);
		const r = await reserve(theirAgent.id, 0.5, theirOrg);
		expect(r.ok).toBe(true);
		const b = await createBudget({ agent_id: theirAgent.id, limit_usd: 1 }, theirs);
		await settle(r.reservation_id, 0.25, theirOrg);
		expect((await get(`/budgets/${b.id}/usage`, theirs)).body).toMatchObject({ used_usd: 0.25, reserved_usd: 0 });
		expect((await call("budgets.release", { org_id: theirOrg, reservation_id: r.reservation_id })).ok).toBe(true);
	});

	it("throttle answers the strictest exceeded throttle budget and its scope key", async () => {
		const a = await createAgent({ team: "Throttled" });
		expect(await call("budgets.throttle", { org_id: orgId, agent_id: a.id })).toBeNull();
		await createBudget({ scope: "team", team: "Throttled", limit_usd: 0.001, action_on_exceed: "throttle", throttle_concurrency: 4, throttle_model: "mock-tools" });
		const agentBudget = await createBudget({ agent_id: a.id, limit_usd: 0.001, action_on_exceed: "throttle", throttle_concurrency: 2 });
		expect(await call("budgets.throttle", { org_id: orgId, agent_id: a.id })).toBeNull();
		await spend(a.id, 0.001);
		expect(await call("budgets.throttle", { org_id: orgId, agent_id: a.id })).toEqual({ key: `agent:${a.id}`, concurrency: 2, model: "mock-tools" });
		await put(`/budgets/${agentBudget.id}`, { enabled: false });
		expect(await call("budgets.throttle", { org_id: orgId, agent_id: a.id })).toEqual({ key: "team:Throttled", concurrency: 4, model: "mock-tools" });
	});
});

describe("runs under budgets (end to end)", () => {
	async function activeAgent(body: Record<string, unknown>): Promise<any> {
		const created = await createAgent({ memory_enabled: false, ...body });
		for (const target_state of ["testing", "active"]) expect((await post(`/lifecycle/${created.id}/promote`, { target_state })).status).toBe(200);
		return created;
	}
	const startRun = (agentId: string, input: string, wait = true) => post("/runtime/runs", { agent_id: agentId, input, wait, timeout_seconds: 10 });

	beforeAll(async () => {
		// Runs cost money only with prices: 1 USD per 1k tokens each way on the mock model (mock-tools stays free).
		expect((await put("/providers/models/mock-echo", { input_price_per_1k_usd: 1, output_price_per_1k_usd: 1 })).status).toBe(200);
	});

	it("a block budget stops the call that would overshoot it, then refuses new runs with 409 and stores them blocked", async () => {
		const a = await activeAgent({ max_tokens: 10 });
		const b = await createBudget({ agent_id: a.id, limit_usd: 0.05 });
		// 40 characters: 10 tokens in, 10 tokens out, 0.02 USD per run; the worst case reserved is the same.
		const input = "x".repeat(40);
		for (let i = 0; i < 2; i++) {
			const run = (await startRun(a.id, input)).body;
			expect(run).toMatchObject({ status: "completed", cost_usd: 0.02, tokens_input: 10, tokens_output: 10 });
		}
		expect((await get(`/budgets/${b.id}/usage`)).body).toMatchObject({ used_usd: 0.04, reserved_usd: 0, remaining_usd: 0.01, percentage_used: 80 });

		// Accepted (0.04 < 0.05), but its call would need 0.02 more: the run ends blocked before calling.
		const third = await startRun(a.id, input);
		expect(third.status).toBe(200);
		expect(third.body).toMatchObject({ status: "blocked", cost_usd: 0, error: { code: "BUDGET_EXCEEDED" } });
		expect((await get(`/runtime/runs/${third.body.id}/steps?type=llm_call`)).body.total).toBe(0);
		expect((await get(`/budgets/${b.id}/usage`)).body).toMatchObject({ used_usd: 0.04, reserved_usd: 0 });

		await put(`/budgets/${b.id}`, { limit_usd: 0.04 });
		const refused = await startRun(a.id, input, false);
		expect(refused.status).toBe(409);
		expect(refused.body.error).toMatchObject({
			code: "BUDGET_EXCEEDED",
			details: { run_id: expect.any(String), budget_id: b.id, budget_name: b.name, resets_at: b.resets_at }
		});
		const stored = (await get(`/runtime/runs/${refused.body.error.details.run_id}`)).body;
		expect(stored).toMatchObject({ status: "blocked", agent_id: a.id, error: { code: "BUDGET_EXCEEDED" }, cost_usd: 0 });
		expect((await post(`/runtime/runs/${stored.id}/retry`)).body.error.code).toBe("BUDGET_EXCEEDED");
		// Other agents of the org are not held back by an agent budget.
		const bystander = await activeAgent({ max_tokens: 10 });
		expect((await startRun(bystander.id, input)).body.status).toBe("completed");
		// The spend is exactly the two settled runs.
		const runs = (await get(`/runtime/runs?agent_id=${a.id}&limit=200`)).body.items;
		const spent = runs.reduce((s: number, r: any) => s + r.cost_usd, 0);
		expect(Math.round(spent * 1e6) / 1e6).toBe((await get(`/budgets/${b.id}/usage`)).body.used_usd);
	});

	it("an exceeded throttle budget switches every call to its model and runs the scope one at a time", async () => {
		const a = await activeAgent({ max_tokens: 50 });
		await createBudget({ agent_id: a.id, limit_usd: 0.001, action_on_exceed: "throttle", throttle_model: "mock-tools", throttle_concurrency: 1 });
		const first = (await startRun(a.id, "before the limit")).body;
		expect(first).toMatchObject({ status: "completed", cost_usd: 0.008 });
		expect((await get(`/runtime/runs/${first.id}/steps?type=llm_call`)).body.items[0].model).toBe("mock-echo");

		const accepted = await Promise.all([0, 1, 2].map(i => startRun(a.id, `SLEEP 250\nthrottled ${i}`, false)));
		expect(accepted.map(r => r.status)).toEqual([202, 202, 202]);
		const ids = accepted.map(r => r.body.id);
		let maxRunning = 0;
		let runs: any[] = [];
		for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
			// One list query is one consistent snapshot; three single reads could straddle a hand-over.
			const running = (await get(`/runtime/runs?agent_id=${a.id}&status=running`)).body.total;
			maxRunning = Math.max(maxRunning, running);
			runs = await Promise.all(ids.map(async id => (await get(`/runtime/runs/${id}`)).body));
			if (runs.every(r => r.status === "completed")) break;
			await new Promise(r => setTimeout(r, 40));
		}
		expect(runs.map(r => r.status)).toEqual(["completed", "completed", "completed"]);
		expect(maxRunning).toBe(1);
		// One after the other: each started once the previous one had ended.
		const ordered = [...runs].sort((x, y) => x.started_at.localeCompare(y.started_at));
		for (let i = 1; i < ordered.length; i++) expect(ordered[i].started_at >= ordered[i - 1].completed_at).toBe(true);
		for (const run of runs) {
			expect(run.cost_usd).toBe(0);
			const [step] = (await get(`/runtime/runs/${run.id}/steps?type=llm_call`)).body.items;
			expect(step).toMatchObject({ model: "mock-tools", input: { original_model: "mock-echo", throttled: true } });
		}
	});
});
