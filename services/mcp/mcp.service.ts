import type { Context } from "moleculer";
import * as errors from "../../lib/errors";
import type { FieldProblem } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import { defaultSettings, SettingsCache, type Settings } from "../../lib/settings";
import { writeUnique } from "../../lib/store";
import { toIso } from "../../lib/time";
import { futureDateTime, LIST_QUERY, listOptions, query, slug, withBodyChecks } from "../../lib/validation";
import { StoreMixin } from "../../mixins/platform.mixin";
import {
	AUTH_TYPES,
	bodyProblems,
	DEFAULT_AUTH_HEADER,
	DEFAULT_REFRESH_SECONDS,
	DISCOVERY_RESULT_SCHEMA,
	MCP_SERVER_SCHEMA,
	presentCredential,
	presentServer,
	SERVER_STATUSES,
	statusFilter,
	tokenProblems,
	TRANSPORTS,
	USER_CREDENTIAL_SCHEMA,
	type McpServerDoc
} from "./model";
import { callServerTool, discoverServer, sealToken, type McpThis } from "./operations";
import { refreshDueServers, REFRESH_SWEEP_MS } from "./refresh";

type Ctx<P = any> = Context<P, { principal: Principal; auditResourceId?: string | null }>;

const writable = () => ({
	url: { type: "string", min: 1, max: 2048, optional: true },
	transport: { type: "enum", values: [...TRANSPORTS], optional: true },
	auth_type: { type: "enum", values: [...AUTH_TYPES], optional: true },
	auth_token: { type: "string", min: 1, max: 8192, optional: true, nullable: true },
	auth_header: { type: "string", min: 1, max: 256, optional: true },
	refresh_interval_seconds: { type: "number", integer: true, min: 300, max: 86400, optional: true },
	enabled: { type: "boolean", optional: true }
});

/** Fields whose change makes an update rediscover the server (§22 row 4). */
const CONNECTION_FIELDS = ["url", "transport", "auth_type", "auth_token", "auth_header"] as const;

const McpService: Schema<McpThis> = {
	name: "mcp",
	mixins: [
		StoreMixin({
			mcp_servers: [{ fields: ["org_id", "name"], unique: true }, { fields: ["next_refresh_at"] }],
			mcp_user_credentials: [{ fields: ["org_id", "server_id", "end_user_id"], unique: true }]
		})
	],
	settings: { rest: "/mcp" },
	dependencies: ["admin"],
	metadata: { schemas: { McpServer: MCP_SERVER_SCHEMA, UserCredential: USER_CREDENTIAL_SCHEMA, McpDiscoveryResult: DISCOVERY_RESULT_SCHEMA } },

	actions: {
		createServer: {
			rest: "POST /servers",
			access: ["mcp:write"],
			audit: { action: "mcp_server.create" },
			openapi: { summary: "Connect an MCP server (its tools are discovered at once)", status: 201, response: "McpServer" },
			params: {
				...writable(),
				name: withBodyChecks(slug(), body => [...bodyProblems(body), ...tokenProblems(body.auth_type ?? "none", body.auth_token != null)]),
				url: { type: "string", min: 1, max: 2048 }
			},
			async handler(this: McpThis, ctx: Ctx) {
				const p = ctx.params;
				const principal = ctx.meta.principal;
				const id = newId("mcp");
				const enabled = p.enabled ?? true;
				const doc = await writeUnique("name", p.name, () =>
					this.repos.mcp_servers.forOrg(principal.org_id).insert({
						id,
						name: p.name,
						url: p.url,
						transport: p.transport ?? "streamable_http",
						auth_type: p.auth_type ?? "none",
						auth_token_ciphertext: p.auth_token == null ? null : sealToken(this, principal.org_id, id, "auth_token", p.auth_token),
						auth_header: p.auth_header ?? DEFAULT_AUTH_HEADER,
						refresh_interval_seconds: p.refresh_interval_seconds ?? DEFAULT_REFRESH_SECONDS,
						enabled,
						connection: "error",
						last_error: null,
						last_discovered_at: null,
						next_refresh_at: Date.now() + (p.refresh_interval_seconds ?? DEFAULT_REFRESH_SECONDS) * 1000,
						created_by: principal.user_id ?? principal.id
					})
				);
				const server = enabled ? (await discoverServer(this, ctx, doc)).server : doc;
				return this.present(ctx, server);
			}
		},

		listServers: {
			rest: "GET /servers",
			access: ["mcp:read"],
			openapi: { summary: "List MCP servers", response: "List:McpServer" },
			params: { ...LIST_QUERY, status: query({ type: "enum", values: [...SERVER_STATUSES] }) },
			async handler(this: McpThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const filter = ctx.params.status ? statusFilter(ctx.params.status) : {};
				const page = await this.repos.mcp_servers.forOrg(orgId).list(filter, listOptions(ctx.params));
				const counts = await this.toolCounts(ctx, orgId, page.items.map(s => s.id));
				return { ...page, items: page.items.map(s => presentServer(s, counts[s.id] ?? 0)) };
			}
		},

		getServer: {
			rest: "GET /servers/:server_id",
			access: ["mcp:read"],
			openapi: { summary: "Get an MCP server", response: "McpServer" },
			params: { server_id: "string" },
			async handler(this: McpThis, ctx: Ctx) {
				return this.present(ctx, await this.requireServer(ctx, ctx.params.server_id));
			}
		},

		updateServer: {
			rest: "PUT /servers/:server_id",
			access: ["mcp:write"],
			audit: { action: "mcp_server.update" },
			openapi: { summary: "Change an MCP server (rediscovered when its connection changes)", response: "McpServer" },
			params: { server_id: withBodyChecks({ type: "string" }, bodyProblems), ...writable(), name: { type: "any", optional: true } },
			async handler(this: McpThis, ctx: Ctx) {
				const p = ctx.params;
				const server = await this.requireServer(ctx, p.server_id);
				const problems: FieldProblem[] = [];
				if (p.name !== undefined && p.name !== server.name) problems.push({ field: "name", message: "is immutable: it prefixes the names of the server's tools" });
				const authType = p.auth_type ?? server.auth_type;
				const hasToken = p.auth_token === undefined ? !!server.auth_token_ciphertext : p.auth_token !== null;
				problems.push(...tokenProblems(authType, hasToken));
				// A new token for the stored auth type (the params check saw only the body's).
				if (p.auth_type === undefined) problems.push(...bodyProblems({ auth_type: server.auth_type, auth_token: p.auth_token }));
				if (problems.length) throw errors.validation(problems);

				const set: Partial<McpServerDoc> = {};
				for (const key of ["url", "transport", "auth_type", "auth_header", "refresh_interval_seconds", "enabled"] as const) {
					if (p[key] !== undefined && p[key] !== server[key]) (set as any)[key] = p[key];
				}
				if (p.auth_token !== undefined) set.auth_token_ciphertext = p.auth_token === null ? null : sealToken(this, server.org_id, server.id, "auth_token", p.auth_token);
				if (set.refresh_interval_seconds !== undefined) set.next_refresh_at = Date.now() + set.refresh_interval_seconds * 1000;
				const reconnect = CONNECTION_FIELDS.some(f => (f === "auth_token" ? p.auth_token !== undefined : f in set)) || (set.enabled === true && !server.enabled);
				const updated = Object.keys(set).length ? ((await this.repos.mcp_servers.forOrg(server.org_id).update(server.id, set)) ?? server) : server;
				const result = reconnect && updated.enabled ? (await discoverServer(this, ctx, updated)).server : updated;
				return this.present(ctx, result);
			}
		},

		deleteServer: {
			rest: "DELETE /servers/:server_id",
			access: ["mcp:write"],
			audit: { action: "mcp_server.delete" },
			openapi: { summary: "Delete an MCP server; its tools are detached from agents and deleted", status: 204 },
			params: { server_id: "string" },
			async handler(this: McpThis, ctx: Ctx) {
				const server = await this.requireServer(ctx, ctx.params.server_id);
				await ctx.call("tools.removeMcpTools", { org_id: server.org_id, server_id: server.id });
				await this.repos.mcp_user_credentials.forOrg(server.org_id).deleteMany({ server_id: server.id });
				await this.repos.mcp_servers.forOrg(server.org_id).delete(server.id);
				return null;
			}
		},

		discover: {
			rest: "POST /servers/:server_id/discover",
			access: ["mcp:write"],
			audit: { action: "mcp_server.discover" },
			openapi: { summary: "Discover the server's tools now", response: "McpDiscoveryResult" },
			params: { server_id: "string" },
			async handler(this: McpThis, ctx: Ctx) {
				const server = await this.requireServer(ctx, ctx.params.server_id);
				const outcome = await discoverServer(this, ctx, server);
				if (!outcome.sync) throw errors.serviceUnavailable(`The MCP server ${server.name} cannot be used: ${outcome.error}`, { server_id: server.id, last_error: outcome.error });
				return {
					server: await this.present(ctx, outcome.server),
					tools_added: outcome.sync.tools_added,
					tools_removed: outcome.sync.tools_removed,
					tools_total: outcome.sync.tools_total
				};
			}
		},

		listTools: {
			rest: "GET /servers/:server_id/tools",
			access: ["mcp:read"],
			openapi: { summary: "The tools discovered on a server", response: "List:Tool" },
			params: { server_id: "string", ...LIST_QUERY, available: query({ type: "boolean" }) },
			async handler(this: McpThis, ctx: Ctx) {
				const server = await this.requireServer(ctx, ctx.params.server_id);
				const { limit, offset, order, available } = ctx.params;
				return ctx.call("tools.listMcpTools", { org_id: server.org_id, server_id: server.id, available, ...listOptions({ limit, offset, order }) });
			}
		},

		createCredential: {
			rest: "POST /servers/:server_id/user-credentials",
			access: ["mcp:write"],
			// The credential, not the server of the path, is the audited resource.
			audit: { action: "mcp_credential.create", resource: null },
			openapi: { summary: "Store an end user's own token for a per_user_bearer server", status: 201, response: "UserCredential" },
			params: {
				server_id: "string",
				end_user_id: { type: "string", min: 1, max: 128 },
				token: { type: "string", min: 1, max: 8192 },
				expires_at: futureDateTime({ optional: true, nullable: true })
			},
			async handler(this: McpThis, ctx: Ctx) {
				const p = ctx.params;
				const server = await this.requireServer(ctx, p.server_id);
				if (server.auth_type !== "per_user_bearer") {
					throw errors.fieldError("server_id", `the server's auth_type is ${server.auth_type}: user credentials need auth_type per_user_bearer`);
				}
				const id = newId("mcpcred");
				const doc = await writeUnique("end_user_id", p.end_user_id, () =>
					this.repos.mcp_user_credentials.forOrg(server.org_id).insert({
						id,
						server_id: server.id,
						end_user_id: p.end_user_id,
						token_ciphertext: sealToken(this, server.org_id, id, "token", p.token),
						expires_at: p.expires_at == null ? null : toIso(p.expires_at)
					})
				);
				ctx.meta.auditResourceId = doc.id;
				return presentCredential(doc);
			}
		},

		listCredentials: {
			rest: "GET /servers/:server_id/user-credentials",
			access: ["mcp:read"],
			openapi: { summary: "End-user credentials of a server (tokens never shown)", response: "List:UserCredential" },
			params: { server_id: "string", ...LIST_QUERY, end_user_id: query({ type: "string", max: 128 }) },
			async handler(this: McpThis, ctx: Ctx) {
				const server = await this.requireServer(ctx, ctx.params.server_id);
				const filter: Record<string, unknown> = { server_id: server.id };
				if (ctx.params.end_user_id !== undefined) filter.end_user_id = ctx.params.end_user_id;
				const page = await this.repos.mcp_user_credentials.forOrg(server.org_id).list(filter, listOptions(ctx.params));
				return { ...page, items: page.items.map(presentCredential) };
			}
		},

		deleteCredential: {
			rest: "DELETE /servers/:server_id/user-credentials/:end_user_id",
			access: ["mcp:write"],
			audit: { action: "mcp_credential.delete", resource: null },
			openapi: { summary: "Delete an end user's credential", status: 204 },
			params: { server_id: "string", end_user_id: "string" },
			async handler(this: McpThis, ctx: Ctx) {
				const server = await this.requireServer(ctx, ctx.params.server_id);
				const repo = this.repos.mcp_user_credentials.forOrg(server.org_id);
				const cred = await repo.findOne({ server_id: server.id, end_user_id: ctx.params.end_user_id });
				if (!cred) throw errors.notFound("User credential");
				ctx.meta.auditResourceId = cred.id;
				await repo.delete(cred.id);
				return null;
			}
		},

		// Internal actions.

		/** `tools/call` of an `mcp` tool; `tools.invoke` dispatches here after its own checks. */
		callTool: {
			visibility: "public",
			params: {
				org_id: "string",
				server_id: "string",
				mcp_tool_name: "string",
				input: { type: "object", optional: true },
				timeout_ms: { type: "number", integer: true, min: 1 },
				run_id: { type: "string", optional: true, nullable: true },
				agent_id: { type: "string", optional: true, nullable: true },
				end_user_id: { type: "string", optional: true, nullable: true }
			},
			async handler(this: McpThis, ctx: Context<any>) {
				return callServerTool(this, ctx, { ...ctx.params, input: ctx.params.input ?? {} });
			}
		},

		/** Rediscovers every enabled server whose refresh is due (each claimed by one node); runs periodically. */
		refreshDue: {
			visibility: "public",
			async handler(this: McpThis, ctx: Context) {
				return refreshDueServers(this, ctx);
			}
		}
	},

	events: {
		"settings.changed"(this: McpThis, ctx: Context<Settings>) {
			this.settingsCache.set(ctx.params);
		}
	},

	methods: {
		async requireServer(this: McpThis, ctx: Ctx, id: string): Promise<McpServerDoc> {
			const server = await this.repos.mcp_servers.forOrg(ctx.meta.principal.org_id).get(id);
			if (!server) throw errors.notFound("MCP server");
			return server;
		},

		async toolCounts(this: McpThis, ctx: Context, orgId: string, serverIds: string[]): Promise<Record<string, number>> {
			if (!serverIds.length) return {};
			return ctx.call("tools.countMcpTools", { org_id: orgId, server_ids: serverIds });
		},

		async present(this: McpThis, ctx: Context, doc: McpServerDoc) {
			const counts = await this.toolCounts(ctx, doc.org_id, [doc.id]);
			return presentServer(doc, counts[doc.id] ?? 0);
		}
	},

	created(this: McpThis) {
		this.settingsCache = new SettingsCache(
			() => this.broker.call("admin.currentSettings"),
			() => defaultSettings(this.config)
		);
	},

	started(this: McpThis) {
		this.refreshTimer = setInterval(() => {
			// No timeout: each discovery is bounded by its own, and a sweep may hold several.
			this.broker.call("mcp.refreshDue", {}, { nodeID: this.broker.nodeID, timeout: 0 }).catch((err: unknown) => this.logger.warn({ err }, "Refreshing MCP servers failed"));
		}, REFRESH_SWEEP_MS);
		this.refreshTimer.unref();
	},

	stopped(this: McpThis) {
		clearInterval(this.refreshTimer);
	}
};

export default McpService;
