import { SERVICE_SCHEMAS } from "../../services";
import { startEchoServer, type EchoServer } from "../fixtures/echo-server";
import { bearer, startApp, type TestApp } from "../helpers/app";
import { auditEntries, createOrgWithOwner, expectFieldProblems, freshRateWindow, keyWithRoles, uid } from "../helpers/platform";

// The foundation, this module, and the modules it talks to when they exist.
const SERVICES = ["admin", "rbac", "auth", "audit", "tools", "api", ...["secrets", "agents"].filter(n => n in SERVICE_SCHEMAS)];
const PG_URL = "postgres://postgres@127.0.0.1:5432/test";

let app: TestApp;
let echo: EchoServer;
let auth: Record<string, string>;
let other: { ownerKey: string; org: any };
const seen: Record<string, any[]> = { "tool.called": [], "tool.failed": [], "tool.circuit_opened": [] };

beforeAll(async () => {
	// Loopback upstreams are allowed through the admin setting, so one test can switch it off again.
	app = await startApp({ services: SERVICES });
	echo = await startEchoServer();
	auth = bearer(app.ownerKey);
	await setSettings({ allow_private_network: true });
	other = await createOrgWithOwner(app);
	const spy = app.broker.createService({
		name: "tool-event-spy",
		events: Object.fromEntries(Object.keys(seen).map(name => [name, (ctx: any) => void seen[name].push(ctx.params)]))
	});
	await app.broker.waitForServices(spy.name);
});

afterAll(async () => {
	await echo?.close();
	await app?.stop();
});

async function setSettings(body: Record<string, unknown>): Promise<void> {
	const res = await app.http.put("/api/v1/admin/settings").set(auth).send(body);
	if (res.status !== 200) throw new Error(`settings answered ${res.status}: ${JSON.stringify(res.body)}`);
}

async function createTool(body: Record<string, unknown>, key = app.ownerKey): Promise<any> {
	const res = await app.http.post("/api/v1/tools").set(bearer(key)).send({ name: `tool-${uid()}`, description: "A test tool", ...body });
	if (res.status !== 201) throw new Error(`create tool answered ${res.status}: ${JSON.stringify(res.body)}`);
	return res.body;
}

const restTool = (path: string, extra: Record<string, unknown> = {}) => createTool({ type: "rest_api", endpoint: `${echo.url}${path}`, ...extra });
const testCall = (id: string, input?: unknown) => app.http.post(`/api/v1/tools/${id}/test`).set(auth).send(input === undefined ? {} : { input });
const invoke = (params: Record<string, unknown>): Promise<any> => app.broker.call("tools.invoke", { mode: "production", ...params });
const fieldsOf = (res: any): string[] => (res.body.error.details ?? []).map((d: any) => d.field);

async function toolCount(): Promise<number> {
	return (await app.http.get("/api/v1/tools").set(auth)).body.total;
}

describe("tool CRUD", () => {
	test("create answers 201 with the contract's defaults; get and list show it", async () => {
		const name = `weather.get_${uid()}`;
		const res = await app.http.post("/api/v1/tools").set(auth).send({ name, description: "Current weather", type: "rest_api", endpoint: `${echo.url}/weather/{city}` });
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({
			name,
			type: "rest_api",
			endpoint: `${echo.url}/weather/{city}`,
			method: "GET",
			headers: {},
			config: {},
			input_schema: { type: "object", properties: {} },
			safety_level: "moderate",
			rate_limit: null,
			timeout_seconds: 30,
			available: true,
			circuit_state: "closed"
		});
		expect(res.body.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
		const got = await app.http.get(`/api/v1/tools/${res.body.id}`).set(auth);
		expect(got.status).toBe(200);
		expect(got.body).toEqual(res.body);
		const list = await app.http.get("/api/v1/tools").query({ search: name.toUpperCase() }).set(auth);
		expect(list.body.items.map((t: any) => t.id)).toEqual([res.body.id]);
	});

	test("invalid bodies answer 400 with every problem and create nothing", async () => {
		const before = await toolCount();
		const cases: [Record<string, unknown>, string[]][] = [
			[{}, ["name", "description", "type"]],
			[{ name: "mcp-one", description: "d", type: "mcp" }, ["type"]],
			[{ name: "no-endpoint", description: "d", type: "rest_api" }, ["endpoint"]],
			[{ name: "ftp", description: "d", type: "rest_api", endpoint: "ftp://example.com/x" }, ["endpoint"]],
			[{ name: "relative", description: "d", type: "rest_api", endpoint: "/api/x" }, ["endpoint"]],
			[{ name: "arr", description: "d", type: "function", config: { function: "echo" }, input_schema: { type: "array" } }, ["input_schema.type"]],
			[{ name: "nofn", description: "d", type: "function" }, ["config.function"]],
			[{ name: "badfn", description: "d", type: "function", config: { function: "eval" } }, ["config.function"]],
			[{ name: "-bad name", description: "d", type: "function", config: { function: "echo" } }, ["name"]],
			[{ name: "rl", description: "d", type: "function", config: { function: "echo" }, rate_limit: { max_calls: 0, period: "day" } }, ["rate_limit.max_calls", "rate_limit.period"]],
			[{ name: "to", description: "d", type: "function", config: { function: "echo" }, timeout_seconds: 301 }, ["timeout_seconds"]],
			[{ name: "db", description: "d", type: "database", config: { driver: "oracle" } }, ["config.driver", "config.connection"]]
		];
		for (const [body, fields] of cases) {
			const res = await app.http.post("/api/v1/tools").set(auth).send(body);
			expectFieldProblems(res, body, fields, false);
		}
		expect(await toolCount()).toBe(before);
	});

	test("names are unique per org: 409 ALREADY_EXISTS, while another org may reuse the name", async () => {
		const tool = await createTool({ type: "function", config: { function: "echo" } });
		const dup = await app.http.post("/api/v1/tools").set(auth).send({ name: tool.name, description: "x", type: "function", config: { function: "echo" } });
		expect(dup.status).toBe(409);
		expect(dup.body.error).toMatchObject({ code: "ALREADY_EXISTS", details: { field: "name" } });
		const elsewhere = await createTool({ name: tool.name, type: "function", config: { function: "echo" } }, other.ownerKey);
		expect(elsewhere.org_id).not.toBe(tool.org_id);
	});

	test("another org's tool and unknown ids answer 404 on every route", async () => {
		const theirs = await createTool({ type: "function", config: { function: "echo" } }, other.ownerKey);
		for (const id of [theirs.id, "tool_doesnotexist", "bad id!"]) {
			const path = `/api/v1/tools/${encodeURIComponent(id)}`;
			const responses = await Promise.all([
				app.http.get(path).set(auth),
				app.http.put(path).set(auth).send({ description: "mine now" }),
				app.http.delete(path).set(auth),
				app.http.post(`${path}/test`).set(auth).send({}),
				app.http.get(`${path}/invocations`).set(auth),
				app.http.post(`${path}/circuit/reset`).set(auth).send({})
			]);
			for (const res of responses) {
				expect(res.status).toBe(404);
				expect(res.body.error.code).toBe("NOT_FOUND");
			}
		}
		const still = await app.http.get(`/api/v1/tools/${theirs.id}`).set(bearer(other.ownerKey));
		expect(still.body.description).toBe("A test tool");
		const list = await app.http.get("/api/v1/tools").set(auth).query({ limit: 200 });
		expect(list.body.items.some((t: any) => t.id === theirs.id)).toBe(false);
	});

	test("list filters by type, safety_level, search and available; bad filters answer 400", async () => {
		const tag = uid();
		const safe = await createTool({ name: `filter-${tag}-a`, type: "function", config: { function: "echo" }, safety_level: "safe" });
		const rest = await restTool("/x", { name: `filter-${tag}-b`, safety_level: "dangerous" });
		const ids = async (q: Record<string, string>) => (await app.http.get("/api/v1/tools").query({ search: `filter-${tag}`, ...q }).set(auth)).body.items.map((t: any) => t.id);
		expect(await ids({})).toEqual([rest.id, safe.id]);
		expect(await ids({ order: "asc" })).toEqual([safe.id, rest.id]);
		expect(await ids({ type: "function" })).toEqual([safe.id]);
		expect(await ids({ safety_level: "dangerous" })).toEqual([rest.id]);
		expect(await ids({ available: "true" })).toEqual([rest.id, safe.id]);
		expect(await ids({ available: "false" })).toEqual([]);
		const page = await app.http.get("/api/v1/tools").query({ search: `filter-${tag}`, limit: 1, offset: 1 }).set(auth);
		expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 1, items: [{ id: safe.id }] });
		for (const q of [{ type: "lambda" }, { safety_level: "risky" }, { available: "maybe" }, { limit: "0" }]) {
			expect((await app.http.get("/api/v1/tools").query(q).set(auth)).status).toBe(400);
		}
	});

	test("PUT changes writable fields, keeps type immutable and answers 409 on a taken name", async () => {
		const tool = await restTool("/a", { rate_limit: { max_calls: 5, period: "hour" } });
		const taken = await createTool({ type: "function", config: { function: "echo" } });
		const ok = await app.http.put(`/api/v1/tools/${tool.id}`).set(auth).send({ description: "Changed", method: "POST", headers: { "X-Team": "core" }, rate_limit: null, timeout_seconds: 5 });
		expect(ok.status).toBe(200);
		expect(ok.body).toMatchObject({ description: "Changed", method: "POST", headers: { "X-Team": "core" }, rate_limit: null, timeout_seconds: 5, type: "rest_api" });
		expect((await app.http.put(`/api/v1/tools/${tool.id}`).set(auth).send({})).body).toEqual(ok.body);
		const same = await app.http.put(`/api/v1/tools/${tool.id}`).set(auth).send({ type: "rest_api" });
		expect(same.status).toBe(200);

		const refused: [Record<string, unknown>, string][] = [
			[{ type: "function", description: "not applied" }, "type"],
			[{ endpoint: null, description: "not applied" }, "endpoint"],
			[{ endpoint: "mailto:x@example.com" }, "endpoint"],
			[{ input_schema: { type: "string" } }, "input_schema.type"],
			[{ description: null }, "description"],
			[{ safety_level: "extreme" }, "safety_level"]
		];
		for (const [body, field] of refused) {
			const res = await app.http.put(`/api/v1/tools/${tool.id}`).set(auth).send(body);
			expect(res.status).toBe(400);
			expect(fieldsOf(res)).toContain(field);
		}
		const conflict = await app.http.put(`/api/v1/tools/${tool.id}`).set(auth).send({ name: taken.name });
		expect(conflict.status).toBe(409);
		expect(conflict.body.error.code).toBe("ALREADY_EXISTS");
		expect((await app.http.get(`/api/v1/tools/${tool.id}`).set(auth)).body).toEqual(ok.body);
	});

	test("viewers can read but not write", async () => {
		const viewer = await keyWithRoles(app, app.ownerKey, ["viewer"]);
		const tool = await createTool({ type: "function", config: { function: "echo" } });
		expect((await app.http.get(`/api/v1/tools/${tool.id}`).set(bearer(viewer.key))).status).toBe(200);
		const denied = await app.http.post(`/api/v1/tools/${tool.id}/test`).set(bearer(viewer.key)).send({});
		expect(denied.status).toBe(403);
		expect(denied.body.error.details).toEqual({ required: ["tools:write"] });
	});

	test("DELETE answers 204, then the tool is gone", async () => {
		const tool = await createTool({ type: "function", config: { function: "echo" } });
		const res = await app.http.delete(`/api/v1/tools/${tool.id}`).set(auth);
		expect(res.status).toBe(204);
		expect(res.text).toBe("");
		expect((await app.http.get(`/api/v1/tools/${tool.id}`).set(auth)).status).toBe(404);
	});

	(SERVICES.includes("agents") ? test : test.skip)("DELETE of a tool attached to agents: 409 RESOURCE_IN_USE listing them, force=true detaches", async () => {
		const tool = await createTool({ type: "function", config: { function: "echo" } });
		const agent = await app.http.post("/api/v1/agents").set(auth).send({ name: `agent-${uid()}`, model: "mock-echo", tools: [tool.id] });
		expect(agent.status).toBe(201);
		const refused = await app.http.delete(`/api/v1/tools/${tool.id}`).set(auth);
		expect(refused.status).toBe(409);
		expect(refused.body.error).toMatchObject({ code: "RESOURCE_IN_USE", details: { agent_ids: [agent.body.id] } });
		expect((await app.http.get(`/api/v1/tools/${tool.id}`).set(auth)).status).toBe(200);
		const forced = await app.http.delete(`/api/v1/tools/${tool.id}`).query({ force: "true" }).set(auth);
		expect(forced.status).toBe(204);
		expect((await app.http.get(`/api/v1/tools/${tool.id}`).set(auth)).status).toBe(404);
		const after = await app.http.get(`/api/v1/agents/${agent.body.id}`).set(auth);
		expect(after.body.tools).toEqual([]);
		expect(after.body.version).toBe(agent.body.version + 1);
	});
});

describe("rest_api calls", () => {
	test("GET fills URL-encoded path parameters and sends the rest as query parameters (objects JSON-encoded)", async () => {
		const tool = await restTool("/users/{user_id}/orders");
		const res = await testCall(tool.id, { user_id: "a b/c", status: "open", limit: 3, filter: { since: "2024" }, tags: ["x", "y"] });
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ status: "success", error: null, output: { status_code: 200 } });
		expect(res.body.invocation_id).toEqual(expect.any(String));
		expect(res.body.latency_ms).toEqual(expect.any(Number));
		const req = echo.last();
		expect(req.method).toBe("GET");
		expect(req.path).toBe("/users/a%20b%2Fc/orders");
		expect(req.query).toEqual({ status: "open", limit: "3", filter: '{"since":"2024"}', tags: '["x","y"]' });
		expect(req.headers["idempotency-key"]).toBe(res.body.invocation_id);
		expect(req.body).toBe("");
		expect(res.body.output.body.query).toEqual(req.query);
	});

	test("POST sends the remaining input as a JSON body with the configured headers", async () => {
		const tool = await restTool("/orders/{order_id}/items", { method: "POST", headers: { "X-Client": "fluxgate-test" } });
		const res = await testCall(tool.id, { order_id: 42, sku: "A-1", qty: 2, meta: { gift: true } });
		expect(res.body.status).toBe("success");
		const req = echo.last();
		expect(req.method).toBe("POST");
		expect(req.path).toBe("/orders/42/items");
		expect(JSON.parse(req.body)).toEqual({ sku: "A-1", qty: 2, meta: { gift: true } });
		expect(req.headers["content-type"]).toMatch(/^application\/json/);
		expect(req.headers["x-client"]).toBe("fluxgate-test");
		expect(res.body.output.body.body).toEqual({ sku: "A-1", qty: 2, meta: { gift: true } });
	});

	test("a text response is kept as text", async () => {
		const tool = await restTool("/text");
		const res = await testCall(tool.id);
		expect(res.body.output).toEqual({ status_code: 200, body: "hello" });
	});

	test("non-2xx fails with TOOL_HTTP_ERROR and keeps the output", async () => {
		const tool = await restTool("/status/404");
		const res = await testCall(tool.id);
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ status: "error", output: { status_code: 404, body: { status: 404, query: {} } }, error: { code: "TOOL_HTTP_ERROR" } });
	});

	test("a slow upstream fails with TOOL_TIMEOUT after timeout_seconds", async () => {
		const tool = await restTool("/slow?ms=3000", { timeout_seconds: 1 });
		const started = Date.now();
		const res = await testCall(tool.id);
		expect(res.body).toMatchObject({ status: "error", output: null, error: { code: "TOOL_TIMEOUT" } });
		expect(Date.now() - started).toBeLessThan(2500);
		expect(res.body.latency_ms).toBeGreaterThanOrEqual(950);
	});

	test("responses over 1 MiB fail with TOOL_RESPONSE_TOO_LARGE; exactly 1 MiB is accepted", async () => {
		const over = await testCall((await restTool("/big?bytes=1048577")).id);
		expect(over.body).toMatchObject({ status: "error", error: { code: "TOOL_RESPONSE_TOO_LARGE" } });
		const exact = await testCall((await restTool("/big?bytes=1048576")).id);
		expect(exact.body.status).toBe("success");
		expect(exact.body.output.body).toHaveLength(1048576);
	});

	test("a missing path parameter is an input error and calls nothing", async () => {
		const tool = await restTool("/users/{user_id}");
		const count = echo.requests.length;
		const res = await testCall(tool.id, {});
		expect(res.body).toMatchObject({ status: "error", error: { code: "INVALID_TOOL_INPUT" } });
		expect(echo.requests.length).toBe(count);
	});

	test("without allow_private_network, loopback targets fail with TOOL_SSRF_BLOCKED unless listed in outbound_allowed_hosts", async () => {
		const tool = await restTool("/guarded");
		const count = echo.requests.length;
		await setSettings({ allow_private_network: false });
		try {
			const res = await testCall(tool.id);
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ status: "error", output: null, error: { code: "TOOL_SSRF_BLOCKED" } });
			expect(echo.requests.length).toBe(count);
			await setSettings({ outbound_allowed_hosts: ["127.0.0.0/8"] });
			expect((await testCall(tool.id)).body.status).toBe("success");
			expect(echo.requests.length).toBe(count + 1);
		} finally {
			await setSettings({ allow_private_network: true, outbound_allowed_hosts: [] });
		}
	});
});

describe("secrets in headers", () => {
	(SERVICES.includes("secrets") ? test : test.skip)("are resolved at call time and masked in the result and the invocation log", async () => {
		const name = `ECHO_TOKEN_${uid()}`;
		const value = `s3cr3t-${uid(8)}`;
		const secret = await app.http.post("/api/v1/secrets").set(auth).send({ name, value, type: "token" });
		expect(secret.status).toBe(201);
		const tool = await restTool("/echo", { headers: { Authorization: `Bearer {{secrets.${name}}}` } });
		expect(tool.headers.Authorization).toBe(`Bearer {{secrets.${name}}}`);
		const res = await testCall(tool.id, { note: "hello" });
		expect(res.body.status).toBe("success");
		expect(echo.last().headers.authorization).toBe(`Bearer ${value}`);
		expect(res.body.output.body.headers.authorization).toBe("Bearer ****");
		expect(JSON.stringify(res.body)).not.toContain(value);
		const log = await app.http.get(`/api/v1/tools/${tool.id}/invocations`).set(auth);
		expect(log.body.items[0].output.body.headers.authorization).toBe("Bearer ****");
		expect(JSON.stringify(log.body)).not.toContain(value);
	});

	test("an unknown secret fails with SECRET_NOT_FOUND before anything is sent", async () => {
		const tool = await restTool("/echo", { headers: { Authorization: "Bearer {{secrets.NO_SUCH_SECRET}}" } });
		const count = echo.requests.length;
		const res = await testCall(tool.id);
		expect(res.body).toMatchObject({ status: "error", error: { code: "SECRET_NOT_FOUND" } });
		expect(echo.requests.length).toBe(count);
	});
});

describe("the test endpoint", () => {
	const schema = {
		type: "object",
		required: ["q"],
		properties: {
			q: { type: "string", minLength: 2 },
			n: { type: "integer", minimum: 1, maximum: 10, default: 5 },
			mode: { type: "string", enum: ["fast", "full"] },
			items: { type: "array", items: { type: "object", required: ["name"], properties: { name: { type: "string" } } } }
		}
	};

	test("an input failing input_schema answers 400 per field and records nothing", async () => {
		const tool = await restTool("/search", { input_schema: schema });
		const count = echo.requests.length;
		const res = await testCall(tool.id, { q: "a", n: 11, mode: "slow", items: [{ name: "ok" }, {}] });
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe("VALIDATION_ERROR");
		expect(fieldsOf(res).sort()).toEqual(["input.items[1].name", "input.mode", "input.n", "input.q"]);
		expect((await testCall(tool.id, { n: "3" })).body.error.details).toEqual(
			expect.arrayContaining([
				{ field: "input.q", message: "is required" },
				{ field: "input.n", message: "must be an integer" }
			])
		);
		expect((await app.http.post(`/api/v1/tools/${tool.id}/test`).set(auth).send({ input: [1] })).status).toBe(400);
		expect(echo.requests.length).toBe(count);
		expect((await app.http.get(`/api/v1/tools/${tool.id}/invocations`).set(auth)).body.total).toBe(0);
	});

	test("schema defaults are applied before the call", async () => {
		const tool = await restTool("/search", { input_schema: schema });
		const res = await testCall(tool.id, { q: "ab" });
		expect(res.body.status).toBe("success");
		expect(echo.last().query).toEqual({ q: "ab", n: "5" });
	});

	test("the tool's rate limit answers 429 TOOL_RATE_LIMITED with Retry-After", async () => {
		await freshRateWindow(10);
		const tool = await restTool("/limited", { rate_limit: { max_calls: 2, period: "minute" } });
		expect((await testCall(tool.id)).status).toBe(200);
		expect((await testCall(tool.id)).status).toBe(200);
		const count = echo.requests.length;
		const limited = await testCall(tool.id);
		expect(limited.status).toBe(429);
		expect(limited.body.error.code).toBe("TOOL_RATE_LIMITED");
		const retry = Number(limited.headers["retry-after"]);
		expect(Number.isInteger(retry)).toBe(true);
		expect(retry).toBeGreaterThanOrEqual(1);
		expect(retry).toBeLessThanOrEqual(60);
		expect(echo.requests.length).toBe(count);
		const log = await app.http.get(`/api/v1/tools/${tool.id}/invocations`).set(auth);
		expect(log.body.total).toBe(2);
		// Run calls share the counter: the next one is logged as rate_limited.
		const run = await invoke({ org_id: tool.org_id, tool_id: tool.id, input: {}, run_id: "run_rl", agent_id: "agt_rl", step_id: "stp_rl" });
		expect(run).toMatchObject({ status: "rate_limited", error: { code: "TOOL_RATE_LIMITED" } });
	});

	test("built-in functions: echo, calculator and current_time", async () => {
		const echoFn = await createTool({ type: "function", config: { function: "echo" }, safety_level: "safe" });
		expect((await testCall(echoFn.id, { a: 1, b: ["x"] })).body).toMatchObject({ status: "success", output: { a: 1, b: ["x"] } });

		const calc = await createTool({ type: "function", config: { function: "calculator" }, safety_level: "safe" });
		const calcOf = async (expression: string) => (await testCall(calc.id, { expression })).body;
		expect((await calcOf("(2 + 3) * 4 ^ 2 / 8")).output).toEqual({ result: 10 });
		expect((await calcOf("-2 ^ 2 + 2 ^ 3 ^ 2")).output).toEqual({ result: 508 });
		expect((await calcOf("0.1 + 0.2")).output).toEqual({ result: 0.3 });
		for (const bad of ["2 +", "1 / 0", "process.exit(1)", "(1"]) {
			expect((await calcOf(bad)).error.code).toBe("INVALID_TOOL_INPUT");
		}

		const clock = await createTool({ type: "function", config: { function: "current_time" }, safety_level: "safe" });
		const now = Math.floor(Date.now() / 1000);
		const utc = (await testCall(clock.id, {})).body.output;
		expect(utc.iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
		expect(Math.abs(utc.unix - now)).toBeLessThanOrEqual(5);
		const india = (await testCall(clock.id, { timezone: "Asia/Kolkata" })).body.output;
		expect(india.iso).toMatch(/\+05:30$/);
		expect(Math.abs(Date.parse(india.iso) / 1000 - india.unix)).toBeLessThan(1);
		expect((await testCall(clock.id, { timezone: "Mars/Olympus" })).body.error.code).toBe("INVALID_TOOL_INPUT");
	});

	test("postgres database tools run read-only with :name parameters and max_rows", async () => {
		const tool = await createTool({
			type: "database",
			config: { driver: "postgres", connection: PG_URL, query: "SELECT g AS n, :label::text AS label FROM generate_series(1, :upto) AS g -- :not_a_param", max_rows: 3 },
			input_schema: { type: "object", required: ["upto"], properties: { upto: { type: "integer" }, label: { type: "string", default: "row" } } }
		});
		const res = await testCall(tool.id, { upto: 10 });
		expect(res.body).toMatchObject({
			status: "success",
			output: { rows: [{ n: 1, label: "row" }, { n: 2, label: "row" }, { n: 3, label: "row" }], row_count: 3 }
		});
		const small = await testCall(tool.id, { upto: 2, label: "it's" });
		expect(small.body.output).toMatchObject({ rows: [{ n: 1, label: "it's" }, { n: 2, label: "it's" }], row_count: 2 });

		const writer = await createTool({ type: "database", config: { driver: "postgres", connection: PG_URL, query: "CREATE TABLE fluxgate_should_not_exist (id int)" } });
		const refused = await testCall(writer.id);
		expect(refused.body.status).toBe("error");
		expect(refused.body.error.message).toMatch(/read-only/);
		const escape = await createTool({ type: "database", config: { driver: "postgres", connection: PG_URL, query: "SELECT 1; COMMIT; CREATE TABLE fluxgate_should_not_exist (id int)" } });
		expect((await testCall(escape.id)).body.status).toBe("error");
		const check = await createTool({ type: "database", config: { driver: "postgres", connection: PG_URL, query: "SELECT to_regclass('fluxgate_should_not_exist') IS NULL AS absent" } });
		expect((await testCall(check.id)).body.output.rows).toEqual([{ absent: true }]);

		const unreachable = await createTool({ type: "database", config: { driver: "postgres", connection: "postgres://postgres@127.0.0.1:1/test", query: "SELECT 1" } });
		expect((await testCall(unreachable.id)).body.error.code).toBe("TOOL_UNAVAILABLE");
	});

	test("search tools answer TOOL_UNAVAILABLE while no knowledge module runs", async () => {
		const tool = await createTool({ type: "search", config: { collection_ids: ["col_x"] } });
		expect(tool.config).toEqual({ collection_ids: ["col_x"], limit: 5 });
		const res = await testCall(tool.id, { query: "refund policy" });
		expect(res.body).toMatchObject({ status: "error", error: { code: "TOOL_UNAVAILABLE" } });
	});
});

describe("invocations", () => {
	test("test calls are logged with source test; the list filters by status, source, run_id and dates", async () => {
		const tool = await restTool("/inv/{code}");
		const ok = await testCall(tool.id, { code: "a" });
		await app.http.put(`/api/v1/tools/${tool.id}`).set(auth).send({ endpoint: `${echo.url}/status/500` });
		const failed = await testCall(tool.id, {});
		const run = await invoke({ org_id: tool.org_id, tool_id: tool.id, input: { x: 1 }, run_id: "run_abc", agent_id: "agt_abc", step_id: "stp_abc" });
		expect(run).toMatchObject({ status: "error", error: { code: "TOOL_HTTP_ERROR" } });
		expect(echo.last().headers["idempotency-key"]).toBe("stp_abc");

		const list = async (q: Record<string, string> = {}) => (await app.http.get(`/api/v1/tools/${tool.id}/invocations`).query(q).set(auth)).body;
		const all = await list();
		expect(all.total).toBe(3);
		expect(all.items.map((i: any) => i.id)).toEqual([run.invocation_id, failed.body.invocation_id, ok.body.invocation_id]);
		expect(all.items[2]).toMatchObject({
			tool_id: tool.id,
			tool_name: tool.name,
			source: "test",
			status: "success",
			input: { code: "a" },
			run_id: null,
			agent_id: null,
			step_id: null,
			error: null
		});
		expect(all.items[0]).toMatchObject({ source: "run", run_id: "run_abc", agent_id: "agt_abc", step_id: "stp_abc", status: "error", output: { status_code: 500 } });
		expect((await list({ status: "error" })).total).toBe(2);
		expect((await list({ source: "test" })).total).toBe(2);
		expect((await list({ run_id: "run_abc" })).items.map((i: any) => i.id)).toEqual([run.invocation_id]);
		expect((await list({ created_after: new Date(Date.now() + 60_000).toISOString() })).total).toBe(0);
		expect((await list({ created_before: "2000-01-01T00:00:00+01:00" })).total).toBe(0);
		expect((await app.http.get(`/api/v1/tools/${tool.id}/invocations`).query({ status: "weird" }).set(auth)).status).toBe(400);
		expect((await app.http.get(`/api/v1/tools/${tool.id}/invocations`).query({ created_after: "yesterday" }).set(auth)).status).toBe(400);
	});

	test("test calls are audited as tool.test", async () => {
		const tool = await createTool({ type: "function", config: { function: "echo" } });
		await testCall(tool.id, { hello: "world" });
		const entries = await auditEntries(app, app.ownerKey, { action: "tool.test", resource_id: tool.id });
		expect(entries).toHaveLength(1);
		expect(entries[0]).toMatchObject({ outcome: "success", status_code: 200, details: { input: { hello: "world" } } });
	});
});

describe("internal actions", () => {
	test("tools.describe answers the asked tools in order and skips unknown or foreign ids", async () => {
		const a = await createTool({ type: "function", config: { function: "echo" }, safety_level: "safe" });
		const b = await restTool("/d");
		const foreign = await createTool({ type: "function", config: { function: "echo" } }, other.ownerKey);
		const described: any[] = await app.broker.call("tools.describe", { org_id: a.org_id, tool_ids: [b.id, "tool_nope", foreign.id, a.id] });
		expect(described).toEqual([
			{ id: b.id, name: b.name, description: b.description, input_schema: b.input_schema, safety_level: "moderate", available: true, type: "rest_api" },
			{ id: a.id, name: a.name, description: a.description, input_schema: a.input_schema, safety_level: "safe", available: true, type: "function" }
		]);
	});

	test("tools.invoke validates the input, emits tool.called / tool.failed and audits moderate tools", async () => {
		const tool = await createTool({
			type: "function",
			config: { function: "calculator" },
			input_schema: { type: "object", required: ["expression"], properties: { expression: { type: "string" } } }
		});
		const base = { org_id: tool.org_id, tool_id: tool.id, run_id: "run_1", agent_id: "agt_1" };
		const ok = await invoke({ ...base, step_id: "stp_ok", input: { expression: "6 * 7" } });
		expect(ok).toEqual({ invocation_id: expect.any(String), status: "success", output: { result: 42 }, error: null, latency_ms: expect.any(Number) });
		const bad = await invoke({ ...base, step_id: "stp_bad", input: { expression: 7 } });
		expect(bad).toMatchObject({ status: "error", output: null, error: { code: "INVALID_TOOL_INPUT", message: expect.stringContaining("expression") } });

		expect(seen["tool.called"].filter(e => e.tool_id === tool.id).map(e => e.status)).toEqual(["success", "error"]);
		expect(seen["tool.failed"].filter(e => e.tool_id === tool.id)).toEqual([
			expect.objectContaining({ org_id: tool.org_id, tool_name: tool.name, run_id: "run_1", agent_id: "agt_1", status: "error", error: expect.objectContaining({ code: "INVALID_TOOL_INPUT" }) })
		]);
		const entries = await auditEntries(app, app.ownerKey, { action: "tool.invoke", resource_id: tool.id });
		expect(entries.map(e => [e.actor_type, e.outcome, e.status_code, e.details.step_id, e.details.tool_name])).toEqual([
			["system", "failure", null, "stp_bad", tool.name],
			["system", "success", null, "stp_ok", tool.name]
		]);

		const safe = await createTool({ type: "function", config: { function: "echo" }, safety_level: "safe" });
		await invoke({ org_id: safe.org_id, tool_id: safe.id, input: {}, run_id: "run_1", step_id: "stp_safe" });
		expect(await auditEntries(app, app.ownerKey, { action: "tool.invoke", resource_id: safe.id })).toEqual([]);
	});

	test("tools.invoke answers TOOL_UNAVAILABLE for a tool of another org", async () => {
		const theirs = await createTool({ type: "function", config: { function: "echo" } }, other.ownerKey);
		const mine = await createTool({ type: "function", config: { function: "echo" } });
		const res = await invoke({ org_id: mine.org_id, tool_id: theirs.id, input: {}, run_id: "run_x" });
		expect(res).toMatchObject({ invocation_id: null, status: "error", error: { code: "TOOL_UNAVAILABLE" } });
	});

	test("tools.recordSimulated logs a simulated run invocation without calling", async () => {
		const tool = await restTool("/never", { safety_level: "dangerous" });
		const count = echo.requests.length;
		const res: any = await app.broker.call("tools.recordSimulated", { org_id: tool.org_id, tool_id: tool.id, input: { a: 1 }, run_id: "run_sim", agent_id: "agt_sim", step_id: "stp_sim" });
		expect(res).toMatchObject({ status: "simulated", output: { simulated: true }, error: null, latency_ms: 0 });
		expect(echo.requests.length).toBe(count);
		const log = await app.http.get(`/api/v1/tools/${tool.id}/invocations`).set(auth);
		expect(log.body.items).toEqual([expect.objectContaining({ id: res.invocation_id, status: "simulated", source: "run", run_id: "run_sim", input: { a: 1 } })]);
	});

	test("circuit breaker: 5 failures open it, calls then fail fast, test calls pass through, reset closes it", async () => {
		const tool = await restTool("/status/503", { safety_level: "safe" });
		const base = { org_id: tool.org_id, tool_id: tool.id, input: {}, run_id: "run_cb", agent_id: "agt_cb" };
		for (let i = 0; i < 5; i++) {
			expect(await invoke({ ...base, step_id: `stp_${i}` })).toMatchObject({ status: "error", error: { code: "TOOL_HTTP_ERROR" } });
		}
		expect(seen["tool.circuit_opened"].filter(e => e.tool_id === tool.id)).toHaveLength(1);
		expect((await app.http.get(`/api/v1/tools/${tool.id}`).set(auth)).body.circuit_state).toBe("open");

		const count = echo.requests.length;
		const fast = await invoke({ ...base, step_id: "stp_5" });
		expect(fast).toMatchObject({ status: "error", error: { code: "TOOL_CIRCUIT_OPEN" } });
		expect(echo.requests.length).toBe(count);

		const viaTest = await testCall(tool.id);
		expect(viaTest.body.error.code).toBe("TOOL_HTTP_ERROR");
		expect(echo.requests.length).toBe(count + 1);
		expect((await app.http.get(`/api/v1/tools/${tool.id}`).set(auth)).body.circuit_state).toBe("open");

		const reset = await app.http.post(`/api/v1/tools/${tool.id}/circuit/reset`).set(auth).send();
		expect(reset.status).toBe(200);
		expect(reset.body).toMatchObject({ id: tool.id, circuit_state: "closed" });
		expect((await invoke({ ...base, step_id: "stp_6" })).error.code).toBe("TOOL_HTTP_ERROR");
		const entries = await auditEntries(app, app.ownerKey, { action: "tool.circuit_reset", resource_id: tool.id });
		expect(entries).toHaveLength(1);
	});

	test("a success between failures keeps the circuit closed", async () => {
		const tool = await restTool("/status/{code}", { safety_level: "safe" });
		const base = { org_id: tool.org_id, tool_id: tool.id, run_id: "run_cb2" };
		for (const code of ["500", "500", "500", "500", "200", "500", "500", "500", "500"]) {
			await invoke({ ...base, input: { code } });
		}
		expect((await app.http.get(`/api/v1/tools/${tool.id}`).set(auth)).body.circuit_state).toBe("closed");
	});
});
