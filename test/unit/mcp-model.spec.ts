import { authHeaders } from "../../services/mcp/connection";
import { bodyProblems, statusFilter, statusOf, tokenProblems, urlProblem } from "../../services/mcp/model";
import { mcpToolName } from "../../services/tools/mcp-tools";

describe("MCP model", () => {
	test("tool names are <server>.<mcp name> with characters tool names do not allow replaced", () => {
		expect(mcpToolName("github", "create_issue")).toBe("github.create_issue");
		expect(mcpToolName("fs", "read file/now")).toBe("fs.read_file_now");
		expect(mcpToolName("srv", "x".repeat(300))).toHaveLength(128);
	});

	test("URLs must be absolute http(s); secret references are allowed anywhere", () => {
		expect(urlProblem("https://mcp.example.com/mcp")).toBeNull();
		expect(urlProblem("https://{{secrets.MCP_HOST}}/mcp?key={{ secrets.KEY }}")).toBeNull();
		expect(urlProblem("ftp://example.com")).toMatch(/http/);
		expect(urlProblem("/relative")).toMatch(/absolute/);
	});

	test("body problems: url, header name, basic credentials", () => {
		expect(bodyProblems({ url: "https://a.example", auth_header: "X-Key" })).toEqual([]);
		expect(bodyProblems({ url: "nope", auth_header: "Bad Header", auth_type: "basic", auth_token: "nocolon" }).map(p => p.field)).toEqual(["url", "auth_header", "auth_token"]);
		expect(bodyProblems({ auth_header: "Content-Type" }).map(p => p.field)).toEqual(["auth_header"]);
		expect(bodyProblems({ auth_type: "basic", auth_token: "{{secrets.BASIC}}" })).toEqual([]);
	});

	test("a token is required for every auth type but none", () => {
		expect(tokenProblems("none", false)).toEqual([]);
		for (const type of ["bearer", "api_key", "basic", "per_user_bearer"]) {
			expect(tokenProblems(type, false).map(p => p.field)).toEqual(["auth_token"]);
			expect(tokenProblems(type, true)).toEqual([]);
		}
	});

	test("auth headers by auth type", () => {
		const server = (auth_type: any) => ({ auth_type, auth_header: "X-Custom" });
		expect(authHeaders(server("none"), "t")).toEqual({});
		expect(authHeaders(server("bearer"), "t")).toEqual({ Authorization: "Bearer t" });
		expect(authHeaders(server("per_user_bearer"), "t")).toEqual({ Authorization: "Bearer t" });
		expect(authHeaders(server("api_key"), "t")).toEqual({ "X-Custom": "t" });
		expect(authHeaders(server("basic"), "u:p")).toEqual({ Authorization: `Basic ${Buffer.from("u:p").toString("base64")}` });
		expect(authHeaders(server("bearer"), null)).toEqual({});
	});

	test("status is derived from enabled and the last discovery", () => {
		expect(statusOf({ enabled: false, connection: "connected" })).toBe("disabled");
		expect(statusOf({ enabled: true, connection: "error" })).toBe("error");
		expect(statusFilter("disabled")).toEqual({ enabled: false });
		expect(statusFilter("connected")).toEqual({ enabled: true, connection: "connected" });
	});
});
