import { startApp, type TestApp } from "../helpers/app";
import { until } from "../helpers/cluster";
import { auditEntries, expectFieldProblems, roleHeaders, sleep, uid } from "../helpers/platform";

let app: TestApp;
let h: Awaited<ReturnType<typeof roleHeaders>>;
const events: { name: string; params: any }[] = [];

async function req(method: "get" | "post" | "put" | "delete", path: string, auth: Record<string, string>, body?: unknown, headers: Record<string, string> = {}) {
	let r = app.http[method](`/api/v1${path}`).set(auth).set(headers);
	if (body !== undefined) r = r.send(body as object);
	return r;
}

/** An agent of the caller's org, promoted to `state`. */
async function agent(state: "draft" | "testing" | "active" = "active", extra: Record<string, unknown> = {}, auth = h.owner): Promise<any> {
	const res = await req("post", "/agents", auth, { name: `co-${uid()}`, model: "mock-echo", ...extra });
	if (res.status !== 201) throw new Error(`agent create answered ${res.status} ${res.text}`);
	const targets = state === "draft" ? [] : state === "testing" ? ["testing"] : ["testing", "active"];
	for (const target_state of targets) expect((await req("post", `/lifecycle/${res.body.id}/promote`, auth, { target_state })).status).toBe(200);
	return res.body;
}

async function policy(source: string, target: string, body: Record<string, unknown> = {}, auth = h.owner) {
	const res = await req("post", "/coordination/trust-policies", auth, { source_agent_id: source, target_agent_id: target, trust_level: "full", allowed_actions: ["message", "delegate", "share_memory"], ...body });
	if (res.status !== 201) throw new Error(`policy create answered ${res.status} ${res.text}`);
	return res.body;
}

const eventsNamed = (name: string) => events.filter(e => e.name === name).map(e => e.params);
const messagesBetween = async (from: string, to: string) =>
	(await req("get", `/coordination/messages?agent_id=${from}&direction=outbound&limit=200`, h.owner)).body.items.filter((m: any) => m.to_agent_id === to);

beforeAll(async () => {
	app = await startApp();
	h = await roleHeaders(app);
	app.broker.createService({
		name: "coordination-events-probe",
		events: {
			"coordination.message_sent"(ctx: any) {
				events.push({ name: "coordination.message_sent", params: ctx.params });
			},
			"coordination.denied"(ctx: any) {
				events.push({ name: "coordination.denied", params: ctx.params });
			}
		}
	});
}, 60_000);
afterAll(() => app.stop());

describe("trust policies", () => {
	it("creates with the defaults of §6, reads, lists with filters, updates partially and deletes", async () => {
		const [a, b, c] = [await agent(), await agent(), await agent("draft")];
		const res = await req("post", "/coordination/trust-policies", h.owner, { source_agent_id: a.id, target_agent_id: b.id, trust_level: "low" });
		expect(res.status).toBe(201);
		expect(res.body).toEqual({
			id: expect.any(String), org_id: expect.any(String), source_agent_id: a.id, target_agent_id: b.id, trust_level: "low", allowed_actions: ["message"],
			enabled: true, expires_at: null, description: "", created_at: expect.any(String), updated_at: expect.any(String)
		});
		const none = await policy(b.id, a.id, { trust_level: "none", allowed_actions: undefined });
		expect(none.allowed_actions).toEqual([]);
		await policy(a.id, c.id, { enabled: false, expires_at: "2099-01-01T01:00:00+01:00", description: "later" }).then(p => expect(p.expires_at).toBe("2099-01-01T00:00:00.000Z"));

		expect((await req("get", `/coordination/trust-policies/${res.body.id}`, h.viewer)).body).toEqual(res.body);
		const bySource = (await req("get", `/coordination/trust-policies?source_agent_id=${a.id}`, h.viewer)).body;
		expect(bySource.total).toBe(2);
		expect(bySource.items.map((p: any) => p.target_agent_id)).toEqual([c.id, b.id]);
		expect((await req("get", `/coordination/trust-policies?source_agent_id=${a.id}&order=asc`, h.viewer)).body.items[0].target_agent_id).toBe(b.id);
		expect((await req("get", `/coordination/trust-policies?target_agent_id=${a.id}`, h.owner)).body.items.map((p: any) => p.id)).toEqual([none.id]);
		expect((await req("get", `/coordination/trust-policies?source_agent_id=${a.id}&enabled=false`, h.owner)).body.items.map((p: any) => p.target_agent_id)).toEqual([c.id]);
		expect((await req("get", `/coordination/trust-policies?source_agent_id=${a.id}&limit=1&offset=1`, h.owner)).body).toMatchObject({ total: 2, limit: 1, offset: 1 });
		for (const q of ["limit=0", "limit=201", "offset=-1", "limit=x", "order=up", "enabled=maybe"]) expect((await req("get", `/coordination/trust-policies?${q}`, h.owner)).status).toBe(400);

		const updated = await req("put", `/coordination/trust-policies/${res.body.id}`, h.owner, { trust_level: "medium", allowed_actions: ["message", "delegate"], description: "more" });
		expect(updated.status).toBe(200);
		expect(updated.body).toMatchObject({ trust_level: "medium", allowed_actions: ["message", "delegate"], enabled: true, description: "more" });
		expect((await req("put", `/coordination/trust-policies/${res.body.id}`, h.owner, {})).body).toMatchObject({ trust_level: "medium", description: "more" });
		expect((await req("put", `/coordination/trust-policies/${res.body.id}`, h.owner, { expires_at: "2030-01-01T00:00:00Z" })).body.expires_at).toBe("2030-01-01T00:00:00.000Z");
		expect((await req("put", `/coordination/trust-policies/${res.body.id}`, h.owner, { expires_at: null, source_agent_id: a.id })).body.expires_at).toBeNull();

		expect((await req("delete", `/coordination/trust-policies/${res.body.id}`, h.owner)).status).toBe(204);
		expect((await req("get", `/coordination/trust-policies/${res.body.id}`, h.owner)).status).toBe(404);
		expect((await req("delete", `/coordination/trust-policies/${res.body.id}`, h.owner)).status).toBe(404);

		// The second delete (404) is audited as a failure.
		const audit = await auditEntries(app, app.ownerKey, { resource_type: "trust_policy", resource_id: res.body.id });
		expect(audit.map(e => e.action).sort()).toEqual(["trust_policy.create", "trust_policy.delete", "trust_policy.delete", "trust_policy.update", "trust_policy.update", "trust_policy.update", "trust_policy.update"]);
	});

	it("refuses bad input with every problem named and nothing stored", async () => {
		const [a, b] = [await agent(), await agent()];
		const before = (await req("get", "/coordination/trust-policies?limit=200", h.owner)).body.total;
		const cases: [Record<string, unknown>, string[]][] = [
			[{}, ["source_agent_id", "target_agent_id", "trust_level"]],
			[{ source_agent_id: a.id, target_agent_id: a.id, trust_level: "low" }, ["target_agent_id"]],
			[{ source_agent_id: a.id, target_agent_id: b.id, trust_level: "root" }, ["trust_level"]],
			[{ source_agent_id: a.id, target_agent_id: b.id, trust_level: "low", allowed_actions: ["delegate"] }, ["allowed_actions"]],
			[{ source_agent_id: a.id, target_agent_id: b.id, trust_level: "medium", allowed_actions: ["share_memory"] }, ["allowed_actions"]],
			[{ source_agent_id: a.id, target_agent_id: b.id, trust_level: "none", allowed_actions: ["message"] }, ["allowed_actions"]],
			[{ source_agent_id: a.id, target_agent_id: b.id, trust_level: "full", allowed_actions: ["fly"] }, ["allowed_actions[0]"]],
			[{ source_agent_id: a.id, target_agent_id: b.id, trust_level: "low", enabled: "yes", expires_at: "tomorrow", description: "x".repeat(501) }, ["enabled", "expires_at", "description"]],
			[{ source_agent_id: 5, target_agent_id: "", trust_level: "low", allowed_actions: "message" }, ["source_agent_id", "target_agent_id", "allowed_actions"]]
		];
		for (const [body, fields] of cases) expectFieldProblems(await req("post", "/coordination/trust-policies", h.owner, body), body, fields);
		expect((await req("get", "/coordination/trust-policies?limit=200", h.owner)).body.total).toBe(before);

		const p = await policy(a.id, b.id, { trust_level: "medium", allowed_actions: ["message", "delegate"] });
		for (const [body, fields] of [
			[{ trust_level: "low" }, ["allowed_actions"]],
			[{ allowed_actions: ["share_memory"] }, ["allowed_actions"]],
			[{ trust_level: "none" }, ["allowed_actions"]],
			[{ source_agent_id: b.id, target_agent_id: a.id }, ["source_agent_id", "target_agent_id"]],
			[{ enabled: null, description: 3, expires_at: "soon" }, ["enabled", "description", "expires_at"]]
		] as [Record<string, unknown>, string[]][]) {
			expectFieldProblems(await req("put", `/coordination/trust-policies/${p.id}`, h.owner, body), body, fields);
		}
		expect((await req("get", `/coordination/trust-policies/${p.id}`, h.owner)).body).toEqual(p);
		expect((await req("put", `/coordination/trust-policies/${p.id}`, h.owner, { trust_level: "none", allowed_actions: [] })).body).toMatchObject({ trust_level: "none", allowed_actions: [] });
	});

	it("answers 404 for unknown agents and 409 for a second policy on the same pair", async () => {
		const [a, b] = [await agent(), await agent()];
		const res = await req("post", "/coordination/trust-policies", h.owner, { source_agent_id: a.id, target_agent_id: "agt_nope", trust_level: "low" });
		expect(res.status).toBe(404);
		expect(res.body.error.details).toEqual([{ field: "target_agent_id", message: "Agent not found" }]);
		await policy(a.id, b.id);
		const dup = await req("post", "/coordination/trust-policies", h.owner, { source_agent_id: a.id, target_agent_id: b.id, trust_level: "low" });
		expect(dup.status).toBe(409);
		expect(dup.body.error.code).toBe("ALREADY_EXISTS");
		expect((await req("post", "/coordination/trust-policies", h.owner, { source_agent_id: b.id, target_agent_id: a.id, trust_level: "low" })).status).toBe(201);
	});

	it("check answers without sending: level, actions, enabled, expiry, direction", async () => {
		const [a, b, c, d] = [await agent(), await agent(), await agent(), await agent()];
		const sent = eventsNamed("coordination.message_sent").length;
		const p = await policy(a.id, b.id, { trust_level: "medium", allowed_actions: ["message", "delegate"] });
		const check = async (source: string, target: string, action: string, auth = h.viewer) => {
			const res = await req("post", "/coordination/trust-policies/check", auth, { source_agent_id: source, target_agent_id: target, action });
			expect(res.status).toBe(200);
			return res.body;
		};
		expect(await check(a.id, b.id, "message")).toEqual({ allowed: true, policy_id: p.id, trust_level: "medium", reason: expect.any(String) });
		expect(await check(a.id, b.id, "delegate")).toMatchObject({ allowed: true });
		expect(await check(a.id, b.id, "share_memory")).toMatchObject({ allowed: false, policy_id: p.id, trust_level: "medium" });
		expect(await check(b.id, a.id, "message")).toEqual({ allowed: false, policy_id: null, trust_level: null, reason: expect.any(String) });
		expect(await check("agt_unknown", b.id, "message")).toMatchObject({ allowed: false, policy_id: null });
		await req("put", `/coordination/trust-policies/${p.id}`, h.owner, { enabled: false });
		expect(await check(a.id, b.id, "message")).toMatchObject({ allowed: false, reason: expect.stringMatching(/disabled/) });
		await req("put", `/coordination/trust-policies/${p.id}`, h.owner, { enabled: true, expires_at: new Date(Date.now() - 1000).toISOString() });
		expect(await check(a.id, b.id, "message")).toMatchObject({ allowed: false, reason: expect.stringMatching(/expired/) });
		await policy(c.id, d.id, { trust_level: "none", allowed_actions: [] });
		expect(await check(c.id, d.id, "message")).toMatchObject({ allowed: false, trust_level: "none" });
		await policy(d.id, c.id, { trust_level: "high", allowed_actions: ["message", "delegate", "share_memory"] });
		expect(await check(d.id, c.id, "share_memory")).toMatchObject({ allowed: true, trust_level: "high" });
		expectFieldProblems(await req("post", "/coordination/trust-policies/check", h.viewer, { action: "fly" }), {}, ["source_agent_id", "target_agent_id", "action"]);
		expect(eventsNamed("coordination.message_sent").length).toBe(sent);
		expect((await messagesBetween(a.id, b.id)).length).toBe(0);
	});
});

describe("messages", () => {
	it("a notify is stored and announced; a request starts a run on the target and its completion stores the response", async () => {
		const [a, b] = [await agent(), await agent()];
		await policy(a.id, b.id, { trust_level: "low", allowed_actions: ["message"] });
		const notify = await req("post", "/coordination/messages", h.owner, { from_agent_id: a.id, to_agent_id: b.id, content: "fyi", metadata: { k: 1 } });
		expect(notify.status).toBe(201);
		expect(notify.body).toEqual({
			id: expect.any(String), org_id: expect.any(String), from_agent_id: a.id, to_agent_id: b.id, message_type: "notify", content: "fyi", in_reply_to: null,
			run_id: null, origin_run_id: null, metadata: { k: 1 }, created_at: expect.any(String), updated_at: expect.any(String)
		});
		expect(eventsNamed("coordination.message_sent")).toContainEqual(expect.objectContaining({ message_id: notify.body.id, from_agent_id: a.id, to_agent_id: b.id, message_type: "notify", action: "message" }));

		const request = await req("post", "/coordination/messages", h.owner, { from_agent_id: a.id, to_agent_id: b.id, content: "what is 2+2?", message_type: "request" });
		expect(request.status).toBe(201);
		expect(request.body.run_id).toEqual(expect.any(String));
		const run = (await req("get", `/runtime/runs/${request.body.run_id}`, h.owner)).body;
		expect(run).toMatchObject({ agent_id: b.id, trigger: "coordination", trigger_ref: request.body.id, input: "what is 2+2?" });
		const response = await until(async () => (await messagesBetween(b.id, a.id)).find((m: any) => m.in_reply_to === request.body.id), 15_000, "the response");
		expect(response).toMatchObject({ message_type: "response", content: "what is 2+2?", origin_run_id: run.id, run_id: null });
		expect((await req("get", `/coordination/messages?in_reply_to=${request.body.id}`, h.owner)).body.items.map((m: any) => m.id)).toEqual([response.id]);
		expect((await req("get", `/coordination/messages/${response.id}`, h.viewer)).body).toEqual(response);
		// A response from B to A needs no B → A policy: only the automatic one is unchecked, an API one is checked.
		const reply = await req("post", "/coordination/messages", h.owner, { from_agent_id: b.id, to_agent_id: a.id, content: "4", message_type: "response", in_reply_to: request.body.id });
		expect(reply.status).toBe(403);
		expect(reply.body.error).toMatchObject({ code: "TRUST_POLICY_DENIED", details: { source_agent_id: b.id, target_agent_id: a.id, action: "message" } });
		await sleep(300);
		expect((await messagesBetween(b.id, a.id)).length).toBe(1);
		expect((await auditEntries(app, app.ownerKey, { action: "agent_message.create", resource_id: request.body.id })).length).toBe(1);
	});

	it("refusals: 403 TRUST_POLICY_DENIED with details, nothing stored, no run, coordination.denied emitted", async () => {
		const [a, b, c] = [await agent(), await agent(), await agent()];
		await policy(a.id, b.id, { trust_level: "low", allowed_actions: ["message"] });
		await policy(a.id, c.id, { trust_level: "full", allowed_actions: ["message"], expires_at: new Date(Date.now() + 60_000).toISOString() });
		const runsOf = async (agentId: string) => (await req("get", `/runtime/runs?agent_id=${agentId}`, h.owner)).body.total;
		const deny = async (body: Record<string, unknown>, action: string) => {
			const res = await req("post", "/coordination/messages", h.owner, body);
			expect(res.status).toBe(403);
			expect(res.body.error).toMatchObject({ code: "TRUST_POLICY_DENIED", details: { source_agent_id: body.from_agent_id, target_agent_id: body.to_agent_id, action } });
			await until(async () => eventsNamed("coordination.denied").find(e => e.from_agent_id === body.from_agent_id && e.to_agent_id === body.to_agent_id && e.action === action), 5000, "coordination.denied");
		};
		await deny({ from_agent_id: b.id, to_agent_id: a.id, content: "reverse direction" }, "message");
		await deny({ from_agent_id: a.id, to_agent_id: b.id, content: "delegate needs medium", message_type: "delegate" }, "delegate");
		await deny({ from_agent_id: a.id, to_agent_id: c.id, content: "not in allowed_actions", message_type: "delegate" }, "delegate");
		expect(await runsOf(b.id)).toBe(0);
		expect(await runsOf(c.id)).toBe(0);
		expect((await messagesBetween(a.id, b.id)).length + (await messagesBetween(b.id, a.id)).length).toBe(0);
		const denied = eventsNamed("coordination.denied").find(e => e.from_agent_id === b.id);
		expect(denied).toMatchObject({ org_id: expect.any(String), message_id: expect.any(String), to_agent_id: a.id, message_type: "notify", action: "message" });

		// Changes apply at once (each node's cache is dropped on change): disable, expire, delete.
		const p = (await req("get", `/coordination/trust-policies?source_agent_id=${a.id}&target_agent_id=${b.id}`, h.owner)).body.items[0];
		expect((await req("post", "/coordination/messages", h.owner, { from_agent_id: a.id, to_agent_id: b.id, content: "ok" })).status).toBe(201);
		await req("put", `/coordination/trust-policies/${p.id}`, h.owner, { enabled: false });
		await deny({ from_agent_id: a.id, to_agent_id: b.id, content: "disabled" }, "message");
		await req("put", `/coordination/trust-policies/${p.id}`, h.owner, { enabled: true, expires_at: new Date(Date.now() + 400).toISOString() });
		expect((await req("post", "/coordination/messages", h.owner, { from_agent_id: a.id, to_agent_id: b.id, content: "ok again" })).status).toBe(201);
		await sleep(500);
		await deny({ from_agent_id: a.id, to_agent_id: b.id, content: "expired" }, "message");
		await req("delete", `/coordination/trust-policies/${p.id}`, h.owner);
		await deny({ from_agent_id: a.id, to_agent_id: b.id, content: "deleted" }, "message");
		expect((await messagesBetween(a.id, b.id)).map((m: any) => m.content).sort()).toEqual(["ok", "ok again"]);
	});

	it("validation, references and the response rule", async () => {
		const [a, b, c] = [await agent(), await agent(), await agent()];
		await policy(a.id, b.id);
		await policy(b.id, a.id);
		const before = (await req("get", "/coordination/messages", h.owner)).body.total;
		const cases: [Record<string, unknown>, string[]][] = [
			[{}, ["from_agent_id", "to_agent_id", "content"]],
			[{ from_agent_id: a.id, to_agent_id: b.id, content: "" }, ["content"]],
			[{ from_agent_id: a.id, to_agent_id: b.id, content: "x".repeat(100_001) }, ["content"]],
			[{ from_agent_id: a.id, to_agent_id: b.id, content: "x", message_type: "shout", metadata: [] }, ["message_type", "metadata"]],
			[{ from_agent_id: a.id, to_agent_id: b.id, content: "x", message_type: "response" }, ["in_reply_to"]],
			[{ from_agent_id: a.id, to_agent_id: b.id, content: "x", metadata: { big: "x".repeat(17_000) } }, ["metadata"]]
		];
		for (const [body, fields] of cases) expectFieldProblems(await req("post", "/coordination/messages", h.owner, body), body, fields);
		expect((await req("post", "/coordination/messages", h.owner, { from_agent_id: "agt_none", to_agent_id: b.id, content: "x" })).body.error.details).toEqual([{ field: "from_agent_id", message: "Agent not found" }]);
		expect((await req("post", "/coordination/messages", h.owner, { from_agent_id: a.id, to_agent_id: "agt_none", content: "x" })).status).toBe(404);
		expect((await req("post", "/coordination/messages", h.owner, { from_agent_id: a.id, to_agent_id: b.id, content: "x", message_type: "response", in_reply_to: "msg_none" })).status).toBe(404);
		const toB = (await req("post", "/coordination/messages", h.owner, { from_agent_id: a.id, to_agent_id: b.id, content: "hello" })).body;
		// A response must answer a message sent the other way.
		expectFieldProblems(await req("post", "/coordination/messages", h.owner, { from_agent_id: a.id, to_agent_id: b.id, content: "x", message_type: "response", in_reply_to: toB.id }), "wrong way", ["in_reply_to"]);
		expectFieldProblems(await req("post", "/coordination/messages", h.owner, { from_agent_id: c.id, to_agent_id: a.id, content: "x", message_type: "response", in_reply_to: toB.id }), "third agent", ["in_reply_to"]);
		const reply = await req("post", "/coordination/messages", h.owner, { from_agent_id: b.id, to_agent_id: a.id, content: "hi back", message_type: "response", in_reply_to: toB.id });
		expect(reply.status).toBe(201);
		expect(reply.body).toMatchObject({ message_type: "response", in_reply_to: toB.id, run_id: null });
		expect((await req("get", "/coordination/messages", h.owner)).body.total).toBe(before + 2);
	});

	it("lists by agent (either side), direction, type and reply, newest first", async () => {
		const [a, b, c] = [await agent(), await agent(), await agent()];
		await policy(a.id, b.id);
		await policy(c.id, a.id);
		const m1 = (await req("post", "/coordination/messages", h.owner, { from_agent_id: a.id, to_agent_id: b.id, content: "one" })).body;
		const m2 = (await req("post", "/coordination/messages", h.owner, { from_agent_id: c.id, to_agent_id: a.id, content: "two" })).body;
		const ids = async (q: string) => (await req("get", `/coordination/messages?${q}`, h.viewer)).body.items.map((m: any) => m.id);
		expect(await ids(`agent_id=${a.id}`)).toEqual([m2.id, m1.id]);
		expect(await ids(`agent_id=${a.id}&order=asc`)).toEqual([m1.id, m2.id]);
		expect(await ids(`agent_id=${a.id}&direction=inbound`)).toEqual([m2.id]);
		expect(await ids(`agent_id=${a.id}&direction=outbound`)).toEqual([m1.id]);
		expect(await ids(`agent_id=${b.id}&message_type=notify`)).toEqual([m1.id]);
		expect(await ids(`agent_id=${b.id}&message_type=request`)).toEqual([]);
		expect(await ids("agent_id=agt_unknown")).toEqual([]);
		expect((await req("get", `/coordination/messages?agent_id=${a.id}&limit=1`, h.viewer)).body).toMatchObject({ total: 2, limit: 1, offset: 0, items: [expect.objectContaining({ id: m2.id })] });
		for (const q of ["direction=inbound", "direction=sideways&agent_id=x", "message_type=shout", "limit=500", "offset=x"]) {
			expect((await req("get", `/coordination/messages?${q}`, h.viewer)).status).toBe(400);
		}
		expect((await req("get", "/coordination/messages?direction=inbound", h.viewer)).body.error.details).toEqual([{ field: "direction", message: "needs agent_id" }]);
		expect((await req("get", "/coordination/messages/msg_nope", h.viewer)).status).toBe(404);
	});

	it("request to an agent that cannot run: 409 AGENT_NOT_RUNNABLE and nothing stored; notify to it is stored", async () => {
		const [a, draft] = [await agent(), await agent("draft")];
		await policy(a.id, draft.id, { trust_level: "low", allowed_actions: ["message"] });
		const res = await req("post", "/coordination/messages", h.owner, { from_agent_id: a.id, to_agent_id: draft.id, content: "run?", message_type: "request" });
		expect(res.status).toBe(409);
		expect(res.body.error.code).toBe("AGENT_NOT_RUNNABLE");
		expect((await messagesBetween(a.id, draft.id)).length).toBe(0);
		expect((await req("post", "/coordination/messages", h.owner, { from_agent_id: a.id, to_agent_id: draft.id, content: "fyi" })).status).toBe(201);
		// An agent without an actor has the coordination service's inbox, checked by the same middleware.
		const back = await req("post", "/coordination/messages", h.owner, { from_agent_id: draft.id, to_agent_id: a.id, content: "no policy this way" });
		expect(back.status).toBe(403);
		expect(back.body.error.code).toBe("TRUST_POLICY_DENIED");
		const toDraft = await req("post", "/coordination/messages", h.owner, { from_agent_id: a.id, to_agent_id: draft.id, content: "x", message_type: "delegate" });
		expect(toDraft.body.error).toMatchObject({ code: "TRUST_POLICY_DENIED", details: { action: "delegate" } });
	});
});

describe("delegation", () => {
	it("202 with the queued run; wait: true answers the terminal run; the delegate message carries it", async () => {
		const [a, b] = [await agent(), await agent()];
		await policy(a.id, b.id, { trust_level: "medium", allowed_actions: ["message", "delegate"] });
		const res = await req("post", "/coordination/delegate", h.owner, { from_agent_id: a.id, to_agent_id: b.id, task: "summarize" });
		expect(res.status).toBe(202);
		expect(res.body).toMatchObject({ agent_id: b.id, trigger: "coordination", input: "summarize" });
		const message = (await req("get", `/coordination/messages/${res.body.trigger_ref}`, h.owner)).body;
		expect(message).toMatchObject({ message_type: "delegate", from_agent_id: a.id, to_agent_id: b.id, content: "summarize", run_id: res.body.id });

		const waited = await req("post", "/coordination/delegate", h.owner, { from_agent_id: a.id, to_agent_id: b.id, task: "and wait", wait: true, timeout_seconds: 30 });
		expect(waited.status).toBe(200);
		expect(waited.body).toMatchObject({ status: "completed", output: "and wait", trigger: "coordination" });
		const slow = await req("post", "/coordination/delegate", h.owner, { from_agent_id: a.id, to_agent_id: b.id, task: "SLEEP 3000\nslow", wait: true, timeout_seconds: 1 });
		expect(slow.status).toBe(202);
		expect(["queued", "running"]).toContain(slow.body.status);
		const response = await until(async () => (await messagesBetween(b.id, a.id)).find((m: any) => m.in_reply_to === waited.body.trigger_ref), 10_000, "response to the delegation");
		expect(response.content).toBe("and wait");
		expect((await auditEntries(app, app.ownerKey, { action: "coordination.delegate" })).length).toBeGreaterThanOrEqual(3);
	});

	it("denied without a delegate policy; validation; permissions; idempotency", async () => {
		const [a, b] = [await agent(), await agent()];
		await policy(a.id, b.id, { trust_level: "low", allowed_actions: ["message"] });
		const denied = await req("post", "/coordination/delegate", h.owner, { from_agent_id: a.id, to_agent_id: b.id, task: "do it" });
		expect(denied.status).toBe(403);
		expect(denied.body.error).toMatchObject({ code: "TRUST_POLICY_DENIED", details: { source_agent_id: a.id, target_agent_id: b.id, action: "delegate" } });
		expect((await req("get", `/runtime/runs?agent_id=${b.id}`, h.owner)).body.total).toBe(0);
		expectFieldProblems(await req("post", "/coordination/delegate", h.owner, { wait: "yes", timeout_seconds: 301 }), "bad", ["from_agent_id", "to_agent_id", "task", "wait", "timeout_seconds"]);
		expect((await req("post", "/coordination/delegate", h.viewer, { from_agent_id: a.id, to_agent_id: b.id, task: "x" })).body.error.details).toEqual({ required: ["runtime:execute"] });
		// An operator has runtime:execute but not coordination:write: it may delegate, not send messages.
		expect((await req("post", "/coordination/messages", h.operator, { from_agent_id: a.id, to_agent_id: b.id, content: "x" })).body.error.details).toEqual({ required: ["coordination:write"] });

		await req("put", `/coordination/trust-policies/${(await req("get", `/coordination/trust-policies?source_agent_id=${a.id}`, h.owner)).body.items[0].id}`, h.owner, { trust_level: "medium", allowed_actions: ["delegate"] });
		const key = { "Idempotency-Key": `delegate-${uid()}` };
		const first = await req("post", "/coordination/delegate", h.operator, { from_agent_id: a.id, to_agent_id: b.id, task: "once" }, key);
		expect(first.status).toBe(202);
		const again = await req("post", "/coordination/delegate", h.operator, { from_agent_id: a.id, to_agent_id: b.id, task: "once" }, key);
		expect(again.status).toBe(202);
		expect(again.headers["idempotent-replayed"]).toBe("true");
		expect(again.body).toEqual(first.body);
		const other = await req("post", "/coordination/delegate", h.operator, { from_agent_id: a.id, to_agent_id: b.id, task: "different" }, key);
		expect(other.status).toBe(409);
		expect(other.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
		expect((await req("get", `/runtime/runs?agent_id=${b.id}`, h.owner)).body.total).toBe(1);
	});
});

describe("tenant isolation and permissions", () => {
	it("another org sees none of it and cannot reference these agents", async () => {
		const [a, b] = [await agent(), await agent()];
		const p = await policy(a.id, b.id);
		const m = (await req("post", "/coordination/messages", h.owner, { from_agent_id: a.id, to_agent_id: b.id, content: "private" })).body;
		for (const path of [`/coordination/trust-policies/${p.id}`, `/coordination/messages/${m.id}`]) expect((await req("get", path, h.other)).status).toBe(404);
		expect((await req("put", `/coordination/trust-policies/${p.id}`, h.other, { enabled: false })).status).toBe(404);
		expect((await req("delete", `/coordination/trust-policies/${p.id}`, h.other)).status).toBe(404);
		expect((await req("get", `/coordination/messages?agent_id=${a.id}`, h.other)).body.total).toBe(0);
		expect((await req("get", `/coordination/trust-policies?source_agent_id=${a.id}`, h.other)).body.total).toBe(0);
		expect((await req("post", "/coordination/messages", h.other, { from_agent_id: a.id, to_agent_id: b.id, content: "x" })).status).toBe(404);
		expect((await req("post", "/coordination/delegate", h.other, { from_agent_id: a.id, to_agent_id: b.id, task: "x" })).status).toBe(404);
		expect((await req("post", "/coordination/trust-policies", h.other, { source_agent_id: a.id, target_agent_id: b.id, trust_level: "low" })).status).toBe(404);
		expect((await req("post", "/coordination/trust-policies/check", h.other, { source_agent_id: a.id, target_agent_id: b.id, action: "message" })).body).toMatchObject({ allowed: false, policy_id: null });
		// Its own agents cannot reach ours either, even with a policy naming them in its own org.
		const theirs = await agent("active", {}, h.other);
		expect((await req("post", "/coordination/trust-policies", h.other, { source_agent_id: theirs.id, target_agent_id: a.id, trust_level: "low" })).status).toBe(404);
		expect((await req("get", "/coordination/trust-policies", h.owner)).body.items.map((x: any) => x.org_id).every((o: string) => o === p.org_id)).toBe(true);
	});

	it("viewers read and check but change nothing", async () => {
		const [a, b] = [await agent(), await agent()];
		const p = await policy(a.id, b.id);
		expect((await req("post", "/coordination/trust-policies", h.viewer, { source_agent_id: b.id, target_agent_id: a.id, trust_level: "low" })).status).toBe(403);
		expect((await req("put", `/coordination/trust-policies/${p.id}`, h.viewer, { enabled: false })).status).toBe(403);
		expect((await req("delete", `/coordination/trust-policies/${p.id}`, h.viewer)).status).toBe(403);
		expect((await req("post", "/coordination/messages", h.viewer, { from_agent_id: a.id, to_agent_id: b.id, content: "x" })).status).toBe(403);
		expect((await req("post", "/coordination/trust-policies/check", h.viewer, { source_agent_id: a.id, target_agent_id: b.id, action: "message" })).status).toBe(200);
		expect((await req("get", `/coordination/trust-policies/${p.id}`, h.viewer)).body.enabled).toBe(true);
	});
});

describe("runs with the built-in coordination tools", () => {
	const toolsAgent = () => agent("active", { model: "mock-tools" });
	const steps = async (runId: string) => (await req("get", `/runtime/runs/${runId}/steps`, h.owner)).body.items;

	it("send_message and delegate_task are message steps; delegate_task returns the target run's output", async () => {
		const [a, b] = [await toolsAgent(), await agent()];
		await policy(a.id, b.id, { trust_level: "medium", allowed_actions: ["message", "delegate"] });
		const input = [
			`CALL send_message {"to_agent": "${b.name}", "content": "heads up", "message_type": "notify"}`,
			`CALL delegate_task {"to_agent": "${b.id}", "task": "echo this back"}`
		].join("\n");
		const run = (await req("post", "/runtime/execute", h.owner, { agent_id: a.id, input, timeout_seconds: 60 })).body;
		expect(run.status).toBe("completed");
		const messageSteps = (await steps(run.id)).filter((s: any) => s.type === "message");
		expect(messageSteps).toEqual([
			expect.objectContaining({ name: b.name, status: "completed", input: expect.objectContaining({ tool: "send_message", to_agent_id: b.id, message_type: "notify", content: "heads up" }), error: null }),
			expect.objectContaining({ name: b.name, status: "completed", input: expect.objectContaining({ tool: "delegate_task", message_type: "delegate" }), output: expect.objectContaining({ status: "completed", output: "echo this back" }) })
		]);
		expect(run.output).toContain("echo this back");
		const sent = await messagesBetween(a.id, b.id);
		expect(sent.map((m: any) => [m.message_type, m.origin_run_id]).sort()).toEqual([["delegate", run.id], ["notify", run.id]]);
		const delegated = sent.find((m: any) => m.message_type === "delegate");
		expect((await req("get", `/runtime/runs/${delegated.run_id}`, h.owner)).body).toMatchObject({ trigger: "coordination", trigger_ref: delegated.id, status: "completed" });
	});

	it("a call the policies do not allow is a denied step with TRUST_POLICY_DENIED; the run goes on", async () => {
		const [a, b, c] = [await toolsAgent(), await agent(), await agent()];
		await policy(a.id, b.id, { trust_level: "low", allowed_actions: ["message"] });
		const input = [`CALL delegate_task {"to_agent": "${b.id}", "task": "not allowed"}`, `CALL send_message {"to_agent": "${c.id}", "content": "no policy"}`].join("\n");
		const run = (await req("post", "/runtime/execute", h.owner, { agent_id: a.id, input })).body;
		expect(run.status).toBe("completed");
		const messageSteps = (await steps(run.id)).filter((s: any) => s.type === "message");
		expect(messageSteps.map((s: any) => [s.name, s.status, s.error?.code])).toEqual([[b.name, "denied", "TRUST_POLICY_DENIED"], [c.name, "denied", "TRUST_POLICY_DENIED"]]);
		expect(run.output).toContain("TRUST_POLICY_DENIED");
		expect((await messagesBetween(a.id, b.id)).length + (await messagesBetween(a.id, c.id)).length).toBe(0);
		expect(eventsNamed("coordination.denied")).toContainEqual(expect.objectContaining({ from_agent_id: a.id, to_agent_id: b.id, action: "delegate", origin_run_id: run.id }));
	});

	it("agents that are the source of no enabled policy are not offered the tools", async () => {
		const [a, b] = [await toolsAgent(), await agent()];
		await policy(a.id, b.id, { enabled: false });
		const run = (await req("post", "/runtime/execute", h.owner, { agent_id: a.id, input: `CALL send_message {"to_agent": "${b.id}", "content": "hi"}` })).body;
		const toolSteps = (await steps(run.id)).filter((s: any) => s.type !== "llm_call" && s.type !== "memory");
		expect(toolSteps.map((s: any) => [s.type, s.error?.code])).toEqual([["tool_call", "TOOL_NOT_ATTACHED"]]);
	});
});

describe("share_memory for the Memory module", () => {
	it("sharedMemorySources lists the sources whose policies allow share_memory to the agent", async () => {
		const [a, b, c, d] = [await agent(), await agent(), await agent(), await agent()];
		await policy(a.id, d.id, { trust_level: "high", allowed_actions: ["share_memory"] });
		await policy(b.id, d.id, { trust_level: "medium", allowed_actions: ["message"] });
		await policy(c.id, d.id, { trust_level: "full", allowed_actions: ["share_memory"], enabled: false });
		const orgId = (await req("get", `/agents/${d.id}`, h.owner)).body.org_id;
		expect(await app.broker.call("coordination.sharedMemorySources", { org_id: orgId, agent_id: d.id })).toEqual([a.id]);
		expect(await app.broker.call("coordination.sharedMemorySources", { org_id: "org_other", agent_id: d.id })).toEqual([]);
	});
});

describe("redelivery", () => {
	it("the same request delivered twice at once (a transporter reconnect) starts one run and stores one message", async () => {
		const [a, b] = [await agent(), await agent()];
		const orgId = (await req("get", `/agents/${a.id}`, h.owner)).body.org_id;
		const message = { id: `msg_dup${uid()}`, org_id: orgId, from_agent_id: a.id, to_agent_id: b.id, message_type: "request", content: "only once", in_reply_to: null, origin_run_id: null, metadata: {} };
		const answers: any[] = await Promise.all([0, 1, 2].map(() => app.broker.call("coordination.receive", message)));
		expect(new Set(answers.map(x => x.message.id))).toEqual(new Set([message.id]));
		expect(new Set(answers.map(x => x.run?.id))).toEqual(new Set([answers[0].run.id]));
		expect((await req("get", `/runtime/runs?agent_id=${b.id}`, h.owner)).body.total).toBe(1);
		expect((await messagesBetween(a.id, b.id)).length).toBe(1);
		const later: any = await app.broker.call("coordination.receive", message);
		expect(later.message.run_id).toBe(answers[0].run.id);
	});
});

describe("agent deletion", () => {
	it("removes the agent's trust policies in both directions", async () => {
		const [a, b, c] = [await agent("draft"), await agent(), await agent()];
		await policy(a.id, b.id);
		await policy(c.id, a.id);
		const kept = await policy(b.id, c.id);
		expect((await req("delete", `/agents/${a.id}`, h.owner)).status).toBe(204);
		expect((await req("get", `/coordination/trust-policies?source_agent_id=${a.id}`, h.owner)).body.total).toBe(0);
		expect((await req("get", `/coordination/trust-policies?target_agent_id=${a.id}`, h.owner)).body.total).toBe(0);
		expect((await req("get", `/coordination/trust-policies/${kept.id}`, h.owner)).status).toBe(200);
	});
});
