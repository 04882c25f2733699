import type { Context } from "moleculer";
import { FluxError } from "../../lib/errors";
import { outboundPolicy } from "../../lib/outbound";
import type { SettingsCache } from "../../lib/settings";
import type { Repository } from "../../lib/store";
import { nowIso } from "../../lib/time";
import type { PlatformThis } from "../../mixins/platform.mixin";
import { decryptValue, encryptValue } from "../secrets/vault";
import type { SyncResult } from "../tools/mcp-tools";
import { callTool, listTools, McpCallError, type McpFailureKind } from "./client";
import { masked, prepareConnection, type Prepared } from "./connection";
import { isExpired, type McpServerDoc, type UserCredentialDoc } from "./model";

/** Discovery on create, update and `discover` gives the server this long (§22 row 1: "within 10 s"). */
export const DISCOVERY_TIMEOUT_MS = 10_000;

export interface McpThis extends PlatformThis {
	repos: { mcp_servers: Repository<McpServerDoc>; mcp_user_credentials: Repository<UserCredentialDoc> };
	settingsCache: SettingsCache;
	refreshTimer?: NodeJS.Timeout;
	broker: any;
	logger: any;
	[k: string]: any;
}

const vaultContext = (orgId: string, id: string, field: string) => `${orgId}:${id}:${field}`;

export const sealToken = (svc: McpThis, orgId: string, id: string, field: string, value: string) =>
	encryptValue(value, svc.platform.masterKey, vaultContext(orgId, id, field));

const openToken = (svc: McpThis, orgId: string, id: string, field: string, stored: string) =>
	decryptValue(stored, svc.platform.masterKey, vaultContext(orgId, id, field));

export const serverToken = (svc: McpThis, server: McpServerDoc): string | null =>
	server.auth_token_ciphertext ? openToken(svc, server.org_id, server.id, "auth_token", server.auth_token_ciphertext) : null;

const credentialToken = (svc: McpThis, cred: UserCredentialDoc): string => openToken(svc, cred.org_id, cred.id, "token", cred.token_ciphertext);

/** Everything a connection to `server` needs, with `token` (null = none) and secret references resolved for `agentId`. */
async function prepare(svc: McpThis, ctx: Context, server: McpServerDoc, token: string | null, agentId: string | null, timeoutMs: number): Promise<Prepared> {
	const settings = await svc.settingsCache.get();
	return prepareConnection({
		server,
		token,
		resolve: async value => {
			if (!(svc.broker.registry as any).actions.isAvailable("secrets.resolve")) {
				throw new FluxError(404, "SECRET_NOT_FOUND", "Secret references cannot be resolved: the secrets module does not run on this installation");
			}
			return ctx.call("secrets.resolve", { org_id: server.org_id, agent_id: agentId, value });
		},
		policy: outboundPolicy(settings, svc.config.allowPrivateNetwork),
		timeoutMs,
		userAgent: `Fluxgate/${svc.config.version}`
	});
}

export interface DiscoveryOutcome {
	server: McpServerDoc;
	sync: SyncResult | null;
	/** Why discovery failed (secret values masked), or null. */
	error: string | null;
}

/**
 * `tools/list` against the server, then the tools module registers the result. Success sets
 * `connected` and emits `mcp.tools_discovered`; failure sets `error` with `last_error` and emits
 * `mcp.server_error`. Either way the next periodic refresh is scheduled.
 */
export async function discoverServer(svc: McpThis, ctx: Context, server: McpServerDoc, timeoutMs = DISCOVERY_TIMEOUT_MS): Promise<DiscoveryOutcome> {
	const repo = svc.repos.mcp_servers.forOrg(server.org_id);
	const nextRefresh = Date.now() + server.refresh_interval_seconds * 1000;
	let masks: string[] = [];
	try {
		const prepared = await prepare(svc, ctx, server, serverToken(svc, server), null, timeoutMs);
		masks = prepared.masks;
		const tools = await listTools(prepared.conn);
		const sync: SyncResult = await ctx.call("tools.syncMcpTools", {
			org_id: server.org_id,
			server_id: server.id,
			server_name: server.name,
			tools: masked(tools, masks)
		});
		const updated = (await repo.update(server.id, { connection: "connected", last_error: null, last_discovered_at: nowIso(), next_refresh_at: nextRefresh })) ?? server;
		ctx.broadcast("mcp.tools_discovered", {
			org_id: server.org_id,
			server_id: server.id,
			tools_added: sync.tools_added,
			tools_removed: sync.tools_removed,
			tools_total: sync.tools_total,
			error: null
		});
		return { server: updated, sync, error: null };
	} catch (err: any) {
		const message = masked(discoveryError(err), masks);
		if (!(err instanceof McpCallError) && !hasContractCode(err)) svc.logger.error({ err: masked(String(err?.stack ?? err), masks), server_id: server.id }, "MCP discovery failed unexpectedly");
		const updated = (await repo.update(server.id, { connection: "error", last_error: message, next_refresh_at: nextRefresh })) ?? server;
		ctx.broadcast("mcp.server_error", { org_id: server.org_id, server_id: server.id, tools_added: [], tools_removed: [], error: message });
		return { server: updated, sync: null, error: message };
	}
}

/** A platform error with a stable code (a FluxError, also once it crossed the transporter). */
const hasContractCode = (err: any): boolean => typeof err?.type === "string" && /^[A-Z][A-Z_]+$/.test(err.type) && typeof err?.message === "string";

function discoveryError(err: any): string {
	if (err instanceof McpCallError) return err.message;
	if (hasContractCode(err)) return `${err.type}: ${err.message}`;
	return "Discovery failed unexpectedly";
}

/** Step error code of a failed MCP call (§2). */
const CALL_CODES: Record<McpFailureKind, string> = {
	ssrf: "TOOL_SSRF_BLOCKED",
	timeout: "TOOL_TIMEOUT",
	too_large: "TOOL_RESPONSE_TOO_LARGE",
	unreachable: "TOOL_HTTP_ERROR",
	protocol: "TOOL_HTTP_ERROR"
};

const stepError = (code: string, message: string, output: unknown = null) => new FluxError(code === "MCP_USER_CREDENTIAL_MISSING" ? 403 : 502, code, message, { output });

export interface CallParams {
	org_id: string;
	server_id: string;
	mcp_tool_name: string;
	input: Record<string, unknown>;
	timeout_ms: number;
	run_id?: string | null;
	agent_id?: string | null;
	end_user_id?: string | null;
}

/** The end user's credential for a `per_user_bearer` server, or MCP_USER_CREDENTIAL_MISSING. */
async function userCredential(svc: McpThis, server: McpServerDoc, endUserId: string | null | undefined): Promise<UserCredentialDoc> {
	if (!endUserId) throw stepError("MCP_USER_CREDENTIAL_MISSING", `${server.name} calls run with the end user's own token: start the run with an end_user_id`);
	const cred = await svc.repos.mcp_user_credentials.forOrg(server.org_id).findOne({ server_id: server.id, end_user_id: endUserId });
	if (!cred) throw stepError("MCP_USER_CREDENTIAL_MISSING", `No credential of end user ${endUserId} is stored for ${server.name}`);
	if (isExpired(cred)) throw stepError("MCP_USER_CREDENTIAL_MISSING", `The credential of end user ${endUserId} for ${server.name} expired at ${cred.expires_at}`);
	return cred;
}

/**
 * One `tools/call` on behalf of a run or a tool test (`tools.invoke` dispatches `mcp` tools here).
 * Failures are FluxErrors whose `type` is the step error code and whose details carry the output.
 */
export async function callServerTool(svc: McpThis, ctx: Context, p: CallParams): Promise<unknown> {
	const server = await svc.repos.mcp_servers.forOrg(p.org_id).get(p.server_id);
	if (!server) throw stepError("TOOL_UNAVAILABLE", "The MCP server of this tool no longer exists");
	if (!server.enabled) throw stepError("TOOL_UNAVAILABLE", `The MCP server ${server.name} is disabled`);
	const cred = server.auth_type === "per_user_bearer" ? await userCredential(svc, server, p.end_user_id) : null;
	const token = cred ? credentialToken(svc, cred) : serverToken(svc, server);
	let masks: string[] = token ? [token] : [];
	let outcome: "success" | "failure" = "failure";
	try {
		const prepared = await prepare(svc, ctx, server, token, p.agent_id ?? null, p.timeout_ms);
		masks = prepared.masks;
		const result = masked(await callTool(prepared.conn, p.mcp_tool_name, p.input), masks);
		if (result.isError) throw stepError("TOOL_HTTP_ERROR", `The MCP tool ${p.mcp_tool_name} reported an error`, result);
		outcome = "success";
		return { content: result.content, ...(result.structuredContent !== undefined ? { structuredContent: result.structuredContent } : {}) };
	} catch (err: any) {
		if (err instanceof McpCallError) throw stepError(CALL_CODES[err.kind], masked(err.message, masks));
		throw err;
	} finally {
		if (cred) await auditCredentialUse(svc, ctx, cred, server, p, outcome);
	}
}

/** `mcp_credential.use` (§18): one entry per tool call made with an end user's credential. */
async function auditCredentialUse(svc: McpThis, ctx: Context, cred: UserCredentialDoc, server: McpServerDoc, p: CallParams, outcome: "success" | "failure") {
	await ctx
		.call("audit.record", {
			org_id: server.org_id,
			actor_type: "system",
			actor_id: null,
			actor_name: null,
			action: "mcp_credential.use",
			resource_id: cred.id,
			outcome,
			status_code: null,
			details: { server_id: server.id, end_user_id: cred.end_user_id, mcp_tool_name: p.mcp_tool_name, run_id: p.run_id ?? null, agent_id: p.agent_id ?? null },
			ip: null,
			user_agent: null,
			request_id: ctx.requestID ?? null
		})
		.catch((err: unknown) => svc.logger.error({ err, credential_id: cred.id }, "Could not audit the use of an end-user MCP credential"));
}
