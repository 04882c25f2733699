import { bearer, startApp, storeOf, type TestApp } from "../helpers/app";
import { auditEntries, bootstrapUser, createOrgWithOwner, createUser, expectFieldProblems, keyWithRoles, loginAs, sleep, type CreatedOrg, uid } from "../helpers/platform";

// Governance, what it references (agents, users, tools) and what runs agents, for the end-to-end tests.
const SERVICES = ["admin", "rbac", "auth", "audit", "agents", "lifecycle", "providers", "secrets", "tools", "governance", "runtime", "actors", "api"];
const EVENTS = ["approval.requested", "approval.approved", "approval.rejected", "approval.expired", "escalation.created", "governance.violation"];

let app: TestApp;
let auth: Record<string, string>;
let orgId: string;
let other: CreatedOrg;
let viewerKey: string;
let operatorKey: string;
const seen: Record<string, any[]> = Object.fromEntries(EVENTS.map(e => [e, []]));

beforeAll(async () => {
	app = await startApp({ services: SERVICES });
	auth = bearer(app.ownerKey);
	other = await createOrgWithOwner(app);
	viewerKey = (await keyWithRoles(app, app.ownerKey, ["viewer"])).key;
	operatorKey = (await keyWithRoles(app, app.ownerKey, ["operator"])).key;
	orgId = (await bootstrapUser(app)).org_id;
	const spy = app.broker.createService({
		name: "governance-event-spy",
		events: Object.fromEntries(EVENTS.map(name => [name, (ctx: any) => void seen[name].push(ctx.params)]))
	});
	await app.broker.waitForServices(spy.name);
});

afterAll(async () => {
	await app?.stop();
});

// Org-wide policies apply to every agent of the org: each test removes the ones it created.
const orgWide: string[] = [];
afterEach(async () => {
	for (const id of orgWide.splice(0)) await app.http.delete(`/api/v1/governance/policies/${id}`).set(auth);
});

const fieldsOf = (res: any): string[] => (res.body.error?.details ?? []).map((d: any) => d.field);

async function createAgent(extra: Record<string, unknown> = {}, key = app.ownerKey): Promise<any> {
	const res = await app.http.post("/api/v1/agents").set(bearer(key)).send({ name: `agent-${uid()}`, model: "mock-echo", ...extra });
	if (res.status !== 201) throw new Error(`create agent answered ${res.status}: ${JSON.stringify(res.body)}`);
	return res.body;
}

async function createPolicy(body: Record<string, unknown>, key = app.ownerKey): Promise<any> {
	const res = await app.http.post("/api/v1/governance/policies").set(bearer(key)).send({ name: `Policy ${uid()}`, ...body });
	if (res.status !== 201) throw new Error(`create policy answered ${res.status}: ${JSON.stringify(res.body)}`);
	if (res.body.agent_id === null && key === app.ownerKey) orgWide.push(res.body.id);
	return res.body;
}

async function functionTool(safety_level: string, key = app.ownerKey): Promise<any> {
	const res = await app.http
		.post("/api/v1/tools")
		.set(bearer(key))
		.send({ name: `fn-${uid()}`, description: "Echoes its input", type: "function", config: { function: "echo" }, safety_level });
	if (res.status !== 201) throw new Error(`create tool answered ${res.status}: ${JSON.stringify(res.body)}`);
	return res.body;
}

async function policyCount(): Promise<number> {
	return (await app.http.get("/api/v1/governance/policies").set(auth)).body.total;
}

const evaluate = (body: Record<string, unknown>, key = app.ownerKey) => app.http.post("/api/v1/governance/evaluate").set(bearer(key)).send(body);

const check = (agentId: string, params: Record<string, unknown>): Promise<any> =>
	app.broker.call("governance.check", { org_id: orgId, agent_id: agentId, run_id: `run_${uid()}`, mode: "production", step_index: 0, ...params });

const afterStep = (agentId: string, runId: string, params: Record<string, unknown>): Promise<any> =>
	app.broker.call("governance.afterStep", { org_id: orgId, agent_id: agentId, run_id: runId, step_index: 1, final: false, ...params });

const runState = (over: Record<string, unknown> = {}) => ({ status: "running", cost_usd: 0, tokens_input: 10, tokens_output: 5, input: "hello", output: null, error: null, ...over });

async function violationsOf(filter: Record<string, string>): Promise<any[]> {
	const res = await app.http.get("/api/v1/governance/violations").query({ limit: 200, ...filter }).set(auth);
	expect(res.status).toBe(200);
	return res.body.items;
}

async function approvalsOf(filter: Record<string, string>): Promise<any[]> {
	const res = await app.http.get("/api/v1/governance/approvals").query({ limit: 200, ...filter }).set(auth);
	expect(res.status).toBe(200);
	return res.body.items;
}

/** A pending tool approval of a fresh run, created through governance.check. */
async function pendingApproval(extraGate: Record<string, unknown> = {}): Promise<any> {
	const agent = await createAgent();
	await createPolicy({ agent_id: agent.id, rules: [{ type: "approval_gate", requires_approval_for: ["deploy"], ...extraGate }] });
	const decision = await check(agent.id, { stage: "tool", tool_name: "deploy", safety_level: "safe", step_index: 3, tool_input: { env: "prod" } });
	expect(decision.action).toBe("require_approval");
	return (await app.http.get(`/api/v1/governance/approvals/${decision.approval.id}`).set(auth)).body;
}

describe("policies CRUD", () => {
	test("create answers 201 with every rule's defaults; get and list show it", async () => {
		const agent = await createAgent();
		const res = await app.http
			.post("/api/v1/governance/policies")
			.set(auth)
			.send({
				name: "Safety baseline",
				agent_id: agent.id,
				rules: [
					{ type: "token_limit", max_tokens_per_run: 5000 },
					{ type: "tool_restriction", blocked_tools: ["shell.exec"] },
					{ type: "approval_gate", requires_approval_for: ["dangerous", "payments.refund"] },
					{ type: "content_filter", block_patterns: ["password"] },
					{ type: "escalation", conditions: [{ on: "run_failed" }] }
				]
			});
		expect(res.status).toBe(201);
		expect(res.body).toEqual({
			id: expect.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
			org_id: orgId,
			name: "Safety baseline",
			description: "",
			agent_id: agent.id,
			enabled: true,
			rules: [
				{ type: "token_limit", max_tokens_per_run: 5000 },
				{ type: "tool_restriction", blocked_tools: ["shell.exec"] },
				{ type: "approval_gate", requires_approval_for: ["dangerous", "payments.refund"], approval_timeout_seconds: 86_400, assignee_user_ids: [] },
				{ type: "content_filter", block_patterns: ["password"], pattern_type: "literal", action: "block", applies_to: ["input", "output"] },
				{ type: "escalation", conditions: [{ on: "run_failed" }], pause_run: false, timeout_minutes: 60, assignee_user_ids: [] }
			],
			created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
			updated_at: expect.any(String)
		});
		const got = await app.http.get(`/api/v1/governance/policies/${res.body.id}`).set(auth);
		expect(got.status).toBe(200);
		expect(got.body).toEqual(res.body);
		const listed = await app.http.get("/api/v1/governance/policies").query({ agent_id: agent.id }).set(auth);
		expect(listed.body.items.map((p: any) => p.id)).toContain(res.body.id);
		const entries = await auditEntries(app, app.ownerKey, { action: "policy.create", resource_id: res.body.id });
		expect(entries).toHaveLength(1);
		expect(entries[0]).toMatchObject({ outcome: "success", status_code: 201, resource_type: "policy" });
	});

	test("invalid bodies answer 400 with every problem's path and create nothing", async () => {
		const before = await policyCount();
		const cases: [Record<string, unknown>, string[]][] = [
			[{}, ["name", "rules"]],
			[{ name: "  ", rules: [] }, ["name", "rules"]],
			[{ name: "x", rules: [{ type: "token_limit", max_tokens_per_run: 10 }, { type: "token_limit", max_tokens_per_run: 0 }] }, ["rules[1].max_tokens_per_run"]],
			[{ name: "x", rules: [{ type: "token_limit" }] }, ["rules[0].max_tokens_per_run"]],
			[{ name: "x", rules: [{ type: "tool_restriction", blocked_tools: ["a"], max_tokens_per_run: 5 }] }, ["rules[0].max_tokens_per_run"]],
			[{ name: "x", rules: [{ type: "budget", limit: 5 }] }, ["rules[0].type"]],
			[{ name: "x", rules: [{ type: "content_filter", pattern_type: "regex", block_patterns: ["ok", "(unclosed"] }] }, ["rules[0].block_patterns[1]"]],
			[{ name: "x", rules: [{ type: "content_filter", block_patterns: ["a"], action: "mask", applies_to: ["both"] }] }, ["rules[0].action", "rules[0].applies_to[0]"]],
			[{ name: "x", rules: [{ type: "approval_gate", requires_approval_for: [], approval_timeout_seconds: 59 }] }, ["rules[0].approval_timeout_seconds", "rules[0].requires_approval_for"]],
			[{ name: "x", rules: [{ type: "escalation", conditions: [{ on: "cost_above" }, { on: "eclipse" }], timeout_minutes: 10_081 }] }, ["rules[0].timeout_minutes", "rules[0].conditions[0].threshold_usd", "rules[0].conditions[1].on"]],
			[{ name: "x", rules: Array.from({ length: 51 }, () => ({ type: "token_limit", max_tokens_per_run: 1 })) }, ["rules"]],
			[{ name: "x", rules: [{ type: "token_limit", max_tokens_per_run: "5" }], enabled: "yes" }, ["rules[0].max_tokens_per_run", "enabled"]],
			[{ name: "x", rules: [{ type: "token_limit", max_tokens_per_run: 5 }], agent_id: 42 }, ["agent_id"]]
		];
		for (const [body, fields] of cases) {
			const res = await app.http.post("/api/v1/governance/policies").set(auth).send(body);
			expectFieldProblems(res, body, fields);
		}
		expect(await policyCount()).toBe(before);
	});

	test("agent_id must name an agent of the caller's org: 404 otherwise", async () => {
		const theirs = await createAgent({}, other.ownerKey);
		for (const agent_id of [theirs.id, "agt_doesnotexist"]) {
			const res = await app.http.post("/api/v1/governance/policies").set(auth).send({ name: `p-${uid()}`, agent_id, rules: [{ type: "token_limit", max_tokens_per_run: 5 }] });
			expect(res.status).toBe(404);
			expect(res.body.error).toMatchObject({ code: "NOT_FOUND", details: [{ field: "agent_id" }] });
		}
	});

	test("assignee_user_ids of gates and escalations must be users of the caller's org: 404 naming each, nothing stored", async () => {
		const { user } = await createUser(app, app.ownerKey, ["operator"]);
		const before = await policyCount();
		const rules = [
			{ type: "approval_gate", requires_approval_for: ["deploy"], assignee_user_ids: [user.id, other.tokens.user.id] },
			{ type: "escalation", conditions: [{ on: "run_failed" }], assignee_user_ids: ["usr_missing"] }
		];
		const res = await app.http.post("/api/v1/governance/policies").set(auth).send({ name: `p-${uid()}`, rules });
		expect(res.status).toBe(404);
		expect(res.body.error.code).toBe("NOT_FOUND");
		expect(fieldsOf(res)).toEqual(["rules[0].assignee_user_ids[1]", "rules[1].assignee_user_ids[0]"]);
		expect(await policyCount()).toBe(before);
		const policy = await createPolicy({ rules: [{ type: "approval_gate", requires_approval_for: ["deploy"], assignee_user_ids: [user.id] }] });
		const put = await app.http.put(`/api/v1/governance/policies/${policy.id}`).set(auth).send({ rules: [{ ...rules[0], assignee_user_ids: [other.tokens.user.id] }] });
		expect(put.status).toBe(404);
		expect(fieldsOf(put)).toEqual(["rules[0].assignee_user_ids[0]"]);
		expect((await app.http.get(`/api/v1/governance/policies/${policy.id}`).set(auth)).body.rules[0].assignee_user_ids).toEqual([user.id]);
	});

	test("names are unique per org: 409 ALREADY_EXISTS, while another org may reuse the name", async () => {
		const policy = await createPolicy({ rules: [{ type: "token_limit", max_tokens_per_run: 5 }] });
		const dup = await app.http.post("/api/v1/governance/policies").set(auth).send({ name: policy.name, rules: [{ type: "token_limit", max_tokens_per_run: 9 }] });
		expect(dup.status).toBe(409);
		expect(dup.body.error).toMatchObject({ code: "ALREADY_EXISTS", details: { field: "name" } });
		const elsewhere = await createPolicy({ name: policy.name, rules: [{ type: "token_limit", max_tokens_per_run: 5 }] }, other.ownerKey);
		expect(elsewhere.org_id).not.toBe(orgId);
	});

	test("list filters: agent_id (its own and org-wide policies), enabled, rule_type", async () => {
		const [a, b] = [await createAgent(), await createAgent()];
		const own = await createPolicy({ agent_id: a.id, rules: [{ type: "token_limit", max_tokens_per_run: 5 }] });
		const otherAgent = await createPolicy({ agent_id: b.id, rules: [{ type: "token_limit", max_tokens_per_run: 5 }] });
		const orgWide = await createPolicy({ rules: [{ type: "content_filter", block_patterns: [`w-${uid()}`] }], enabled: false });
		const ids = async (query: Record<string, string | number | boolean>) =>
			(await app.http.get("/api/v1/governance/policies").query({ limit: 200, ...query }).set(auth)).body.items.map((p: any) => p.id);
		const forA = await ids({ agent_id: a.id });
		expect(forA).toEqual(expect.arrayContaining([own.id, orgWide.id]));
		expect(forA).not.toContain(otherAgent.id);
		expect(await ids({ agent_id: a.id, enabled: false })).toEqual([orgWide.id]);
		expect(await ids({ agent_id: a.id, rule_type: "token_limit", enabled: true })).toEqual([own.id]);
		expect(await ids({ agent_id: "agt_unknown", rule_type: "token_limit" })).not.toContain(own.id);
		for (const query of [{ rule_type: "quota" }, { enabled: "maybe" }, { limit: 0 }]) {
			const res = await app.http.get("/api/v1/governance/policies").query(query).set(auth);
			expect(res.status).toBe(400);
		}
	});

	test("PUT changes only what is sent; rules are replaced and validated; {} changes nothing", async () => {
		const agent = await createAgent();
		const policy = await createPolicy({ agent_id: agent.id, description: "first", rules: [{ type: "token_limit", max_tokens_per_run: 5 }] });
		const path = `/api/v1/governance/policies/${policy.id}`;
		const same = await app.http.put(path).set(auth).send({});
		expect(same.status).toBe(200);
		expect(same.body).toEqual(policy);
		const changed = await app.http.put(path).set(auth).send({ enabled: false, rules: [{ type: "content_filter", block_patterns: ["x"], action: "redact" }], agent_id: null });
		expect(changed.status).toBe(200);
		expect(changed.body).toMatchObject({
			name: policy.name,
			description: "first",
			agent_id: null,
			enabled: false,
			rules: [{ type: "content_filter", block_patterns: ["x"], action: "redact", pattern_type: "literal", applies_to: ["input", "output"] }]
		});
		for (const [body, fields] of [
			[{ rules: [{ type: "token_limit", max_tokens_per_run: -1 }] }, ["rules[0].max_tokens_per_run"]],
			[{ name: null, enabled: null }, ["name", "enabled"]],
			[{ rules: [] }, ["rules"]]
		] as [Record<string, unknown>, string[]][]) {
			const res = await app.http.put(path).set(auth).send(body);
			expect(res.status).toBe(400);
			expect(fieldsOf(res).sort()).toEqual(fields.sort());
		}
		const taken = await createPolicy({ rules: [{ type: "token_limit", max_tokens_per_run: 5 }] });
		const conflict = await app.http.put(path).set(auth).send({ name: taken.name });
		expect(conflict.status).toBe(409);
		expect(conflict.body.error.code).toBe("ALREADY_EXISTS");
		const missingAgent = await app.http.put(path).set(auth).send({ agent_id: "agt_missing" });
		expect(missingAgent.status).toBe(404);
		expect((await app.http.get(path).set(auth)).body).toEqual(changed.body);
		const entries = await auditEntries(app, app.ownerKey, { action: "policy.update", resource_id: policy.id });
		expect(entries.map(e => e.status_code).sort()).toEqual([200, 200, 400, 400, 400, 404, 409]);
	});

	test("DELETE answers 204, then the policy is gone", async () => {
		const policy = await createPolicy({ rules: [{ type: "token_limit", max_tokens_per_run: 5 }] });
		const path = `/api/v1/governance/policies/${policy.id}`;
		const del = await app.http.delete(path).set(auth);
		expect(del.status).toBe(204);
		expect(del.text).toBe("");
		expect((await app.http.get(path).set(auth)).status).toBe(404);
		expect((await app.http.delete(path).set(auth)).status).toBe(404);
		expect(await auditEntries(app, app.ownerKey, { action: "policy.delete", resource_id: policy.id, outcome: "success" })).toHaveLength(1);
	});

	test("another org's policy and unknown ids answer 404 on every route", async () => {
		const theirs = await createPolicy({ rules: [{ type: "token_limit", max_tokens_per_run: 5 }] }, other.ownerKey);
		for (const id of [theirs.id, "pol_doesnotexist"]) {
			const path = `/api/v1/governance/policies/${id}`;
			const responses = await Promise.all([app.http.get(path).set(auth), app.http.put(path).set(auth).send({ enabled: false }), app.http.delete(path).set(auth)]);
			expect(responses.map(r => [r.status, r.body.error?.code])).toEqual([
				[404, "NOT_FOUND"],
				[404, "NOT_FOUND"],
				[404, "NOT_FOUND"]
			]);
		}
		const still = await app.http.get(`/api/v1/governance/policies/${theirs.id}`).set(bearer(other.ownerKey));
		expect(still.body.enabled).toBe(true);
	});

	test("viewers read but cannot write: 403 PERMISSION_DENIED and nothing changes", async () => {
		const policy = await createPolicy({ rules: [{ type: "token_limit", max_tokens_per_run: 5 }] });
		const viewer = bearer(viewerKey);
		const path = `/api/v1/governance/policies/${policy.id}`;
		expect((await app.http.get(path).set(viewer)).status).toBe(200);
		const writes = await Promise.all([
			app.http.post("/api/v1/governance/policies").set(viewer).send({ name: "v", rules: [{ type: "token_limit", max_tokens_per_run: 5 }] }),
			app.http.put(path).set(viewer).send({ enabled: false }),
			app.http.delete(path).set(viewer)
		]);
		expect(writes.map(r => [r.status, r.body.error?.code])).toEqual([
			[403, "PERMISSION_DENIED"],
			[403, "PERMISSION_DENIED"],
			[403, "PERMISSION_DENIED"]
		]);
		expect(writes[0].body.error.details).toEqual({ required: ["governance:write"] });
		expect((await app.http.get(path).set(auth)).body).toEqual(policy);
	});
});

describe("POST /governance/evaluate", () => {
	test("token_limit: over the lowest limit blocks; at the limit is allowed", async () => {
		const agent = await createAgent();
		const tight = await createPolicy({ agent_id: agent.id, rules: [{ type: "token_limit", max_tokens_per_run: 100 }] });
		await createPolicy({ agent_id: agent.id, rules: [{ type: "token_limit", max_tokens_per_run: 1000 }] });
		const over = await evaluate({ agent_id: agent.id, tokens: 101 });
		expect(over.status).toBe(200);
		expect(over.body).toEqual({
			allowed: false,
			action: "block",
			violations: [{ policy_id: tight.id, policy_name: tight.name, rule_type: "token_limit", message: expect.stringContaining("100") }]
		});
		expect((await evaluate({ agent_id: agent.id, tokens: 100 })).body).toEqual({ allowed: true, action: "allow", violations: [] });
	});

	test("tool_restriction: blocked tools of every policy (org-wide included) are united", async () => {
		const agent = await createAgent();
		const own = await createPolicy({ agent_id: agent.id, rules: [{ type: "tool_restriction", blocked_tools: ["shell.exec"] }] });
		const orgTool = `wipe-${uid()}`;
		const orgWide = await createPolicy({ rules: [{ type: "tool_restriction", blocked_tools: [orgTool] }] });
		const first = await evaluate({ agent_id: agent.id, tool_name: "shell.exec" });
		expect(first.body).toMatchObject({ allowed: false, action: "block", violations: [{ policy_id: own.id, rule_type: "tool_restriction" }] });
		const second = await evaluate({ agent_id: agent.id, tool_name: orgTool });
		expect(second.body).toMatchObject({ allowed: false, action: "block", violations: [{ policy_id: orgWide.id }] });
		expect((await evaluate({ agent_id: agent.id, tool_name: "search" })).body).toEqual({ allowed: true, action: "allow", violations: [] });
		// A policy of another agent does not apply.
		const elsewhere = await createAgent();
		expect((await evaluate({ agent_id: elsewhere.id, tool_name: "shell.exec" })).body.action).toBe("allow");
	});

	test("approval_gate: by tool name or by the safety level of the agent's tool", async () => {
		const moderate = await functionTool("moderate");
		const safe = await functionTool("safe");
		const agent = await createAgent({ tools: [moderate.id, safe.id] });
		const policy = await createPolicy({ agent_id: agent.id, rules: [{ type: "approval_gate", requires_approval_for: ["moderate", "payments.refund"] }] });
		for (const tool_name of [moderate.name, "payments.refund"]) {
			const res = await evaluate({ agent_id: agent.id, tool_name });
			expect(res.body).toMatchObject({ allowed: false, action: "require_approval", violations: [{ policy_id: policy.id, rule_type: "approval_gate" }] });
		}
		expect((await evaluate({ agent_id: agent.id, tool_name: safe.name })).body.action).toBe("allow");
	});

	test("the built-in rule: the agent's dangerous tool needs an approval without any policy", async () => {
		const dangerous = await functionTool("dangerous");
		const agent = await createAgent({ tools: [dangerous.id] });
		const res = await evaluate({ agent_id: agent.id, tool_name: dangerous.name });
		expect(res.body).toMatchObject({ allowed: false, action: "require_approval", violations: [{ policy_id: null, policy_name: null, rule_type: null }] });
	});

	test("content_filter: literal and regex, case-insensitive, per stage; redact answers the redacted text; block beats redact", async () => {
		const agent = await createAgent();
		const literal = await createPolicy({ agent_id: agent.id, rules: [{ type: "content_filter", block_patterns: ["Project Falcon"], applies_to: ["input"] }] });
		const regex = await createPolicy({
			agent_id: agent.id,
			rules: [{ type: "content_filter", pattern_type: "regex", action: "redact", block_patterns: ["\\b\\d{3}-\\d{2}-\\d{4}\\b", "api[_-]?key"] }]
		});
		const blocked = await evaluate({ agent_id: agent.id, input: "tell me about PROJECT FALCON" });
		expect(blocked.body).toMatchObject({ allowed: false, action: "block", violations: [{ policy_id: literal.id, rule_type: "content_filter" }] });
		expect(blocked.body.redacted_text).toBeUndefined();
		// The literal filter covers the input only.
		expect((await evaluate({ agent_id: agent.id, output: "project falcon" })).body.action).toBe("allow");
		const redacted = await evaluate({ agent_id: agent.id, output: "SSN 123-45-6789 and API-KEY here" });
		expect(redacted.body).toEqual({
			allowed: true,
			action: "redact",
			redacted_text: "SSN [REDACTED] and [REDACTED] here",
			violations: [{ policy_id: regex.id, policy_name: regex.name, rule_type: "content_filter", message: expect.any(String) }]
		});
		const both = await evaluate({ agent_id: agent.id, input: "project falcon 123-45-6789" });
		expect(both.body).toMatchObject({ allowed: false, action: "block" });
		expect(both.body.violations.map((v: any) => v.policy_id)).toEqual([literal.id]);
	});

	test("combinations: block beats require_approval beats redact; disabled policies and escalations change nothing", async () => {
		const agent = await createAgent();
		await createPolicy({
			agent_id: agent.id,
			rules: [
				{ type: "content_filter", action: "redact", block_patterns: ["secret"] },
				{ type: "approval_gate", requires_approval_for: ["deploy"] },
				{ type: "token_limit", max_tokens_per_run: 50 },
				{ type: "escalation", conditions: [{ on: "pattern", pattern: "secret" }], pause_run: true }
			]
		});
		await createPolicy({ agent_id: agent.id, enabled: false, rules: [{ type: "tool_restriction", blocked_tools: ["deploy"] }] });
		const approval = await evaluate({ agent_id: agent.id, input: "a secret", tool_name: "deploy", tokens: 10 });
		expect(approval.body).toMatchObject({ allowed: false, action: "require_approval", redacted_text: "a [REDACTED]" });
		expect(approval.body.violations.map((v: any) => v.rule_type)).toEqual(["content_filter", "approval_gate"]);
		const block = await evaluate({ agent_id: agent.id, input: "a secret", tool_name: "deploy", tokens: 51 });
		expect(block.body).toMatchObject({ allowed: false, action: "block" });
		expect(block.body.violations.map((v: any) => v.rule_type)).toEqual(["content_filter", "approval_gate", "token_limit"]);
	});

	test("records nothing; 400 for bad bodies; 404 for another org's agent; viewers may evaluate", async () => {
		const agent = await createAgent();
		await createPolicy({ agent_id: agent.id, rules: [{ type: "content_filter", block_patterns: ["boom"] }] });
		const before = (await violationsOf({ agent_id: agent.id })).length;
		const viewerCall = await evaluate({ agent_id: agent.id, input: "boom" }, viewerKey);
		expect(viewerCall.status).toBe(200);
		expect(viewerCall.body.action).toBe("block");
		expect((await violationsOf({ agent_id: agent.id })).length).toBe(before);
		expect(seen["governance.violation"].filter(e => e.agent_id === agent.id)).toEqual([]);
		for (const [body, fields] of [
			[{ input: "x" }, ["agent_id"]],
			[{ agent_id: agent.id }, ["input"]],
			[{ agent_id: agent.id, tokens: "5" }, ["tokens"]],
			[{ agent_id: agent.id, tokens: -1, input: 3 }, ["tokens", "input"]]
		] as [Record<string, unknown>, string[]][]) {
			const res = await evaluate(body);
			expect(res.status).toBe(400);
			expect(fieldsOf(res).sort()).toEqual(fields.sort());
		}
		const theirs = await createAgent({}, other.ownerKey);
		for (const agent_id of [theirs.id, "agt_missing"]) {
			const res = await evaluate({ agent_id, input: "x" });
			expect(res.status).toBe(404);
			expect(res.body.error.details).toEqual([{ field: "agent_id", message: expect.any(String) }]);
		}
		const noPermission = await evaluate({ agent_id: agent.id, input: "x" }, (await keyWithRoles(app, app.ownerKey, [], { permissions: ["agents:read"] })).key);
		expect(noPermission.status).toBe(403);
	});
});

describe("runtime hooks (governance.check / afterStep / cancelForRun)", () => {
	test("no enabled rule for the stage: applies is false", async () => {
		const agent = await createAgent();
		await createPolicy({ agent_id: agent.id, enabled: false, rules: [{ type: "content_filter", block_patterns: ["x"] }] });
		await createPolicy({ agent_id: agent.id, rules: [{ type: "content_filter", block_patterns: ["x"], applies_to: ["output"] }] });
		expect(await check(agent.id, { stage: "input", text: "x" })).toMatchObject({ applies: false, action: "allow" });
		expect(await check(agent.id, { stage: "llm", tokens_used: 10, tokens_estimate: 10, max_tokens: 100 })).toMatchObject({ applies: false });
		expect(await check(agent.id, { stage: "tool", tool_name: "search", safety_level: "moderate" })).toMatchObject({ applies: false });
		expect(await check(agent.id, { stage: "output", text: "y" })).toMatchObject({ applies: true, action: "allow", code: null });
	});

	test("input/output filters: block (CONTENT_BLOCKED) and redact, each writing a violation and an event", async () => {
		const agent = await createAgent();
		const block = await createPolicy({ agent_id: agent.id, rules: [{ type: "content_filter", block_patterns: ["forbidden"], applies_to: ["input"] }] });
		const redact = await createPolicy({ agent_id: agent.id, rules: [{ type: "content_filter", action: "redact", pattern_type: "regex", block_patterns: ["\\d{4}"], applies_to: ["output"] }] });
		const runId = `run_${uid()}`;
		const blocked = await check(agent.id, { run_id: runId, stage: "input", text: "Something FORBIDDEN", step_index: 0 });
		expect(blocked).toMatchObject({ applies: true, action: "block", code: "CONTENT_BLOCKED", message: expect.any(String) });
		expect(blocked.checks).toMatchObject({ stage: "input", action: "block", matched: [{ policy_id: block.id, rule_type: "content_filter" }] });
		const redacted = await check(agent.id, { run_id: runId, stage: "output", text: "pin 1234 ok", step_index: 4 });
		expect(redacted).toMatchObject({ applies: true, action: "redact", code: null, text: "pin [REDACTED] ok" });
		const violations = (await violationsOf({ run_id: runId })).sort((a, b) => a.step_index - b.step_index);
		expect(violations).toEqual([
			expect.objectContaining({ policy_id: block.id, policy_name: block.name, rule_type: "content_filter", agent_id: agent.id, run_id: runId, step_index: 0, action_taken: "blocked" }),
			expect.objectContaining({ policy_id: redact.id, rule_type: "content_filter", run_id: runId, step_index: 4, action_taken: "redacted" })
		]);
		const events = seen["governance.violation"].filter(e => e.run_id === runId);
		expect(events.map(e => [e.violation_id, e.action_taken, e.org_id])).toEqual(violations.map(v => [v.id, v.action_taken, orgId]));
		expect(events.map(e => e.violation)).toEqual(violations);
	});

	test("llm: token limit blocks at used + estimate ≥ limit, else lowers max_tokens", async () => {
		const agent = await createAgent();
		const policy = await createPolicy({ agent_id: agent.id, rules: [{ type: "token_limit", max_tokens_per_run: 1000 }] });
		await createPolicy({ rules: [{ type: "token_limit", max_tokens_per_run: 1_000_000 }] });
		expect(await check(agent.id, { stage: "llm", tokens_used: 700, tokens_estimate: 100, max_tokens: 4096 })).toMatchObject({ applies: true, action: "allow", max_tokens: 200 });
		expect(await check(agent.id, { stage: "llm", tokens_used: 100, tokens_estimate: 100, max_tokens: 50 })).toMatchObject({ action: "allow", max_tokens: 50 });
		const runId = `run_${uid()}`;
		const blocked = await check(agent.id, { run_id: runId, stage: "llm", tokens_used: 900, tokens_estimate: 100, max_tokens: 4096 });
		expect(blocked).toMatchObject({ applies: true, action: "block", code: "TOKEN_LIMIT_EXCEEDED" });
		expect(await violationsOf({ run_id: runId })).toEqual([expect.objectContaining({ policy_id: policy.id, rule_type: "token_limit", action_taken: "blocked" })]);
	});

	test("tool: a restriction denies (TOOL_BLOCKED); an approval gate opens one pending approval per step in production", async () => {
		const agent = await createAgent();
		const { user } = await createUser(app, app.ownerKey, ["operator"]);
		const policy = await createPolicy({
			agent_id: agent.id,
			rules: [
				{ type: "tool_restriction", blocked_tools: ["shell.exec"] },
				{ type: "approval_gate", requires_approval_for: ["deploy"], approval_timeout_seconds: 600, assignee_user_ids: [user.id] }
			]
		});
		const runId = `run_${uid()}`;
		const denied = await check(agent.id, { run_id: runId, stage: "tool", tool_name: "shell.exec", safety_level: "safe", step_index: 2 });
		expect(denied).toMatchObject({ applies: true, action: "deny", code: "TOOL_BLOCKED" });
		const before = Date.now();
		const gated = await check(agent.id, { run_id: runId, stage: "tool", tool_name: "deploy", safety_level: "safe", step_index: 5, tool_input: { env: "prod" } });
		expect(gated).toMatchObject({ applies: true, action: "require_approval", approval: { id: expect.any(String), expires_at: expect.any(String) } });
		const approval = (await app.http.get(`/api/v1/governance/approvals/${gated.approval.id}`).set(auth)).body;
		expect(approval).toMatchObject({
			kind: "approval",
			status: "pending",
			run_id: runId,
			agent_id: agent.id,
			step_index: 6,
			policy_id: policy.id,
			rule_type: "approval_gate",
			tool_name: "deploy",
			tool_input: { env: "prod" },
			assignee_user_ids: [user.id],
			delegation_history: [],
			decided_by: null,
			decided_at: null,
			comment: null,
			expires_at: gated.approval.expires_at
		});
		expect(Date.parse(approval.expires_at) - Date.parse(approval.created_at)).toBe(600_000);
		expect(Date.parse(approval.created_at)).toBeGreaterThanOrEqual(before - 5);
		// The same step asked again (a resumed run) gets the same approval.
		const again = await check(agent.id, { run_id: runId, stage: "tool", tool_name: "deploy", safety_level: "safe", step_index: 5 });
		expect(again.approval.id).toBe(gated.approval.id);
		expect(await approvalsOf({ run_id: runId })).toHaveLength(1);
		expect(seen["approval.requested"].filter(e => e.run_id === runId)).toEqual([
			expect.objectContaining({ org_id: orgId, approval_id: approval.id, kind: "approval", agent_id: agent.id, tool_name: "deploy", decided_by: null })
		]);
		expect((await violationsOf({ run_id: runId })).map(v => v.action_taken).sort()).toEqual(["approval_required", "approval_required", "denied"]);
	});

	test("tool in test mode: require_approval without an approval; the built-in dangerous rule only in production", async () => {
		const agent = await createAgent();
		await createPolicy({ agent_id: agent.id, rules: [{ type: "approval_gate", requires_approval_for: ["deploy"] }] });
		const runId = `run_${uid()}`;
		const simulated = await check(agent.id, { run_id: runId, mode: "test", stage: "tool", tool_name: "deploy", safety_level: "safe" });
		expect(simulated).toMatchObject({ applies: true, action: "require_approval" });
		expect(simulated.approval).toBeUndefined();
		expect(await approvalsOf({ run_id: runId, status: "pending" })).toEqual([]);

		const bare = await createAgent();
		expect(await check(bare.id, { mode: "test", stage: "tool", tool_name: "rm", safety_level: "dangerous" })).toMatchObject({ applies: false, action: "allow" });
		const prodRun = `run_${uid()}`;
		const builtin = await check(bare.id, { run_id: prodRun, stage: "tool", tool_name: "rm", safety_level: "dangerous", step_index: 1 });
		expect(builtin).toMatchObject({ applies: true, action: "require_approval" });
		const approval = (await approvalsOf({ run_id: prodRun }))[0];
		expect(approval).toMatchObject({ id: builtin.approval.id, kind: "approval", policy_id: null, rule_type: null, step_index: 2, tool_name: "rm", assignee_user_ids: [] });
		expect(Date.parse(approval.expires_at) - Date.parse(approval.created_at)).toBe(86_400_000);
		// No policy, no violation.
		expect(await violationsOf({ run_id: prodRun })).toEqual([]);
	});

	test("afterStep: every condition fires once per run; pause_run answers pause with an expiring escalation", async () => {
		const agent = await createAgent();
		const { user } = await createUser(app, app.ownerKey, ["operator"]);
		const pausing = await createPolicy({
			agent_id: agent.id,
			rules: [{ type: "escalation", conditions: [{ on: "cost_above", threshold_usd: 0.5 }], pause_run: true, timeout_minutes: 30, assignee_user_ids: [user.id] }]
		});
		const notifying = await createPolicy({
			agent_id: agent.id,
			rules: [{ type: "escalation", conditions: [{ on: "tokens_above", threshold: 100 }, { on: "pattern", pattern: "LAWYER" }, { on: "run_failed" }] }]
		});
		const runId = `run_${uid()}`;
		expect(await afterStep(agent.id, runId, { run: runState() })).toEqual({ pause: false, approval_id: null });
		const tokens = await afterStep(agent.id, runId, { step_index: 2, run: runState({ tokens_input: 90, tokens_output: 20, output: "I will call my lawyer" }) });
		expect(tokens).toEqual({ pause: false, approval_id: null });
		const paused = await afterStep(agent.id, runId, { step_index: 3, run: runState({ tokens_input: 90, tokens_output: 20, cost_usd: 0.75 }) });
		expect(paused).toEqual({ pause: true, approval_id: expect.any(String) });
		// Nothing fires twice.
		expect(await afterStep(agent.id, runId, { step_index: 4, run: runState({ tokens_input: 900, cost_usd: 2, output: "lawyer" }) })).toEqual({ pause: false, approval_id: null });
		const items = await approvalsOf({ run_id: runId, kind: "escalation", order: "asc" });
		expect(items).toHaveLength(3);
		const pausingItem = items.find(a => a.id === paused.approval_id);
		expect(pausingItem).toMatchObject({ kind: "escalation", status: "pending", policy_id: pausing.id, rule_type: "escalation", step_index: 4, assignee_user_ids: [user.id], tool_name: null });
		expect(Date.parse(pausingItem.expires_at) - Date.parse(pausingItem.created_at)).toBe(30 * 60_000);
		for (const item of items.filter(a => a.id !== paused.approval_id)) expect(item).toMatchObject({ policy_id: notifying.id, expires_at: null, step_index: 2 });
		const created = seen["escalation.created"].filter(e => e.run_id === runId);
		expect(created.map(e => e.condition.on).sort()).toEqual(["cost_above", "pattern", "tokens_above"]);
		expect(created[0]).toMatchObject({ org_id: orgId, agent_id: agent.id, approval_id: expect.any(String), policy_id: expect.any(String) });
		expect((await violationsOf({ run_id: runId })).map(v => v.action_taken)).toEqual(["escalated", "escalated", "escalated"]);
		// Test runs never pause.
		const testRun = `run_${uid()}`;
		expect(await afterStep(agent.id, testRun, { mode: "test", run: runState({ cost_usd: 1 }) })).toEqual({ pause: false, approval_id: null });
		expect((await approvalsOf({ run_id: testRun, kind: "escalation" }))[0]).toMatchObject({ policy_id: pausing.id, expires_at: null });
		// The run failing at the end fires run_failed, which cannot pause a failed run.
		const failed = await afterStep(agent.id, runId, { step_index: 5, final: true, run: runState({ status: "failed", error: { code: "PROVIDER_ERROR", message: "x" } }) });
		expect(failed).toEqual({ pause: false, approval_id: null });
		expect(await approvalsOf({ run_id: runId, kind: "escalation" })).toHaveLength(4);
	});

	test("afterStep: tool_called fires on the step passed, or on the tool call check saw last", async () => {
		const agent = await createAgent();
		await createPolicy({ agent_id: agent.id, rules: [{ type: "escalation", conditions: [{ on: "tool_called", tool: "refund" }] }] });
		const explicit = `run_${uid()}`;
		expect(await afterStep(agent.id, explicit, { run: runState(), step: { type: "tool_call", name: "search", status: "completed" } })).toMatchObject({ pause: false });
		await afterStep(agent.id, explicit, { run: runState(), step: { type: "tool_call", name: "refund", status: "completed" } });
		expect(await approvalsOf({ run_id: explicit, kind: "escalation" })).toHaveLength(1);

		const inferred = `run_${uid()}`;
		// The tool stage alone does not apply (no restriction or gate), but the call is noted.
		expect(await check(agent.id, { run_id: inferred, stage: "tool", tool_name: "refund", safety_level: "safe", step_index: 1 })).toMatchObject({ applies: false });
		await afterStep(agent.id, inferred, { step_index: 0, run: runState() });
		expect(await approvalsOf({ run_id: inferred, kind: "escalation" })).toHaveLength(0);
		await afterStep(agent.id, inferred, { step_index: 1, run: runState() });
		const fired = await approvalsOf({ run_id: inferred, kind: "escalation" });
		expect(fired).toHaveLength(1);
		expect(fired[0].reason).toMatch(/refund/);
	});

	test("cancelForRun cancels the run's pending approvals only", async () => {
		const approval = await pendingApproval();
		const otherRun = await pendingApproval();
		expect(await app.broker.call("governance.cancelForRun", { org_id: orgId, run_id: approval.run_id })).toEqual({ cancelled: 1 });
		expect((await app.http.get(`/api/v1/governance/approvals/${approval.id}`).set(auth)).body.status).toBe("cancelled");
		expect((await app.http.get(`/api/v1/governance/approvals/${otherRun.id}`).set(auth)).body.status).toBe("pending");
		const approve = await app.http.post(`/api/v1/governance/approvals/${approval.id}/approve`).set(auth).send({});
		expect(approve.status).toBe(409);
		expect(approve.body.error).toMatchObject({ code: "INVALID_STATE_TRANSITION", details: { current: "cancelled", requested: "approved" } });
		// Another org's id never reaches this org's approvals.
		expect(await app.broker.call("governance.cancelForRun", { org_id: other.org.id, run_id: otherRun.run_id })).toEqual({ cancelled: 0 });
	});
});

describe("approvals inbox", () => {
	test("list defaults to pending and filters by kind, status, agent, run and assignee", async () => {
		const { user } = await createUser(app, app.ownerKey, ["operator"]);
		const assigned = await pendingApproval({ assignee_user_ids: [user.id] });
		const open = await pendingApproval();
		await app.http.post(`/api/v1/governance/approvals/${open.id}/reject`).set(auth).send({});
		const pending = await approvalsOf({});
		expect(pending.every(a => a.status === "pending")).toBe(true);
		expect(pending.map(a => a.id)).toContain(assigned.id);
		expect(pending.map(a => a.id)).not.toContain(open.id);
		expect((await approvalsOf({ status: "rejected" })).map(a => a.id)).toContain(open.id);
		expect((await approvalsOf({ assignee_user_id: user.id })).map(a => a.id)).toEqual([assigned.id]);
		expect((await approvalsOf({ agent_id: assigned.agent_id })).map(a => a.id)).toEqual([assigned.id]);
		expect((await approvalsOf({ run_id: assigned.run_id, kind: "escalation" }))).toEqual([]);
		expect((await approvalsOf({ run_id: assigned.run_id, kind: "approval" })).map(a => a.id)).toEqual([assigned.id]);
		for (const query of [{ status: "open" }, { kind: "task" }, { offset: -1 }]) {
			expect((await app.http.get("/api/v1/governance/approvals").query(query).set(auth)).status).toBe(400);
		}
		// Another org sees none of them.
		const theirs = await app.http.get("/api/v1/governance/approvals").query({ status: "rejected" }).set(bearer(other.ownerKey));
		expect(theirs.body.items.map((a: any) => a.id)).not.toContain(open.id);
	});

	test("approve: 200 with decider and comment, event, audit; a second decision answers 409", async () => {
		const approval = await pendingApproval();
		const path = `/api/v1/governance/approvals/${approval.id}`;
		const res = await app.http.post(`${path}/approve`).set(bearer(operatorKey)).send({ comment: "ship it" });
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ id: approval.id, status: "approved", comment: "ship it", decided_by: expect.any(String), decided_at: expect.any(String) });
		expect((await app.http.get(path).set(auth)).body).toEqual(res.body);
		expect(seen["approval.approved"].filter(e => e.approval_id === approval.id)).toEqual([
			expect.objectContaining({ org_id: orgId, kind: "approval", run_id: approval.run_id, tool_name: "deploy", decided_by: res.body.decided_by })
		]);
		for (const action of ["approve", "reject"]) {
			const again = await app.http.post(`${path}/${action}`).set(auth).send({});
			expect(again.status).toBe(409);
			expect(again.body.error).toMatchObject({ code: "INVALID_STATE_TRANSITION", details: { current: "approved", requested: action === "approve" ? "approved" : "rejected" } });
		}
		expect((await app.http.post(`${path}/delegate`).set(auth).send({ user_ids: [(await bootstrapUser(app)).id] })).status).toBe(409);
		const entries = await auditEntries(app, app.ownerKey, { action: "approval.approve", resource_id: approval.id });
		expect(entries.map(e => [e.outcome, e.status_code, e.resource_type]).sort()).toEqual([
			["failure", 409, "approval"],
			["success", 200, "approval"]
		]);
	});

	test("reject: 200 rejected; bad comments answer 400 and change nothing", async () => {
		const approval = await pendingApproval();
		const path = `/api/v1/governance/approvals/${approval.id}`;
		for (const comment of ["x".repeat(2001), 5]) {
			const bad = await app.http.post(`${path}/reject`).set(auth).send({ comment });
			expect(bad.status).toBe(400);
			expect(fieldsOf(bad)).toEqual(["comment"]);
		}
		expect((await app.http.get(path).set(auth)).body.status).toBe("pending");
		const res = await app.http.post(`${path}/reject`).set(auth).send({ comment: "x".repeat(2000) });
		expect(res.status).toBe(200);
		expect(res.body.status).toBe("rejected");
		expect(seen["approval.rejected"].map(e => e.approval_id)).toContain(approval.id);
		expect(await auditEntries(app, app.ownerKey, { action: "approval.reject", resource_id: approval.id, outcome: "success" })).toHaveLength(1);
	});

	test("404 for unknown and other orgs' approvals; viewers get 403 PERMISSION_DENIED", async () => {
		const approval = await pendingApproval();
		for (const id of [approval.id, "apr_doesnotexist"]) {
			const key = id === approval.id ? other.ownerKey : app.ownerKey;
			const path = `/api/v1/governance/approvals/${id}`;
			const responses = await Promise.all([
				app.http.get(path).set(bearer(key)),
				app.http.post(`${path}/approve`).set(bearer(key)).send({}),
				app.http.post(`${path}/reject`).set(bearer(key)).send({}),
				app.http.post(`${path}/delegate`).set(bearer(key)).send({ user_ids: ["usr_x"] })
			]);
			expect(responses.map(r => r.status)).toEqual([404, 404, 404, 404]);
		}
		const viewer = bearer(viewerKey);
		const path = `/api/v1/governance/approvals/${approval.id}`;
		expect((await app.http.get(path).set(viewer)).status).toBe(200);
		for (const action of ["approve", "reject", "delegate"]) {
			const res = await app.http.post(`${path}/${action}`).set(viewer).send({ user_ids: ["usr_x"] });
			expect(res.status).toBe(403);
			expect(res.body.error).toMatchObject({ code: "PERMISSION_DENIED", details: { required: ["governance:execute"] } });
		}
		expect((await app.http.get(path).set(auth)).body.status).toBe("pending");
	});

	test("assignees: others get 403 NOT_ASSIGNEE (API keys included); the assignee or governance:admin may decide", async () => {
		const assignee = await createUser(app, app.ownerKey, ["operator"]);
		const outsider = await createUser(app, app.ownerKey, ["operator"]);
		const [assigneeToken, outsiderToken] = [(await loginAs(app, assignee.email, assignee.password)).access_token, (await loginAs(app, outsider.email, outsider.password)).access_token];
		const first = await pendingApproval({ assignee_user_ids: [assignee.user.id] });
		for (const token of [outsiderToken, operatorKey]) {
			for (const action of ["approve", "reject", "delegate"]) {
				const res = await app.http.post(`/api/v1/governance/approvals/${first.id}/${action}`).set(bearer(token)).send({ user_ids: [outsider.user.id] });
				expect({ action, status: res.status, code: res.body.error?.code }).toEqual({ action, status: 403, code: "NOT_ASSIGNEE" });
			}
		}
		expect((await app.http.get(`/api/v1/governance/approvals/${first.id}`).set(auth)).body).toMatchObject({ status: "pending", assignee_user_ids: [assignee.user.id] });
		const byAssignee = await app.http.post(`/api/v1/governance/approvals/${first.id}/approve`).set(bearer(assigneeToken)).send({});
		expect(byAssignee.status).toBe(200);
		expect(byAssignee.body.decided_by).toBe(assignee.user.id);
		// The owner key holds governance:admin.
		const second = await pendingApproval({ assignee_user_ids: [assignee.user.id] });
		const byAdmin = await app.http.post(`/api/v1/governance/approvals/${second.id}/reject`).set(auth).send({});
		expect(byAdmin.status).toBe(200);
	});

	test("delegate: replaces the assignees with users of the org and appends the history", async () => {
		const owner = await bootstrapUser(app);
		const a = await createUser(app, app.ownerKey, ["operator"]);
		const b = await createUser(app, app.ownerKey, ["viewer"]);
		const approval = await pendingApproval({ assignee_user_ids: [a.user.id] });
		const path = `/api/v1/governance/approvals/${approval.id}`;
		for (const [body, status, fields] of [
			[{ user_ids: [] }, 400, ["user_ids"]],
			[{}, 400, ["user_ids"]],
			[{ user_ids: Array.from({ length: 21 }, (_, i) => `usr_${i}`) }, 400, ["user_ids"]],
			[{ user_ids: [b.user.id, "usr_missing"] }, 404, ["user_ids[1]"]],
			[{ user_ids: [other.tokens.user.id] }, 404, ["user_ids[0]"]]
		] as [Record<string, unknown>, number, string[]][]) {
			const res = await app.http.post(`${path}/delegate`).set(auth).send(body);
			expect({ body, status: res.status, fields: fieldsOf(res) }).toEqual({ body, status, fields });
		}
		expect((await app.http.get(path).set(auth)).body).toMatchObject({ assignee_user_ids: [a.user.id], delegation_history: [] });
		const res = await app.http.post(`${path}/delegate`).set(auth).send({ user_ids: [b.user.id, owner.id, b.user.id], comment: "you decide" });
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ status: "pending", assignee_user_ids: [b.user.id, owner.id] });
		expect(res.body.delegation_history).toEqual([{ from_user_ids: [a.user.id], to_user_ids: [b.user.id, owner.id], by: expect.any(String), at: expect.any(String) }]);
		// The former assignee may no longer decide.
		const aToken = (await loginAs(app, a.email, a.password)).access_token;
		const refused = await app.http.post(`${path}/approve`).set(bearer(aToken)).send({});
		expect(refused.body.error?.code).toBe("NOT_ASSIGNEE");
		expect(await auditEntries(app, app.ownerKey, { action: "approval.delegate", resource_id: approval.id, outcome: "success" })).toHaveLength(1);
	});

	test("expiry: the timer marks pending approvals past expires_at expired and announces it", async () => {
		const approval = await pendingApproval();
		const approvals = await storeOf(app.broker).repository("gov_approvals");
		await approvals.forOrg(orgId).update(approval.id, { expires_at: new Date(Date.now() - 1000).toISOString() });
		const path = `/api/v1/governance/approvals/${approval.id}`;
		let status = "pending";
		for (let i = 0; i < 40 && status === "pending"; i++) {
			await sleep(100);
			status = (await app.http.get(path).set(auth)).body.status;
		}
		expect(status).toBe("expired");
		expect(seen["approval.expired"].map(e => e.approval_id)).toContain(approval.id);
		const late = await app.http.post(`${path}/approve`).set(auth).send({});
		expect(late.status).toBe(409);
		expect(late.body.error.details).toEqual({ current: "expired", requested: "approved" });
	});

	test("a decision arriving after the deadline (before the timer) finds the approval expired", async () => {
		const approval = await pendingApproval();
		const approvals = await storeOf(app.broker).repository("gov_approvals");
		await approvals.forOrg(orgId).update(approval.id, { expires_at: new Date(Date.now() - 1).toISOString() });
		const res = await app.http.post(`/api/v1/governance/approvals/${approval.id}/approve`).set(auth).send({});
		expect(res.status).toBe(409);
		expect(res.body.error.details).toEqual({ current: "expired", requested: "approved" });
	});
});

describe("end to end: runs of agents under policies", () => {
	async function activeAgent(body: Record<string, unknown>, state: "testing" | "active" = "active"): Promise<any> {
		const agent = await createAgent(body);
		for (const target_state of state === "active" ? ["testing", "active"] : ["testing"]) {
			const promoted = await app.http.post(`/api/v1/lifecycle/${agent.id}/promote`).set(auth).send({ target_state });
			if (promoted.status !== 200) throw new Error(`promote answered ${promoted.status}: ${JSON.stringify(promoted.body)}`);
		}
		return agent;
	}

	async function runToEnd(agentId: string, input: string, extra: Record<string, unknown> = {}): Promise<any> {
		const res = await app.http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: agentId, input, wait: true, timeout_seconds: 10, ...extra });
		expect(res.status).toBe(200);
		return res.body;
	}

	async function startRun(agentId: string, input: string): Promise<any> {
		const res = await app.http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: agentId, input });
		expect(res.status).toBe(202);
		return res.body;
	}

	async function runReaching(runId: string, statuses: string[]): Promise<any> {
		for (let i = 0; i < 200; i++) {
			const run = (await app.http.get(`/api/v1/runtime/runs/${runId}`).set(auth)).body;
			if (statuses.includes(run.status)) return run;
			await sleep(25);
		}
		const run = (await app.http.get(`/api/v1/runtime/runs/${runId}`).set(auth)).body;
		throw new Error(`run ${runId} never reached ${statuses.join("/")}: ${JSON.stringify(run)} ${JSON.stringify(await stepsOf(runId))}`);
	}

	const stepsOf = async (runId: string): Promise<any[]> => (await app.http.get(`/api/v1/runtime/runs/${runId}/steps`).set(auth)).body.items;
	const shape = (steps: any[]) => steps.map(s => [s.type, s.name, s.status]);

	/** A mock-tools agent with one echo function tool, and a run that calls it and waits for a decision. */
	async function parkedRun(safety: string, rules: Record<string, unknown>[] | null, input?: (tool: any) => string) {
		const tool = await functionTool(safety);
		const agent = await activeAgent({ model: "mock-tools", tools: [tool.id] });
		if (rules) await createPolicy({ agent_id: agent.id, rules });
		const run = await startRun(agent.id, input ? input(tool) : `CALL ${tool.name} {"a":1}`);
		const parked = await runReaching(run.id, ["awaiting_approval", "completed", "failed", "blocked"]);
		expect(parked.status).toBe("awaiting_approval");
		const [approval] = await approvalsOf({ run_id: run.id });
		return { tool, agent, run, approval };
	}

	test("an input content filter blocks the run (CONTENT_BLOCKED) before any model call", async () => {
		const agent = await activeAgent({ model: "mock-echo" });
		const policy = await createPolicy({ agent_id: agent.id, rules: [{ type: "content_filter", block_patterns: ["classified"], applies_to: ["input"] }] });
		const run = await runToEnd(agent.id, "Print the CLASSIFIED file");
		expect(run).toMatchObject({ status: "blocked", output: null, error: { code: "CONTENT_BLOCKED" } });
		expect(shape(await stepsOf(run.id))).toEqual([["policy_check", "input", "denied"]]);
		expect(await violationsOf({ run_id: run.id })).toEqual([expect.objectContaining({ policy_id: policy.id, action_taken: "blocked", step_index: 0 })]);
	});

	test("a redacting input filter replaces the input the model sees", async () => {
		const agent = await activeAgent({ model: "mock-echo" });
		await createPolicy({ agent_id: agent.id, rules: [{ type: "content_filter", action: "redact", pattern_type: "regex", block_patterns: ["\\d{4}-\\d{4}"], applies_to: ["input"] }] });
		const run = await runToEnd(agent.id, "card 4111-1111 please");
		expect(run).toMatchObject({ status: "completed", output: "card [REDACTED] please" });
		const steps = await stepsOf(run.id);
		expect(shape(steps)).toEqual([
			["policy_check", "input", "completed"],
			["llm_call", "mock-echo", "completed"]
		]);
		expect(JSON.stringify(steps[1].input)).not.toContain("4111");
	});

	test("output filters: block withholds the output; redact stores the redacted output", async () => {
		const blocking = await activeAgent({ model: "mock-echo" });
		await createPolicy({ agent_id: blocking.id, rules: [{ type: "content_filter", block_patterns: ["launch code"], applies_to: ["output"] }] });
		const blocked = await runToEnd(blocking.id, "the LAUNCH CODE is 42");
		expect(blocked).toMatchObject({ status: "blocked", output: null, error: { code: "CONTENT_BLOCKED" } });
		expect(shape(await stepsOf(blocked.id)).pop()).toEqual(["policy_check", "output", "denied"]);

		const redacting = await activeAgent({ model: "mock-echo" });
		await createPolicy({ agent_id: redacting.id, rules: [{ type: "content_filter", action: "redact", block_patterns: ["launch code"], applies_to: ["output"] }] });
		const redacted = await runToEnd(redacting.id, "the LAUNCH CODE is 42");
		expect(redacted).toMatchObject({ status: "completed", output: "the [REDACTED] is 42" });
	});

	test("a token limit blocks the model call that would reach it (TOKEN_LIMIT_EXCEEDED)", async () => {
		const agent = await activeAgent({ model: "mock-echo" });
		await createPolicy({ agent_id: agent.id, rules: [{ type: "token_limit", max_tokens_per_run: 10 }] });
		const run = await runToEnd(agent.id, "x".repeat(100));
		expect(run).toMatchObject({ status: "blocked", error: { code: "TOKEN_LIMIT_EXCEEDED" }, tokens_input: 0 });
		expect(shape(await stepsOf(run.id))).toEqual([["policy_check", "llm", "denied"]]);
		const roomy = await activeAgent({ model: "mock-echo" });
		await createPolicy({ agent_id: roomy.id, rules: [{ type: "token_limit", max_tokens_per_run: 1000 }] });
		const ok = await runToEnd(roomy.id, "short");
		expect(ok.status).toBe("completed");
		const llm = (await stepsOf(ok.id)).find(s => s.type === "llm_call");
		expect(llm.input.max_tokens).toBeLessThanOrEqual(1000 - 2);
	});

	test("a tool restriction denies the call (TOOL_BLOCKED); the model is told and the run completes", async () => {
		const tool = await functionTool("safe");
		const agent = await activeAgent({ model: "mock-tools", tools: [tool.id] });
		await createPolicy({ agent_id: agent.id, rules: [{ type: "tool_restriction", blocked_tools: [tool.name] }] });
		const run = await runToEnd(agent.id, `CALL ${tool.name} {"a":1}`);
		expect(run.status).toBe("completed");
		expect(run.output).toContain("TOOL_BLOCKED");
		const steps = await stepsOf(run.id);
		expect(shape(steps)).toEqual([
			["llm_call", "mock-tools", "completed"],
			["policy_check", `tool:${tool.name}`, "denied"],
			["tool_call", tool.name, "denied"],
			["llm_call", "mock-tools", "completed"]
		]);
		expect(steps[2].error.code).toBe("TOOL_BLOCKED");
	});

	test("an approval gate parks the run; approve → the tool executes and the run completes", async () => {
		const { tool, run, approval } = await parkedRun("safe", [{ type: "approval_gate", requires_approval_for: ["safe"] }]);
		expect(approval).toMatchObject({ kind: "approval", status: "pending", tool_name: tool.name, tool_input: { a: 1 }, rule_type: "approval_gate" });
		const waiting = await stepsOf(run.id);
		expect(waiting.find(s => s.type === "approval")).toMatchObject({ status: "awaiting", approval_id: approval.id, index: approval.step_index });
		const res = await app.http.post(`/api/v1/governance/approvals/${approval.id}/approve`).set(bearer(operatorKey)).send({ comment: "fine" });
		expect(res.status).toBe(200);
		const done = await runReaching(run.id, ["completed", "failed"]);
		expect(done.status).toBe("completed");
		expect(done.output).toContain('TOOL_RESULT');
		const steps = await stepsOf(run.id);
		expect(steps.find(s => s.type === "approval").status).toBe("completed");
		expect(steps.find(s => s.type === "tool_call")).toMatchObject({ status: "completed", output: { a: 1 } });
	});

	test("reject → the run fails with APPROVAL_REJECTED and the tool never runs", async () => {
		const { run, approval } = await parkedRun("moderate", [{ type: "approval_gate", requires_approval_for: ["moderate"] }]);
		const res = await app.http.post(`/api/v1/governance/approvals/${approval.id}/reject`).set(auth).send({ comment: "no" });
		expect(res.status).toBe(200);
		const done = await runReaching(run.id, ["completed", "failed"]);
		expect(done).toMatchObject({ status: "failed", error: { code: "APPROVAL_REJECTED" } });
		const steps = await stepsOf(run.id);
		expect(steps.find(s => s.type === "approval").status).toBe("denied");
		expect(steps.some(s => s.type === "tool_call")).toBe(false);
	});

	test("the built-in rule parks a dangerous tool without any policy; approval lets it run", async () => {
		const { run, approval } = await parkedRun("dangerous", null);
		expect(approval).toMatchObject({ policy_id: null, rule_type: null, kind: "approval" });
		expect(Date.parse(approval.expires_at) - Date.parse(approval.created_at)).toBe(86_400_000);
		await app.http.post(`/api/v1/governance/approvals/${approval.id}/approve`).set(auth).send({});
		const done = await runReaching(run.id, ["completed", "failed"]);
		expect(done.status).toBe("completed");
		expect((await stepsOf(run.id)).find(s => s.type === "tool_call").status).toBe("completed");
	});

	test("expiry → approval expired and the run fails with APPROVAL_EXPIRED", async () => {
		const { run, approval } = await parkedRun("dangerous", null);
		const approvals = await storeOf(app.broker).repository("gov_approvals");
		await approvals.forOrg(orgId).update(approval.id, { expires_at: new Date(Date.now() - 1000).toISOString() });
		await app.broker.call("governance.expireDue", {});
		const done = await runReaching(run.id, ["completed", "failed"]);
		expect(done).toMatchObject({ status: "failed", error: { code: "APPROVAL_EXPIRED" } });
		expect((await app.http.get(`/api/v1/governance/approvals/${approval.id}`).set(auth)).body.status).toBe("expired");
	});

	test("test-mode runs never pause: a gated tool is simulated and no approval is opened", async () => {
		const tool = await functionTool("safe");
		const agent = await activeAgent({ model: "mock-tools", tools: [tool.id] }, "testing");
		await createPolicy({ agent_id: agent.id, rules: [{ type: "approval_gate", requires_approval_for: [tool.name] }] });
		const run = await runToEnd(agent.id, `CALL ${tool.name} {"a":1}`);
		expect(run).toMatchObject({ status: "completed", mode: "test" });
		expect((await stepsOf(run.id)).find(s => s.type === "tool_call")).toMatchObject({ status: "simulated", output: { simulated: true } });
		expect(await approvalsOf({ run_id: run.id, status: "pending" })).toEqual([]);
	});

	test("cancelling a parked run cancels its pending approval", async () => {
		const { run, approval } = await parkedRun("dangerous", null);
		const cancelled = await app.http.post(`/api/v1/runtime/runs/${run.id}/cancel`).set(auth).send({});
		expect(cancelled.status).toBe(200);
		expect((await app.http.get(`/api/v1/governance/approvals/${approval.id}`).set(auth)).body.status).toBe("cancelled");
	});

	test("a pausing escalation parks the run: approve → it continues; reject → ESCALATION_REJECTED", async () => {
		const agent = await activeAgent({ model: "mock-echo" });
		await createPolicy({ agent_id: agent.id, rules: [{ type: "escalation", conditions: [{ on: "pattern", pattern: "refund" }], pause_run: true, timeout_minutes: 5 }] });
		const approved = await startRun(agent.id, "I want a REFUND");
		expect((await runReaching(approved.id, ["awaiting_approval", "completed", "failed"])).status).toBe("awaiting_approval");
		const [escalation] = await approvalsOf({ run_id: approved.id, kind: "escalation" });
		expect(escalation).toMatchObject({ status: "pending", rule_type: "escalation", reason: expect.stringContaining("refund") });
		expect(Date.parse(escalation.expires_at) - Date.parse(escalation.created_at)).toBe(5 * 60_000);
		expect((await stepsOf(approved.id)).find(s => s.type === "approval")).toMatchObject({ name: "escalation", status: "awaiting", approval_id: escalation.id, index: escalation.step_index });
		await app.http.post(`/api/v1/governance/approvals/${escalation.id}/approve`).set(auth).send({});
		expect(await runReaching(approved.id, ["completed", "failed"])).toMatchObject({ status: "completed", output: "I want a REFUND" });

		const rejected = await startRun(agent.id, "refund now");
		await runReaching(rejected.id, ["awaiting_approval"]);
		const [second] = await approvalsOf({ run_id: rejected.id, kind: "escalation" });
		await app.http.post(`/api/v1/governance/approvals/${second.id}/reject`).set(auth).send({});
		expect(await runReaching(rejected.id, ["completed", "failed"])).toMatchObject({ status: "failed", error: { code: "ESCALATION_REJECTED" } });
	});

	test("a non-pausing escalation on a tool call only lands in the inbox; the run completes", async () => {
		const tool = await functionTool("safe");
		const agent = await activeAgent({ model: "mock-tools", tools: [tool.id] });
		await createPolicy({ agent_id: agent.id, rules: [{ type: "escalation", conditions: [{ on: "tool_called", tool: tool.name }, { on: "run_failed" }] }] });
		const run = await runToEnd(agent.id, `CALL ${tool.name} {"a":1}`);
		expect(run.status).toBe("completed");
		const items = await approvalsOf({ run_id: run.id, kind: "escalation" });
		expect(items).toEqual([expect.objectContaining({ status: "pending", expires_at: null, reason: expect.stringContaining(tool.name) })]);
		expect(seen["escalation.created"].filter(e => e.run_id === run.id).map(e => e.condition)).toEqual([{ on: "tool_called", tool: tool.name }]);
		// Acknowledging closes it and leaves the finished run alone.
		expect((await app.http.post(`/api/v1/governance/approvals/${items[0].id}/approve`).set(auth).send({})).status).toBe(200);
		expect((await app.http.get(`/api/v1/runtime/runs/${run.id}`).set(auth)).body.status).toBe("completed");
	});
});
