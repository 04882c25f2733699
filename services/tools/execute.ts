import type { OutboundPolicy } from "../../lib/outbound";
import { queryMongo, queryPostgres } from "./database";
import { ToolCallError, toolUnavailable } from "./errors";
import { runFunction } from "./functions";
import type { ToolDoc, ToolError } from "./model";
import { callRest } from "./rest";
import { SecretScope, type SecretResolver } from "./secrets";

/** What a call needs from the platform; the service supplies these, unit tests supply stubs. */
export interface ExecuteEnv {
	resolveSecrets: SecretResolver;
	outboundPolicy: () => Promise<OutboundPolicy>;
	/** Sent as `Idempotency-Key` by `rest_api` calls: the step id, or the invocation id for test calls. */
	idempotencyKey: string;
	userAgent: string;
	/** `search` tools: knowledge search, or null when no knowledge service runs. */
	knowledgeSearch: ((params: { query: string; collection_ids?: string[]; limit: number }) => Promise<unknown>) | null;
	/** `mcp` tools: the MCP module's call, or null when it does not run. */
	mcpCall: ((params: { server_id: string; mcp_tool_name: string; input: Record<string, unknown>; timeout_ms: number }) => Promise<unknown>) | null;
	signal?: AbortSignal;
}

export interface ExecuteResult {
	status: "success" | "error";
	output: unknown;
	error: ToolError | null;
	/** Whether the failure counts toward the circuit breaker. */
	countsAsFailure: boolean;
	/** The input as recorded (secret values masked). */
	input: unknown;
}

async function dispatch(tool: ToolDoc, input: Record<string, unknown>, env: ExecuteEnv, secrets: SecretScope): Promise<unknown> {
	switch (tool.type) {
		case "rest_api":
			return callRest(tool, input, { secrets, policy: env.outboundPolicy, idempotencyKey: env.idempotencyKey, userAgent: env.userAgent, signal: env.signal });
		case "function":
			return runFunction(String(tool.config?.function), input);
		case "database":
			if (tool.config?.driver === "mongodb") return queryMongo(tool, input, secrets);
			return queryPostgres(tool, input, secrets);
		case "search": {
			if (!env.knowledgeSearch) throw toolUnavailable("Search tools need the knowledge module, which does not run on this installation");
			if (typeof input.query !== "string" || !input.query) throw new ToolCallError("INVALID_TOOL_INPUT", "query: is required (the text to search for)", null, false);
			const ids: string[] = tool.config?.collection_ids ?? [];
			return env.knowledgeSearch({ query: input.query, collection_ids: ids.length ? ids : undefined, limit: tool.config?.limit ?? 5 });
		}
		case "mcp":
			if (!env.mcpCall) throw toolUnavailable("MCP tools need the MCP module, which does not run on this installation");
			return env.mcpCall({ server_id: tool.config?.server_id, mcp_tool_name: tool.config?.mcp_tool_name, input, timeout_ms: tool.timeout_seconds * 1000 });
		default:
			throw toolUnavailable(`Unknown tool type ${String(tool.type)}`);
	}
}

/**
 * Performs one call of a tool with an already validated input. Never throws for a failed call:
 * the result carries the error. Every resolved secret value is masked in input, output and error.
 */
const NOT_COUNTED = new Set(["SECRET_NOT_FOUND", "MCP_USER_CREDENTIAL_MISSING", "INVALID_TOOL_INPUT", "TOOL_NOT_ATTACHED", "TOOL_BLOCKED"]);

/** Any failure of a call as a result; `unexpected` carries errors that are nobody's contract (logged by the caller, never shown). */
export function toFailure(err: any): Omit<ExecuteResult, "input"> & { unexpected?: unknown } {
	if (err instanceof ToolCallError) {
		return { status: "error", output: err.output, error: { code: err.code, message: err.message }, countsAsFailure: err.countsAsFailure };
	}
	const type = typeof err?.type === "string" ? err.type : "";
	const message = String(err?.message ?? "");
	if (NOT_COUNTED.has(type)) return { status: "error", output: null, error: { code: type, message }, countsAsFailure: false };
	if (type.startsWith("TOOL_") || type === "TRUST_POLICY_DENIED") {
		return { status: "error", output: err?.data?.output ?? null, error: { code: type, message }, countsAsFailure: true };
	}
	if (type === "VALIDATION_ERROR") return { status: "error", output: null, error: { code: "INVALID_TOOL_INPUT", message }, countsAsFailure: false };
	if (type === "REQUEST_TIMEOUT") return { status: "error", output: null, error: { code: "TOOL_TIMEOUT", message: "The tool did not answer in time" }, countsAsFailure: true };
	if (type === "SERVICE_NOT_FOUND" || type === "SERVICE_NOT_AVAILABLE" || type === "SERVICE_UNAVAILABLE" || type === "NOT_FOUND") {
		return { status: "error", output: null, error: { code: "TOOL_UNAVAILABLE", message: message || "The tool cannot be reached" }, countsAsFailure: true };
	}
	return { status: "error", output: null, error: { code: "INTERNAL_ERROR", message: "Unexpected error while calling the tool" }, countsAsFailure: true, unexpected: err };
}

/**
 * Performs one call of a tool with an already validated input. Never throws for a failed call:
 * the result carries the error. Every resolved secret value is masked in input, output and error.
 */
export async function executeTool(tool: ToolDoc, input: Record<string, unknown>, env: ExecuteEnv): Promise<ExecuteResult & { unexpected?: unknown }> {
	const secrets = new SecretScope(env.resolveSecrets);
	let result: Omit<ExecuteResult, "input"> & { unexpected?: unknown };
	try {
		const output = await dispatch(tool, input, env, secrets);
		result = { status: "success", output: output ?? null, error: null, countsAsFailure: false };
	} catch (err) {
		result = toFailure(err);
	}
	if (result.unexpected) {
		// Logged by the caller: the message and stack must not carry resolved secret values either.
		const err = result.unexpected as any;
		result.unexpected = { name: err?.name, message: secrets.mask(String(err?.message ?? err)), stack: secrets.mask(String(err?.stack ?? "")) };
	}
	return { ...result, output: secrets.mask(result.output), error: secrets.mask(result.error), input: secrets.mask(input) };
}
