import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport as SdkTransport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { assertOutboundAllowed, OutboundError, type OutboundPolicy } from "../../lib/outbound";
import type { Transport } from "./model";

/** Largest response body read from an MCP server (one HTTP response, or one SSE stream of a connection). */
export const MAX_RESPONSE_BYTES = 4 * 1_048_576;
const MAX_LIST_PAGES = 50;

export type McpFailureKind = "ssrf" | "timeout" | "unreachable" | "protocol" | "too_large";

/** Why talking to an MCP server failed; the message never carries a credential (callers mask resolved secrets). */
export class McpCallError extends Error {
	constructor(
		readonly kind: McpFailureKind,
		message: string
	) {
		super(message);
		this.name = "McpCallError";
	}
}

/** Where and how to reach one server: everything already resolved (secrets, auth headers, outbound policy). */
export interface McpConnection {
	url: string;
	transport: Transport;
	headers: Record<string, string>;
	policy: OutboundPolicy;
	timeoutMs: number;
	userAgent: string;
}

export interface ListedTool {
	name: string;
	description?: string;
	input_schema?: Record<string, unknown>;
}

/** A `tools/call` result as Fluxgate records it. */
export interface McpToolResult {
	content: unknown[];
	structuredContent?: unknown;
	isError: boolean;
}

/** A response whose body errors once it exceeds `max` bytes. */
function capped(res: Response, max: number, onExceeded: () => void): Response {
	if (!res.body) return res;
	let size = 0;
	const counter = new TransformStream<Uint8Array, Uint8Array>({
		transform(chunk, controller) {
			size += chunk.byteLength;
			if (size > max) {
				onExceeded();
				controller.error(new Error(`response larger than ${max} bytes`));
				return;
			}
			controller.enqueue(chunk);
		}
	});
	return new Response(res.body.pipeThrough(counter), { status: res.status, statusText: res.statusText, headers: res.headers });
}

/**
 * Opens a client on `conn`, runs `op`, closes it. Every HTTP request of the SDK (the SSE stream
 * included) passes the SSRF guard and carries the auth headers; the whole exchange is bounded by
 * `conn.timeoutMs`.
 */
export async function withMcpClient<T>(conn: McpConnection, op: (client: Client, options: { signal: AbortSignal; timeout: number }) => Promise<T>): Promise<T> {
	const abort = new AbortController();
	let failure: McpCallError | null = null;
	let stop: (err: McpCallError) => void = () => undefined;
	// The first failure ends the exchange at once: the SDK would otherwise wait for its request timeout.
	const stopped = new Promise<never>((_resolve, reject) => (stop = reject));
	const fail = (err: McpCallError) => {
		if (!failure) {
			failure = err;
			abort.abort();
			stop(err);
		}
		return err;
	};
	const host = new URL(conn.url).host;
	const timedOut = () => new McpCallError("timeout", `No answer from ${host} within ${conn.timeoutMs} ms`);

	const guardedFetch = async (input: string | URL, init?: RequestInit): Promise<Response> => {
		const url = new URL(typeof input === "string" ? input : input.href);
		try {
			await assertOutboundAllowed(url, conn.policy);
		} catch (err) {
			if (err instanceof OutboundError && err.type === "SSRF_BLOCKED") throw fail(new McpCallError("ssrf", err.message));
			throw fail(new McpCallError("unreachable", err instanceof Error ? err.message : `Cannot reach ${url.host}`));
		}
		const headers = new Headers(init?.headers);
		for (const [name, value] of Object.entries(conn.headers)) headers.set(name, value);
		headers.set("User-Agent", conn.userAgent);
		const signal = init?.signal ? AbortSignal.any([init.signal, abort.signal]) : abort.signal;
		let res: Response;
		try {
			res = await fetch(url, { ...init, headers, signal, redirect: "manual" });
		} catch (err: any) {
			if (abort.signal.aborted) throw fail(timedOut());
			throw fail(new McpCallError("unreachable", `Could not reach ${url.host}: ${err?.cause?.code ?? err?.message ?? "network error"}`));
		}
		if (res.status >= 300 && res.status < 400) throw fail(new McpCallError("unreachable", `${url.host} answered a redirect (HTTP ${res.status}); configure the final URL`));
		if (res.status === 401 || res.status === 403) throw fail(new McpCallError("unreachable", `${url.host} refused the credentials (HTTP ${res.status})`));
		return capped(res, MAX_RESPONSE_BYTES, () => fail(new McpCallError("too_large", `The response from ${url.host} is larger than ${MAX_RESPONSE_BYTES} bytes`)));
	};

	const target = new URL(conn.url);
	const noReconnect = { maxRetries: 0, initialReconnectionDelay: 1000, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 1 };
	const transport: SdkTransport =
		conn.transport === "sse"
			? new SSEClientTransport(target, { fetch: guardedFetch, redirectPolicy: "follow" })
			: new StreamableHTTPClientTransport(target, { fetch: guardedFetch, redirectPolicy: "follow", reconnectionOptions: noReconnect });
	const client = new Client({ name: "fluxgate", version: conn.userAgent.replace(/^Fluxgate\//, "") }, { capabilities: {} });
	client.onerror = () => undefined;

	const timer = setTimeout(() => fail(timedOut()), conn.timeoutMs);
	try {
		const options = { signal: abort.signal, timeout: conn.timeoutMs };
		return await Promise.race([client.connect(transport, options).then(() => op(client, options)), stopped]);
	} catch (err: any) {
		if (failure) throw failure;
		if (abort.signal.aborted || err?.code === -32001) throw timedOut();
		if (typeof err?.code === "number" && err.code < 0) throw new McpCallError("protocol", String(err.message ?? "MCP error"));
		throw new McpCallError("unreachable", `Could not talk MCP with ${host}: ${String(err?.message ?? err)}`);
	} finally {
		clearTimeout(timer);
		// A server that keeps sessions gets this one's end (one client per exchange would leak them otherwise).
		if (transport instanceof StreamableHTTPClientTransport && transport.sessionId && !abort.signal.aborted) {
			await transport.terminateSession().catch(() => undefined);
		}
		abort.abort();
		await client.close().catch(() => undefined);
	}
}

/** `tools/list`, every page. */
export function listTools(conn: McpConnection): Promise<ListedTool[]> {
	return withMcpClient(conn, async (client, options) => {
		const tools: ListedTool[] = [];
		let cursor: string | undefined;
		for (let page = 0; page < MAX_LIST_PAGES; page++) {
			const res = await client.listTools(cursor ? { cursor } : undefined, options);
			for (const t of res.tools) tools.push({ name: t.name, description: t.description, input_schema: t.inputSchema as Record<string, unknown> });
			cursor = res.nextCursor;
			if (!cursor) break;
		}
		return tools;
	});
}

/** `tools/call` of one tool. */
export function callTool(conn: McpConnection, name: string, args: Record<string, unknown>): Promise<McpToolResult> {
	return withMcpClient(conn, async (client, options) => {
		const res: any = await client.callTool({ name, arguments: args }, undefined, options);
		const result: McpToolResult = { content: Array.isArray(res.content) ? res.content : [], isError: res.isError === true };
		if (res.structuredContent !== undefined) result.structuredContent = res.structuredContent;
		if (!Array.isArray(res.content) && res.toolResult !== undefined) result.content = [{ type: "text", text: JSON.stringify(res.toolResult) }];
		return result;
	});
}
