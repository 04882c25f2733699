import { expectFieldProblems } from "../helpers/platform";
import { captureOutput } from "../helpers/output";
import { bearer, startApp, type TestApp } from "../helpers/app";
import { startFakeAnthropic, startFakeOpenAI, type FakeLlm } from "../fixtures/fake-llm";

let output: ReturnType<typeof captureOutput>;

const KEYS: string[] = [];
const apiKey = (label: string) => {
	const k = `sk-${label}-${Math.random().toString(36).slice(2)}XyZ`;
	KEYS.push(k);
	return k;
};

const REQUIRED_MODELS = [
	"gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o3-mini", "text-embedding-3-small", "text-embedding-3-large",
	"claude-3-5-sonnet-latest", "claude-3-5-haiku-latest", "claude-3-7-sonnet-latest", "gemini-1.5-pro", "gemini-1.5-flash",
	"gemini-2.0-flash", "text-embedding-004", "mock-echo", "mock-tools", "mock-embed"
];

const bodies: string[] = [];
const fakes: FakeLlm[] = [];
let app: TestApp;
let owner: Record<string, string>;
let other: Record<string, string>;
let orgId: string;
let otherOrgId: string;

async function req(method: "get" | "post" | "put" | "delete", path: string, auth: Record<string, string>, body?: unknown, target = app) {
	let r = target.http[method](`/api/v1${path}`).set(auth);
	if (body !== undefined) r = r.send(body as object);
	const res = await r;
	bodies.push(res.text ?? "");
	return res;
}

async function create(body: Record<string, unknown>, auth = owner) {
	const res = await req("post", "/providers", auth, body);
	if (res.status !== 201) throw new Error(`create answered ${res.status} ${res.text}`);
	return res.body;
}

async function fakeOpenAI(script: Parameters<typeof startFakeOpenAI>[0] = []) {
	const f = await startFakeOpenAI(script);
	fakes.push(f);
	return f;
}

async function catalogue(auth = owner, q = "") {
	const res = await req("get", `/providers/models?limit=200${q}`, auth);
	expect(res.status).toBe(200);
	return res.body.items as any[];
}

const resolveModel = (model: string, org = orgId, agent_id?: string) => app.broker.call("providers.resolveModel", { org_id: org, model, agent_id }) as Promise<any>;

beforeAll(async () => {
	output = captureOutput();
	app = await startApp({ allowPrivateNetwork: true }, { LOG_LEVEL: "debug" });
	owner = bearer(app.ownerKey);
	orgId = (await req("get", "/auth/me", owner)).body.org.id;
	const email = `prov-${Date.now()}@example.com`;
	const org = await req("post", "/admin/orgs", owner, { name: "Provider org two", owner_email: email, owner_name: "Two", owner_password: "second-password" });
	otherOrgId = org.body.id;
	const login = await app.http.post("/api/v1/auth/login").send({ email, password: "second-password" });
	other = bearer(login.body.access_token);
});

afterAll(async () => {
	await Promise.all(fakes.map(f => f.close()));
	await app?.stop();
	output.restore();
});

describe("Provider configs (§27 rows 1–5)", () => {
	it("creates, reads and lists configs; api_key is write-only", async () => {
		const key = apiKey("create");
		const res = await req("post", "/providers", owner, { name: "OpenAI main", provider: "openai", api_key: key });
		expect(res.status).toBe(201);
		expect(res.text).not.toContain(key);
		expect(res.body).toEqual({
			id: expect.any(String),
			org_id: orgId,
			name: "OpenAI main",
			provider: "openai",
			has_api_key: true,
			base_url: "https://api.openai.com/v1",
			api_version: null,
			headers: {},
			models: [],
			is_default: false,
			enabled: true,
			status: "unknown",
			last_checked_at: null,
			last_error: null,
			created_at: expect.any(String),
			updated_at: expect.any(String)
		});
		const keyless = await create({ name: "Local ollama", provider: "ollama", base_url: "http://127.0.0.1:11434", models: ["llama3.1:8b"], enabled: false });
		expect(keyless.has_api_key).toBe(false);
		expect((await req("get", `/providers/${res.body.id}`, owner)).body).toEqual(res.body);
		const list = await req("get", "/providers?limit=200", owner);
		expect(list.body.items.map((p: any) => p.id)).toEqual(expect.arrayContaining([res.body.id, keyless.id]));
		expect(list.text).not.toContain(key);
		const onlyOllama = await req("get", "/providers?provider=ollama", owner);
		expect(onlyOllama.body.items.map((p: any) => p.id)).toEqual([keyless.id]);
		const disabled = await req("get", "/providers?enabled=false", owner);
		expect(disabled.body.items.map((p: any) => p.id)).toEqual([keyless.id]);
		expect((await req("get", "/providers?provider=mistral", owner)).status).toBe(400);
	});

	it("answers 400 for invalid bodies and stores nothing", async () => {
		const total = async () => (await req("get", "/providers", owner)).body.total;
		const before = await total();
		const cases: [Record<string, unknown>, string[]][] = [
			[{}, ["name", "provider"]],
			[{ name: "x", provider: "mistral" }, ["provider"]],
			[{ name: "x", provider: "openai" }, ["api_key"]],
			[{ name: "x", provider: "anthropic", api_key: "" }, ["api_key"]],
			[{ name: "x", provider: "ollama" }, ["base_url", "models"]],
			[{ name: "x", provider: "azure_openai", api_key: "k" }, ["base_url"]],
			[{ name: "x", provider: "openai", api_key: "k", api_version: "2024-06-01" }, ["api_version"]],
			[{ name: "x", provider: "vllm", base_url: "ftp://host", models: ["m"] }, ["base_url"]],
			[{ name: "x", provider: "openai", api_key: "k", headers: { "x-n": 5 } }, ["headers.x-n"]],
			[{ name: "x", provider: "openai", api_key: "k", models: "gpt-4o" }, ["models"]],
			[{ name: "x", provider: "openai", api_key: "k", is_default: "yes", enabled: 1 }, ["is_default", "enabled"]],
			[{ name: "   ", provider: "openai", api_key: "k" }, ["name"]]
		];
		for (const [body, fields] of cases) {
			const res = await req("post", "/providers", owner, body);
			expectFieldProblems(res, body, fields);
		}
		expect(await total()).toBe(before);
		// A secret reference is stored as written, even where a URL is expected.
		const ref = await req("post", "/providers", owner, { name: "Ref url", provider: "openai_compatible", base_url: "{{secrets.GATEWAY_URL}}", models: ["m-ref"] });
		expect(ref.status).toBe(201);
		expect(ref.body.base_url).toBe("{{secrets.GATEWAY_URL}}");
	});

	it("keeps names unique per org (409) on create and rename", async () => {
		const a = await create({ name: "Unique A", provider: "groq", api_key: apiKey("ua") });
		await create({ name: "Unique B", provider: "groq", api_key: apiKey("ub") });
		const dup = await req("post", "/providers", owner, { name: "Unique A", provider: "together", api_key: apiKey("uc") });
		expect(dup.status).toBe(409);
		expect(dup.body.error).toMatchObject({ code: "ALREADY_EXISTS", details: { field: "name" } });
		const rename = await req("put", `/providers/${a.id}`, owner, { name: "Unique B" });
		expect(rename.status).toBe(409);
		expect((await req("get", `/providers/${a.id}`, owner)).body.name).toBe("Unique A");
		expect((await req("post", "/providers", other, { name: "Unique A", provider: "groq", api_key: apiKey("ud") })).status).toBe(201);
	});

	it("updates partially; provider is immutable; a required api_key cannot be cleared", async () => {
		const p = await create({ name: "Azure", provider: "azure_openai", api_key: apiKey("az"), base_url: "https://example.openai.azure.com", api_version: "2024-06-01", models: ["my-deploy"] });
		const before = (await req("get", `/providers/${p.id}`, owner)).body;
		for (const body of [{ provider: "openai" }, { api_key: null }, { base_url: null }, { name: "" }, { headers: ["x"] }, { models: [1] }]) {
			const res = await req("put", `/providers/${p.id}`, owner, body);
			expect({ body, status: res.status }).toEqual({ body, status: 400 });
		}
		expect((await req("get", `/providers/${p.id}`, owner)).body).toEqual(before);
		expect((await req("put", `/providers/${p.id}`, owner, {})).body).toEqual(expect.objectContaining({ name: "Azure", api_version: "2024-06-01" }));
		const res = await req("put", `/providers/${p.id}`, owner, { provider: "azure_openai", headers: { "x-team": "core" }, models: ["d1", "d2", "d1"], enabled: false, api_version: null });
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ provider: "azure_openai", headers: { "x-team": "core" }, models: ["d1", "d2"], enabled: false, api_version: null, has_api_key: true });
		const keyless = await create({ name: "vLLM", provider: "vllm", base_url: "http://10.0.0.5:8000/v1", models: ["qwen"], api_key: apiKey("vl") });
		const cleared = await req("put", `/providers/${keyless.id}`, owner, { api_key: null });
		expect(cleared.body.has_api_key).toBe(false);
		expect((await req("put", "/providers/prv_missing", owner, { enabled: true })).status).toBe(404);
	});

	it("keeps at most one default per provider kind", async () => {
		const a = await create({ name: "Anthropic 1", provider: "anthropic", api_key: apiKey("a1"), is_default: true });
		const b = await create({ name: "Anthropic 2", provider: "anthropic", api_key: apiKey("a2"), is_default: true });
		const g = await create({ name: "Google 1", provider: "google", api_key: apiKey("g1"), is_default: true });
		expect((await req("get", `/providers/${a.id}`, owner)).body.is_default).toBe(false);
		expect((await req("get", `/providers/${b.id}`, owner)).body.is_default).toBe(true);
		expect((await req("get", `/providers/${g.id}`, owner)).body.is_default).toBe(true);
		await req("put", `/providers/${a.id}`, owner, { is_default: true });
		expect((await req("get", `/providers/${b.id}`, owner)).body.is_default).toBe(false);
		expect((await resolveModel("claude-3-5-haiku-latest")).provider_id).toBe(a.id);
		await req("put", `/providers/${a.id}`, owner, { is_default: false });
		// No default: the oldest serves.
		expect((await resolveModel("claude-3-5-haiku-latest")).provider_id).toBe(a.id);
		await req("put", `/providers/${a.id}`, owner, { enabled: false });
		expect((await resolveModel("claude-3-5-haiku-latest")).provider_id).toBe(b.id);
		await req("put", `/providers/${b.id}`, owner, { enabled: false });
		await expect(resolveModel("claude-3-5-haiku-latest")).rejects.toMatchObject({ code: 409, type: "PROVIDER_NOT_CONFIGURED" });
	});

	it("deletes with 204, then 404", async () => {
		const p = await create({ name: "Doomed", provider: "together", api_key: apiKey("dm") });
		const del = await req("delete", `/providers/${p.id}`, owner);
		expect(del.status).toBe(204);
		expect(del.text).toBe("");
		expect((await req("get", `/providers/${p.id}`, owner)).status).toBe(404);
		expect((await req("delete", `/providers/${p.id}`, owner)).status).toBe(404);
	});

	it("answers 404 for another org's config on every route", async () => {
		const p = await create({ name: "Mine only", provider: "openai", api_key: apiKey("mine") });
		for (const [method, path, body] of [
			["get", `/providers/${p.id}`, undefined],
			["put", `/providers/${p.id}`, { name: "stolen" }],
			["post", `/providers/${p.id}/test`, {}],
			["delete", `/providers/${p.id}`, undefined]
		] as const) {
			const res = await req(method, path, other, body);
			expect({ path, method, status: res.status, code: res.body.error?.code }).toEqual({ path, method, status: 404, code: "NOT_FOUND" });
		}
		expect((await req("get", "/providers?limit=200", other)).body.items.map((i: any) => i.id)).not.toContain(p.id);
		expect((await req("get", `/providers/${p.id}`, owner)).body.name).toBe("Mine only");
	});

	it("needs providers:write to change configs", async () => {
		const viewerKey = await req("post", "/rbac/api-keys", owner, { name: "prov viewer", roles: ["viewer"] });
		const viewer = bearer(viewerKey.body.key);
		const res = await req("post", "/providers", viewer, { name: "nope", provider: "openai", api_key: apiKey("v") });
		expect(res.status).toBe(403);
		expect(res.body.error.details).toEqual({ required: ["providers:write"] });
		expect((await req("get", "/providers/models", viewer)).status).toBe(200);
	});
});

describe("Model catalogue (§27 rows 6–7)", () => {
	it("ships the listed models with list prices plus the mock models, and wins over /{provider_id}", async () => {
		const items = await catalogue(other);
		const ids = items.map(m => m.id);
		expect(ids).toEqual(expect.arrayContaining(REQUIRED_MODELS));
		const byId = Object.fromEntries(items.map(m => [m.id, m]));
		expect(byId["gpt-4o"]).toEqual({
			id: "gpt-4o",
			provider: "openai",
			type: "chat",
			context_window: 128000,
			input_price_per_1k_usd: 0.0025,
			output_price_per_1k_usd: 0.01,
			supports_tools: true,
			supports_streaming: true,
			is_mock: false,
			price_source: "builtin",
			available: false,
			provider_ids: []
		});
		expect(byId["claude-3-5-sonnet-latest"]).toMatchObject({ provider: "anthropic", input_price_per_1k_usd: 0.003, output_price_per_1k_usd: 0.015 });
		expect(byId["gemini-1.5-flash"]).toMatchObject({ provider: "google", input_price_per_1k_usd: 0.000075, output_price_per_1k_usd: 0.0003 });
		expect(byId["text-embedding-3-small"]).toMatchObject({ type: "embedding", input_price_per_1k_usd: 0.00002, supports_tools: false });
		for (const id of ["mock-echo", "mock-tools", "mock-embed"]) {
			expect(byId[id]).toMatchObject({ provider: "mock", is_mock: true, input_price_per_1k_usd: 0, output_price_per_1k_usd: 0, price_source: "builtin", available: true });
		}
		expect(byId["mock-embed"].type).toBe("embedding");
		const page = await req("get", "/providers/models?limit=2&offset=1", other);
		expect(page.body).toMatchObject({ total: items.length, limit: 2, offset: 1 });
		expect(page.body.items.map((m: any) => m.id)).toEqual(ids.slice(1, 3));
	});

	it("filters by provider, type and available", async () => {
		const all = await catalogue(other);
		const check = async (q: string, pred: (m: any) => boolean) => {
			const got = (await catalogue(other, `&${q}`)).map(m => m.id);
			expect(got).toEqual(all.filter(pred).map(m => m.id));
			expect(got.length).toBeGreaterThan(0);
		};
		await check("provider=anthropic", m => m.provider === "anthropic");
		await check("provider=mock", m => m.is_mock);
		await check("type=embedding", m => m.type === "embedding");
		await check("available=true", m => m.available);
		await check("available=false", m => !m.available);
		for (const bad of ["provider=mistral", "type=image", "available=sometimes", "limit=201"]) expect((await req("get", `/providers/models?${bad}`, other)).status).toBe(400);
	});

	it("marks models available with the providers that serve them", async () => {
		const fresh = await createOrgToken();
		expect((await catalogue(fresh)).find(m => m.id === "gpt-4o-mini")).toMatchObject({ available: false, provider_ids: [] });
		const p = await create({ name: "OAI", provider: "openai", api_key: apiKey("avail") }, fresh);
		const azure = await create({ name: "AZ", provider: "azure_openai", api_key: apiKey("az2"), base_url: "https://x.openai.azure.com" }, fresh);
		const after = await catalogue(fresh);
		expect(after.find(m => m.id === "gpt-4o-mini")).toMatchObject({ available: true, provider_ids: [p.id, azure.id] });
		expect(after.find(m => m.id === "claude-3-5-haiku-latest")).toMatchObject({ available: false, provider_ids: [] });
		await req("put", `/providers/${p.id}`, fresh, { enabled: false });
		await req("put", `/providers/${azure.id}`, fresh, { enabled: false });
		expect((await catalogue(fresh)).find(m => m.id === "gpt-4o-mini").available).toBe(false);
	});

	it("adds models declared by ollama, vllm and openai_compatible providers at price 0", async () => {
		const fresh = await createOrgToken();
		const freshOrg = (await req("get", "/auth/me", fresh)).body.org.id;
		const p = await create({ name: "Ollama", provider: "ollama", base_url: "http://127.0.0.1:11434", models: ["llama3.1:8b", "gpt-4o"] }, fresh);
		const items = await catalogue(fresh);
		expect(items.find(m => m.id === "llama3.1:8b")).toMatchObject({
			provider: "ollama",
			input_price_per_1k_usd: 0,
			output_price_per_1k_usd: 0,
			price_source: "declared",
			is_mock: false,
			available: true,
			provider_ids: [p.id]
		});
		// A catalogue model it serves keeps its built-in entry.
		expect(items.filter(m => m.id === "gpt-4o")).toHaveLength(1);
		expect(items.find(m => m.id === "gpt-4o")).toMatchObject({ price_source: "builtin", provider_ids: [p.id] });
		expect(await app.broker.call("providers.modelExists", { org_id: freshOrg, model: "llama3.1:8b" })).toBe(true);
		expect(await app.broker.call("providers.modelExists", { org_id: otherOrgId, model: "llama3.1:8b" })).toBe(false);
		expect(await app.broker.call("providers.modelExists", { org_id: otherOrgId, model: "mock-echo" })).toBe(true);
		expect((await catalogue(other)).map(m => m.id)).not.toContain("llama3.1:8b");
		const resolved = await resolveModel("llama3.1:8b", freshOrg);
		expect(resolved).toMatchObject({ is_mock: false, provider_id: p.id, prices: { input_per_1k: 0, output_per_1k: 0 } });
		expect(resolved.target).toMatchObject({ kind: "ollama", base_url: "http://127.0.0.1:11434", model: "llama3.1:8b", api_key: null });
	});

	it("overrides prices per org (org_override); percent-encoded ids; 404 unknown; 400 invalid", async () => {
		const res = await req("put", "/providers/models/gpt-4o-mini", owner, { input_price_per_1k_usd: 0.001, output_price_per_1k_usd: 0.002 });
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ id: "gpt-4o-mini", input_price_per_1k_usd: 0.001, output_price_per_1k_usd: 0.002, price_source: "org_override", context_window: 128000 });
		expect((await catalogue(owner)).find(m => m.id === "gpt-4o-mini")).toEqual(res.body);
		expect((await catalogue(other)).find(m => m.id === "gpt-4o-mini")).toMatchObject({ input_price_per_1k_usd: 0.00015, price_source: "builtin" });
		const encoded = await req("put", `/providers/models/${encodeURIComponent("meta-llama/Llama-3.3-70B-Instruct-Turbo")}`, owner, { context_window: 64000 });
		expect(encoded.status).toBe(200);
		expect(encoded.body).toMatchObject({ id: "meta-llama/Llama-3.3-70B-Instruct-Turbo", context_window: 64000, price_source: "builtin" });
		const mock = await req("put", "/providers/models/mock-echo", owner, { output_price_per_1k_usd: 0.5 });
		expect(mock.body).toMatchObject({ is_mock: true, output_price_per_1k_usd: 0.5, price_source: "org_override" });
		expect((await resolveModel("mock-echo")).prices).toEqual({ input_per_1k: 0, output_per_1k: 0.5 });
		await req("put", "/providers/models/mock-echo", owner, { output_price_per_1k_usd: 0 });

		const missing = await req("put", "/providers/models/gpt-99", owner, { input_price_per_1k_usd: 1 });
		expect(missing.status).toBe(404);
		expect(missing.body.error.code).toBe("NOT_FOUND");
		for (const body of [{ input_price_per_1k_usd: -1 }, { output_price_per_1k_usd: "1" }, { context_window: 0 }, { context_window: 1.5 }]) {
			expect((await req("put", "/providers/models/gpt-4o-mini", owner, body)).status).toBe(400);
		}
		expect((await req("put", "/providers/models/gpt-4o-mini", owner, {})).body).toEqual(res.body);
	});

	it("serves mock models only while mock_provider_enabled", async () => {
		expect(await resolveModel("mock-tools")).toEqual({
			target: { kind: "mock", base_url: null, api_key: null, api_version: null, headers: {}, model: "mock-tools" },
			prices: { input_per_1k: 0, output_per_1k: 0 },
			is_mock: true,
			provider_id: null,
			masks: []
		});
		expect((await req("put", "/admin/settings", owner, { mock_provider_enabled: false })).status).toBe(200);
		try {
			expect((await catalogue(other)).find(m => m.id === "mock-echo").available).toBe(false);
			await expect(resolveModel("mock-echo")).rejects.toMatchObject({ code: 409, type: "PROVIDER_NOT_CONFIGURED" });
		} finally {
			await req("put", "/admin/settings", owner, { mock_provider_enabled: true });
		}
		expect((await catalogue(other)).find(m => m.id === "mock-echo").available).toBe(true);
	});
});

describe("Provider test and resolution against real HTTP upstreams", () => {
	it("tests through the adapter: ok, latency, status; secret references resolved at call time", async () => {
		const fake = await fakeOpenAI([{ content: "pong", usage: { input: 3, output: 1 } }]);
		const secretKey = apiKey("via-secret");
		const headerValue = apiKey("hdr");
		await req("post", "/secrets", owner, { name: "FAKE_OPENAI_KEY", value: secretKey, type: "api_key" });
		await req("post", "/secrets", owner, { name: "FAKE_HEADER", value: headerValue, type: "token" });
		const p = await create({
			name: "Fake OpenAI",
			provider: "openai_compatible",
			api_key: "{{secrets.FAKE_OPENAI_KEY}}",
			base_url: fake.baseUrl,
			headers: { "x-tenant": "t-{{ secrets.FAKE_HEADER }}" },
			models: ["fake-chat", "fake-embed"]
		});
		const started = Date.now();
		const res = await req("post", `/providers/${p.id}/test`, owner, {});
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ ok: true, model: "fake-chat", latency_ms: expect.any(Number), error: null });
		expect(res.body.latency_ms).toBeLessThanOrEqual(Date.now() - started);
		const sent = fake.requests[0];
		expect(sent.path).toBe("/v1/chat/completions");
		expect(sent.headers.authorization).toBe(`Bearer ${secretKey}`);
		expect(sent.headers["x-tenant"]).toBe(`t-${headerValue}`);
		expect(sent.body).toMatchObject({ model: "fake-chat", stream: true });
		const after = (await req("get", `/providers/${p.id}`, owner)).body;
		expect(after).toMatchObject({ status: "ok", last_error: null });
		expect(new Date(after.last_checked_at).getTime()).toBeGreaterThanOrEqual(started - 5);
		expect(after.headers).toEqual({ "x-tenant": "t-{{ secrets.FAKE_HEADER }}" });

		const resolved = await resolveModel("fake-chat");
		expect(resolved.target).toMatchObject({ kind: "openai_compatible", api_key: secretKey, headers: { "x-tenant": `t-${headerValue}` }, model: "fake-chat" });
		expect(resolved.masks.sort()).toEqual([secretKey, headerValue].sort());

		const embedTest = await req("post", `/providers/${p.id}/test`, owner, { model: "fake-embed" });
		expect(embedTest.body).toMatchObject({ ok: true, model: "fake-embed" });
		expect(fake.requests[1].path).toBe("/v1/embeddings");
	});

	it("tests the first served model by default, an embedding model too", async () => {
		const fake = await fakeOpenAI();
		const p = await create({ name: "Embed first", provider: "openai_compatible", base_url: fake.baseUrl, models: ["fake-embed", "fake-chat"] });
		const res = await req("post", `/providers/${p.id}/test`, owner, {});
		expect(res.body).toMatchObject({ ok: true, model: "fake-embed", error: null });
		expect(fake.requests.map(r => r.path)).toEqual(["/v1/embeddings"]);
	});

	it("reports upstream failures: 5xx twice, 429 then success, a missing secret, a key echoed back", async () => {
		const key = apiKey("echoed");
		const fake = await fakeOpenAI([{ status: 500 }, { status: 503, error_message: `invalid key ${key}` }, { status: 429 }, { content: "ok" }]);
		const p = await create({ name: "Flaky", provider: "openai", api_key: key, base_url: fake.baseUrl });
		const failed = await req("post", `/providers/${p.id}/test`, owner, { model: "gpt-4o-mini" });
		expect(failed.status).toBe(200);
		expect(failed.body).toMatchObject({ ok: false, model: "gpt-4o-mini", error: { code: "PROVIDER_ERROR" } });
		expect(failed.body.error.message).toContain("****");
		expect(failed.text).not.toContain(key);
		expect(fake.requests).toHaveLength(2);
		const state = (await req("get", `/providers/${p.id}`, owner)).body;
		expect(state.status).toBe("error");
		expect(state.last_error).toBe(failed.body.error.message);

		const recovered = await req("post", `/providers/${p.id}/test`, owner, { model: "gpt-4o-mini" });
		expect(recovered.body).toMatchObject({ ok: true, error: null });
		expect(fake.requests).toHaveLength(4);
		expect((await req("get", `/providers/${p.id}`, owner)).body).toMatchObject({ status: "ok", last_error: null });

		const dangling = await create({ name: "Dangling", provider: "groq", api_key: "{{secrets.NOT_DEFINED_ANYWHERE}}", base_url: fake.baseUrl });
		const missing = await req("post", `/providers/${dangling.id}/test`, owner, {});
		expect(missing.body).toMatchObject({ ok: false, model: "llama-3.3-70b-versatile", error: { code: "SECRET_NOT_FOUND" } });
		expect(fake.requests).toHaveLength(4);
		expect((await req("post", "/providers/prv_nope/test", owner, {})).status).toBe(404);
	});

	it("tests an Anthropic provider with x-api-key and anthropic-version", async () => {
		const fake = await startFakeAnthropic([{ content: "pong" }]);
		fakes.push(fake);
		const key = apiKey("anthropic");
		const p = await create({ name: "Fake Anthropic", provider: "anthropic", api_key: key, base_url: fake.url });
		const res = await req("post", `/providers/${p.id}/test`, owner, {});
		expect(res.body).toMatchObject({ ok: true, model: "claude-3-5-sonnet-latest" });
		expect(fake.requests[0].headers["x-api-key"]).toBe(key);
		expect(fake.requests[0].headers["anthropic-version"]).toBe("2023-06-01");
		expect(fake.requests[0].body).toMatchObject({ model: "claude-3-5-sonnet-latest", stream: true, messages: [{ role: "user", content: [{ type: "text", text: "ping" }] }] });
	});

	it("completes and embeds for other modules, priced and with secrets masked", async () => {
		const key = apiKey("complete");
		const fake = await fakeOpenAI([{ content: `echo of ${key}`, usage: { input: 1000, output: 500 } }]);
		const fresh = await createOrgToken();
		const freshOrg = (await req("get", "/auth/me", fresh)).body.org.id;
		await create({ name: "For complete", provider: "openai", api_key: key, base_url: fake.baseUrl }, fresh);
		const done: any = await app.broker.call("providers.complete", { org_id: freshOrg, model: "gpt-4o", request: { messages: [{ role: "user", content: "hi" }] } });
		expect(done).toMatchObject({ content: "echo of ****", tokens_input: 1000, tokens_output: 500, cost_usd: 0.0075, is_mock: false, model: "gpt-4o" });
		const mock: any = await app.broker.call("providers.complete", { org_id: freshOrg, model: "mock-echo", request: { messages: [{ role: "user", content: "abcdefgh" }] } });
		expect(mock).toMatchObject({ content: "abcdefgh", tokens_input: 2, tokens_output: 2, cost_usd: 0, is_mock: true, provider_id: null });
		const vectors: any = await app.broker.call("providers.embed", { org_id: freshOrg, model: "mock-embed", input: ["a b", "a b"] });
		expect(vectors.vectors).toHaveLength(2);
		expect(vectors.vectors[0]).toHaveLength(256);
		const remote: any = await app.broker.call("providers.embed", { org_id: freshOrg, model: "text-embedding-3-small", input: ["abcd"] });
		expect(remote.vectors).toEqual([[4, 1, 0]]);
		await expect(app.broker.call("providers.complete", { org_id: freshOrg, model: "claude-3-5-haiku-latest", request: { messages: [] } })).rejects.toMatchObject({ type: "PROVIDER_NOT_CONFIGURED" });
	});

	it("reports provider health to the admin", async () => {
		const health = await req("get", "/admin/health", owner);
		expect(health.status).toBe(200);
		const mine = await req("get", "/providers?limit=200&enabled=true", owner);
		const listed = health.body.checks.providers.filter((p: any) => p.org_id === orgId);
		expect(listed).toEqual(expect.arrayContaining(mine.body.items.map((p: any) => ({ org_id: orgId, provider_id: p.id, status: p.status }))));
		expect(listed).toHaveLength(mine.body.total);
	});

	it("refuses loopback upstreams unless private networks are allowed (SSRF, §0.15)", async () => {
		const guarded = await startApp();
		try {
			const fake = await fakeOpenAI([{ content: "must not be reached" }]);
			const auth = bearer(guarded.ownerKey);
			const created = await req("post", "/providers", auth, { name: "Loopback", provider: "openai", api_key: apiKey("ssrf"), base_url: fake.baseUrl }, guarded);
			expect(created.status).toBe(201);
			const res = await req("post", `/providers/${created.body.id}/test`, auth, {}, guarded);
			expect(res.body).toMatchObject({ ok: false, error: { code: "PROVIDER_ERROR" } });
			expect(res.body.error.message).toMatch(/private or loopback/);
			expect(fake.requests).toHaveLength(0);
			expect((await req("get", `/providers/${created.body.id}`, auth, undefined, guarded)).body.status).toBe("error");
			await req("put", "/admin/settings", auth, { outbound_allowed_hosts: ["127.0.0.1"] }, guarded);
			expect((await req("post", `/providers/${created.body.id}/test`, auth, {}, guarded)).body.ok).toBe(true);
			expect(fake.requests).toHaveLength(1);
		} finally {
			await guarded.stop();
		}
	});
});

describe("Audit and secrecy", () => {
	it("audits provider and model changes with api_key redacted", async () => {
		const res = await req("get", "/audit/logs?limit=200", owner);
		const entries = res.body.items as any[];
		const actions = new Set(entries.map(e => e.action));
		for (const a of ["provider.create", "provider.update", "provider.delete", "provider.test", "model.update"]) expect(actions).toContain(a);
		const model = entries.find(e => e.action === "model.update" && e.outcome === "success");
		expect(model).toMatchObject({ resource_type: "model", resource_id: expect.any(String) });
		const withKey = entries.filter(e => e.action === "provider.create" && e.details?.api_key !== undefined);
		expect(withKey.length).toBeGreaterThan(0);
		for (const e of withKey) expect(e.details.api_key).toBe("[REDACTED]");
	});

	it("never lets an api key or secret value into a response body or a log line", () => {
		const logs = output.text();
		expect(logs).toContain('"mod":"providers"');
		const responses = bodies.join("\n");
		for (const k of KEYS) {
			expect(logs.includes(k)).toBe(false);
			expect(responses.includes(k)).toBe(false);
		}
	});
});

/** A fresh org with an owner access token. */
async function createOrgToken(): Promise<Record<string, string>> {
	const email = `prov-${Math.random().toString(36).slice(2)}@example.com`;
	const res = await req("post", "/admin/orgs", owner, { name: `Org ${email}`, owner_email: email, owner_name: "Owner", owner_password: "fresh-password" });
	expect(res.status).toBe(201);
	const login = await app.http.post("/api/v1/auth/login").send({ email, password: "fresh-password" });
	return bearer(login.body.access_token);
}
