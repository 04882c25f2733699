import { startEchoServer, type EchoServer } from "../fixtures/echo-server";
import { renderMongoFilter, toPositional } from "../../services/tools/database";
import { executeTool, type ExecuteEnv } from "../../services/tools/execute";
import { buildRequest } from "../../services/tools/rest";
import { maskSecrets } from "../../services/secrets/mask";
import type { ToolDoc } from "../../services/tools/model";

const SECRET = "tok-Very$ecret\"value";

function tool(overrides: Partial<ToolDoc>): ToolDoc {
	return {
		id: "tool_1",
		org_id: "org_1",
		name: "t",
		description: "d",
		type: "rest_api",
		endpoint: null,
		method: "GET",
		headers: {},
		config: {},
		input_schema: { type: "object", properties: {} },
		safety_level: "safe",
		rate_limit: null,
		timeout_seconds: 5,
		available: true,
		circuit_state: "closed",
		circuit_opened_at: null,
		circuit_failures: 0,
		circuit_window_start: null,
		circuit_trial_at: null,
		created_by: null,
		created_at: "",
		updated_at: "",
		...overrides
	};
}

/** A resolver standing in for the secrets module: only API_TOKEN exists. */
const resolveSecrets: ExecuteEnv["resolveSecrets"] = async value => {
	let used = false;
	const out = value.replace(/\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, name) => {
		if (name !== "API_TOKEN") throw Object.assign(new Error(`Secret ${name} is not defined`), { type: "SECRET_NOT_FOUND", code: 404 });
		used = true;
		return SECRET;
	});
	return { value: out, masks: used ? [SECRET] : [] };
};

const env = (allowPrivateNetwork = true): ExecuteEnv => ({
	resolveSecrets,
	outboundPolicy: async () => ({ allowPrivateNetwork, allowedHosts: [] }),
	idempotencyKey: "stp_42",
	userAgent: "Fluxgate/test",
	knowledgeSearch: null,
	mcpCall: null
});

let echo: EchoServer;
beforeAll(async () => {
	echo = await startEchoServer();
});
afterAll(() => echo.close());

describe("executeTool", () => {
	test("secret values are sent upstream but masked in input, output and error", async () => {
		const t = tool({ endpoint: `${echo.url}/echo`, headers: { "X-Api-Key": "{{secrets.API_TOKEN}}", Authorization: "Bearer {{ secrets.API_TOKEN }}" } });
		const result = await executeTool(t, { note: `the token is ${SECRET}` }, env());
		expect(echo.last().headers["x-api-key"]).toBe(SECRET);
		expect(echo.last().headers.authorization).toBe(`Bearer ${SECRET}`);
		expect(echo.last().headers["idempotency-key"]).toBe("stp_42");
		expect(result.status).toBe("success");
		expect(result.input).toEqual({ note: "the token is ****" });
		const body = (result.output as any).body;
		expect(body.headers["x-api-key"]).toBe("****");
		expect(body.headers.authorization).toBe("Bearer ****");
		expect(body.query.note).toBe("the token is ****");
		expect(JSON.stringify(result)).not.toContain(SECRET);
	});

	test("a secret echoed back with a failed call is masked in the kept output", async () => {
		const t = tool({ endpoint: `${echo.url}/status/500?k={{secrets.API_TOKEN}}`, timeout_seconds: 5 });
		const result = await executeTool(t, {}, env());
		expect(result.status).toBe("error");
		expect(result.error?.code).toBe("TOOL_HTTP_ERROR");
		expect(echo.last().query.k).toBe(SECRET);
		expect((result.output as any).body.query.k).toBe("****");
		expect(JSON.stringify(result)).not.toContain(SECRET);
	});

	test("an unknown secret fails with SECRET_NOT_FOUND without a call, not counting toward the breaker", async () => {
		const count = echo.requests.length;
		const result = await executeTool(tool({ endpoint: `${echo.url}/x`, headers: { A: "{{secrets.MISSING}}" } }), {}, env());
		expect(result).toMatchObject({ status: "error", error: { code: "SECRET_NOT_FOUND" }, countsAsFailure: false });
		expect(echo.requests.length).toBe(count);
	});

	test("the SSRF guard refuses loopback unless the policy allows it", async () => {
		const count = echo.requests.length;
		const result = await executeTool(tool({ endpoint: `${echo.url}/x` }), {}, env(false));
		expect(result).toMatchObject({ status: "error", error: { code: "TOOL_SSRF_BLOCKED" } });
		expect(echo.requests.length).toBe(count);
	});

	test("search and mcp tools without their modules answer TOOL_UNAVAILABLE", async () => {
		expect((await executeTool(tool({ type: "search", config: { collection_ids: [] } }), { query: "x" }, env())).error?.code).toBe("TOOL_UNAVAILABLE");
		expect((await executeTool(tool({ type: "mcp", config: { server_id: "s", mcp_tool_name: "t" } }), {}, env())).error?.code).toBe("TOOL_UNAVAILABLE");
	});

	test("mongodb tools fail with TOOL_UNAVAILABLE when the server cannot be reached", async () => {
		const t = tool({ type: "database", timeout_seconds: 1, config: { driver: "mongodb", connection: "mongodb://127.0.0.1:1/x", query: {}, collection: "c", max_rows: 10 } });
		const result = await executeTool(t, {}, env());
		expect(result).toMatchObject({ status: "error", error: { code: "TOOL_UNAVAILABLE" } });
	});
});

describe("request building", () => {
	test("path parameters are filled and removed; GET sends the rest as query, POST as JSON", () => {
		expect(buildRequest("http://h/a/{id}/b/{{secrets.X}}", "GET", { id: "x/y", q: 1, o: { k: [1] }, skip: undefined })).toEqual({
			url: "http://h/a/x%2Fy/b/{{secrets.X}}?q=1&o=%7B%22k%22%3A%5B1%5D%7D",
			body: undefined
		});
		expect(buildRequest("http://h/a?fixed=1", "DELETE", { q: "a b" })).toEqual({ url: "http://h/a?fixed=1&q=a%20b", body: undefined });
		expect(buildRequest("http://h/{id}", "PATCH", { id: 7, name: "n" })).toEqual({ url: "http://h/7", body: '{"name":"n"}' });
		expect(() => buildRequest("http://h/{id}", "GET", {})).toThrow(/id: is required/);
	});

	test(":name parameters become positional, leaving strings, comments and casts alone", () => {
		expect(toPositional("SELECT * FROM t WHERE a = :a AND b = :b::int OR c = :a")).toEqual({ text: "SELECT * FROM t WHERE a = $1 AND b = $2::int OR c = $1", names: ["a", "b"] });
		expect(toPositional("SELECT ':no', \"x:y\", $$ :no $$ /* :no */ -- :no\n, :yes")).toEqual({ text: "SELECT ':no', \"x:y\", $$ :no $$ /* :no */ -- :no\n, $1", names: ["yes"] });
		expect(toPositional("SELECT 'it''s :no' || :v").names).toEqual(["v"]);
	});

	test("MongoDB filters take input values as JSON values, never as operators", () => {
		const input = { status: "open", age: 30, tags: ["a"], evil: { $ne: null } };
		expect(renderMongoFilter('{"status": "{{input.status}}", "age": {"$gte": {{input.age}}}, "note": "s={{input.status}}"}', input)).toEqual({
			status: "open",
			age: { $gte: 30 },
			note: "s=open"
		});
		expect(renderMongoFilter({ tags: { $in: "{{input.tags}}" }, missing: "{{input.nope}}" }, input)).toEqual({ tags: { $in: ["a"] }, missing: null });
		expect(() => renderMongoFilter({ status: "{{input.evil}}" }, input)).toThrow(/operators/);
	});

	test("maskSecrets replaces every occurrence in values and keys, longest first", () => {
		expect(maskSecrets({ "k-abc": ["abcd", "xabcx"], n: 1 }, ["abc", "abcd"])).toEqual({ "k-****": ["****", "x****x"], n: 1 });
	});
});
