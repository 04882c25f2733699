import { OutboundError, outboundFetch, type OutboundPolicy } from "../../lib/outbound";
import { invalidToolInput, ToolCallError } from "./errors";
import type { ToolDoc } from "./model";
import type { SecretScope } from "./secrets";

export const MAX_RESPONSE_BYTES = 1_048_576;
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);
const PATH_PARAM = /(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})/g;

export interface RestEnv {
	secrets: SecretScope;
	policy: () => Promise<OutboundPolicy>;
	idempotencyKey: string;
	userAgent: string;
	signal?: AbortSignal;
}

const encodeValue = (v: unknown): string => (v !== null && typeof v === "object" ? JSON.stringify(v) : String(v));

/** The URL and body of a call: `{param}` placeholders filled (URL-encoded) and removed from the input (§3). */
export function buildRequest(endpoint: string, method: string, input: Record<string, unknown>): { url: string; body: string | undefined } {
	const rest: Record<string, unknown> = { ...input };
	const missing: string[] = [];
	const filled = endpoint.replace(PATH_PARAM, (_m, name: string) => {
		if (rest[name] === undefined || rest[name] === null) {
			missing.push(name);
			return "";
		}
		const value = encodeURIComponent(encodeValue(rest[name]));
		delete rest[name];
		return value;
	});
	if (missing.length) throw invalidToolInput(missing.map(n => `${n}: is required (path parameter)`).join("; "));
	if (BODY_METHODS.has(method)) return { url: filled, body: JSON.stringify(rest) };
	const entries = Object.entries(rest).filter(([, v]) => v !== undefined);
	if (!entries.length) return { url: filled, body: undefined };
	const hashAt = filled.indexOf("#");
	const base = hashAt >= 0 ? filled.slice(0, hashAt) : filled;
	const query = entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(encodeValue(v))}`).join("&");
	return { url: `${base}${base.includes("?") ? "&" : "?"}${query}`, body: undefined };
}

function parseBody(text: string, contentType: string | null): unknown {
	const looksJson = /json/i.test(contentType ?? "") || /^\s*[[{]/.test(text);
	if (!looksJson) return text;
	if (!text.trim()) return null;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

const OUTBOUND_CODES: Record<string, string> = {
	SSRF_BLOCKED: "TOOL_SSRF_BLOCKED",
	TIMEOUT: "TOOL_TIMEOUT",
	RESPONSE_TOO_LARGE: "TOOL_RESPONSE_TOO_LARGE",
	NETWORK_ERROR: "TOOL_HTTP_ERROR"
};

/** Performs a `rest_api` call; answers `{status_code, body}` or throws a ToolCallError (non-2xx keeps the output). */
export async function callRest(tool: ToolDoc, input: Record<string, unknown>, env: RestEnv): Promise<{ status_code: number; body: unknown }> {
	const method = tool.method ?? "GET";
	const { url: template, body } = buildRequest(tool.endpoint as string, method, input);
	const url = await env.secrets.resolve(template);
	const headers: Record<string, string> = { Accept: "application/json, text/plain;q=0.9, */*;q=0.8", "User-Agent": env.userAgent };
	for (const [name, value] of Object.entries(tool.headers ?? {})) headers[name] = await env.secrets.resolve(value);
	if (body !== undefined && !Object.keys(headers).some(h => h.toLowerCase() === "content-type")) headers["Content-Type"] = "application/json";
	for (const name of Object.keys(headers)) if (name.toLowerCase() === "idempotency-key") delete headers[name];
	headers["Idempotency-Key"] = env.idempotencyKey;

	const policy = await env.policy();
	let res;
	try {
		res = await outboundFetch(url, { method, headers, body, timeoutMs: tool.timeout_seconds * 1000, maxBytes: MAX_RESPONSE_BYTES, signal: env.signal }, policy);
	} catch (err) {
		if (err instanceof OutboundError) {
			const code = OUTBOUND_CODES[err.type] ?? "TOOL_HTTP_ERROR";
			const message = code === "TOOL_TIMEOUT" ? `No answer within ${tool.timeout_seconds} s (timeout_seconds of the tool)` : err.message;
			throw new ToolCallError(code, message);
		}
		if (err instanceof TypeError) throw new ToolCallError("TOOL_HTTP_ERROR", `The endpoint is not a valid URL: ${err.message}`, null, false);
		throw err;
	}
	const output = { status_code: res.status, body: parseBody(res.text, res.headers.get("content-type")) };
	if (res.status < 200 || res.status > 299) {
		throw new ToolCallError("TOOL_HTTP_ERROR", `The endpoint answered HTTP ${res.status}`, output);
	}
	return output;
}
