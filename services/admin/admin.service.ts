import type { Schema } from "../../lib/schema";
import os from "node:os";
import type { Context } from "moleculer";
import { actionsNamed, callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { BOOLEAN, enumOf, INTEGER, nullable, NULLABLE_STRING, NUMBER, objectSchema, STRING, STRINGS, TIMESTAMP } from "../../lib/openapi-schema";
import { newId } from "../../lib/ids";
import { ruleToSchema } from "../api/openapi";
import type { Principal } from "../../lib/principal";
import { defaultSettings, type Settings } from "../../lib/settings";
import type { Repository } from "../../lib/store";
import { UniqueViolation } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { displayName, email, LIST_QUERY, listOptions, password, query, slug, substringFilter } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { freeSlug, LIMITS_RULE, limitsFrom, slugFrom, type OrgDoc } from "./orgs";

const SETTINGS_ID = "instance";
const ADMIN = "platform_admin" as const;

interface AdminThis extends PlatformThis {
	repos: { orgs: Repository<OrgDoc & { [k: string]: any }>; settings: Repository };
	settingsCache: { value: Settings; at: number } | null;
	[k: string]: any;
}

const SETTINGS_RULES = {
	open_registration: { type: "boolean", optional: true },
	default_rate_limit_per_minute: { type: "number", integer: true, min: 1, max: 100000, optional: true },
	mock_provider_enabled: { type: "boolean", optional: true },
	embedding_model: { type: "string", min: 1, max: 200, optional: true },
	default_agent_replicas: { type: "number", integer: true, min: 1, max: 1000, optional: true },
	audit_retention_days: { type: "number", integer: true, min: 1, max: 36500, optional: true },
	event_retention_days: { type: "number", integer: true, min: 1, max: 36500, optional: true },
	run_retention_days: { type: "number", integer: true, min: 1, max: 36500, optional: true },
	cors_allowed_origins: { type: "array", items: { type: "string", min: 1, max: 500 }, max: 100, optional: true },
	outbound_allowed_hosts: { type: "array", items: { type: "string", min: 1, max: 255 }, max: 500, optional: true },
	allow_private_network: { type: "boolean", optional: true },
	max_body_bytes: { type: "number", integer: true, min: 1024, max: 104857600, optional: true }
};

const ORG_SCHEMA = objectSchema({
	id: STRING,
	name: STRING,
	slug: STRING,
	status: enumOf(["active", "suspended"]),
	limits: objectSchema({ max_concurrent_runs: INTEGER, max_agents: nullable("integer"), rate_limit_per_minute: nullable("integer") }),
	user_count: INTEGER,
	agent_count: INTEGER,
	created_at: TIMESTAMP,
	updated_at: TIMESTAMP
});

const SETTINGS_SCHEMA = objectSchema({
	...Object.fromEntries(Object.entries(SETTINGS_RULES).map(([name, rule]) => [name, ruleToSchema(rule)])),
	maintenance_mode: BOOLEAN,
	maintenance_message: NULLABLE_STRING,
	updated_at: TIMESTAMP
});

const WORKER_SCHEMA = objectSchema({
	node_id: STRING,
	hostname: STRING,
	services: STRINGS,
	agent_replicas: INTEGER,
	cpu_usage: NUMBER,
	memory_usage: NUMBER,
	uptime_seconds: INTEGER,
	status: enumOf(["available", "unavailable"])
});

const AdminService: Schema<AdminThis> = {
	name: "admin",
	mixins: [
		StoreMixin({
			orgs: [{ fields: ["slug"], unique: true }],
			settings: []
		})
	],
	settings: { rest: "/admin" },
	metadata: { schemas: { Org: ORG_SCHEMA, Settings: SETTINGS_SCHEMA, Worker: WORKER_SCHEMA } },

	actions: {
		listOrgs: {
			rest: "GET /orgs",
			access: ADMIN,
			openapi: { summary: "List organizations", response: "List:Org" },
			params: { ...LIST_QUERY, status: query({ type: "enum", values: ["active", "suspended"] }), search: query({ type: "string", max: 100 }) },
			async handler(this: AdminThis, ctx: Context<any>) {
				const filter: Record<string, any> = ctx.params.search ? substringFilter(ctx.params.search, ["name", "slug"]) : {};
				if (ctx.params.status) filter.status = ctx.params.status;
				const page = await this.repos.orgs.platformWide().list(filter, listOptions(ctx.params));
				return { ...page, items: await Promise.all(page.items.map(o => this.presentOrg(ctx, o))) };
			}
		},

		createOrgWithOwner: {
			rest: "POST /orgs",
			access: ADMIN,
			audit: { action: "org.create" },
			openapi: { summary: "Create an organization with its owner", status: 201, response: "Org" },
			params: {
				name: displayName(),
				slug: slug({ optional: true }),
				limits: LIMITS_RULE,
				owner_email: email(),
				owner_name: displayName(),
				owner_password: password()
			},
			async handler(this: AdminThis, ctx: Context<any, any>) {
				const p = ctx.params;
				if (p.slug && (await this.repos.orgs.platformWide().findOne({ slug: p.slug }))) throw errors.alreadyExists("slug", p.slug);
				if (await ctx.call("rbac.emailTaken", { email: p.owner_email })) throw errors.alreadyExists("owner_email", p.owner_email);
				const org = await this.insertOrg({ name: p.name, slug: p.slug, limits: p.limits });
				try {
					await ctx.call("rbac.createOrgUser", {
						org_id: org.id,
						email: p.owner_email,
						name: p.owner_name,
						password: p.owner_password,
						roles: ["owner"]
					});
				} catch (err) {
					await this.repos.orgs.platformWide().delete(org.id);
					throw err;
				}
				return this.presentOrg(ctx, org);
			}
		},

		getOrgAdmin: {
			rest: "GET /orgs/:org_id",
			access: ADMIN,
			openapi: { summary: "Get an organization", response: "Org" },
			params: { org_id: "string" },
			async handler(this: AdminThis, ctx: Context<any>) {
				return this.presentOrg(ctx, await this.requireOrg(ctx.params.org_id));
			}
		},

		updateOrg: {
			rest: "PUT /orgs/:org_id",
			access: ADMIN,
			audit: { action: "org.update" },
			openapi: { summary: "Change an organization's name, status or limits", response: "Org" },
			params: { org_id: "string", name: displayName({ optional: true }), status: { type: "enum", values: ["active", "suspended"], optional: true }, limits: LIMITS_RULE },
			async handler(this: AdminThis, ctx: Context<any, { principal: Principal }>) {
				const { org_id, name, status, limits } = ctx.params;
				await this.requireOrg(org_id);
				if (status === "suspended" && org_id === ctx.meta.principal.org_id) throw errors.selfModification("You cannot suspend your own organization");
				const set: Partial<OrgDoc> = {};
				if (name !== undefined) set.name = name;
				if (status !== undefined) set.status = status;
				if (limits !== undefined) set.limits = limitsFrom(limits);
				const updated = (await this.repos.orgs.platformWide().update(org_id, set)) as OrgDoc;
				ctx.broadcast("org.changed", { org_id });
				return this.presentOrg(ctx, updated);
			}
		},

		deleteOrg: {
			rest: "DELETE /orgs/:org_id",
			access: ADMIN,
			audit: { action: "org.delete" },
			openapi: { summary: "Delete an organization and all its data", status: 204 },
			params: { org_id: "string" },
			async handler(this: AdminThis, ctx: Context<any, { principal: Principal }>) {
				const { org_id } = ctx.params;
				await this.requireOrg(org_id);
				if (org_id === ctx.meta.principal.org_id) throw errors.selfModification("You cannot delete your own organization");
				await this.repos.orgs.platformWide().delete(org_id);
				for (const action of actionsNamed(this.broker, "purgeOrg")) await ctx.call(action, { org_id });
				ctx.broadcast("org.changed", { org_id });
				return null;
			}
		},

		stats: {
			rest: "GET /stats",
			access: ADMIN,
			openapi: { summary: "Instance statistics", response: { type: "object" } },
			async handler(this: AdminThis, ctx: Context) {
				const zero = { runs_total: 0, runs_last_24h: 0, runs_running: 0, runs_queued: 0, tokens_last_24h: 0, cost_usd_last_24h: 0 };
				const [orgs, users, agents, runs] = await Promise.all([
					this.repos.orgs.platformWide().count(),
					ctx.call("rbac.countUsers", {}),
					callIfPresent(this.broker, "agents.countAll", {}, 0, ctx),
					callIfPresent(this.broker, "runtime.stats", {}, zero, ctx)
				]);
				return { orgs, users, agents, ...(runs as object) };
			}
		},

		health: {
			rest: "GET /health",
			access: ADMIN,
			openapi: { summary: "Dependency health", response: { type: "object" } },
			async handler(this: AdminThis, ctx: Context) {
				const checks = await this.checkDependencies();
				const providers = await callIfPresent(this.broker, "providers.healthAll", {}, [], ctx);
				const statuses = Object.values(checks).map((c: any) => c.status);
				const status = checks.database.status === "down" ? "down" : statuses.includes("down") ? "degraded" : "ok";
				return { status, version: this.config.version, uptime_seconds: Math.floor(process.uptime()), checks: { ...checks, providers } };
			}
		},

		getSettings: {
			rest: "GET /settings",
			access: ADMIN,
			openapi: { summary: "Instance settings", response: "Settings" },
			handler(this: AdminThis) {
				return this.loadSettings(true);
			}
		},

		updateSettings: {
			rest: "PUT /settings",
			access: ADMIN,
			audit: { action: "settings.update", resource: null },
			openapi: { summary: "Change instance settings", response: "Settings" },
			params: SETTINGS_RULES,
			async handler(this: AdminThis, ctx: Context<any>) {
				const patch = Object.fromEntries(Object.keys(SETTINGS_RULES).filter(k => ctx.params[k] !== undefined).map(k => [k, ctx.params[k]]));
				return this.saveSettings(ctx, patch);
			}
		},

		workers: {
			rest: "GET /workers",
			access: ADMIN,
			openapi: { summary: "Nodes of the cluster", response: "List:Worker" },
			params: LIST_QUERY,
			async handler(this: AdminThis, ctx: Context<any>) {
				const nodes = (await ctx.call("$node.list", { withServices: true })) as any[];
				const all = await Promise.all(nodes.map(n => this.describeNode(ctx, n)));
				const { limit, offset } = listOptions(ctx.params);
				return { items: all.slice(offset, offset + limit), total: all.length, limit, offset };
			}
		},

		maintenance: {
			rest: "POST /maintenance",
			access: ADMIN,
			audit: { action: "settings.maintenance", resource: null },
			openapi: { summary: "Turn maintenance mode on or off", response: "Settings" },
			params: { enabled: "boolean", message: { type: "string", max: 500, optional: true, nullable: true } },
			async handler(this: AdminThis, ctx: Context<any>) {
				const { enabled, message } = ctx.params;
				return this.saveSettings(ctx, { maintenance_mode: enabled, maintenance_message: enabled ? (message ?? null) : null });
			}
		},

		// Internal actions for other services.

		currentSettings: {
			visibility: "public",
			handler(this: AdminThis) {
				return this.loadSettings(false);
			}
		},

		dependencyChecks: {
			visibility: "public",
			handler(this: AdminThis) {
				return this.checkDependencies(false);
			}
		},

		getOrg: {
			visibility: "public",
			params: { id: "string" },
			handler(this: AdminThis, ctx: Context<{ id: string }>) {
				return this.repos.orgs.platformWide().get(ctx.params.id);
			}
		},

		countOrgs: {
			visibility: "public",
			handler(this: AdminThis) {
				return this.repos.orgs.platformWide().count();
			}
		},

		createOrg: {
			visibility: "public",
			params: { name: "string", slug: { type: "string", optional: true }, id: { type: "string", optional: true } },
			handler(this: AdminThis, ctx: Context<any>) {
				return this.insertOrg(ctx.params);
			}
		},

		removeOrg: {
			visibility: "public",
			params: { id: "string" },
			handler(this: AdminThis, ctx: Context<{ id: string }>) {
				return this.repos.orgs.platformWide().delete(ctx.params.id);
			}
		}
	},

	methods: {
		async requireOrg(this: AdminThis, id: string): Promise<OrgDoc> {
			const org = await this.repos.orgs.platformWide().get(id);
			if (!org) throw errors.notFound("Organization");
			return org;
		},

		async insertOrg(this: AdminThis, input: { id?: string; name: string; slug?: string; limits?: any }): Promise<OrgDoc> {
			const orgs = this.repos.orgs.platformWide();
			for (let attempt = 0; ; attempt++) {
				const slug = input.slug ?? (await freeSlug(slugFrom(input.name), async s => !!(await orgs.findOne({ slug: s }))));
				try {
					return await orgs.insert({
						id: input.id ?? newId("org"),
						name: input.name,
						slug,
						status: "active",
						limits: limitsFrom(input.limits)
					});
				} catch (err) {
					// A concurrent create took the derived slug: derive again; an explicit slug is the client's conflict.
					if (err instanceof UniqueViolation && !input.slug && attempt < 5) continue;
					if (err instanceof UniqueViolation) throw errors.alreadyExists("slug", slug);
					throw err;
				}
			}
		},

		async presentOrg(this: AdminThis, ctx: Context, org: OrgDoc) {
			const [user_count, agent_count] = await Promise.all([
				ctx.call("rbac.countUsers", { org_id: org.id }),
				callIfPresent(this.broker, "agents.countAll", { org_id: org.id }, 0, ctx)
			]);
			const { id, name, slug, status, limits, created_at, updated_at } = org;
			return { id, name, slug, status, limits, user_count, agent_count, created_at, updated_at };
		},

		async loadSettings(this: AdminThis, fresh: boolean): Promise<Settings> {
			if (!fresh && this.settingsCache && Date.now() - this.settingsCache.at < 1000) return this.settingsCache.value;
			const stored = await this.repos.settings.platformWide().get(SETTINGS_ID);
			const { id: _id, created_at: _c, ...values } = stored ?? ({} as Record<string, unknown>);
			const value = { ...defaultSettings(this.config), ...values } as Settings;
			this.settingsCache = { value, at: Date.now() };
			return value;
		},

		async saveSettings(this: AdminThis, ctx: Context, patch: Partial<Settings>): Promise<Settings> {
			const repo = this.repos.settings.platformWide();
			const updated_at = nowIso();
			const done = await repo.updateWhere({ id: SETTINGS_ID }, { $set: { ...patch, updated_at } });
			if (!done) {
				try {
					await repo.insert({ id: SETTINGS_ID, ...patch, updated_at });
				} catch (err) {
					if (!(err instanceof UniqueViolation)) throw err;
					await repo.updateWhere({ id: SETTINGS_ID }, { $set: { ...patch, updated_at } });
				}
			}
			const settings = await this.loadSettings(true);
			ctx.broadcast("settings.changed", settings);
			return settings;
		},

		async checkDependencies(this: AdminThis) {
			const timed = async (probe: () => Promise<unknown>) => {
				const start = Date.now();
				try {
					await probe();
					return { status: "up", latency_ms: Date.now() - start };
				} catch {
					return { status: "down", latency_ms: Date.now() - start };
				}
			};
			const transit: any = (this.broker as any).transit;
			return {
				database: await timed(() => this.store.ping()),
				transporter: transit
					? transit.connected
						? await timed(() => this.broker.call("$node.health"))
						: { status: "down", latency_ms: 0 }
					: { status: "not_configured", latency_ms: 0 },
				cache: this.platform.redis ? await timed(() => this.platform.redis!.ping()) : { status: "not_configured", latency_ms: 0 }
			};
		},

		async describeNode(this: AdminThis, ctx: Context, node: any) {
			const services: string[] = (node.services ?? []).map((s: any) => s.name).filter((n: string) => !n.startsWith("$"));
			let health: any = null;
			if (node.available) health = await ctx.call("$node.health", {}, { nodeID: node.id, timeout: 2000 }).catch(() => null);
			return {
				node_id: node.id,
				hostname: node.hostname ?? os.hostname(),
				services: [...new Set(services)],
				agent_replicas: services.filter(n => n.startsWith("agent-actor.")).length,
				cpu_usage: Number((health?.cpu?.utilization ?? node.cpu ?? 0).toFixed?.(2) ?? 0),
				memory_usage: health ? Number(health.mem.percent.toFixed(2)) : 0,
				uptime_seconds: Math.floor(health?.process?.uptime ?? 0),
				status: node.available ? "available" : "unavailable"
			};
		}
	}
};

export default AdminService;
