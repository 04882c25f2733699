import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { bearer, startApp, type TestApp } from "../helpers/app";
import { auditEntries, createOrgWithOwner, expectFieldProblems, keyWithRoles, uid } from "../helpers/platform";
import { requestSse } from "../helpers/sse";

let app: TestApp;
let owner: Record<string, string>;
let viewer: Record<string, string>;
let other: Record<string, string>;
const events: { name: string; params: any }[] = [];

const ORIGIN = "https://shop.example.com";
const KEY_PATTERN = /^fgp_[A-Za-z0-9_-]{32}$/;

const api = (path: string) => `/api/v1${path}`;

async function makeAgent(auth: Record<string, string>, target: "testing" | "active" = "active", extra: Record<string, unknown> = {}) {
	const created = await app.http.post(api("/agents")).set(auth).send({ name: `pub-${uid(4)}`, model: "mock-echo", ...extra });
	if (created.status !== 201) throw new Error(`agent create answered ${created.status} ${created.text}`);
	for (const target_state of target === "testing" ? ["testing"] : ["testing", "active"]) {
		expect((await app.http.post(api(`/lifecycle/${created.body.id}/promote`)).set(auth).send({ target_state })).status).toBe(200);
	}
	return created.body;
}

const promote = (agentId: string, target_state: string, auth = owner) => app.http.post(api(`/lifecycle/${agentId}/promote`)).set(auth).send({ target_state });

async function publish(body: Record<string, unknown> = {}, auth = owner, agent?: any) {
	const target = agent ?? (await makeAgent(auth));
	const res = await app.http.post(api(`/publish/agents/${target.id}`)).set(auth).send({ allowed_origins: [ORIGIN], ...body });
	if (res.status !== 201) throw new Error(`publish answered ${res.status} ${res.text}`);
	return res.body;
}

/** A public request with the publication's key in the header (or none). */
const pub = (method: "get" | "post", path: string, key?: string | null, origin?: string) => {
	let r = app.http[method](api(`/public${path}`));
	if (key) r = r.set("X-Fluxgate-Public-Key", key);
	if (origin) r = r.set("Origin", origin);
	return r;
};

async function until<T>(probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise(r => setTimeout(r, 50));
	}
}

beforeAll(async () => {
	app = await startApp();
	owner = bearer(app.ownerKey);
	viewer = bearer((await keyWithRoles(app, app.ownerKey, ["viewer"])).key);
	other = bearer((await createOrgWithOwner(app)).ownerKey);
	app.broker.createService({
		name: "publish-events-probe",
		events: {
			"publish.*"(ctx: any) {
				events.push({ name: ctx.eventName, params: ctx.params });
			}
		}
	});
}, 60_000);

afterAll(() => app?.stop());

describe("Publications (§28 rows 1–7)", () => {
	it("publishes an active agent with the contract's defaults, a full public key and an announcement", async () => {
		const agent = await makeAgent(owner);
		const res = await app.http.post(api(`/publish/agents/${agent.id}`)).set(owner).send({ allowed_origins: [ORIGIN] });
		expect(res.status).toBe(201);
		expect(res.body).toEqual({
			id: expect.any(String),
			org_id: agent.org_id,
			agent_id: agent.id,
			slug: agent.name,
			name: agent.name,
			description: "",
			public_key: expect.stringMatching(KEY_PATTERN),
			allowed_origins: [ORIGIN],
			rate_limit: { max_requests: 30, period: "minute" },
			enabled: true,
			mcp_enabled: false,
			customer_id: null,
			widget: { title: agent.name, greeting: "Hi! How can I help?", theme: "light", primary_color: "#4F46E5", position: "bottom-right" },
			public_url: `/api/v1/public/${agent.name}`,
			created_at: expect.any(String),
			updated_at: expect.any(String)
		});
		expect((await app.http.get(api(`/publish/${res.body.id}`)).set(owner)).body).toEqual(res.body);
		await until(() => events.find(e => e.name === "publish.published" && e.params.publication_id === res.body.id), "publish.published");
		expect(events.find(e => e.params.publication_id === res.body.id)?.params).toEqual({ org_id: agent.org_id, publication_id: res.body.id, agent_id: agent.id, slug: agent.name });
		const audit = await auditEntries(app, app.ownerKey, { action: "publication.create" });
		expect(audit.map(a => a.resource_id)).toContain(res.body.id);
	});

	it("takes every writable field, widget and rate limit objects filled with defaults", async () => {
		const body = {
			slug: `shop-${uid(4)}`,
			name: "Shop helper",
			description: "Answers shop questions",
			allowed_origins: [ORIGIN, "http://localhost:3000"],
			rate_limit: { period: "hour" },
			enabled: false,
			mcp_enabled: true,
			widget: { theme: "dark", position: "bottom-left" }
		};
		const res = await publish(body);
		expect(res).toMatchObject({
			...body,
			rate_limit: { max_requests: 30, period: "hour" },
			widget: { title: "Shop helper", greeting: "Hi! How can I help?", theme: "dark", primary_color: "#4F46E5", position: "bottom-left" }
		});
		expect(events.find(e => e.params.publication_id === res.id)).toBeUndefined();
	});

	it("rejects bad bodies naming every field, storing nothing", async () => {
		const agent = await makeAgent(owner);
		const path = api(`/publish/agents/${agent.id}`);
		const cases: [string, Record<string, unknown>, string[]][] = [
			["empty", {}, ["allowed_origins"]],
			["origins", { allowed_origins: [] }, ["allowed_origins"]],
			["origin forms", { allowed_origins: ["shop.example.com", "https://a.example/path", "*"] }, ["allowed_origins[0]", "allowed_origins[1]"]],
			["too many", { allowed_origins: Array.from({ length: 21 }, (_, i) => `https://h${i}.example`) }, ["allowed_origins"]],
			[
				"many",
				{
					allowed_origins: ["*"],
					slug: "Bad Slug",
					name: " ",
					rate_limit: { max_requests: 0, period: "day" },
					enabled: "yes",
					mcp_enabled: 1,
					widget: { theme: "blue", primary_color: "red", position: "top" }
				},
				["slug", "name", "rate_limit.max_requests", "rate_limit.period", "enabled", "mcp_enabled", "widget.theme", "widget.primary_color", "widget.position"]
			]
		];
		for (const [label, body, fields] of cases) expectFieldProblems(await app.http.post(path).set(owner).send(body), label, fields);
		expect((await app.http.get(api(`/publish?agent_id=${agent.id}`)).set(owner)).body.total).toBe(0);
	});

	it("answers 404 for unknown or foreign agents and customers, 409 for agents that are not active or already published", async () => {
		const mine = await makeAgent(owner);
		expect((await app.http.post(api("/publish/agents/agt_missing")).set(owner).send({ allowed_origins: ["*"] })).body.error.code).toBe("NOT_FOUND");
		expect((await app.http.post(api(`/publish/agents/${mine.id}`)).set(other).send({ allowed_origins: ["*"] })).status).toBe(404);
		const noCustomer = await app.http.post(api(`/publish/agents/${mine.id}`)).set(owner).send({ allowed_origins: ["*"], customer_id: "cus_missing" });
		expect(noCustomer.status).toBe(404);
		expect(noCustomer.body.error.details).toEqual([{ field: "customer_id", message: expect.any(String) }]);
		const testing = await makeAgent(owner, "testing");
		const notActive = await app.http.post(api(`/publish/agents/${testing.id}`)).set(owner).send({ allowed_origins: ["*"] });
		expect([notActive.status, notActive.body.error.code]).toEqual([409, "AGENT_NOT_ACTIVE"]);
		await publish({}, owner, mine);
		const again = await app.http.post(api(`/publish/agents/${mine.id}`)).set(owner).send({ allowed_origins: ["*"], slug: `x-${uid(4)}` });
		expect([again.status, again.body.error.code]).toEqual([409, "ALREADY_EXISTS"]);
	});

	it("keeps slugs unique across the whole instance", async () => {
		const slug = `unique-${uid(4)}`;
		await publish({ slug });
		const theirAgent = await makeAgent(other);
		const taken = await app.http.post(api(`/publish/agents/${theirAgent.id}`)).set(other).send({ allowed_origins: ["*"], slug });
		expect([taken.status, taken.body.error.code]).toEqual([409, "ALREADY_EXISTS"]);
		expect(JSON.stringify(taken.body.error.details)).toContain("slug");
		expect((await app.http.get(api("/publish")).set(other)).body.total).toBe(0);
	});

	it("lists with the §0.10 envelope and the agent_id and enabled filters", async () => {
		const a = await publish();
		const b = await publish({ enabled: false });
		const all = (await app.http.get(api("/publish?limit=200")).set(owner)).body;
		expect(all).toMatchObject({ total: expect.any(Number), limit: 200, offset: 0 });
		expect(all.items.map((p: any) => p.id)).toEqual(expect.arrayContaining([a.id, b.id]));
		expect((await app.http.get(api(`/publish?agent_id=${a.agent_id}`)).set(owner)).body.items.map((p: any) => p.id)).toEqual([a.id]);
		const disabled = (await app.http.get(api("/publish?enabled=false&limit=200")).set(owner)).body.items;
		expect(disabled.every((p: any) => p.enabled === false)).toBe(true);
		expect(disabled.map((p: any) => p.id)).toContain(b.id);
		const asc = (await app.http.get(api("/publish?order=asc&limit=200")).set(owner)).body.items.map((p: any) => p.id);
		expect(asc).toEqual([...all.items.map((p: any) => p.id)].reverse());
		for (const q of ["limit=0", "limit=201", "offset=-1", "order=up", "enabled=maybe"]) expect((await app.http.get(api(`/publish?${q}`)).set(owner)).status).toBe(400);
		expect((await app.http.get(api("/publish")).set(viewer)).status).toBe(200);
		expect((await app.http.get(api("/publish")).set(other)).body.items).toEqual([]);
	});

	it("updates partially; slug is immutable; enabling and disabling announce it", async () => {
		const p = await publish({ name: "Before" });
		const renamed = await app.http.put(api(`/publish/${p.id}`)).set(owner).send({ name: "After", slug: p.slug, public_key: "ignored", agent_id: "ignored" });
		expect(renamed.status).toBe(200);
		expect(renamed.body).toMatchObject({ name: "After", slug: p.slug, public_key: p.public_key, agent_id: p.agent_id, widget: p.widget });
		expect((await app.http.put(api(`/publish/${p.id}`)).set(owner).send({})).body).toEqual(renamed.body);
		expectFieldProblems(await app.http.put(api(`/publish/${p.id}`)).set(owner).send({ slug: "another-slug" }), "slug", ["slug"]);
		expectFieldProblems(await app.http.put(api(`/publish/${p.id}`)).set(owner).send({ allowed_origins: [], enabled: null, description: null }), "bad", ["allowed_origins", "enabled", "description"]);
		const widget = await app.http.put(api(`/publish/${p.id}`)).set(owner).send({ widget: { greeting: "Hello there" }, rate_limit: { max_requests: 5 } });
		expect(widget.body).toMatchObject({ widget: { title: "After", greeting: "Hello there", theme: "light" }, rate_limit: { max_requests: 5, period: "minute" } });
		expect((await app.http.put(api(`/publish/${p.id}`)).set(owner).send({ customer_id: "cus_missing" })).status).toBe(404);

		const off = await app.http.put(api(`/publish/${p.id}`)).set(owner).send({ enabled: false });
		expect(off.body.enabled).toBe(false);
		await until(() => events.find(e => e.name === "publish.unpublished" && e.params.publication_id === p.id), "publish.unpublished");
		expect((await pub("get", `/${p.slug}`, p.public_key)).status).toBe(404);
		await app.http.put(api(`/publish/${p.id}`)).set(owner).send({ enabled: true }).expect(200);
		await until(() => events.filter(e => e.name === "publish.published" && e.params.publication_id === p.id).length === 2, "re-enabled publish.published");
		expect((await pub("get", `/${p.slug}`, p.public_key)).status).toBe(200);
		expect((await auditEntries(app, app.ownerKey, { action: "publication.update", resource_id: p.id })).length).toBeGreaterThanOrEqual(3);
	});

	it("serves embed codes naming the widget script with the key", async () => {
		const p = await publish();
		const res = await app.http.get(api(`/publish/${p.id}/embed`)).set(owner);
		expect(res.status).toBe(200);
		const base = app.url.replace("http://", "");
		const widgetUrl = `http://${base}/api/v1/public/${p.slug}/widget.js`;
		expect(res.body).toEqual({
			script_tag: `<script src="${widgetUrl}" data-key="${p.public_key}" async></script>`,
			iframe_tag: expect.stringContaining("<iframe"),
			widget_url: widgetUrl,
			chat_url: `http://${base}/api/v1/public/${p.slug}/chat`
		});
		expect(res.body.iframe_tag).toContain(`data-key=&quot;${p.public_key}&quot;`);
	});

	it("rotates the key: the old one answers 401 INVALID_PUBLIC_KEY at once, and is audited", async () => {
		const p = await publish();
		expect((await pub("get", `/${p.slug}`, p.public_key)).status).toBe(200);
		const rotated = await app.http.post(api(`/publish/${p.id}/rotate-key`)).set(owner);
		expect(rotated.status).toBe(200);
		expect(rotated.body.public_key).toMatch(KEY_PATTERN);
		expect(rotated.body.public_key).not.toBe(p.public_key);
		const old = await pub("get", `/${p.slug}`, p.public_key);
		expect([old.status, old.body.error.code]).toEqual([401, "INVALID_PUBLIC_KEY"]);
		expect((await pub("get", `/${p.slug}`, rotated.body.public_key)).status).toBe(200);
		expect((await auditEntries(app, app.ownerKey, { action: "publication.rotate_key", resource_id: p.id })).length).toBe(1);
		const rejected = await auditEntries(app, app.ownerKey, { action: "auth.token_rejected", actor_id: p.id });
		expect(rejected[0]).toMatchObject({ actor_type: "public", outcome: "failure", status_code: 401 });
	});

	it("deletes: 204, then 404 everywhere at once (public endpoints included)", async () => {
		const p = await publish();
		expect((await app.http.delete(api(`/publish/${p.id}`)).set(other)).status).toBe(404);
		expect((await app.http.delete(api(`/publish/${p.id}`)).set(owner)).status).toBe(204);
		expect((await app.http.get(api(`/publish/${p.id}`)).set(owner)).status).toBe(404);
		const gone = await pub("get", `/${p.slug}`, p.public_key);
		expect([gone.status, gone.body.error.code]).toEqual([404, "NOT_FOUND"]);
		expect((await pub("get", `/${p.slug}/widget.js`)).status).toBe(404);
		await until(() => events.find(e => e.name === "publish.unpublished" && e.params.publication_id === p.id), "publish.unpublished on delete");
	});

	it("goes with its agent: deleting the agent deletes the publication", async () => {
		const agent = await makeAgent(owner);
		const p = await publish({}, owner, agent);
		await promote(agent.id, "suspended").expect(200);
		await app.http.delete(api(`/agents/${agent.id}`)).set(owner).expect(204);
		expect((await app.http.get(api(`/publish/${p.id}`)).set(owner)).status).toBe(404);
		expect((await pub("get", `/${p.slug}`, p.public_key)).status).toBe(404);
	});

	it("answers 403 ORG_SUSPENDED on public routes of a suspended org", async () => {
		const org = await createOrgWithOwner(app);
		const theirs = await publish({}, bearer(org.ownerKey));
		await app.http.put(api(`/admin/orgs/${org.org.id}`)).set(owner).send({ status: "suspended" }).expect(200);
		const res = await pub("get", `/${theirs.slug}`, theirs.public_key);
		expect([res.status, res.body.error.code]).toEqual([403, "ORG_SUSPENDED"]);
	});

	it("hides another org's publications (404) on every id route; viewers get 403 on writes", async () => {
		const p = await publish();
		for (const [method, path] of [["get", ""], ["put", ""], ["get", "/embed"], ["post", "/rotate-key"]] as const) {
			const res = await app.http[method](api(`/publish/${p.id}${path}`)).set(other).send({});
			expect([path, res.status]).toEqual([path, 404]);
		}
		const denied = await app.http.put(api(`/publish/${p.id}`)).set(viewer).send({ name: "x" });
		expect([denied.status, denied.body.error.details]).toEqual([403, { required: ["publish:write"] }]);
	});
});

describe("Public endpoints (§28 rows 8–11)", () => {
	let p: any;
	beforeAll(async () => {
		p = await publish({ description: "The shop's helper" });
	});

	it("row 8: answers the public view with the key in the header or the query", async () => {
		const res = await pub("get", `/${p.slug}`, p.public_key);
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ slug: p.slug, name: p.name, description: "The shop's helper", widget: p.widget, mcp_enabled: false });
		expect(res.headers["x-ratelimit-limit"]).toBe("30");
		expect((await app.http.get(api(`/public/${p.slug}?key=${p.public_key}`))).status).toBe(200);
		// A bearer key is only for the MCP endpoint.
		expect((await app.http.get(api(`/public/${p.slug}`)).set(bearer(p.public_key))).status).toBe(401);
	});

	it("checks in order: unknown slug 404, key 401, origin 403", async () => {
		expect((await pub("get", "/no-such-slug", p.public_key)).status).toBe(404);
		expect((await pub("get", `/${p.slug}/no-such-route`, p.public_key)).body.error.code).toBe("NOT_FOUND");
		expect((await app.http.delete(api(`/public/${p.slug}`))).status).toBe(404);
		const missing = await pub("get", `/${p.slug}`, null, "https://evil.example");
		expect([missing.status, missing.body.error.code, missing.headers["www-authenticate"]]).toEqual([401, "INVALID_PUBLIC_KEY", "Bearer"]);
		expect((await pub("get", `/${p.slug}`, "fgp_" + "x".repeat(32))).body.error.code).toBe("INVALID_PUBLIC_KEY");
		const foreign = await pub("get", `/${p.slug}`, p.public_key, "https://evil.example");
		expect([foreign.status, foreign.body.error.code]).toEqual([403, "ORIGIN_NOT_ALLOWED"]);
		expect(foreign.headers["access-control-allow-origin"]).toBeUndefined();
		const allowed = await pub("get", `/${p.slug}`, p.public_key, ORIGIN);
		expect([allowed.status, allowed.headers["access-control-allow-origin"]]).toEqual([200, ORIGIN]);
	});

	it("answers preflights with the publication's allowed origins, not the admin CORS setting", async () => {
		const ok = await app.http.options(api(`/public/${p.slug}/chat`)).set("Origin", ORIGIN).set("Access-Control-Request-Method", "POST").set("Access-Control-Request-Headers", "content-type, x-fluxgate-public-key");
		expect(ok.status).toBe(204);
		expect(ok.headers).toMatchObject({ "access-control-allow-origin": ORIGIN, "access-control-allow-headers": "content-type, x-fluxgate-public-key" });
		expect(ok.headers["access-control-allow-methods"]).toContain("POST");
		const no = await app.http.options(api(`/public/${p.slug}/chat`)).set("Origin", "https://evil.example");
		expect(no.status).toBe(204);
		expect(no.headers["access-control-allow-origin"]).toBeUndefined();
		const star = await publish({ allowed_origins: ["*"] });
		const any = await pub("get", `/${star.slug}`, star.public_key, "https://anyone.example");
		expect([any.status, any.headers["access-control-allow-origin"]]).toEqual([200, "https://anyone.example"]);
	});

	it("rate limits per client IP with the publication's limit (hourly: window_seconds 3600)", async () => {
		const limited = await publish({ rate_limit: { max_requests: 3, period: "hour" } });
		for (let i = 0; i < 3; i++) {
			const res = await pub("get", `/${limited.slug}`, limited.public_key);
			expect([res.status, res.headers["x-ratelimit-remaining"]]).toEqual([200, String(2 - i)]);
		}
		const refused = await pub("get", `/${limited.slug}`, limited.public_key);
		expect(refused.status).toBe(429);
		expect(refused.body.error).toMatchObject({ code: "RATE_LIMITED", details: { limit: 3, window_seconds: 3600 } });
		expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
		expect(Number(refused.headers["retry-after"])).toBeLessThanOrEqual(3600);
		expect(Number(refused.headers["x-ratelimit-reset"]) % 3600).toBe(0);
		// The widget script counts toward the same limit.
		expect((await pub("get", `/${limited.slug}/widget.js`)).status).toBe(429);
		// Another publication has its own counter.
		expect((await pub("get", `/${p.slug}`, p.public_key)).status).toBe(200);
	});

	it("row 11: serves the widget script without a key", async () => {
		const res = await pub("get", `/${p.slug}/widget.js`);
		expect(res.status).toBe(200);
		expect(res.headers["content-type"]).toMatch(/^application\/javascript/);
		expect(res.headers["x-ratelimit-limit"]).toBe("30");
		expect(res.text).toContain("data-key");
		expect(res.text).toContain("X-Fluxgate-Public-Key");
		expect((await pub("get", "/no-such-slug/widget.js")).status).toBe(404);
	});
});

describe("Public chat (§28 rows 9–10)", () => {
	let p: any;
	let agent: any;
	let customer: any;
	beforeAll(async () => {
		const plan = (await app.http.post(api("/billing/plans")).set(owner).send({ name: `Plan ${uid()}` })).body;
		const created = await app.http.post(api("/billing/customers")).set(owner).send({ external_id: `ext-${uid()}`, name: "Acme", plan_id: plan.id });
		if (created.status !== 201) throw new Error(`customer create answered ${created.status} ${created.text}`);
		customer = created.body;
		agent = await makeAgent(owner);
		p = await publish({ customer_id: customer.id }, owner, agent);
	});

	const chat = (body: Record<string, unknown>, key = p.public_key) => pub("post", `/${p.slug}/chat`, key, ORIGIN).send(body);

	it("answers the assistant message in a new session of the publication, visible to the org through /chat", async () => {
		const res = await chat({ message: "hello shop", visitor_id: "visitor-1" });
		expect(res.status).toBe(201);
		expect(res.headers["access-control-allow-origin"]).toBe(ORIGIN);
		expect(res.body).toMatchObject({ role: "assistant", status: "completed", content: "hello shop", session_id: expect.any(String), run_id: expect.any(String) });
		const session = (await app.http.get(api(`/chat/sessions/${res.body.session_id}`)).set(owner)).body;
		expect(session).toMatchObject({ agent_id: agent.id, publication_id: p.id, end_user_id: "visitor-1", customer_id: customer.id, message_count: 2 });
		const listed = (await app.http.get(api(`/chat/sessions?publication_id=${p.id}`)).set(owner)).body.items.map((s: any) => s.id);
		expect(listed).toContain(session.id);
		const run = (await app.http.get(api(`/runtime/runs/${res.body.run_id}`)).set(owner)).body;
		expect(run).toMatchObject({ trigger: "public", trigger_ref: p.id, mode: "production", customer_id: customer.id, session_id: session.id, end_user_id: "visitor-1" });
		const audit = await auditEntries(app, app.ownerKey, { action: "chat_message.create", actor_id: p.id });
		const userMessage = (await app.http.get(api(`/chat/sessions/${session.id}/messages?role=user`)).set(owner)).body.items[0];
		expect(audit[0]).toMatchObject({ actor_type: "public", outcome: "success", status_code: 201, resource_id: userMessage.id });

		const next = await chat({ message: "second", session_id: session.id });
		expect(next.body).toMatchObject({ status: "completed", content: "second", session_id: session.id });
		const messages = await pub("get", `/${p.slug}/sessions/${session.id}/messages?order=asc`, p.public_key);
		expect(messages.status).toBe(200);
		expect(messages.body).toMatchObject({ total: 4, limit: 50, offset: 0 });
		expect(messages.body.items.map((m: any) => [m.role, m.content])).toEqual([["user", "hello shop"], ["assistant", "hello shop"], ["user", "second"], ["assistant", "second"]]);
	});

	it("rejects bad bodies and sessions that are not the publication's", async () => {
		expectFieldProblems(await chat({}), "empty", ["message"]);
		expectFieldProblems(await chat({ message: "x".repeat(10_001), visitor_id: "", stream: "yes" }), "bad", ["message", "visitor_id", "stream"]);
		const orgSession = (await app.http.post(api("/chat/sessions")).set(owner).send({ agent_id: agent.id })).body;
		expect((await chat({ message: "hi", session_id: orgSession.id })).status).toBe(404);
		expect((await pub("get", `/${p.slug}/sessions/${orgSession.id}/messages`, p.public_key)).status).toBe(404);
		const otherPub = await publish();
		const theirs = await pub("post", `/${otherPub.slug}/chat`, otherPub.public_key).send({ message: "hi" });
		expect((await chat({ message: "hi", session_id: theirs.body.session_id })).status).toBe(404);
		expect((await pub("get", `/${p.slug}/sessions/${theirs.body.session_id}/messages`, p.public_key)).status).toBe(404);
		expect((await pub("get", `/${otherPub.slug}/sessions/${theirs.body.session_id}/messages`, p.public_key)).status).toBe(401);
	});

	it("streams the reply as SSE with stream: true", async () => {
		const res = await requestSse("POST", `${app.url}/api/v1/public/${p.slug}/chat?key=${p.public_key}`, "unused", { message: "stream this reply", stream: true });
		expect(res.status).toBe(200);
		expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
		const deltas = res.events.filter(e => e.event === "message.delta").map(e => e.data.delta).join("");
		expect(deltas).toBe("stream this reply");
		const done = res.events[res.events.length - 1];
		expect(done).toMatchObject({ event: "message.completed", data: { role: "assistant", status: "completed", content: "stream this reply" } });
		expect(res.events.map(e => e.id)).toEqual(res.events.map((_, i) => i + 1));
	});

	it("answers 409 AGENT_NOT_RUNNABLE while the agent is not active, 404 once it is archived (publication disabled)", async () => {
		const a = await makeAgent(owner);
		const q = await publish({}, owner, a);
		await promote(a.id, "suspended").expect(200);
		const before = (await app.http.get(api(`/chat/sessions?publication_id=${q.id}`)).set(owner)).body.total;
		const refused = await pub("post", `/${q.slug}/chat`, q.public_key).send({ message: "anyone?" });
		expect([refused.status, refused.body.error.code]).toEqual([409, "AGENT_NOT_RUNNABLE"]);
		expect((await app.http.get(api(`/chat/sessions?publication_id=${q.id}`)).set(owner)).body.total).toBe(before);
		expect((await pub("get", `/${q.slug}`, q.public_key)).status).toBe(200);
		await promote(a.id, "archived").expect(200);
		await until(async () => (await pub("get", `/${q.slug}`, q.public_key)).status === 404, "archived publication 404");
		expect((await app.http.get(api(`/publish/${q.id}`)).set(owner)).body.enabled).toBe(false);
		expect((await pub("post", `/${q.slug}/chat`, q.public_key).send({ message: "x" })).status).toBe(404);
	});

	it("refuses with 409 BUDGET_EXCEEDED when a block budget is spent, keeping only the blocked run", async () => {
		const org = await createOrgWithOwner(app);
		const auth = bearer(org.ownerKey);
		await app.http.put(api("/providers/models/mock-echo")).set(auth).send({ input_price_per_1k_usd: 100, output_price_per_1k_usd: 100 }).expect(200);
		await app.http.post(api("/budgets")).set(auth).send({ name: "Tiny", scope: "org", period: "monthly", limit_usd: 1, action_on_exceed: "block" }).expect(201);
		const q = await publish({}, auth, await makeAgent(auth, "active", { max_tokens: 16 }));
		const prompt = (await app.http.post(api("/prompts")).set(auth).send({ name: "spender", template: "x" })).body;
		await app.http.post(api(`/prompts/${prompt.id}/test`)).set(auth).send({ model: "mock-echo", input: "y".repeat(200) }).expect(200);
		const refused = await pub("post", `/${q.slug}/chat`, q.public_key).send({ message: "one more" });
		expect([refused.status, refused.body.error.code]).toEqual([409, "BUDGET_EXCEEDED"]);
		const blocked = (await app.http.get(api(`/runtime/runs/${refused.body.error.details.run_id}`)).set(auth)).body;
		expect(blocked).toMatchObject({ status: "blocked", trigger: "public", trigger_ref: q.id });
		expect((await app.http.get(api(`/chat/sessions?publication_id=${q.id}`)).set(auth)).body.total).toBe(0);
	});
});

describe("MCP server endpoint (§28 row 12)", () => {
	let p: any;
	beforeAll(async () => {
		p = await publish({ mcp_enabled: true, description: "Knows the shop" });
	});

	const connect = async (headers: Record<string, string>) => {
		const client = new Client({ name: "publish-test", version: "1.0.0" });
		const transport = new StreamableHTTPClientTransport(new URL(`${app.url}/api/v1/public/${p.slug}/mcp`), { requestInit: { headers } });
		await client.connect(transport);
		return client;
	};

	it("works with the MCP SDK client: initialize, ping, tools/list, tools/call keeping the session", async () => {
		const client = await connect({ Authorization: `Bearer ${p.public_key}` });
		try {
			expect(client.getServerVersion()).toMatchObject({ name: p.slug });
			await client.ping();
			const { tools } = await client.listTools();
			expect(tools.map(t => t.name)).toEqual(["ask_agent"]);
			expect(tools[0].inputSchema).toMatchObject({ required: ["message"], properties: { message: { type: "string" }, session_id: { type: "string" } } });
			const first: any = await client.callTool({ name: "ask_agent", arguments: { message: "what do you sell?" } });
			expect(first.content).toEqual([{ type: "text", text: "what do you sell?" }]);
			expect(first.structuredContent).toEqual({ reply: "what do you sell?", session_id: expect.any(String) });
			const second: any = await client.callTool({ name: "ask_agent", arguments: { message: "and shoes?", session_id: first.structuredContent.session_id } });
			expect(second.structuredContent.session_id).toBe(first.structuredContent.session_id);
			const session = (await app.http.get(api(`/chat/sessions/${second.structuredContent.session_id}`)).set(owner)).body;
			expect(session).toMatchObject({ publication_id: p.id, message_count: 4 });
			const audit = await auditEntries(app, app.ownerKey, { action: "chat_message.create", actor_id: p.id });
			expect(audit.length).toBe(2);
			expect(audit[0]).toMatchObject({ actor_type: "public" });
		} finally {
			await client.close();
		}
	});

	it("takes the key header too; answers JSON-RPC errors for refusals and bad calls", async () => {
		const client = await connect({ "X-Fluxgate-Public-Key": p.public_key });
		try {
			await expect(client.callTool({ name: "other_tool", arguments: {} })).rejects.toThrow(/ask_agent/);
			await expect(client.callTool({ name: "ask_agent", arguments: { message: "x", session_id: "chs_nope" } })).rejects.toThrow(/not found/i);
		} finally {
			await client.close();
		}
		const raw = await pub("post", `/${p.slug}/mcp`, p.public_key).send({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "ask_agent", arguments: { message: "x", session_id: "chs_nope" } } });
		expect(raw.status).toBe(200);
		expect(raw.body).toMatchObject({ jsonrpc: "2.0", id: 7, error: { code: -32000, data: { code: "NOT_FOUND" } } });
		expect((await pub("post", `/${p.slug}/mcp`, p.public_key).send({ jsonrpc: "2.0", id: 8, method: "nope" })).body.error.code).toBe(-32601);
		const note = await pub("post", `/${p.slug}/mcp`, p.public_key).send({ jsonrpc: "2.0", method: "notifications/initialized" });
		expect([note.status, note.text]).toEqual([202, ""]);
	});

	it("answers 401 without the key and 404 when mcp_enabled is false", async () => {
		expect((await pub("post", `/${p.slug}/mcp`).send({ jsonrpc: "2.0", id: 1, method: "ping" })).body.error.code).toBe("INVALID_PUBLIC_KEY");
		const off = await publish();
		expect((await pub("post", `/${off.slug}/mcp`, off.public_key).send({ jsonrpc: "2.0", id: 1, method: "ping" })).status).toBe(404);
	});
});
