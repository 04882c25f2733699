import { FluxError } from "../../lib/errors";
import { answerMcp, MCP_PROTOCOL_VERSION, type McpContext } from "../../services/publish/mcp-server";
import { embedCodes } from "../../services/publish/embed";
import { newPublicKey, ORIGIN_PATTERN, PUBLIC_KEY_PATTERN, rateLimitOf, widgetOf, type PublicationDoc } from "../../services/publish/model";

const context = (ask: McpContext["ask"] = async (message, sessionId) => ({ reply: `echo ${message}`, session_id: sessionId ?? "chs_new" })): McpContext => ({
	slug: "shop",
	name: "Shop",
	description: "",
	version: "1.2.3",
	ask
});

describe("MCP JSON-RPC answers of a publication (§28 row 12)", () => {
	it("initializes with protocol 2025-03-26 and the tools capability", async () => {
		const answer: any = await answerMcp({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25" } }, context());
		expect(answer).toEqual({
			jsonrpc: "2.0",
			id: 1,
			result: expect.objectContaining({ protocolVersion: MCP_PROTOCOL_VERSION, capabilities: { tools: { listChanged: false } }, serverInfo: expect.objectContaining({ name: "shop", version: "1.2.3" }) })
		});
		expect(MCP_PROTOCOL_VERSION).toBe("2025-03-26");
	});

	it("answers notifications with nothing, ping with {}, and lists the one tool", async () => {
		expect(await answerMcp({ jsonrpc: "2.0", method: "notifications/initialized" }, context())).toBeNull();
		expect(await answerMcp({ jsonrpc: "2.0", id: "p", method: "ping" }, context())).toEqual({ jsonrpc: "2.0", id: "p", result: {} });
		const list: any = await answerMcp({ jsonrpc: "2.0", id: 2, method: "tools/list" }, context());
		expect(list.result.tools.map((t: any) => t.name)).toEqual(["ask_agent"]);
		expect(list.result.tools[0].inputSchema.required).toEqual(["message"]);
	});

	it("calls ask_agent and shapes the result as content plus structuredContent", async () => {
		const answer: any = await answerMcp({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "ask_agent", arguments: { message: "hi", session_id: "chs_1" } } }, context());
		expect(answer.result).toEqual({ content: [{ type: "text", text: "echo hi" }], structuredContent: { reply: "echo hi", session_id: "chs_1" } });
	});

	it("reports a failed reply as a tool error and refusals as JSON-RPC errors carrying the API code", async () => {
		const failed: any = await answerMcp(
			{ jsonrpc: "2.0", id: 4, method: "tools/call", params: { name: "ask_agent", arguments: { message: "hi" } } },
			context(async () => ({ reply: "", session_id: "chs_1", error: { code: "PROVIDER_ERROR", message: "upstream failed" } }))
		);
		expect(failed.result).toEqual({ content: [{ type: "text", text: "PROVIDER_ERROR: upstream failed" }], isError: true });
		const refused: any = await answerMcp(
			{ jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: "ask_agent", arguments: { message: "hi" } } },
			context(async () => {
				throw new FluxError(409, "AGENT_NOT_RUNNABLE", "The published agent is suspended", { status: "suspended" });
			})
		);
		expect(refused.error).toEqual({ code: -32000, message: "The published agent is suspended", data: { code: "AGENT_NOT_RUNNABLE", details: { status: "suspended" } } });
	});

	it("rejects malformed requests, unknown methods and tools, and bad arguments", async () => {
		expect(((await answerMcp({ id: 1, method: "ping" }, context())) as any).error.code).toBe(-32600);
		expect(((await answerMcp({ jsonrpc: "2.0", id: {}, method: "ping" }, context())) as any).error.code).toBe(-32600);
		expect(((await answerMcp({ jsonrpc: "2.0", id: 1, method: "resources/list" }, context())) as any).error.code).toBe(-32601);
		expect(((await answerMcp({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "other" } }, context())) as any).error.code).toBe(-32602);
		const bad: any = await answerMcp({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "ask_agent", arguments: { message: "", session_id: 5 } } }, context());
		expect(bad.error).toMatchObject({ code: -32602, data: { code: "VALIDATION_ERROR" } });
		expect(bad.error.message).toContain("message");
		expect(bad.error.message).toContain("session_id");
	});
});

describe("Publication model", () => {
	it("generates fgp_ keys of 32 URL-safe characters", () => {
		const keys = new Set(Array.from({ length: 200 }, newPublicKey));
		expect(keys.size).toBe(200);
		for (const key of keys) expect(key).toMatch(PUBLIC_KEY_PATTERN);
	});

	it("accepts scheme://host[:port] origins and * only", () => {
		const re = new RegExp(ORIGIN_PATTERN);
		for (const ok of ["*", "https://shop.example.com", "http://localhost:3000", "http://127.0.0.1:8080", "http://[::1]:3000", "app://desktop"]) expect([ok, re.test(ok)]).toEqual([ok, true]);
		for (const bad of ["shop.example.com", "https://shop.example.com/", "https://a.example/path", "https://", "https://a.example:port", "**", "https://a b.example"]) expect([bad, re.test(bad)]).toEqual([bad, false]);
	});

	it("fills widget and rate limit objects with their defaults", () => {
		expect(rateLimitOf(undefined)).toEqual({ max_requests: 30, period: "minute" });
		expect(rateLimitOf({ period: "hour", max_requests: undefined } as any)).toEqual({ max_requests: 30, period: "hour" });
		expect(widgetOf({ theme: "dark" }, "Shop")).toEqual({ title: "Shop", greeting: "Hi! How can I help?", theme: "dark", primary_color: "#4F46E5", position: "bottom-right" });
	});

	it("writes embed codes with the key and an escaped srcdoc iframe", () => {
		const doc = { slug: "shop", name: 'Shop "best"', public_key: "fgp_" + "a".repeat(32) } as PublicationDoc;
		const codes = embedCodes(doc, "https://fg.example");
		expect(codes.script_tag).toBe(`<script src="https://fg.example/api/v1/public/shop/widget.js" data-key="${doc.public_key}" async></script>`);
		expect(codes.iframe_tag).toContain('title="Shop &quot;best&quot;"');
		expect(codes.iframe_tag).not.toMatch(/srcdoc="[^"]*<script/);
		expect(codes.chat_url).toBe("https://fg.example/api/v1/public/shop/chat");
	});
});
