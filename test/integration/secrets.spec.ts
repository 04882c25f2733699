import type { ServiceBroker } from "moleculer";
import { captureOutput } from "../helpers/output";
import { bearer, startApp, storeOf, type TestApp } from "../helpers/app";
import { maskSecrets } from "../../services/secrets/mask";

let output: ReturnType<typeof captureOutput>;

const SECRET_VALUES: string[] = [];
const value = (label: string) => {
	const v = `sv-${label}-${Math.random().toString(36).slice(2)}-Zq9`;
	SECRET_VALUES.push(v);
	return v;
};

const bodies: string[] = [];
let app: TestApp;
let owner: Record<string, string>;
let otherOrg: Record<string, string>;
let orgId: string;
let agentId: string;
const events: { name: string; params: any }[] = [];

async function req(method: "get" | "post" | "put" | "delete", path: string, auth: Record<string, string>, body?: unknown) {
	let r = app.http[method](`/api/v1${path}`).set(auth);
	if (body !== undefined) r = r.send(body as object);
	const res = await r;
	bodies.push(res.text ?? "");
	return res;
}

/** An agent of the owner's org: a real one when the agents module runs, else one the stand-in knows. */
async function makeAgent(broker: ServiceBroker): Promise<string> {
	if ((broker.registry as any).actions.isAvailable("agents.exists")) {
		const res = await req("post", "/agents", owner, { name: `sec-agent-${Date.now()}`, model: "mock-echo" });
		if (res.status !== 201) throw new Error(`agent create answered ${res.status} ${res.text}`);
		return res.body.id;
	}
	broker.createService({ name: "agents", actions: { exists: { visibility: "public", handler: (ctx: any) => ctx.params.org_id === orgId && ctx.params.agent_id === "agt_standin" } } });
	await broker.waitForServices(["agents"]);
	return "agt_standin";
}

async function listTotal(auth = owner, q = "") {
	const res = await req("get", `/secrets${q}`, auth);
	expect(res.status).toBe(200);
	return res.body.total as number;
}

async function create(body: Record<string, unknown>, auth = owner) {
	const res = await req("post", "/secrets", auth, body);
	if (res.status !== 201) throw new Error(`create answered ${res.status} ${res.text}`);
	return res.body;
}

const makeDue = async (id: string) => {
	const repo = await storeOf(app.broker).repository("secrets");
	await repo.forOrg(orgId).update(id, { next_rotation_at: new Date(Date.now() - 60_000).toISOString() });
};

beforeAll(async () => {
	output = captureOutput();
	app = await startApp({}, { LOG_LEVEL: "debug" });
	owner = bearer(app.ownerKey);
	app.broker.createService({
		name: "secret-events-probe",
		events: {
			"secret.rotated"(ctx: any) {
				events.push({ name: "secret.rotated", params: ctx.params });
			},
			"secret.rotation_due"(ctx: any) {
				events.push({ name: "secret.rotation_due", params: ctx.params });
			}
		}
	});
	orgId = (await req("get", "/auth/me", owner)).body.org.id;
	const email = `second-${Date.now()}@example.com`;
	const org = await req("post", "/admin/orgs", owner, { name: "Second org", owner_email: email, owner_name: "Second", owner_password: "second-password" });
	expect(org.status).toBe(201);
	const login = await app.http.post("/api/v1/auth/login").send({ email, password: "second-password" });
	otherOrg = bearer(login.body.access_token);
	agentId = await makeAgent(app.broker);
});

afterAll(async () => {
	await app?.stop();
	output.restore();
});

describe("Secrets (§14)", () => {
	it("stores a secret and never returns its value", async () => {
		const v = value("create");
		const res = await req("post", "/secrets", owner, { name: "OPENAI_API_KEY", value: v, type: "api_key", description: "main key", rotation_days: 30 });
		expect(res.status).toBe(201);
		expect(res.text).not.toContain(v);
		const s = res.body;
		expect(s).toMatchObject({
			org_id: orgId,
			name: "OPENAI_API_KEY",
			has_value: true,
			type: "api_key",
			scope: "global",
			agent_id: null,
			description: "main key",
			rotation_days: 30,
			version: 1,
			last_rotated_at: null,
			rotation_due: false
		});
		expect(s).not.toHaveProperty("value");
		expect(new Date(s.next_rotation_at).getTime() - new Date(s.created_at).getTime()).toBe(30 * 86_400_000);
		const got = await req("get", `/secrets/${s.id}`, owner);
		expect(got.status).toBe(200);
		expect(got.body).toEqual(s);
		const list = await req("get", "/secrets", owner);
		expect(list.body.items.find((i: any) => i.id === s.id)).toEqual(s);
		expect(list.text).not.toContain(v);
	});

	it("encrypts values at rest (AES-256-GCM, a fresh IV per value)", async () => {
		const v = value("rest");
		const a = await create({ name: "AT_REST_A", value: v, type: "password" });
		const b = await create({ name: "AT_REST_B", value: v, type: "password" });
		const repo = await storeOf(app.broker).repository("secrets");
		const [da, db] = await Promise.all([repo.forOrg(orgId).get(a.id), repo.forOrg(orgId).get(b.id)]);
		expect(JSON.stringify(da)).not.toContain(v);
		expect(da!.ciphertext).not.toEqual(db!.ciphertext);
		// 12-byte IV + 16-byte tag + ciphertext as long as the UTF-8 value.
		expect(Buffer.from(da!.ciphertext, "base64").length).toBe(12 + 16 + Buffer.byteLength(v));
	});

	it("answers 400 for invalid bodies and stores nothing", async () => {
		const before = await listTotal();
		const cases: [Record<string, unknown>, string[]][] = [
			[{}, ["name", "value", "type"]],
			[{ name: "9LIVES", value: "x", type: "token" }, ["name"]],
			[{ name: "OK", value: "", type: "token" }, ["value"]],
			[{ name: "OK", value: "x".repeat(65537), type: "token" }, ["value"]],
			[{ name: "OK", value: "x", type: "certificate" }, ["type"]],
			[{ name: "OK", value: "x", type: "token", scope: "agent" }, ["agent_id"]],
			[{ name: "OK", value: "x", type: "token", scope: "global", agent_id: agentId }, ["agent_id"]],
			[{ name: "OK", value: "x", type: "token", rotation_days: 0 }, ["rotation_days"]],
			[{ name: "OK", value: "x", type: "token", rotation_days: 3651 }, ["rotation_days"]],
			[{ name: "OK", value: 42, type: "token" }, ["value"]]
		];
		for (const [body, fields] of cases) {
			const res = await req("post", "/secrets", owner, body);
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe("VALIDATION_ERROR");
			expect(res.body.error.details.map((d: any) => d.field).sort()).toEqual([...fields].sort());
		}
		expect(await listTotal()).toBe(before);
		const ok = await req("post", "/secrets", owner, { name: "MAX_VALUE", value: "x".repeat(65536), type: "env_var" });
		expect(ok.status).toBe(201);
	});

	it("keeps names unique per org, scope and agent", async () => {
		await create({ name: "DUP_NAME", value: value("dup"), type: "token" });
		const before = await listTotal();
		const dup = await req("post", "/secrets", owner, { name: "DUP_NAME", value: value("dup2"), type: "token" });
		expect(dup.status).toBe(409);
		expect(dup.body.error).toMatchObject({ code: "ALREADY_EXISTS", details: { field: "name" } });
		expect(await listTotal()).toBe(before);
		const agentScoped = await create({ name: "DUP_NAME", value: value("dup3"), type: "token", scope: "agent", agent_id: agentId });
		expect(agentScoped).toMatchObject({ scope: "agent", agent_id: agentId });
		const again = await req("post", "/secrets", owner, { name: "DUP_NAME", value: value("dup4"), type: "token", scope: "agent", agent_id: agentId });
		expect(again.status).toBe(409);
		// Another org has its own namespace.
		expect((await req("post", "/secrets", otherOrg, { name: "DUP_NAME", value: value("dup5"), type: "token" })).status).toBe(201);
	});

	it("refuses agent-scoped secrets for an agent that does not exist in the org", async () => {
		const before = await listTotal();
		for (const missing of ["agt_missing", "agt_standin_other"]) {
			const res = await req("post", "/secrets", owner, { name: "FOR_AGENT", value: value("agent"), type: "token", scope: "agent", agent_id: missing });
			expect(res.status).toBe(404);
			expect(res.body.error.code).toBe("NOT_FOUND");
			expect(res.body.error.details).toEqual([{ field: "agent_id", message: expect.any(String) }]);
		}
		// The owner's agent is another org's id for the second org.
		const cross = await req("post", "/secrets", otherOrg, { name: "FOR_AGENT", value: value("agent2"), type: "token", scope: "agent", agent_id: agentId });
		expect(cross.status).toBe(404);
		expect(await listTotal()).toBe(before);
	});

	it("filters the list by scope, agent_id, type and rotation_due", async () => {
		const due = await create({ name: "FILTER_DUE", value: value("f1"), type: "env_var", rotation_days: 1 });
		await makeDue(due.id);
		const all = (await req("get", "/secrets?limit=200", owner)).body.items as any[];
		const check = async (q: string, pred: (s: any) => boolean) => {
			const res = await req("get", `/secrets?limit=200&${q}`, owner);
			expect(res.status).toBe(200);
			const ids = res.body.items.map((s: any) => s.id).sort();
			expect(ids).toEqual(all.filter(pred).map(s => s.id).sort());
			expect(res.body.total).toBe(ids.length);
			return res.body.items;
		};
		await check("scope=agent", s => s.scope === "agent");
		await check(`agent_id=${agentId}`, s => s.agent_id === agentId);
		await check("type=env_var", s => s.type === "env_var");
		const dueItems = await check("rotation_due=true", s => s.rotation_due);
		expect(dueItems.map((s: any) => s.id)).toEqual([due.id]);
		await check("rotation_due=false", s => !s.rotation_due);
		for (const bad of ["scope=team", "type=x", "rotation_due=maybe", "limit=0", "offset=-1"]) {
			expect((await req("get", `/secrets?${bad}`, owner)).status).toBe(400);
		}
	});

	it("updates metadata with PUT; a new value counts as a rotation; immutable fields answer 400", async () => {
		const v1 = value("put1");
		const s = await create({ name: "PUT_ME", value: v1, type: "token", rotation_days: 10 });
		const meta = await req("put", `/secrets/${s.id}`, owner, { description: "changed", type: "password" });
		expect(meta.status).toBe(200);
		expect(meta.body).toMatchObject({ description: "changed", type: "password", version: 1, last_rotated_at: null, next_rotation_at: s.next_rotation_at });
		expect((await req("put", `/secrets/${s.id}`, owner, {})).body).toMatchObject({ version: 1, description: "changed" });

		const before = (await req("get", `/secrets/${s.id}`, owner)).body;
		for (const body of [{ name: "RENAMED" }, { scope: "agent" }, { agent_id: agentId }, { value: "" }, { rotation_days: 0 }, { type: "nope" }, { description: 5 }]) {
			const res = await req("put", `/secrets/${s.id}`, owner, body);
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe("VALIDATION_ERROR");
		}
		expect((await req("get", `/secrets/${s.id}`, owner)).body).toEqual(before);
		expect((await req("put", `/secrets/${s.id}`, owner, { name: "PUT_ME" })).status).toBe(200);

		const v2 = value("put2");
		const rotated = await req("put", `/secrets/${s.id}`, owner, { value: v2 });
		expect(rotated.status).toBe(200);
		expect(rotated.text).not.toContain(v2);
		expect(rotated.body.version).toBe(2);
		expect(rotated.body.last_rotated_at).not.toBeNull();
		expect(new Date(rotated.body.next_rotation_at).getTime() - new Date(rotated.body.last_rotated_at).getTime()).toBe(10 * 86_400_000);
		expect(events).toContainEqual({ name: "secret.rotated", params: { org_id: orgId, secret_id: s.id, name: "PUT_ME" } });

		const cleared = await req("put", `/secrets/${s.id}`, owner, { rotation_days: null });
		expect(cleared.body).toMatchObject({ rotation_days: null, next_rotation_at: null, rotation_due: false });
		expect((await req("put", "/secrets/sec_nope", owner, { description: "x" })).status).toBe(404);
	});

	it("rotates: version +1, last_rotated_at now, rotation_due false", async () => {
		const s = await create({ name: "ROTATE_ME", value: value("r1"), type: "api_key", rotation_days: 7 });
		await makeDue(s.id);
		expect((await req("get", `/secrets/${s.id}`, owner)).body.rotation_due).toBe(true);
		const bad = await req("post", `/secrets/${s.id}/rotate`, owner, {});
		expect(bad.status).toBe(400);
		expect(bad.body.error.details).toEqual([{ field: "value", message: expect.any(String) }]);
		const started = Date.now();
		const v2 = value("r2");
		const res = await req("post", `/secrets/${s.id}/rotate`, owner, { value: v2 });
		expect(res.status).toBe(200);
		expect(res.text).not.toContain(v2);
		expect(res.body).toMatchObject({ version: 2, rotation_due: false, has_value: true });
		expect(new Date(res.body.last_rotated_at).getTime()).toBeGreaterThanOrEqual(started - 5);
		expect(new Date(res.body.next_rotation_at).getTime() - new Date(res.body.last_rotated_at).getTime()).toBe(7 * 86_400_000);
		const resolved: any = await app.broker.call("secrets.resolve", { org_id: orgId, value: "{{secrets.ROTATE_ME}}" });
		expect(resolved.value).toBe(v2);
		expect((await req("post", "/secrets/sec_nope/rotate", owner, { value: "x" })).status).toBe(404);
	});

	it("flags secrets past next_rotation_at once per due date and emits secret.rotation_due", async () => {
		const s = await create({ name: "DUE_DAILY", value: value("due"), type: "token", rotation_days: 1 });
		await makeDue(s.id);
		const seen = () => events.filter(e => e.name === "secret.rotation_due" && e.params.secret_id === s.id);
		await app.broker.call("secrets.flagRotationDue");
		await new Promise(r => setTimeout(r, 50));
		expect(seen()).toEqual([{ name: "secret.rotation_due", params: { org_id: orgId, secret_id: s.id, name: "DUE_DAILY" } }]);
		await app.broker.call("secrets.flagRotationDue");
		await new Promise(r => setTimeout(r, 50));
		expect(seen()).toHaveLength(1);
	});

	it("deletes with 204; references then fail with SECRET_NOT_FOUND", async () => {
		const s = await create({ name: "DELETE_ME", value: value("del"), type: "token" });
		expect((await app.broker.call("secrets.resolve", { org_id: orgId, value: "{{secrets.DELETE_ME}}" }) as any).masks).toHaveLength(1);
		const del = await req("delete", `/secrets/${s.id}`, owner);
		expect(del.status).toBe(204);
		expect(del.text).toBe("");
		expect((await req("get", `/secrets/${s.id}`, owner)).status).toBe(404);
		expect((await req("delete", `/secrets/${s.id}`, owner)).status).toBe(404);
		const err: any = await app.broker.call("secrets.resolve", { org_id: orgId, value: { url: "x {{ secrets.DELETE_ME }}" } }).catch(e => e);
		expect(err).toMatchObject({ code: 404, type: "SECRET_NOT_FOUND", message: "Secret DELETE_ME is not defined" });
	});

	it("answers 404 for another org's secret on every route and lists none of them", async () => {
		const s = await create({ name: "PRIVATE_ONE", value: value("priv"), type: "token" });
		for (const [method, path, body] of [
			["get", `/secrets/${s.id}`, undefined],
			["put", `/secrets/${s.id}`, { description: "hijack" }],
			["post", `/secrets/${s.id}/rotate`, { value: "hijack" }],
			["delete", `/secrets/${s.id}`, undefined]
		] as const) {
			const res = await req(method, path, otherOrg, body);
			expect(res.status).toBe(404);
			expect(res.body.error.code).toBe("NOT_FOUND");
		}
		const theirs = (await req("get", "/secrets?limit=200", otherOrg)).body.items;
		expect(theirs.map((i: any) => i.id)).not.toContain(s.id);
		const mine = (await req("get", `/secrets/${s.id}`, owner)).body;
		expect(mine).toMatchObject({ description: "", version: 1 });
		await expect(app.broker.call("secrets.resolve", { org_id: (theirs[0] ?? {}).org_id ?? "org_x", value: "{{secrets.PRIVATE_ONE}}" })).rejects.toMatchObject({ type: "SECRET_NOT_FOUND" });
	});

	it("needs secrets:write to change and secrets:read to read", async () => {
		const viewerKey = await req("post", "/rbac/api-keys", owner, { name: "viewer", roles: ["viewer"] });
		const viewer = bearer(viewerKey.body.key);
		const denied = await req("post", "/secrets", viewer, { name: "NOPE", value: value("v"), type: "token" });
		expect(denied.status).toBe(403);
		expect(denied.body.error.details).toEqual({ required: ["secrets:write"] });
		expect((await req("get", "/secrets", viewer)).status).toBe(200);
	});

	it("resolves references deep inside values; an agent's own secret wins over a global one", async () => {
		const g = value("glob");
		const a = value("agent");
		const t = value("tok");
		await create({ name: "SHARED", value: g, type: "token" });
		await create({ name: "SHARED", value: a, type: "token", scope: "agent", agent_id: agentId });
		await create({ name: "TOKEN", value: t, type: "token" });
		const input = { url: "https://x/{{secrets.TOKEN}}", headers: [{ auth: "Bearer {{ secrets.SHARED }}" }], n: 3, none: null, plain: "keep" };
		const global: any = await app.broker.call("secrets.resolve", { org_id: orgId, value: input });
		expect(global.value).toEqual({ url: `https://x/${t}`, headers: [{ auth: `Bearer ${g}` }], n: 3, none: null, plain: "keep" });
		expect(global.masks.sort()).toEqual([g, t].sort());
		const scoped: any = await app.broker.call("secrets.resolve", { org_id: orgId, agent_id: agentId, value: input });
		expect(scoped.value.headers[0].auth).toBe(`Bearer ${a}`);
		expect(scoped.masks.sort()).toEqual([a, t].sort());
		expect(input.headers[0].auth).toBe("Bearer {{ secrets.SHARED }}");
		const none: any = await app.broker.call("secrets.resolve", { org_id: orgId, value: { x: "no refs" } });
		expect(none).toEqual({ value: { x: "no refs" }, masks: [] });
	});

	it("maskSecrets replaces every occurrence inside nested strings", () => {
		const data = { a: "key=abc123 and abc123", b: ["xabc123x", 5, { c: "abc" }], d: null };
		expect(maskSecrets(data, ["abc123", ""])).toEqual({ a: "key=**** and ****", b: ["x****x", 5, { c: "abc" }], d: null });
		expect(maskSecrets("tok-long tok", ["tok", "tok-long"])).toBe("**** ****");
		expect(data.a).toBe("key=abc123 and abc123");
	});

	it("audits every change with the value redacted", async () => {
		const res = await req("get", "/audit/logs?resource_type=secret&limit=200", owner);
		const actions = new Set(res.body.items.map((e: any) => e.action));
		for (const a of ["secret.create", "secret.update", "secret.rotate", "secret.delete"]) expect(actions).toContain(a);
		const withValue = res.body.items.filter((e: any) => e.details && "value" in e.details);
		expect(withValue.length).toBeGreaterThan(0);
		for (const e of withValue) expect(e.details.value).toBe("[REDACTED]");
	});

	it("never lets a secret value into a response body or a log line", () => {
		const logs = output.text();
		expect(logs).toContain('"mod":"secrets"');
		expect(logs).toContain("secrets.createSecret");
		const responses = bodies.join("\n");
		for (const v of SECRET_VALUES) {
			expect(logs.includes(v)).toBe(false);
			expect(responses.includes(v)).toBe(false);
		}
	});
});
