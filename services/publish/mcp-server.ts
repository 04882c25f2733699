/**
 * The MCP server endpoint of a publication (§28 row 12): JSON-RPC 2.0 over Streamable HTTP, protocol
 * 2025-03-26, answered as plain JSON. One tool, `ask_agent`, is a chat turn with the published agent.
 */

import { toHttpError } from "../api/http-error";

export const MCP_PROTOCOL_VERSION = "2025-03-26";
const MAX_MESSAGE_CHARS = 10_000;

/** JSON-RPC error codes (JSON-RPC 2.0 and MCP). */
const INVALID_REQUEST = -32600;
const METHOD_NOT_FOUND = -32601;
const INVALID_PARAMS = -32602;
/** A platform refusal (agent not runnable, budget, unknown session): `data.code` carries the API error code. */
const REFUSED = -32000;

export interface AskResult {
	reply: string;
	session_id: string;
	/** Set when the run ended without a reply (failed, blocked). */
	error?: { code: string; message: string } | null;
}

export interface McpContext {
	slug: string;
	name: string;
	description: string;
	version: string;
	ask(message: string, sessionId: string | undefined): Promise<AskResult>;
}

export interface JsonRpcMessage {
	jsonrpc?: unknown;
	id?: unknown;
	method?: unknown;
	params?: any;
}

/** `null` for a notification (answered 202 without a body), else the JSON-RPC response. */
export type McpAnswer = Record<string, unknown> | null;

const ASK_AGENT_TOOL = {
	name: "ask_agent",
	inputSchema: {
		type: "object",
		properties: {
			message: { type: "string", description: "What to ask the agent" },
			session_id: { type: "string", description: "Continue this conversation (from an earlier answer's structuredContent.session_id)" }
		},
		required: ["message"]
	},
	outputSchema: {
		type: "object",
		properties: { reply: { type: "string" }, session_id: { type: "string" } },
		required: ["reply", "session_id"]
	}
};

const failure = (id: unknown, code: number, message: string, data?: unknown) => ({
	jsonrpc: "2.0",
	id: id ?? null,
	error: { code, message, ...(data === undefined ? {} : { data }) }
});

const success = (id: unknown, result: unknown) => ({ jsonrpc: "2.0", id, result });

const isRequestId = (id: unknown) => typeof id === "string" || (typeof id === "number" && Number.isFinite(id));

export async function answerMcp(message: JsonRpcMessage, mcp: McpContext): Promise<McpAnswer> {
	if (message.jsonrpc !== "2.0" || typeof message.method !== "string") return failure(message.id, INVALID_REQUEST, "Not a JSON-RPC 2.0 request");
	// Notifications (no id) need no answer: initialized, cancelled, progress.
	if (message.id === undefined) return null;
	if (!isRequestId(message.id)) return failure(null, INVALID_REQUEST, "id must be a string or a number");
	const { id, method } = message;
	switch (method) {
		case "initialize":
			return success(id, {
				protocolVersion: MCP_PROTOCOL_VERSION,
				capabilities: { tools: { listChanged: false } },
				serverInfo: { name: mcp.slug, title: mcp.name, version: mcp.version },
				instructions: mcp.description || `Ask ${mcp.name} with the ask_agent tool.`
			});
		case "ping":
			return success(id, {});
		case "tools/list":
			return success(id, { tools: [{ ...ASK_AGENT_TOOL, title: `Ask ${mcp.name}`, description: mcp.description || `Send a message to ${mcp.name} and get its reply.` }] });
		case "tools/call":
			return callTool(id, message.params, mcp);
		default:
			return failure(id, METHOD_NOT_FOUND, `Unknown method ${method}`);
	}
}

async function callTool(id: unknown, params: any, mcp: McpContext): Promise<McpAnswer> {
	if (params?.name !== ASK_AGENT_TOOL.name) return failure(id, INVALID_PARAMS, `Unknown tool ${String(params?.name)}: the only tool is ask_agent`);
	const args = params.arguments ?? {};
	const problems: string[] = [];
	if (typeof args.message !== "string" || !args.message.length || args.message.length > MAX_MESSAGE_CHARS) problems.push(`message: must be a string of 1-${MAX_MESSAGE_CHARS} characters`);
	if (args.session_id !== undefined && (typeof args.session_id !== "string" || !args.session_id)) problems.push("session_id: must be a non-empty string");
	if (problems.length) return failure(id, INVALID_PARAMS, problems.join("; "), { code: "VALIDATION_ERROR" });
	let result: AskResult;
	try {
		result = await mcp.ask(args.message, args.session_id);
	} catch (err) {
		const refusal = toHttpError(err);
		return failure(id, REFUSED, refusal.message, { code: refusal.code, details: refusal.details });
	}
	if (result.error) {
		return success(id, { content: [{ type: "text", text: `${result.error.code}: ${result.error.message}` }], isError: true });
	}
	return success(id, { content: [{ type: "text", text: result.reply }], structuredContent: { reply: result.reply, session_id: result.session_id } });
}
