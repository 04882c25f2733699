import type { Schema } from "../../lib/schema";
import type { Context } from "moleculer";
import * as errors from "../../lib/errors";
import { exactFilters, timeRange } from "../../lib/filters";
import { newId } from "../../lib/ids";
import { entitySchema, enumOf, nullable, NULLABLE_STRING, STRING } from "../../lib/openapi-schema";
import type { Principal } from "../../lib/principal";
import type { Filter, Repository } from "../../lib/store";
import { UniqueViolation } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { dateTime, LIST_QUERY, listOptions, query } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { entryHash, GENESIS_HASH, presentEntry, toCsv, verifyChain, type AuditEntry, type StoredEntry } from "./chain";

interface AuditThis extends PlatformThis {
	repos: { entries: Repository<StoredEntry> };
	heads: Map<string, { seq: number; hash: string }>;
	queues: Map<string, Promise<unknown>>;
	pruneTimer: NodeJS.Timeout | null;
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal; $responseType?: string; $responseHeaders?: Record<string, string> }>;

const EXPORT_MAX = 100_000;
const PRUNE_INTERVAL_MS = 6 * 3600 * 1000;

const FILTERS = {
	actor_id: query({ type: "string", max: 64 }),
	actor_type: query({ type: "enum", values: ["user", "api_key", "system", "public", "anonymous"] }),
	action: query({ type: "string", max: 100 }),
	resource_type: query({ type: "string", max: 100 }),
	resource_id: query({ type: "string", max: 64 }),
	outcome: query({ type: "enum", values: ["success", "failure", "denied"] }),
	start: dateTime({ optional: true }),
	end: dateTime({ optional: true })
};

const ENTRY_SCHEMA = entitySchema({
	actor_type: enumOf(["user", "api_key", "system", "public", "anonymous"]),
	actor_id: NULLABLE_STRING,
	actor_name: NULLABLE_STRING,
	action: STRING,
	resource_type: STRING,
	resource_id: NULLABLE_STRING,
	outcome: enumOf(["success", "denied", "failure"]),
	status_code: nullable("integer"),
	details: { type: "object" },
	ip: NULLABLE_STRING,
	user_agent: NULLABLE_STRING,
	request_id: NULLABLE_STRING,
	prev_hash: STRING,
	hash: STRING
});

function filterOf(params: Record<string, any>): Filter {
	const filter = exactFilters(params, ["actor_id", "actor_type", "action", "resource_type", "resource_id", "outcome"]);
	const created = timeRange(params.start, params.end);
	if (created) filter.created_at = created;
	return filter;
}

const AuditService: Schema<AuditThis> = {
	name: "audit",
	mixins: [StoreMixin({ entries: [{ fields: ["org_id", "seq"], unique: true }, { fields: ["created_at"] }] })],
	settings: { rest: "/audit" },
	metadata: { schemas: { AuditEntry: ENTRY_SCHEMA } },

	actions: {
		list: {
			rest: "GET /logs",
			access: ["audit:read"],
			openapi: { summary: "Query the audit log", response: "List:AuditEntry" },
			params: { ...LIST_QUERY, ...FILTERS },
			async handler(this: AuditThis, ctx: Ctx) {
				const page = await this.repos.entries.forOrg(ctx.meta.principal.org_id).list(filterOf(ctx.params), listOptions(ctx.params));
				return { ...page, items: page.items.map(presentEntry) };
			}
		},

		export: {
			rest: "GET /logs/export",
			access: ["audit:read"],
			openapi: { summary: "Export the audit log as a JSON or CSV attachment", response: { type: "array" } },
			params: { ...FILTERS, format: query({ type: "enum", values: ["json", "csv"] }) },
			async handler(this: AuditThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const entries = (await this.repos.entries.forOrg(orgId).find(filterOf(ctx.params), { sort: { seq: -1 }, limit: EXPORT_MAX })).map(presentEntry);
				const org: any = await ctx.call("admin.getOrg", { id: orgId });
				const format = ctx.params.format ?? "json";
				const date = nowIso().slice(0, 10).replace(/-/g, "");
				ctx.meta.$responseType = format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
				ctx.meta.$responseHeaders = { "Content-Disposition": `attachment; filename="audit-${org?.slug ?? orgId}-${date}.${format}"` };
				return format === "csv" ? toCsv(entries) : JSON.stringify(entries);
			}
		},

		get: {
			rest: "GET /logs/:log_id",
			access: ["audit:read"],
			openapi: { summary: "Get one audit entry", response: "AuditEntry" },
			params: { log_id: "string" },
			async handler(this: AuditThis, ctx: Ctx) {
				const entry = await this.repos.entries.forOrg(ctx.meta.principal.org_id).get(ctx.params.log_id);
				if (!entry) throw errors.notFound("Audit entry");
				return presentEntry(entry);
			}
		},

		verify: {
			rest: "GET /verify",
			access: ["audit:read"],
			openapi: { summary: "Recompute the hash chain and report the first broken entry", response: { type: "object" } },
			params: { start: FILTERS.start, end: FILTERS.end },
			async handler(this: AuditThis, ctx: Ctx) {
				const entries = await this.repos.entries.forOrg(ctx.meta.principal.org_id).find(filterOf(ctx.params), { sort: { seq: 1 } });
				return verifyChain(entries.map(presentEntry));
			}
		},

		/** Appends one entry to its org's chain; called by the gateway and by modules that audit work. */
		record: {
			visibility: "public",
			params: {
				org_id: "string",
				actor_type: { type: "enum", values: ["user", "api_key", "system", "public", "anonymous"] },
				action: "string",
				outcome: { type: "enum", values: ["success", "failure", "denied"] }
			},
			handler(this: AuditThis, ctx: Context<any>) {
				return this.enqueue(ctx.params.org_id, () => this.append(ctx.params));
			}
		}
	},

	methods: {
		/** Entries of one org are chained one at a time in this process. */
		enqueue<T>(this: AuditThis, orgId: string, work: () => Promise<T>): Promise<T> {
			const previous = this.queues.get(orgId) ?? Promise.resolve();
			const next = previous.then(work, work);
			const settled = next.catch(() => undefined);
			this.queues.set(orgId, settled);
			settled.then(() => {
				if (this.queues.get(orgId) === settled) this.queues.delete(orgId);
			});
			return next;
		},

		async head(this: AuditThis, orgId: string, fresh: boolean) {
			let head = fresh ? undefined : this.heads.get(orgId);
			if (!head) {
				const [last] = await this.repos.entries.forOrg(orgId).find({}, { sort: { seq: -1 }, limit: 1 });
				head = last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
				this.heads.set(orgId, head);
			}
			return head;
		},

		async append(this: AuditThis, input: Record<string, any>): Promise<AuditEntry> {
			// The unique (org_id, seq) index keeps one chain when several nodes write: the loser re-reads the head.
			for (let attempt = 0; attempt < 20; attempt++) {
				const head = await this.head(input.org_id, attempt > 0);
				const now = nowIso();
				const action = String(input.action);
				const entry: Omit<AuditEntry, "hash"> = {
					id: newId("aud"),
					org_id: input.org_id,
					actor_type: input.actor_type,
					actor_id: input.actor_id ?? null,
					actor_name: input.actor_name ?? null,
					action,
					resource_type: action.split(".")[0],
					resource_id: input.resource_id ?? null,
					outcome: input.outcome,
					status_code: input.status_code ?? null,
					details: input.details ?? {},
					ip: input.ip ?? null,
					user_agent: input.user_agent ?? null,
					request_id: input.request_id ?? null,
					prev_hash: head.hash,
					created_at: now,
					updated_at: now
				};
				const full: AuditEntry = { ...entry, hash: entryHash(entry) };
				try {
					await this.repos.entries.forOrg(input.org_id).insert({ ...full, seq: head.seq + 1 });
					this.heads.set(input.org_id, { seq: head.seq + 1, hash: full.hash });
					return full;
				} catch (err) {
					if (!(err instanceof UniqueViolation)) throw err;
				}
			}
			throw errors.serviceUnavailable("The audit log is too busy to append: retry");
		},

		/** Retention (§18): drop entries older than `audit_retention_days`; the rest still verify from the oldest kept. */
		async prune(this: AuditThis) {
			const settings: any = await this.broker.call("admin.currentSettings");
			const cutoff = new Date(Date.now() - settings.audit_retention_days * 86400_000).toISOString();
			const removed = await this.repos.entries.platformWide().deleteMany({ created_at: { $lt: cutoff } });
			if (removed) this.logger.info({ removed }, "Pruned audit entries past retention");
		}
	},

	created(this: AuditThis) {
		this.heads = new Map();
		this.queues = new Map();
		this.pruneTimer = null;
	},

	started(this: AuditThis) {
		this.pruneTimer = setInterval(() => this.prune().catch((err: unknown) => this.logger.warn({ err }, "Audit pruning failed")), PRUNE_INTERVAL_MS);
		this.pruneTimer.unref();
	},

	stopped(this: AuditThis) {
		if (this.pruneTimer) clearInterval(this.pruneTimer);
	}
};

export default AuditService;
