import http from "node:http";
import { EVENT_CATALOGUE } from "../../services/events/catalogue";
import { signatureValid, startWebhookReceiver, type WebhookReceiver } from "../fixtures/webhook-receiver";
import { bearer, startApp, type TestApp } from "../helpers/app";
import { until } from "../helpers/cluster";
import { auditEntries, createOrgWithOwner, expectFieldProblems, keyWithRoles, sleep, uid } from "../helpers/platform";

const RETRY_BASE_MS = 20;

let app: TestApp;
let auth: Record<string, string>;
let viewer: Record<string, string>;
let other: Record<string, string>;
let receiver: WebhookReceiver;

beforeAll(async () => {
	// Loopback receivers are allowed through the admin setting, so the SSRF test can switch it off again.
	app = await startApp({ webhookRetryBaseMs: RETRY_BASE_MS });
	auth = bearer(app.ownerKey);
	viewer = bearer((await keyWithRoles(app, app.ownerKey, ["viewer"])).key);
	other = bearer((await createOrgWithOwner(app)).ownerKey);
	receiver = await startWebhookReceiver();
	await setSettings({ allow_private_network: true });
});

afterAll(async () => {
	await receiver?.close();
	await app?.stop();
});

async function setSettings(body: Record<string, unknown>): Promise<void> {
	const res = await app.http.put("/api/v1/admin/settings").set(auth).send(body);
	if (res.status !== 200) throw new Error(`settings answered ${res.status}: ${JSON.stringify(res.body)}`);
}

async function activeAgent(name = `agent-${uid()}`): Promise<any> {
	const created = await app.http.post("/api/v1/agents").set(auth).send({ name, model: "mock-echo" });
	expect(created.status).toBe(201);
	for (const target_state of ["testing", "active"]) {
		await app.http.post(`/api/v1/lifecycle/${created.body.id}/promote`).set(auth).send({ target_state }).expect(200);
	}
	return created.body;
}

async function subscribe(body: Record<string, unknown>, headers = auth): Promise<any> {
	const res = await app.http.post("/api/v1/events/subscriptions").set(headers).send(body);
	if (res.status !== 201) throw new Error(`subscribe answered ${res.status}: ${JSON.stringify(res.body)}`);
	return res.body;
}

const emit = (event_type: string, payload?: unknown, headers = auth) =>
	app.http.post("/api/v1/events/emit").set(headers).send(payload === undefined ? { event_type } : { event_type, payload });

const deliveries = async (subscriptionId: string, query: Record<string, string> = {}) =>
	(await app.http.get(`/api/v1/events/subscriptions/${subscriptionId}/deliveries`).query(query).set(auth)).body.items as any[];

const finalDelivery = (subscriptionId: string, timeoutMs = 15_000) =>
	until(async () => (await deliveries(subscriptionId)).find(d => d.status !== "pending"), timeoutMs, "a final delivery");

const eventsOf = async (query: Record<string, string>) => (await app.http.get("/api/v1/events").query({ limit: "200", ...query }).set(auth)).body.items as any[];

describe("catalogue", () => {
	test("GET /events/types lists every built-in type with its module and payload fields", async () => {
		const res = await app.http.get("/api/v1/events/types").query({ limit: 200 }).set(viewer);
		expect(res.status).toBe(200);
		expect(res.body.total).toBe(EVENT_CATALOGUE.length);
		expect(res.body.items).toHaveLength(EVENT_CATALOGUE.length);
		const byType = new Map(res.body.items.map((t: any) => [t.event_type, t]));
		expect(byType.get("run.completed")).toEqual({ event_type: "run.completed", module: "runtime", description: expect.any(String), payload_fields: ["run_id", "agent_id", "trigger", "mode", "status", "output", "error", "tokens_input", "tokens_output", "cost_usd", "latency_ms"] });
		expect((byType.get("run.failed") as any).payload_fields).not.toContain("output");
		expect((byType.get("agent.updated") as any).payload_fields).toContain("changed_fields");
		expect((byType.get("agent.created") as any).payload_fields).toEqual(["agent_id", "name", "version"]);
		expect((byType.get("webhook.delivery_failed") as any).payload_fields).toEqual(["subscription_id", "delivery_id", "event_id", "attempts"]);
		for (const type of ["schedule.triggered", "workflow.cancelled", "billing.invoice_issued", "publish.unpublished", "mcp.server_error", "ab_test.rolled_back"]) expect(byType.has(type)).toBe(true);
		const page = await app.http.get("/api/v1/events/types").query({ limit: 2, offset: 1 }).set(viewer);
		expect(page.body).toMatchObject({ total: EVENT_CATALOGUE.length, limit: 2, offset: 1 });
		expect(page.body.items.map((t: any) => t.event_type)).toEqual(res.body.items.slice(1, 3).map((t: any) => t.event_type));
		expect(res.body.items[0].event_type).toBe("agent.created");
		expect((await app.http.get("/api/v1/events/types").query({ limit: 0 }).set(viewer)).status).toBe(400);
	});
});

describe("subscriptions", () => {
	test("an agent target: 201 with the contract's defaults, get, list filters, partial PUT, delete", async () => {
		const agent = await activeAgent();
		const res = await app.http.post("/api/v1/events/subscriptions").set(auth).send({ event_type: "ticket.*", agent_id: agent.id, input_template: "New ticket: {{event.title}}" });
		expect(res.status).toBe(201);
		expect(res.body).toEqual({
			id: expect.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
			org_id: expect.any(String),
			name: null,
			event_type: "ticket.*",
			target_type: "agent",
			agent_id: agent.id,
			input_template: "New ticket: {{event.title}}",
			url: null,
			has_secret: false,
			enabled: true,
			last_delivery_at: null,
			last_delivery_status: null,
			consecutive_failures: 0,
			created_at: expect.any(String),
			updated_at: expect.any(String)
		});
		const id = res.body.id;
		expect((await app.http.get(`/api/v1/events/subscriptions/${id}`).set(viewer)).body).toEqual(res.body);
		const listed = await app.http.get("/api/v1/events/subscriptions").query({ agent_id: agent.id, target_type: "agent", enabled: "true", event_type: "ticket.*" }).set(auth);
		expect(listed.body).toMatchObject({ total: 1, limit: 50, offset: 0 });
		expect(listed.body.items.map((s: any) => s.id)).toEqual([id]);
		expect((await app.http.get("/api/v1/events/subscriptions").query({ agent_id: agent.id, enabled: "false" }).set(auth)).body.total).toBe(0);

		const put = await app.http.put(`/api/v1/events/subscriptions/${id}`).set(auth).send({ name: "Tickets", enabled: false });
		expect(put.status).toBe(200);
		expect(put.body).toMatchObject({ name: "Tickets", enabled: false, event_type: "ticket.*", input_template: "New ticket: {{event.title}}" });
		expect((await app.http.put(`/api/v1/events/subscriptions/${id}`).set(auth).send({})).body).toMatchObject({ name: "Tickets", enabled: false });
		expect((await app.http.put(`/api/v1/events/subscriptions/${id}`).set(auth).send({ name: null })).body.name).toBeNull();

		expectFieldProblems(await app.http.put(`/api/v1/events/subscriptions/${id}`).set(auth).send({ target_type: "webhook", agent_id: null, url: receiver.url }), "immutable target, required agent_id", ["target_type", "agent_id", "url"]);
		expectFieldProblems(await app.http.put(`/api/v1/events/subscriptions/${id}`).set(auth).send({ event_type: "a b", enabled: "yes", secret: "x" }), "bad types", ["event_type", "enabled", "secret"]);
		expectFieldProblems(await app.http.put(`/api/v1/events/subscriptions/${id}`).set(auth).send({ secret: "0123456789abcdef" }), "secret on an agent target", ["secret"]);
		expect((await app.http.get(`/api/v1/events/subscriptions/${id}`).set(auth)).body).toMatchObject({ target_type: "agent", agent_id: agent.id });
		const unknownAgent = await app.http.put(`/api/v1/events/subscriptions/${id}`).set(auth).send({ agent_id: "agt_missing" });
		expect([unknownAgent.status, unknownAgent.body.error.code]).toEqual([404, "NOT_FOUND"]);

		expect((await app.http.delete(`/api/v1/events/subscriptions/${id}`).set(auth)).status).toBe(204);
		expect((await app.http.get(`/api/v1/events/subscriptions/${id}`).set(auth)).status).toBe(404);
		const audit = (await auditEntries(app, app.ownerKey, { resource_id: id })).map(e => e.action).sort();
		expect(audit).toEqual(expect.arrayContaining(["subscription.create", "subscription.update", "subscription.delete"]));
	});

	test("a webhook target gets a generated secret once; a client's own secret is never shown", async () => {
		const res = await app.http.post("/api/v1/events/subscriptions").set(auth).send({ event_type: "*", target_type: "webhook", url: `${receiver.url}/hook` });
		expect(res.status).toBe(201);
		expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
		expect(res.body).toMatchObject({ target_type: "webhook", url: `${receiver.url}/hook`, has_secret: true, agent_id: null, input_template: null });
		const got = await app.http.get(`/api/v1/events/subscriptions/${res.body.id}`).set(auth);
		expect(got.body.secret).toBeUndefined();
		expect(got.body.has_secret).toBe(true);
		const own = await app.http.post("/api/v1/events/subscriptions").set(auth).send({ event_type: "x.y", target_type: "webhook", url: receiver.url, secret: "my-own-secret-0123456789" });
		expect(own.status).toBe(201);
		expect(own.body.secret).toBeUndefined();
		const audit = await auditEntries(app, app.ownerKey, { resource_id: own.body.id });
		expect(JSON.stringify(audit)).not.toContain("my-own-secret-0123456789");
		const rotated = await app.http.put(`/api/v1/events/subscriptions/${own.body.id}`).set(auth).send({ secret: "another-secret-0123456789" });
		expect(rotated.status).toBe(200);
		expect(rotated.body.secret).toBeUndefined();
		for (const id of [res.body.id, own.body.id]) await app.http.delete(`/api/v1/events/subscriptions/${id}`).set(auth).expect(204);
	});

	test("bad input answers 400 naming every bad field and creates nothing", async () => {
		const before = (await app.http.get("/api/v1/events/subscriptions").set(auth)).body.total;
		const cases: [unknown, string[]][] = [
			[{}, ["event_type", "agent_id", "input_template"]],
			[{ event_type: "Bad Type", agent_id: "agt_x", input_template: "x" }, ["event_type"]],
			[{ event_type: "run.*.x", agent_id: "agt_x", input_template: "x" }, ["event_type"]],
			[{ event_type: "run.*", target_type: "queue", agent_id: "agt_x", input_template: "x" }, ["target_type"]],
			[{ event_type: "run.*", target_type: "webhook" }, ["url"]],
			[{ event_type: "run.*", target_type: "webhook", url: "ftp://example.com/x", secret: "short" }, ["url", "secret"]],
			[{ event_type: "run.*", target_type: "webhook", url: "https://example.com/x", agent_id: "agt_x", input_template: "x" }, ["agent_id", "input_template"]],
			[{ event_type: "run.*", agent_id: "agt_x", input_template: "x".repeat(20_001), url: "https://example.com", secret: "0123456789abcdef" }, ["input_template", "url", "secret"]],
			[{ event_type: "run.*", agent_id: "agt_x", input_template: "x", name: " ", enabled: 1 }, ["name", "enabled"]]
		];
		for (const [body, fields] of cases) expectFieldProblems(await app.http.post("/api/v1/events/subscriptions").set(auth).send(body as object), body, fields);
		const missingAgent = await app.http.post("/api/v1/events/subscriptions").set(auth).send({ event_type: "run.*", agent_id: "agt_nope", input_template: "x" });
		expect([missingAgent.status, missingAgent.body.error.code, missingAgent.body.error.details]).toEqual([404, "NOT_FOUND", [{ field: "agent_id", message: "Agent not found" }]]);
		expect((await app.http.get("/api/v1/events/subscriptions").set(auth)).body.total).toBe(before);
	});

	test("permissions and tenant isolation", async () => {
		const sub = await subscribe({ event_type: "iso.*", target_type: "webhook", url: receiver.url });
		const denied = await app.http.post("/api/v1/events/subscriptions").set(viewer).send({ event_type: "a.b", target_type: "webhook", url: receiver.url });
		expect([denied.status, denied.body.error.details]).toEqual([403, { required: ["events:write"] }]);
		expect((await emit("custom.thing", {}, viewer)).status).toBe(403);
		for (const req of [
			app.http.get(`/api/v1/events/subscriptions/${sub.id}`).set(other),
			app.http.put(`/api/v1/events/subscriptions/${sub.id}`).set(other).send({ enabled: false }),
			app.http.delete(`/api/v1/events/subscriptions/${sub.id}`).set(other),
			app.http.get(`/api/v1/events/subscriptions/${sub.id}/deliveries`).set(other)
		]) {
			const res = await req;
			expect([res.status, res.body.error.code]).toEqual([404, "NOT_FOUND"]);
		}
		expect((await app.http.get("/api/v1/events/subscriptions").set(other)).body.items.map((s: any) => s.id)).not.toContain(sub.id);
		// Another org's event matches only its own subscriptions.
		const foreign = await emit("iso.ping", {}, other);
		expect(foreign.body.matched_subscriptions).toBe(0);
		await app.http.delete(`/api/v1/events/subscriptions/${sub.id}`).set(auth).expect(204);
	});
});

describe("emit and the event log", () => {
	test("emit answers 201 with the stored custom event; get and list filters find it; other orgs do not", async () => {
		const type = `order.placed_${uid(3)}`;
		const res = await emit(type, { order_id: "o-1", agent_id: "agt_ref", total: 12.5 });
		expect(res.status).toBe(201);
		expect(res.body).toEqual({
			id: expect.any(String),
			org_id: expect.any(String),
			event_type: type,
			source: "custom",
			payload: { order_id: "o-1", agent_id: "agt_ref", total: 12.5 },
			agent_id: "agt_ref",
			run_id: null,
			depth: 0,
			matched_subscriptions: 0,
			created_at: expect.any(String),
			updated_at: expect.any(String)
		});
		expect((await app.http.get(`/api/v1/events/${res.body.id}`).set(viewer)).body).toEqual(res.body);
		expect((await app.http.get(`/api/v1/events/${res.body.id}`).set(other)).status).toBe(404);
		expect((await eventsOf({ event_type: type })).map(e => e.id)).toEqual([res.body.id]);
		expect((await eventsOf({ event_type: type, source: "platform" })).length).toBe(0);
		expect((await eventsOf({ agent_id: "agt_ref" })).map(e => e.id)).toContain(res.body.id);
		expect((await eventsOf({ event_type: type, created_after: res.body.created_at })).length).toBe(1);
		expect((await eventsOf({ event_type: type, created_before: res.body.created_at })).length).toBe(0);
		const otherList = await app.http.get("/api/v1/events").query({ event_type: type }).set(other);
		expect(otherList.body.total).toBe(0);
		expect((await emit(type)).body.payload).toEqual({});
		for (const q of [{ limit: "201" }, { offset: "-1" }, { order: "up" }, { source: "api" }, { created_after: "yesterday" }]) {
			expect((await app.http.get("/api/v1/events").query(q).set(auth)).status).toBe(400);
		}
		expect((await auditEntries(app, app.ownerKey, { action: "event.emit", resource_id: res.body.id })).length).toBe(1);
	});

	test("emit validation: reserved types, type pattern, payload type and size", async () => {
		for (const type of ["run.completed", "run.custom", "webhook.anything", "agent.x"]) expectFieldProblems(await emit(type), type, ["event_type"]);
		expectFieldProblems(await emit("Bad!"), "pattern", ["event_type"]);
		expectFieldProblems(await app.http.post("/api/v1/events/emit").set(auth).send({}), "missing", ["event_type"]);
		expectFieldProblems(await emit("ok.type", [1, 2]), "array payload", ["payload"]);
		const big = await emit("ok.big", { blob: "x".repeat(256 * 1024) });
		expect([big.status, big.body.error.code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
		expect((await eventsOf({ event_type: "ok.big" })).length).toBe(0);
		expect((await emit("ok.fits", { blob: "x".repeat(256 * 1024 - 20) })).status).toBe(201);
	});

	test("Idempotency-Key: a repeat replays the original answer, another body is refused", async () => {
		const key = `idem-${uid()}`;
		const type = `idem.test_${uid(3)}`;
		const first = await app.http.post("/api/v1/events/emit").set(auth).set("Idempotency-Key", key).send({ event_type: type, payload: { n: 1 } });
		expect(first.status).toBe(201);
		const again = await app.http.post("/api/v1/events/emit").set(auth).set("Idempotency-Key", key).send({ payload: { n: 1 }, event_type: type });
		expect([again.status, again.headers["idempotent-replayed"]]).toEqual([201, "true"]);
		expect(again.body).toEqual(first.body);
		const changed = await app.http.post("/api/v1/events/emit").set(auth).set("Idempotency-Key", key).send({ event_type: type, payload: { n: 2 } });
		expect([changed.status, changed.body.error.code]).toEqual([409, "IDEMPOTENCY_KEY_REUSED"]);
		// Keys are per org.
		expect((await app.http.post("/api/v1/events/emit").set(other).set("Idempotency-Key", key).send({ event_type: type, payload: { n: 1 } })).status).toBe(201);
		expect((await eventsOf({ event_type: type })).length).toBe(1);
	});

	test("a platform event from another module is stored with the catalogue's payload fields", async () => {
		const agent = await activeAgent();
		const created = await until(async () => (await eventsOf({ event_type: "agent.created", agent_id: agent.id }))[0], 5000, "agent.created");
		expect(created).toMatchObject({ source: "platform", depth: 0, agent_id: agent.id, run_id: null, payload: { agent_id: agent.id, name: agent.name, version: 1 } });
		expect(Object.keys(created.payload).sort()).toEqual(["agent_id", "name", "version"]);
		await app.http.put(`/api/v1/agents/${agent.id}`).set(auth).send({ system_prompt: "Be brief." }).expect(200);
		const updated = await until(async () => (await eventsOf({ event_type: "agent.updated", agent_id: agent.id }))[0], 5000, "agent.updated");
		expect(updated.payload).toEqual({ agent_id: agent.id, name: agent.name, version: 2, changed_fields: ["system_prompt"] });
		const promoted = await eventsOf({ event_type: "lifecycle.promoted", agent_id: agent.id });
		expect(promoted.map(e => e.payload.to_state).sort()).toEqual(["active", "testing"]);
		const run = await app.http.post("/api/v1/runtime/execute").set(auth).send({ agent_id: agent.id, input: "hello events" });
		expect(run.body.status).toBe("completed");
		const done = await until(async () => (await eventsOf({ event_type: "run.completed", run_id: run.body.id }))[0], 5000, "run.completed");
		expect(done.payload).toEqual({
			run_id: run.body.id,
			agent_id: agent.id,
			trigger: "api",
			mode: "production",
			status: "completed",
			output: "hello events",
			error: null,
			tokens_input: run.body.tokens_input,
			tokens_output: run.body.tokens_output,
			cost_usd: run.body.cost_usd,
			latency_ms: expect.any(Number)
		});
		const types = (await eventsOf({ run_id: run.body.id })).map(e => e.event_type).sort();
		expect(types).toEqual(["run.completed", "run.queued", "run.started"]);
	});
});

describe("agent targets", () => {
	test("a matching event starts a run with the rendered template; the delivery records the run", async () => {
		const agent = await activeAgent();
		const type = `ticket.created_${uid(3)}`;
		const sub = await subscribe({ event_type: type.split(".")[0] + ".*", agent_id: agent.id, input_template: "Ticket {{ event.ticket.title }} by {{event.user}} {{event.missing}}|{{event.tags}}" });
		const event = await emit(type, { ticket: { title: "Printer on fire" }, user: "ana", tags: ["a", 1] });
		expect(event.body.matched_subscriptions).toBe(1);
		const delivery = await finalDelivery(sub.id);
		expect(delivery).toMatchObject({ status: "succeeded", attempts: 1, event_id: event.body.id, event_type: type, subscription_id: sub.id, run_id: expect.any(String), next_attempt_at: null });
		const run = (await app.http.get(`/api/v1/runtime/runs/${delivery.run_id}`).set(auth)).body;
		expect(run).toMatchObject({ trigger: "event", trigger_ref: sub.id, mode: "production", input: 'Ticket Printer on fire by ana |["a",1]' });
		const done = await until(async () => (await eventsOf({ event_type: "run.completed", run_id: run.id }))[0], 10_000, "the triggered run's completion");
		expect(done.depth).toBe(1);
		expect((await app.http.get(`/api/v1/events/subscriptions/${sub.id}`).set(auth)).body).toMatchObject({ last_delivery_status: "succeeded", consecutive_failures: 0, last_delivery_at: expect.any(String) });
		expect((await deliveries(sub.id, { status: "succeeded", event_id: event.body.id })).length).toBe(1);
		expect((await deliveries(sub.id, { status: "failed" })).length).toBe(0);
		await app.http.delete(`/api/v1/events/subscriptions/${sub.id}`).set(auth).expect(204);
	});

	test("a refusal of the runtime fails the delivery with its code; disabled subscriptions match nothing", async () => {
		const draft = (await app.http.post("/api/v1/agents").set(auth).send({ name: `draft-${uid()}`, model: "mock-echo" })).body;
		const sub = await subscribe({ event_type: "draft.go", agent_id: draft.id, input_template: "go" });
		await emit("draft.go");
		const delivery = await finalDelivery(sub.id);
		expect(delivery).toMatchObject({ status: "failed", attempts: 1, run_id: null, last_error: { code: "AGENT_NOT_RUNNABLE", message: expect.any(String) } });
		expect((await app.http.get(`/api/v1/events/subscriptions/${sub.id}`).set(auth)).body).toMatchObject({ last_delivery_status: "failed", consecutive_failures: 1 });
		await app.http.put(`/api/v1/events/subscriptions/${sub.id}`).set(auth).send({ enabled: false }).expect(200);
		expect((await emit("draft.go")).body.matched_subscriptions).toBe(0);
		// Deleting the agent removes its agent-target subscriptions (§1).
		await app.http.delete(`/api/v1/agents/${draft.id}`).set(auth).expect(204);
		expect((await app.http.get(`/api/v1/events/subscriptions/${sub.id}`).set(auth)).status).toBe(404);
	});

	test("loop guard: events caused by subscription runs are one deeper; at depth 5 they trigger nothing", async () => {
		const agent = await activeAgent();
		const type = `loop.start_${uid(3)}`;
		const starter = await subscribe({ event_type: type, agent_id: agent.id, input_template: "start" });
		const chain = await subscribe({ event_type: "run.completed", agent_id: agent.id, input_template: "again {{event.run_id}}" });
		await emit(type);
		const deepest = await until(
			async () => (await eventsOf({ event_type: "run.completed", agent_id: agent.id })).find(e => e.depth === 5),
			30_000,
			"a run.completed at depth 5"
		);
		expect(deepest.matched_subscriptions).toBe(0);
		await sleep(500);
		const depths = (await eventsOf({ event_type: "run.completed", agent_id: agent.id })).map(e => e.depth).sort();
		expect(depths).toEqual([1, 2, 3, 4, 5]);
		expect((await deliveries(chain.id)).map(d => d.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
		for (const id of [starter.id, chain.id]) await app.http.delete(`/api/v1/events/subscriptions/${id}`).set(auth).expect(204);
	});
});

describe("webhook targets", () => {
	test("the POST carries the exact signed body and headers; the delivery succeeds", async () => {
		const type = `hook.signed_${uid(3)}`;
		const sub = await subscribe({ event_type: type, target_type: "webhook", url: `${receiver.url}/signed` });
		const from = receiver.received.length;
		const event = await emit(type, { hello: "world" });
		const delivery = await finalDelivery(sub.id);
		expect(delivery).toMatchObject({ status: "succeeded", attempts: 1, last_status_code: 200, last_error: null, run_id: null });
		const hooks = receiver.received.slice(from).filter(h => h.headers["x-fluxgate-delivery"] === delivery.id);
		expect(hooks).toHaveLength(1);
		const hook = hooks[0];
		expect(hook.headers).toMatchObject({ "content-type": "application/json", "x-fluxgate-event": type, "x-fluxgate-delivery": delivery.id });
		expect(Math.abs(Number(hook.headers["x-fluxgate-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
		expect(hook.headers["x-fluxgate-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
		expect(signatureValid(sub.secret, hook)).toBe(true);
		expect(signatureValid("whsec_wrong", hook)).toBe(false);
		expect(JSON.parse(hook.body)).toEqual({ id: delivery.id, event: { ...event.body, matched_subscriptions: 1 } });
		await app.http.delete(`/api/v1/events/subscriptions/${sub.id}`).set(auth).expect(204);
	});

	test("a failing receiver is retried with backoff until it answers 2xx", async () => {
		const flaky = await startWebhookReceiver(0, n => (n < 2 ? 503 : 204));
		try {
			const sub = await subscribe({ event_type: "hook.flaky", target_type: "webhook", url: flaky.url, secret: "flaky-secret-0123456789" });
			await emit("hook.flaky", { n: 1 });
			const delivery = await finalDelivery(sub.id);
			expect(delivery).toMatchObject({ status: "succeeded", attempts: 3, last_status_code: 204, last_error: null });
			expect(flaky.received).toHaveLength(3);
			expect(new Set(flaky.received.map(h => h.body)).size).toBe(1);
			expect(flaky.received.every(h => signatureValid("flaky-secret-0123456789", h))).toBe(true);
			const gaps = [flaky.received[1].at - flaky.received[0].at, flaky.received[2].at - flaky.received[1].at];
			expect(gaps[0]).toBeGreaterThanOrEqual(RETRY_BASE_MS);
			expect(gaps[1]).toBeGreaterThanOrEqual(3 * RETRY_BASE_MS);
		} finally {
			await flaky.close();
		}
	});

	test("after 6 failed attempts the delivery fails and webhook.delivery_failed is emitted (never to webhooks)", async () => {
		const down = await startWebhookReceiver(0, () => 500);
		try {
			const sub = await subscribe({ event_type: "hook.down", target_type: "webhook", url: down.url });
			const watcher = await subscribe({ event_type: "webhook.*", target_type: "webhook", url: receiver.url });
			const event = await emit("hook.down");
			const delivery = await finalDelivery(sub.id, 30_000);
			expect(delivery).toMatchObject({ status: "failed", attempts: 6, last_status_code: 500, last_error: { code: "HTTP_ERROR", message: expect.any(String) }, next_attempt_at: null });
			expect(down.received).toHaveLength(6);
			const gaps = down.received.slice(1).map((h, i) => h.at - down.received[i].at);
			[1, 3, 12, 60, 180].forEach((factor, i) => expect(gaps[i]).toBeGreaterThanOrEqual(factor * RETRY_BASE_MS));
			const notice = await until(async () => (await eventsOf({ event_type: "webhook.delivery_failed" })).find(e => e.payload.delivery_id === delivery.id), 5000, "webhook.delivery_failed");
			expect(notice).toMatchObject({ source: "platform", payload: { subscription_id: sub.id, delivery_id: delivery.id, event_id: event.body.id, attempts: 6 }, matched_subscriptions: 0 });
			expect((await deliveries(watcher.id)).length).toBe(0);
			expect((await app.http.get(`/api/v1/events/subscriptions/${sub.id}`).set(auth)).body).toMatchObject({ last_delivery_status: "failed", consecutive_failures: 1, enabled: true });
			for (const id of [sub.id, watcher.id]) await app.http.delete(`/api/v1/events/subscriptions/${id}`).set(auth).expect(204);
		} finally {
			await down.close();
		}
	});

	test("the SSRF guard refuses loopback targets unless private networks are allowed", async () => {
		await setSettings({ allow_private_network: false });
		try {
			const sub = await subscribe({ event_type: "hook.ssrf", target_type: "webhook", url: `${receiver.url}/ssrf` });
			const from = receiver.received.length;
			await emit("hook.ssrf");
			const delivery = await finalDelivery(sub.id);
			expect(delivery).toMatchObject({ status: "failed", attempts: 1, last_status_code: null, last_error: { code: "SSRF_BLOCKED" } });
			expect(receiver.received.slice(from).filter(h => h.headers["x-fluxgate-delivery"] === delivery.id)).toHaveLength(0);
			await app.http.delete(`/api/v1/events/subscriptions/${sub.id}`).set(auth).expect(204);
		} finally {
			await setSettings({ allow_private_network: true });
		}
	});
});

interface LiveStream {
	status: number;
	headers: http.IncomingHttpHeaders;
	events: { id: number; event: string; data: any }[];
	raw: () => string;
	close(): void;
}

function openStream(path: string, headers: Record<string, string> = {}): Promise<LiveStream> {
	return new Promise((resolve, reject) => {
		const req = http.get(`${app.url}${path}`, { headers }, res => {
			let buffer = "";
			const stream: LiveStream = {
				status: res.statusCode as number,
				headers: res.headers,
				events: [],
				raw: () => buffer,
				close: () => req.destroy()
			};
			res.setEncoding("utf8");
			res.on("data", chunk => {
				buffer += chunk;
				stream.events = buffer
					.split("\n\n")
					.filter(block => block.startsWith("id:"))
					.map(block => {
						const lines = Object.fromEntries(block.split("\n").map(l => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]));
						return { id: Number(lines.id), event: lines.event, data: JSON.parse(lines.data) };
					});
			});
			res.on("error", () => undefined);
			resolve(stream);
		});
		req.on("error", err => ((err as any).code === "ECONNRESET" ? undefined : reject(err)));
	});
}

test("an event stored without its deliveries (its node stopped in between) gets them from the recovery sweep", async () => {
	const sub = await subscribe({ event_type: "recover.me", target_type: "webhook", url: `${receiver.url}/recover` });
	const events: any = app.broker.getLocalService("events");
	const stale = new Date(Date.now() - 60_000).toISOString();
	const id = `evt_recover_${uid()}`;
	// What a crash right after storing the event leaves: the matched subscriptions, no delivery yet.
	await events.repos.events.forOrg(sub.org_id).insert({ id, event_type: "recover.me", source: "custom", payload: { n: 1 }, depth: 0, matched_subscriptions: 1, fanout_since: stale, fanout_pending: [sub.id], created_at: stale, updated_at: stale });
	expect(await deliveries(sub.id)).toEqual([]);
	await events.log.finishFanOuts();
	expect(await finalDelivery(sub.id)).toMatchObject({ status: "succeeded", event_id: id, attempts: 1 });
	const stored = await events.repos.events.forOrg(sub.org_id).get(id);
	expect(stored.fanout_since).toBeUndefined();
	await events.log.finishFanOuts();
	expect(await deliveries(sub.id)).toHaveLength(1);
	await app.http.delete(`/api/v1/events/subscriptions/${sub.id}`).set(auth).expect(204);
});

test("50 failed deliveries in a row disable the subscription; enabling it again starts the count afresh", async () => {
	await setSettings({ allow_private_network: false });
	try {
		const sub = await subscribe({ event_type: "hook.blocked", target_type: "webhook", url: `${receiver.url}/blocked` });
		for (let i = 0; i < 50; i++) expect((await emit("hook.blocked", { i })).body.matched_subscriptions).toBe(1);
		const disabled = await until(
			async () => {
				const body = (await app.http.get(`/api/v1/events/subscriptions/${sub.id}`).set(auth)).body;
				return body.enabled === false && body;
			},
			20_000,
			"the subscription to be disabled"
		);
		expect(disabled).toMatchObject({ consecutive_failures: 50, last_delivery_status: "failed" });
		expect((await emit("hook.blocked")).body.matched_subscriptions).toBe(0);
		const enabled = await app.http.put(`/api/v1/events/subscriptions/${sub.id}`).set(auth).send({ enabled: true });
		expect(enabled.body).toMatchObject({ enabled: true, consecutive_failures: 0 });
		await app.http.delete(`/api/v1/events/subscriptions/${sub.id}`).set(auth).expect(204);
	} finally {
		await setSettings({ allow_private_network: true });
	}
});

describe("live stream", () => {
	test("GET /events/stream sends the org's matching events live, numbered from 1", async () => {
		const tag = uid(3);
		const stream = await openStream(`/api/v1/events/stream?event_type=live${tag}.*&access_token=${app.ownerKey}`);
		try {
			expect(stream.status).toBe(200);
			expect(stream.headers["content-type"]).toMatch(/^text\/event-stream/);
			expect(stream.headers["cache-control"]).toBe("no-cache");
			expect(stream.headers["x-request-id"]).toBeTruthy();
			await sleep(100);
			const first = await emit(`live${tag}.one`, { n: 1 });
			await emit(`other${tag}.two`, { n: 2 });
			await emit(`live${tag}.one`, { n: 1 }, other);
			const second = await emit(`live${tag}.three`, { n: 3 });
			await until(async () => stream.events.length >= 2, 5000, "two streamed events");
			await sleep(200);
			expect(stream.events).toEqual([
				{ id: 1, event: "event", data: first.body },
				{ id: 2, event: "event", data: second.body }
			]);
		} finally {
			stream.close();
		}
	});

	test("everything by default; a viewer may watch; bad filters and missing credentials answer before the stream", async () => {
		const viewerKey = (await keyWithRoles(app, app.ownerKey, ["viewer"])).key;
		const stream = await openStream("/api/v1/events/stream", { Authorization: `Bearer ${viewerKey}` });
		try {
			expect(stream.status).toBe(200);
			await sleep(100);
			const agent = await activeAgent();
			await until(async () => stream.events.some(e => e.data.event_type === "agent.created" && e.data.agent_id === agent.id), 5000, "agent.created on the stream");
		} finally {
			stream.close();
		}
		const bad = await app.http.get("/api/v1/events/stream").query({ event_type: "Bad Type" }).set(auth);
		expectFieldProblems(bad, "bad filter", ["event_type"]);
		const anonymous = await app.http.get("/api/v1/events/stream");
		expect([anonymous.status, anonymous.body.error.code]).toEqual([401, "UNAUTHENTICATED"]);
	});
});
