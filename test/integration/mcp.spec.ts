import http from "node:http";
import type { AddressInfo } from "node:net";
import { startMcpServer, type McpFixture } from "../fixtures/mcp-server";
import { bearer, startApp, storeOf, type TestApp } from "../helpers/app";
import { auditEntries, createOrgWithOwner, expectFieldProblems, keyWithRoles, sleep, uid } from "../helpers/platform";

let app: TestApp;
let mcp: McpFixture;
let auth: Record<string, string>;
let viewer: Record<string, string>;
let other: Record<string, string>;
const seen: Record<string, any[]> = { "mcp.tools_discovered": [], "mcp.server_error": [] };

beforeAll(async () => {
	app = await startApp({}, { FLUXGATE_RATE_LIMIT: "100000" });
	mcp = await startMcpServer();
	auth = bearer(app.ownerKey);
	// Loopback is allowed through the admin setting, so the SSRF test can switch it off again.
	await setSettings({ allow_private_network: true });
	viewer = bearer((await keyWithRoles(app, app.ownerKey, ["viewer"])).key);
	other = bearer((await createOrgWithOwner(app)).ownerKey);
	const spy = app.broker.createService({
		name: "mcp-event-spy",
		events: Object.fromEntries(Object.keys(seen).map(name => [name, (ctx: any) => void seen[name].push(ctx.params)]))
	});
	await app.broker.waitForServices(spy.name);
}, 60_000);

afterAll(async () => {
	await mcp?.close();
	await app?.stop();
});

async function setSettings(body: Record<string, unknown>): Promise<void> {
	const res = await app.http.put("/api/v1/admin/settings").set(auth).send(body);
	if (res.status !== 200) throw new Error(`settings answered ${res.status}: ${JSON.stringify(res.body)}`);
}

async function createServer(body: Record<string, unknown> = {}, headers = auth): Promise<any> {
	const res = await app.http.post("/api/v1/mcp/servers").set(headers).send({ name: `srv-${uid()}`, url: mcp.streamableUrl, ...body });
	if (res.status !== 201) throw new Error(`create server answered ${res.status}: ${JSON.stringify(res.body)}`);
	return res.body;
}

async function toolsOf(serverId: string, query: Record<string, string> = {}): Promise<any[]> {
	const res = await app.http.get(`/api/v1/mcp/servers/${serverId}/tools`).query({ limit: 200, ...query }).set(auth);
	expect(res.status).toBe(200);
	return res.body.items;
}

const toolNamed = async (server: any, mcpName: string) => (await toolsOf(server.id)).find(t => t.config.mcp_tool_name === mcpName);
const testCall = (toolId: string, input: Record<string, unknown> = {}) => app.http.post(`/api/v1/tools/${toolId}/test`).set(auth).send({ input });

async function activeAgent(toolIds: string[]): Promise<any> {
	const created = await app.http.post("/api/v1/agents").set(auth).send({ name: `mcp-agent-${uid()}`, model: "mock-tools", tools: toolIds });
	expect(created.status).toBe(201);
	for (const target_state of ["testing", "active"]) {
		await app.http.post(`/api/v1/lifecycle/${created.body.id}/promote`).set(auth).send({ target_state }).expect(200);
	}
	return created.body;
}

async function runAndSteps(agentId: string, input: string, extra: Record<string, unknown> = {}): Promise<{ run: any; steps: any[] }> {
	const res = await app.http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: agentId, input, wait: true, ...extra });
	expect(res.status).toBe(200);
	const steps = await app.http.get(`/api/v1/runtime/runs/${res.body.id}/steps`).set(auth);
	return { run: res.body, steps: steps.body.items };
}

async function waitFor<T>(probe: () => Promise<T | null | undefined>, timeoutMs = 15_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error("timed out");
		await sleep(50);
	}
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
	const server = http.createServer();
	await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise(resolve => server.close(resolve));
	return port;
}

describe("MCP servers", () => {
	test("create discovers the tools over Streamable HTTP; get, list and the tools endpoint show them", async () => {
		const name = `srv-${uid()}`;
		const res = await app.http.post("/api/v1/mcp/servers").set(auth).send({ name, url: mcp.streamableUrl });
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({
			name,
			url: mcp.streamableUrl,
			transport: "streamable_http",
			auth_type: "none",
			has_auth_token: false,
			auth_header: "X-API-Key",
			refresh_interval_seconds: 3600,
			enabled: true,
			status: "connected",
			last_error: null,
			tool_count: 4
		});
		expect(res.body.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
		expect(res.body.last_discovered_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
		expect(res.body).not.toHaveProperty("auth_token");

		const got = await app.http.get(`/api/v1/mcp/servers/${res.body.id}`).set(auth);
		expect(got.status).toBe(200);
		expect(got.body).toEqual(res.body);
		const list = await app.http.get("/api/v1/mcp/servers").query({ limit: 200 }).set(auth);
		expect(list.body).toMatchObject({ limit: 200, offset: 0 });
		expect(list.body.items.find((s: any) => s.id === res.body.id)).toEqual(res.body);

		const tools = await toolsOf(res.body.id);
		expect(tools.map(t => t.name).sort()).toEqual([`${name}.echo`, `${name}.fails`, `${name}.slow`, `${name}.whoami`]);
		const echo = tools.find(t => t.name === `${name}.echo`);
		expect(echo).toMatchObject({
			type: "mcp",
			description: "Echoes the text it gets",
			config: { server_id: res.body.id, mcp_tool_name: "echo" },
			input_schema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
			safety_level: "moderate",
			available: true
		});
		// They are ordinary Fluxgate tools of type mcp.
		const viaTools = await app.http.get("/api/v1/tools").query({ type: "mcp", search: name, limit: 200 }).set(auth);
		expect(viaTools.body.total).toBe(4);
		expect(seen["mcp.tools_discovered"].find(e => e.server_id === res.body.id)).toMatchObject({ org_id: res.body.org_id, tools_removed: [] });
	});

	test("discovery works over the SSE transport too, and a tool call goes through it", async () => {
		const server = await createServer({ transport: "sse", url: mcp.sseUrl });
		expect(server).toMatchObject({ transport: "sse", status: "connected", tool_count: 4 });
		const echo = await toolNamed(server, "echo");
		const res = await testCall(echo.id, { text: "over sse" });
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ status: "success", error: null, output: { content: [{ type: "text", text: "over sse" }], structuredContent: { text: "over sse" } } });
	});

	test("a server with sessions: each exchange ends its session (DELETE), none stays open", async () => {
		const server = await createServer({ url: mcp.statefulUrl });
		expect(server).toMatchObject({ status: "connected", tool_count: 4 });
		const echo = await toolNamed(server, "echo");
		expect((await testCall(echo.id, { text: "with a session" })).body).toMatchObject({ status: "success", output: { structuredContent: { text: "with a session" } } });
		expect(mcp.requests.filter(r => r.path === "/mcp-sessions" && r.method === "DELETE").length).toBeGreaterThanOrEqual(2);
		expect(mcp.openSessions()).toBe(0);
	});

	test("list filters by status and validates its query", async () => {
		const disabled = await createServer({ enabled: false });
		expect(disabled).toMatchObject({ status: "disabled", tool_count: 0, last_discovered_at: null });
		const ids = async (status: string) => (await app.http.get("/api/v1/mcp/servers").query({ status, limit: 200 }).set(auth)).body.items.map((s: any) => s.id);
		expect(await ids("disabled")).toContain(disabled.id);
		expect(await ids("connected")).not.toContain(disabled.id);
		for (const query of [{ status: "sleeping" }, { limit: 0 }, { limit: 201 }, { offset: -1 }, { order: "up" }]) {
			const res = await app.http.get("/api/v1/mcp/servers").query(query).set(auth);
			expect({ query, status: res.status, code: res.body.error?.code }).toEqual({ query, status: 400, code: "VALIDATION_ERROR" });
		}
	});

	test("bad input answers 400 naming every bad field and creates nothing", async () => {
		const before = (await app.http.get("/api/v1/mcp/servers").set(auth)).body.total;
		const cases: [Record<string, unknown>, string[]][] = [
			[{}, ["name", "url"]],
			[{ name: "Bad Name", url: "ftp://example.com", transport: "websocket", auth_type: "oauth", refresh_interval_seconds: 299, enabled: "yes" }, ["name", "url", "transport", "auth_type", "refresh_interval_seconds", "enabled"]],
			[{ name: `ok-${uid()}`, url: mcp.streamableUrl, auth_type: "bearer" }, ["auth_token"]],
			[{ name: `ok-${uid()}`, url: mcp.streamableUrl, auth_type: "basic", auth_token: "no-colon" }, ["auth_token"]],
			[{ name: `ok-${uid()}`, url: "not a url", auth_header: "Bad Header", refresh_interval_seconds: 86401 }, ["url", "auth_header", "refresh_interval_seconds"]],
			[{ name: `ok-${uid()}`, url: mcp.streamableUrl, auth_type: "per_user_bearer", auth_token: null }, ["auth_token"]]
		];
		for (const [body, fields] of cases) expectFieldProblems(await app.http.post("/api/v1/mcp/servers").set(auth).send(body), body, fields);
		expect((await app.http.get("/api/v1/mcp/servers").set(auth)).body.total).toBe(before);
	});

	test("a duplicate name answers 409 ALREADY_EXISTS; names are unique per org only", async () => {
		const server = await createServer();
		const dup = await app.http.post("/api/v1/mcp/servers").set(auth).send({ name: server.name, url: mcp.streamableUrl });
		expect(dup.status).toBe(409);
		expect(dup.body.error).toMatchObject({ code: "ALREADY_EXISTS", details: { field: "name" } });
		const elsewhere = await app.http.post("/api/v1/mcp/servers").set(other).send({ name: server.name, url: mcp.streamableUrl });
		expect(elsewhere.status).toBe(201);
	});

	test("PUT is a partial update: name immutable, nulls and bad values refused without change, connection changes rediscover", async () => {
		const server = await createServer();
		const path = `/api/v1/mcp/servers/${server.id}`;
		expect((await app.http.put(path).set(auth).send({})).body).toEqual(server);
		expect((await app.http.put(path).set(auth).send({ name: server.name })).status).toBe(200);
		for (const [body, fields] of [
			[{ name: "renamed-server" }, ["name"]],
			[{ enabled: null, refresh_interval_seconds: 10 }, ["enabled", "refresh_interval_seconds"]],
			[{ url: "mailto:x@example.com", transport: "ws" }, ["url", "transport"]],
			[{ auth_type: "bearer" }, ["auth_token"]]
		] as [Record<string, unknown>, string[]][]) {
			expectFieldProblems(await app.http.put(path).set(auth).send(body), body, fields);
		}
		expect((await app.http.get(path).set(auth)).body).toEqual(server);

		const slower = await app.http.put(path).set(auth).send({ refresh_interval_seconds: 600 });
		expect(slower.body).toMatchObject({ refresh_interval_seconds: 600, last_discovered_at: server.last_discovered_at });

		const moved = await app.http.put(path).set(auth).send({ url: mcp.sseUrl, transport: "sse" });
		expect(moved.status).toBe(200);
		expect(moved.body).toMatchObject({ url: mcp.sseUrl, transport: "sse", status: "connected", tool_count: 4 });
		expect(moved.body.last_discovered_at > server.last_discovered_at).toBe(true);

		const off = await app.http.put(path).set(auth).send({ enabled: false });
		expect(off.body).toMatchObject({ enabled: false, status: "disabled" });
		// Tools of a disabled server fail with TOOL_UNAVAILABLE.
		const echo = await toolNamed(server, "echo");
		expect((await testCall(echo.id, { text: "x" })).body).toMatchObject({ status: "error", error: { code: "TOOL_UNAVAILABLE" } });
		// An explicit discover still reads the tool list; the server stays disabled.
		const looked = await app.http.post(`${path}/discover`).set(auth).send();
		expect(looked.status).toBe(200);
		expect(looked.body.server).toMatchObject({ status: "disabled", tool_count: 4 });
		const on = await app.http.put(path).set(auth).send({ enabled: true });
		expect(on.body).toMatchObject({ enabled: true, status: "connected" });
		expect((await testCall(echo.id, { text: "x" })).body.status).toBe("success");
	});

	test("auth tokens are write-only, sent as configured and may reference secrets", async () => {
		const token = `tok-${uid(10)}`;
		const bearerServer = await createServer({ auth_type: "bearer", auth_token: token });
		expect(bearerServer).toMatchObject({ has_auth_token: true, status: "connected" });
		expect(mcp.requests.some(r => r.headers.authorization === `Bearer ${token}`)).toBe(true);
		const all = await app.http.get("/api/v1/mcp/servers").query({ limit: 200 }).set(auth);
		expect(JSON.stringify(all.body)).not.toContain(token);
		const [entry] = await auditEntries(app, app.ownerKey, { action: "mcp_server.create", resource_id: bearerServer.id });
		expect(entry).toMatchObject({ outcome: "success", status_code: 201, details: { auth_token: "[REDACTED]" } });

		const apiKey = `key-${uid(10)}`;
		await createServer({ auth_type: "api_key", auth_token: apiKey, auth_header: "X-Upstream-Key" });
		expect(mcp.requests.some(r => r.headers["x-upstream-key"] === apiKey)).toBe(true);

		const basic = await createServer({ auth_type: "basic", auth_token: "ann:s3cret" });
		expectFieldProblems(await app.http.put(`/api/v1/mcp/servers/${basic.id}`).set(auth).send({ auth_token: "no-colon" }), { auth_token: "no-colon" }, ["auth_token"]);
		expect(mcp.requests.some(r => r.headers.authorization === `Basic ${Buffer.from("ann:s3cret").toString("base64")}`)).toBe(true);

		const secretValue = `from-vault-${uid(10)}`;
		const secretName = `MCP_TOKEN_${uid(4).toUpperCase()}`;
		await app.http.post("/api/v1/secrets").set(auth).send({ name: secretName, value: secretValue, type: "api_key" }).expect(201);
		const referencing = await createServer({ auth_type: "bearer", auth_token: `{{secrets.${secretName}}}` });
		expect(referencing.status).toBe("connected");
		expect(mcp.requests.some(r => r.headers.authorization === `Bearer ${secretValue}`)).toBe(true);
		// The upstream echoes the header it got: the resolved value is masked in the recorded output.
		const whoami = await toolNamed(referencing, "whoami");
		const call = await testCall(whoami.id);
		expect(call.body.output.structuredContent).toEqual({ authorization: "Bearer ****", api_key: null });
		expect(JSON.stringify(call.body)).not.toContain(secretValue);

		const missing = await createServer({ auth_type: "bearer", auth_token: "{{secrets.NOT_DEFINED_ANYWHERE}}" });
		expect(missing).toMatchObject({ status: "error" });
		expect(missing.last_error).toContain("SECRET_NOT_FOUND");

		// Clearing the token of a bearer server is refused; switching to none and clearing it works.
		const path = `/api/v1/mcp/servers/${bearerServer.id}`;
		expectFieldProblems(await app.http.put(path).set(auth).send({ auth_token: null }), { auth_token: null }, ["auth_token"]);
		const cleared = await app.http.put(path).set(auth).send({ auth_type: "none", auth_token: null });
		expect(cleared.body).toMatchObject({ auth_type: "none", has_auth_token: false, status: "connected" });
	});

	test("discover after the server's tool list changed: added, removed (available false, calls fail) and edits kept", async () => {
		const server = await createServer();
		const fails = await toolNamed(server, "fails");
		const echo = await toolNamed(server, "echo");
		await app.http.put(`/api/v1/tools/${echo.id}`).set(auth).send({ description: "Our own words", safety_level: "safe", timeout_seconds: 12 }).expect(200);
		mcp.offered.add("extra");
		mcp.offered.delete("fails");
		try {
			const res = await app.http.post(`/api/v1/mcp/servers/${server.id}/discover`).set(auth).send();
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ tools_added: [`${server.name}.extra`], tools_removed: [`${server.name}.fails`], tools_total: 4 });
			expect(res.body.server).toMatchObject({ id: server.id, status: "connected", tool_count: 4 });
			expect((await toolsOf(server.id, { available: "false" })).map(t => t.id)).toEqual([fails.id]);
			expect((await toolsOf(server.id, { available: "true" })).map(t => t.name).sort()).toEqual(
				["echo", "extra", "slow", "whoami"].map(n => `${server.name}.${n}`)
			);
			expect((await app.http.get(`/api/v1/tools/${echo.id}`).set(auth)).body).toMatchObject({ description: "Our own words", safety_level: "safe", timeout_seconds: 12, available: true });
			expect((await testCall(fails.id)).body).toMatchObject({ status: "error", error: { code: "TOOL_UNAVAILABLE" } });
			const [entry] = await auditEntries(app, app.ownerKey, { action: "mcp_server.discover", resource_id: server.id });
			expect(entry).toMatchObject({ outcome: "success", status_code: 200, resource_type: "mcp_server" });
			expect(seen["mcp.tools_discovered"].filter(e => e.server_id === server.id).pop()).toMatchObject({ tools_added: [`${server.name}.extra`], tools_removed: [`${server.name}.fails`] });
		} finally {
			mcp.offered.delete("extra");
			mcp.offered.add("fails");
		}
		const back = await app.http.post(`/api/v1/mcp/servers/${server.id}/discover`).set(auth).send();
		expect(back.body).toMatchObject({ tools_added: [`${server.name}.fails`], tools_removed: [`${server.name}.extra`], tools_total: 4 });
		expect((await app.http.get(`/api/v1/tools/${fails.id}`).set(auth)).body.available).toBe(true);
	});

	test("an unreachable server: created with status error; discover answers 503 SERVICE_UNAVAILABLE", async () => {
		const url = `http://127.0.0.1:${await closedPort()}/mcp`;
		const server = await createServer({ url });
		expect(server).toMatchObject({ status: "error", tool_count: 0, last_discovered_at: null });
		expect(server.last_error).toEqual(expect.any(String));
		expect(seen["mcp.server_error"].find(e => e.server_id === server.id)).toMatchObject({ org_id: server.org_id, error: server.last_error });
		const res = await app.http.post(`/api/v1/mcp/servers/${server.id}/discover`).set(auth).send();
		expect(res.status).toBe(503);
		expect(res.body.error.code).toBe("SERVICE_UNAVAILABLE");
		expect((await app.http.get(`/api/v1/mcp/servers/${server.id}`).set(auth)).body).toMatchObject({ status: "error" });
		const [entry] = await auditEntries(app, app.ownerKey, { action: "mcp_server.discover", resource_id: server.id });
		expect(entry).toMatchObject({ outcome: "failure", status_code: 503 });

		// A server that comes back is connected by the next discovery.
		const fixed = await app.http.put(`/api/v1/mcp/servers/${server.id}`).set(auth).send({ url: mcp.streamableUrl });
		expect(fixed.body).toMatchObject({ status: "connected", last_error: null, tool_count: 4 });
	});

	test("SSRF guard: a loopback server is refused while private networks are not allowed, unless the host is listed", async () => {
		const server = await createServer();
		const echo = await toolNamed(server, "echo");
		await setSettings({ allow_private_network: false, outbound_allowed_hosts: [] });
		try {
			const refused = await createServer();
			expect(refused).toMatchObject({ status: "error", tool_count: 0 });
			expect(refused.last_error).toMatch(/private or loopback/);
			const discover = await app.http.post(`/api/v1/mcp/servers/${server.id}/discover`).set(auth).send();
			expect(discover.status).toBe(503);
			expect((await testCall(echo.id, { text: "x" })).body).toMatchObject({ status: "error", error: { code: "TOOL_SSRF_BLOCKED" } });

			await setSettings({ outbound_allowed_hosts: ["127.0.0.0/8"] });
			expect((await app.http.post(`/api/v1/mcp/servers/${server.id}/discover`).set(auth).send()).status).toBe(200);
		} finally {
			await setSettings({ allow_private_network: true, outbound_allowed_hosts: [] });
		}
	});

	test("a slow tool call ends with TOOL_TIMEOUT after the tool's timeout_seconds", async () => {
		const server = await createServer();
		const slow = await toolNamed(server, "slow");
		await app.http.put(`/api/v1/tools/${slow.id}`).set(auth).send({ timeout_seconds: 1 }).expect(200);
		const started = Date.now();
		const res = await testCall(slow.id, { ms: 4000 });
		expect(res.body).toMatchObject({ status: "error", error: { code: "TOOL_TIMEOUT" } });
		expect(Date.now() - started).toBeLessThan(3900);
		expect((await testCall(slow.id, { ms: 10 })).body).toMatchObject({ status: "success", output: { content: [{ type: "text", text: "done" }] } });
	});

	test("an answer over the response cap fails the call with TOOL_RESPONSE_TOO_LARGE", async () => {
		mcp.offered.add("big");
		try {
			const server = await createServer();
			const big = await toolNamed(server, "big");
			expect((await testCall(big.id, { bytes: 1000 })).body.status).toBe("success");
			expect((await testCall(big.id, { bytes: 5 * 1024 * 1024 })).body).toMatchObject({ status: "error", output: null, error: { code: "TOOL_RESPONSE_TOO_LARGE" } });
		} finally {
			mcp.offered.delete("big");
		}
	});

	test("a tool that reports an error fails the call with TOOL_HTTP_ERROR and keeps its output", async () => {
		const server = await createServer();
		const fails = await toolNamed(server, "fails");
		const res = await testCall(fails.id);
		expect(res.body).toMatchObject({ status: "error", error: { code: "TOOL_HTTP_ERROR" }, output: { content: [{ type: "text", text: "this tool always fails" }], isError: true } });
	});

	test("delete removes the server, its tools and credentials, and detaches the tools from agents (new version)", async () => {
		const server = await createServer({ auth_type: "per_user_bearer", auth_token: "discovery" });
		await app.http.post(`/api/v1/mcp/servers/${server.id}/user-credentials`).set(auth).send({ end_user_id: "u1", token: "t1" }).expect(201);
		const echo = await toolNamed(server, "echo");
		const keep = await app.http.post("/api/v1/tools").set(auth).send({ name: `keep-${uid()}`, description: "Kept", type: "function", config: { function: "echo" } });
		const agent = (await app.http.post("/api/v1/agents").set(auth).send({ name: `holder-${uid()}`, model: "mock-tools", tools: [echo.id, keep.body.id] })).body;
		const res = await app.http.delete(`/api/v1/mcp/servers/${server.id}`).set(auth);
		expect(res.status).toBe(204);
		expect(res.text).toBe("");
		expect((await app.http.get(`/api/v1/mcp/servers/${server.id}`).set(auth)).status).toBe(404);
		expect((await app.http.get(`/api/v1/tools/${echo.id}`).set(auth)).status).toBe(404);
		expect((await app.http.get(`/api/v1/agents/${agent.id}`).set(auth)).body).toMatchObject({ tools: [keep.body.id], version: 2 });
		expect((await app.http.get(`/api/v1/mcp/servers/${server.id}/user-credentials`).set(auth)).status).toBe(404);
		expect((await app.http.delete(`/api/v1/mcp/servers/${server.id}`).set(auth)).status).toBe(404);
	});

	test("permissions and tenant isolation", async () => {
		const server = await createServer();
		expect((await app.http.get(`/api/v1/mcp/servers/${server.id}`).set(viewer)).status).toBe(200);
		const denied = await app.http.post("/api/v1/mcp/servers").set(viewer).send({ name: `srv-${uid()}`, url: mcp.streamableUrl });
		expect(denied.status).toBe(403);
		expect(denied.body.error).toMatchObject({ code: "PERMISSION_DENIED", details: { required: ["mcp:write"] } });
		const base = `/api/v1/mcp/servers/${server.id}`;
		const attempts = [
			app.http.get(base).set(other),
			app.http.put(base).set(other).send({ enabled: false }),
			app.http.delete(base).set(other),
			app.http.post(`${base}/discover`).set(other).send(),
			app.http.get(`${base}/tools`).set(other),
			app.http.get(`${base}/user-credentials`).set(other),
			app.http.post(`${base}/user-credentials`).set(other).send({ end_user_id: "x", token: "y" }),
			app.http.delete(`${base}/user-credentials/x`).set(other)
		];
		for (const res of await Promise.all(attempts)) expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 404, code: "NOT_FOUND" });
		expect((await app.http.get("/api/v1/mcp/servers").query({ limit: 200 }).set(other)).body.items.map((s: any) => s.id)).not.toContain(server.id);
		expect((await app.http.get(base).set(auth)).body).toEqual(server);
	});
});

describe("periodic refresh and storage", () => {
	const mcpServers = () => storeOf(app.broker).repository("mcp_servers");

	test("servers past their refresh time are rediscovered once; disabled ones never", async () => {
		const due = await createServer();
		const disabled = await createServer();
		await app.http.put(`/api/v1/mcp/servers/${disabled.id}`).set(auth).send({ enabled: false }).expect(200);
		const repo = (await mcpServers()).forOrg(due.org_id);
		for (const id of [due.id, disabled.id]) await repo.update(id, { next_refresh_at: Date.now() - 1000 });
		mcp.offered.add("extra");
		try {
			const first: any = await app.broker.call("mcp.refreshDue");
			expect(first.refreshed).toBeGreaterThanOrEqual(1);
			expect((await toolsOf(due.id)).map(t => t.config.mcp_tool_name)).toContain("extra");
			expect((await toolsOf(disabled.id)).map(t => t.config.mcp_tool_name)).not.toContain("extra");
			const refreshed = (await app.http.get(`/api/v1/mcp/servers/${due.id}`).set(auth)).body;
			expect(refreshed.last_discovered_at > due.last_discovered_at).toBe(true);
			expect(refreshed.tool_count).toBe(5);
			// The next refresh is an interval away: a second sweep leaves the server alone.
			const stored = await repo.get(due.id);
			expect(stored!.next_refresh_at).toBeGreaterThan(Date.now() + 3500 * 1000);
			await app.broker.call("mcp.refreshDue");
			expect((await app.http.get(`/api/v1/mcp/servers/${due.id}`).set(auth)).body.last_discovered_at).toBe(refreshed.last_discovered_at);
		} finally {
			mcp.offered.delete("extra");
		}
	});

	test("tokens are stored encrypted, never in plain text", async () => {
		const token = `plain-${uid(10)}`;
		const server = await createServer({ auth_type: "per_user_bearer", auth_token: token });
		await app.http.post(`/api/v1/mcp/servers/${server.id}/user-credentials`).set(auth).send({ end_user_id: "stored", token: `${token}-user` }).expect(201);
		const raw = JSON.stringify([
			await (await mcpServers()).forOrg(server.org_id).get(server.id),
			await (await storeOf(app.broker).repository("mcp_user_credentials")).forOrg(server.org_id).find({ server_id: server.id })
		]);
		expect(raw).not.toContain(token);
		expect(raw).toContain("auth_token_ciphertext");
	});
});

describe("MCP tools in runs", () => {
	test("a mock-tools run calls an MCP tool: tool_call step, invocation log and tool.invoke audit", async () => {
		const server = await createServer();
		const echo = await toolNamed(server, "echo");
		const agent = await activeAgent([echo.id]);
		const { run, steps } = await runAndSteps(agent.id, `CALL ${echo.name} {"text":"hello mcp"}`);
		expect(run.status).toBe("completed");
		expect(run.output).toContain(`TOOL_RESULT ${echo.name}`);
		expect(run.output).toContain("hello mcp");
		const step = steps.find(s => s.type === "tool_call");
		expect(step).toMatchObject({ name: echo.name, tool_id: echo.id, status: "completed", input: { text: "hello mcp" }, output: { content: [{ type: "text", text: "hello mcp" }], structuredContent: { text: "hello mcp" } } });
		const invocations = await app.http.get(`/api/v1/tools/${echo.id}/invocations`).query({ run_id: run.id }).set(auth);
		expect(invocations.body.items).toEqual([expect.objectContaining({ source: "run", status: "success", tool_name: echo.name })]);
		const audits = await auditEntries(app, app.ownerKey, { action: "tool.invoke", resource_id: echo.id });
		expect(audits[0]).toMatchObject({ actor_type: "system", outcome: "success", status_code: null, details: { tool_name: echo.name } });
	}, 30_000);

	test("governance applies to MCP tools like to any tool: a blocked one is denied, a gated one waits for approval", async () => {
		const server = await createServer();
		const echo = await toolNamed(server, "echo");
		const whoami = await toolNamed(server, "whoami");
		const agent = await activeAgent([echo.id, whoami.id]);
		const policy = await app.http
			.post("/api/v1/governance/policies")
			.set(auth)
			.send({ name: `MCP policy ${uid()}`, agent_id: agent.id, rules: [{ type: "tool_restriction", blocked_tools: [echo.name] }, { type: "approval_gate", requires_approval_for: [whoami.name] }] });
		expect(policy.status).toBe(201);
		const before = mcp.requests.length;
		const blocked = await runAndSteps(agent.id, `CALL ${echo.name} {"text":"nope"}`);
		expect(blocked.steps.find(s => s.type === "tool_call")).toMatchObject({ status: "denied", error: { code: "TOOL_BLOCKED" } });
		expect(mcp.requests.length).toBe(before);

		const gated = await app.http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: agent.id, input: `CALL ${whoami.name} {}` });
		expect(gated.status).toBe(202);
		const approval = await waitFor(async () => (await app.http.get("/api/v1/governance/approvals").query({ run_id: gated.body.id }).set(auth)).body.items[0]);
		expect((await app.http.get(`/api/v1/runtime/runs/${gated.body.id}`).set(auth)).body.status).toBe("awaiting_approval");
		expect(mcp.requests.length).toBe(before);
		await app.http.post(`/api/v1/governance/approvals/${approval.id}/approve`).set(auth).send({}).expect(200);
		const done = await waitFor(async () => {
			const run = (await app.http.get(`/api/v1/runtime/runs/${gated.body.id}`).set(auth)).body;
			return ["completed", "failed"].includes(run.status) ? run : null;
		});
		expect(done.status).toBe("completed");
		const steps = (await app.http.get(`/api/v1/runtime/runs/${gated.body.id}/steps`).set(auth)).body.items;
		expect(steps.filter((s: any) => s.type === "tool_call").pop()).toMatchObject({ status: "completed", output: { structuredContent: { authorization: null } } });
	}, 30_000);

	test("an input that fails the discovered schema fails the step with INVALID_TOOL_INPUT; the run goes on", async () => {
		const server = await createServer();
		const echo = await toolNamed(server, "echo");
		const agent = await activeAgent([echo.id]);
		const { run, steps } = await runAndSteps(agent.id, `CALL ${echo.name} {"text":5}`);
		expect(run.status).toBe("completed");
		expect(steps.find(s => s.type === "tool_call")).toMatchObject({ status: "failed", error: { code: "INVALID_TOOL_INPUT" } });
	}, 30_000);
});

describe("per-end-user credentials (per_user_bearer)", () => {
	let server: any;
	let whoami: any;
	let agent: any;
	const creds = "/user-credentials";

	beforeAll(async () => {
		server = await createServer({ auth_type: "per_user_bearer", auth_token: "discovery-token" });
		whoami = await toolNamed(server, "whoami");
		agent = await activeAgent([whoami.id]);
	}, 30_000);

	test("credential endpoints: create, validation, duplicates, list, filter, delete", async () => {
		const base = `/api/v1/mcp/servers/${server.id}${creds}`;
		const res = await app.http.post(base).set(auth).send({ end_user_id: "list-user", token: "list-token", expires_at: "2099-01-01T00:00:00+02:00" });
		expect(res.status).toBe(201);
		expect(res.body).toEqual({
			id: expect.any(String),
			org_id: server.org_id,
			server_id: server.id,
			end_user_id: "list-user",
			has_token: true,
			expires_at: "2098-12-31T22:00:00.000Z",
			created_at: expect.any(String),
			updated_at: expect.any(String)
		});
		const [entry] = await auditEntries(app, app.ownerKey, { action: "mcp_credential.create" });
		expect(entry).toMatchObject({ resource_id: res.body.id, resource_type: "mcp_credential", details: { token: "[REDACTED]", end_user_id: "list-user" } });

		const dup = await app.http.post(base).set(auth).send({ end_user_id: "list-user", token: "other" });
		expect(dup.status).toBe(409);
		expect(dup.body.error.code).toBe("ALREADY_EXISTS");
		for (const [body, fields] of [
			[{}, ["end_user_id", "token"]],
			[{ end_user_id: "x".repeat(129), token: "", expires_at: "2001-01-01T00:00:00Z" }, ["end_user_id", "token", "expires_at"]],
			[{ end_user_id: "y", token: "t", expires_at: "tomorrow" }, ["expires_at"]]
		] as [Record<string, unknown>, string[]][]) {
			expectFieldProblems(await app.http.post(base).set(auth).send(body), body, fields);
		}
		const plain = await createServer();
		const wrongType = await app.http.post(`/api/v1/mcp/servers/${plain.id}${creds}`).set(auth).send({ end_user_id: "u", token: "t" });
		expect(wrongType.status).toBe(400);
		expect(wrongType.body.error.code).toBe("VALIDATION_ERROR");
		expect((await app.http.post(`/api/v1/mcp/servers/mcp_missing${creds}`).set(auth).send({ end_user_id: "u", token: "t" })).status).toBe(404);

		const list = await app.http.get(base).query({ end_user_id: "list-user" }).set(auth);
		expect(list.body).toMatchObject({ total: 1, items: [res.body] });
		expect(JSON.stringify((await app.http.get(base).set(viewer)).body)).not.toContain("list-token");
		expect((await app.http.get(base).query({ end_user_id: "nobody" }).set(auth)).body.total).toBe(0);
		expect((await app.http.get(base).query({ limit: 0 }).set(auth)).status).toBe(400);

		expect((await app.http.delete(`${base}/list-user`).set(viewer)).status).toBe(403);
		expect((await app.http.delete(`${base}/list-user`).set(auth)).status).toBe(204);
		expect((await app.http.delete(`${base}/list-user`).set(auth)).status).toBe(404);
		const [missing, deleted] = await auditEntries(app, app.ownerKey, { action: "mcp_credential.delete" });
		expect(missing).toMatchObject({ outcome: "failure", status_code: 404, resource_id: null });
		expect(deleted).toMatchObject({ outcome: "success", status_code: 204, resource_id: res.body.id });
	});

	test("each end user's calls carry their own token; no credential or an expired one → MCP_USER_CREDENTIAL_MISSING", async () => {
		const base = `/api/v1/mcp/servers/${server.id}${creds}`;
		const alice = (await app.http.post(base).set(auth).send({ end_user_id: "alice", token: "alice-secret-token" })).body;
		await app.http.post(base).set(auth).send({ end_user_id: "bob", token: "bob-secret-token" }).expect(201);
		const input = `CALL ${whoami.name} {}`;

		const before = mcp.requests.length;
		const asAlice = await runAndSteps(agent.id, input, { end_user_id: "alice" });
		expect(asAlice.steps.find(s => s.type === "tool_call")).toMatchObject({ status: "completed", output: { structuredContent: { authorization: "Bearer ****" } } });
		const asBob = await runAndSteps(agent.id, input, { end_user_id: "bob" });
		expect(asBob.steps.find(s => s.type === "tool_call")).toMatchObject({ status: "completed" });
		const sent = mcp.requests.slice(before).map(r => r.headers.authorization);
		expect(sent).toContain("Bearer alice-secret-token");
		expect(sent).toContain("Bearer bob-secret-token");
		expect(sent).not.toContain("Bearer discovery-token");
		expect(JSON.stringify([asAlice, asBob])).not.toMatch(/alice-secret-token|bob-secret-token/);

		const uses = await auditEntries(app, app.ownerKey, { action: "mcp_credential.use", resource_id: alice.id });
		expect(uses[0]).toMatchObject({ actor_type: "system", outcome: "success", status_code: null, details: { server_id: server.id, end_user_id: "alice", run_id: asAlice.run.id } });

		for (const extra of [{}, { end_user_id: "carol" }]) {
			const { run, steps } = await runAndSteps(agent.id, input, extra);
			expect(run.status).toBe("completed");
			expect(steps.find(s => s.type === "tool_call")).toMatchObject({ status: "failed", error: { code: "MCP_USER_CREDENTIAL_MISSING" } });
		}

		const soon = new Date(Date.now() + 1500).toISOString();
		await app.http.post(base).set(auth).send({ end_user_id: "dave", token: "dave-token", expires_at: soon }).expect(201);
		await sleep(1700);
		const expired = await runAndSteps(agent.id, input, { end_user_id: "dave" });
		expect(expired.steps.find(s => s.type === "tool_call")).toMatchObject({ status: "failed", error: { code: "MCP_USER_CREDENTIAL_MISSING" } });
	}, 60_000);
});
