import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import { announceIndexChange, embedQuery, embedTexts, encodeVector, fetchHits, forEachDoc, indexEvent, isImmediateEmbedder, SEARCH_MODES, type IndexChange, type SearchMode } from "../../lib/search";
import { defaultSettings, SettingsCache, type Settings } from "../../lib/settings";
import type { Filter, Repository } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { LIST_QUERY, listOptions, query, withBodyChecks } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { INTERNAL_ACTIONS } from "./internal";
import { MemoryIndex } from "./memory-index";
import {
	expiresAt,
	isExpired,
	MEMORY_SCHEMA,
	MEMORY_SCOPES,
	MEMORY_SEARCH_RESULT,
	MEMORY_TYPES,
	metadataProblems,
	notExpired,
	presentMemory,
	SCORED_MEMORY_SCHEMA,
	scopeProblems,
	type MemoryDoc,
	type MemoryScope,
	type MemoryType
} from "./model";

interface MemoryThis extends PlatformThis {
	repos: { memories: Repository<MemoryDoc> };
	index: MemoryIndex;
	settingsCache: SettingsCache;
	sweepTimer?: NodeJS.Timeout;
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal; auditDetails?: Record<string, unknown>; $responseHeaders?: Record<string, string> }>;

const ID_RULE = { type: "string", min: 1, max: 64 };
const END_USER_RULE = { type: "string", min: 1, max: 128 };
const CONTENT_RULE = { type: "string", min: 1, max: 32000 };
const IMPORTANCE_RULE = { type: "number", min: 0, max: 1, optional: true };
const SESSION_RULE = { ...END_USER_RULE, optional: true, nullable: true };
const IMMUTABLE = ["agent_id", "memory_type", "scope", "end_user_id"] as const;
const SESSION_HISTORY = 50;
const SWEEP_MS = 60_000;

/** The fields of a new entry, shared by the API and by runs and chats writing memory. */
interface NewEntry {
	memory_type: MemoryType;
	content: string;
	agent_id?: string | null;
	importance?: number;
	metadata?: Record<string, unknown>;
	scope?: MemoryScope;
	end_user_id?: string | null;
	session_id?: string | null;
}

const MemoryService: Schema<MemoryThis> = {
	name: "memory",
	mixins: [StoreMixin({ memories: [{ fields: ["org_id", "agent_id"] }, { fields: ["org_id", "session_id"] }, { fields: ["expires_at"] }] })],
	settings: { rest: "/memory" },
	dependencies: ["admin"],
	metadata: { schemas: { MemoryEntry: MEMORY_SCHEMA, ScoredMemoryEntry: SCORED_MEMORY_SCHEMA, MemorySearchResult: MEMORY_SEARCH_RESULT } },

	actions: {
		createMemory: {
			rest: "POST /",
			access: ["memory:write"],
			audit: { action: "memory.create" },
			openapi: { summary: "Store a memory entry (embedded for semantic search)", status: 201, response: "MemoryEntry" },
			params: {
				memory_type: withBodyChecks({ type: "enum", values: [...MEMORY_TYPES] }, body => [...scopeProblems(body), ...metadataProblems(body.metadata)]),
				content: CONTENT_RULE,
				agent_id: { ...ID_RULE, optional: true, nullable: true },
				importance: IMPORTANCE_RULE,
				metadata: { type: "object", optional: true },
				scope: { type: "enum", values: [...MEMORY_SCOPES], optional: true },
				end_user_id: { ...END_USER_RULE, optional: true, nullable: true },
				session_id: SESSION_RULE
			},
			async handler(this: MemoryThis, ctx: Ctx<NewEntry>) {
				const orgId = ctx.meta.principal.org_id;
				if (ctx.params.agent_id) await this.requireAgent(ctx, orgId, ctx.params.agent_id);
				return presentMemory(await this.createEntry(ctx, orgId, ctx.params));
			}
		},

		listMemories: {
			rest: "GET /",
			access: ["memory:read"],
			openapi: { summary: "List memory entries", response: "List:MemoryEntry" },
			params: {
				...LIST_QUERY,
				agent_id: query({ type: "string", max: 64 }),
				memory_type: query({ type: "enum", values: [...MEMORY_TYPES] }),
				scope: query({ type: "enum", values: [...MEMORY_SCOPES] }),
				end_user_id: query({ type: "string", max: 128 }),
				session_id: query({ type: "string", max: 128 })
			},
			async handler(this: MemoryThis, ctx: Ctx) {
				const filter: Filter = { ...notExpired(nowIso()) };
				for (const key of ["agent_id", "memory_type", "scope", "end_user_id", "session_id"]) if (ctx.params[key] !== undefined) filter[key] = ctx.params[key];
				const page = await this.repos.memories.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(ctx.params));
				return { ...page, items: page.items.map(presentMemory) };
			}
		},

		searchMemories: {
			rest: "POST /search",
			access: ["memory:read"],
			openapi: { summary: "Search memory by meaning and keywords", response: "MemorySearchResult" },
			params: {
				query: { type: "string", min: 1, max: 4000 },
				agent_id: { ...ID_RULE, optional: true },
				memory_type: { type: "enum", values: [...MEMORY_TYPES], optional: true },
				limit: { type: "number", integer: true, min: 1, max: 50, optional: true },
				end_user_id: { ...END_USER_RULE, optional: true },
				scopes: { type: "array", items: { type: "enum", values: [...MEMORY_SCOPES] }, unique: true, optional: true },
				search_mode: { type: "enum", values: [...SEARCH_MODES], optional: true },
				min_score: { type: "number", min: 0, max: 1, optional: true }
			},
			async handler(this: MemoryThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				// An agent of another org (or none) is a filter that matches nothing (§0.3, §0.10).
				if (p.agent_id && !(await callIfPresent(this.broker, "agents.exists", { org_id: orgId, agent_id: p.agent_id }, false, ctx))) return { items: [] };
				const items = await this.search(ctx, orgId, {
					text: p.query,
					mode: p.search_mode ?? "hybrid",
					limit: p.limit ?? 5,
					minScore: p.min_score ?? 0,
					agent_id: p.agent_id,
					end_user_id: p.end_user_id,
					memory_types: p.memory_type ? [p.memory_type] : undefined,
					scopes: p.scopes
				});
				return { items };
			}
		},

		getMemory: {
			rest: "GET /:memory_id",
			access: ["memory:read"],
			openapi: { summary: "Get a memory entry", response: "MemoryEntry" },
			params: { memory_id: "string" },
			async handler(this: MemoryThis, ctx: Ctx) {
				return presentMemory(await this.requireEntry(ctx.meta.principal.org_id, ctx.params.memory_id));
			}
		},

		updateMemory: {
			rest: "PUT /:memory_id",
			access: ["memory:write"],
			audit: { action: "memory.update" },
			openapi: { summary: "Change a memory entry (new content is embedded again)", response: "MemoryEntry" },
			params: {
				memory_id: withBodyChecks({ type: "string" }, body => metadataProblems(body.metadata)),
				content: { ...CONTENT_RULE, optional: true },
				importance: IMPORTANCE_RULE,
				metadata: { type: "object", optional: true },
				session_id: SESSION_RULE,
				...Object.fromEntries(IMMUTABLE.map(f => [f, { type: "any", optional: true }]))
			},
			async handler(this: MemoryThis, ctx: Ctx) {
				const p = ctx.params;
				const entry = await this.requireEntry(ctx.meta.principal.org_id, p.memory_id);
				const problems = IMMUTABLE.filter(f => p[f] !== undefined && p[f] !== (entry[f] ?? null)).map(f => ({ field: f, message: "is immutable" }));
				if (problems.length) throw errors.validation(problems);
				const set: Partial<MemoryDoc> = {};
				for (const key of ["content", "importance", "metadata", "session_id"] as const) if (p[key] !== undefined) (set as any)[key] = p[key];
				if (!Object.keys(set).length) return presentMemory(entry);
				const contentChanged = set.content !== undefined && set.content !== entry.content;
				if (contentChanged) Object.assign(set, { embedding_status: "pending", embedding: null, embedding_model: null });
				const now = nowIso();
				set.expires_at = expiresAt(entry.memory_type, set.session_id !== undefined ? set.session_id : entry.session_id, now);
				let updated = (await this.repos.memories.forOrg(entry.org_id).update(entry.id, set)) as MemoryDoc;
				this.indexed(updated);
				if (contentChanged) updated = await this.embedEntry(updated);
				ctx.broadcast("memory.updated", this.eventOf(updated));
				return presentMemory(updated);
			}
		},

		deleteMemory: {
			rest: "DELETE /:memory_id",
			access: ["memory:write"],
			audit: { action: "memory.delete" },
			openapi: { summary: "Delete a memory entry", status: 204 },
			params: { memory_id: "string" },
			async handler(this: MemoryThis, ctx: Ctx) {
				const entry = await this.requireEntry(ctx.meta.principal.org_id, ctx.params.memory_id);
				await this.repos.memories.forOrg(entry.org_id).delete(entry.id);
				this.unindexed([entry]);
				ctx.broadcast("memory.deleted", { ...this.eventOf(entry), count: 1 });
				return null;
			}
		},

		deleteMemories: {
			rest: "DELETE /",
			access: ["memory:write"],
			audit: { action: "memory.delete", resource: null },
			openapi: {
				summary: "Delete the entries matching the filters (at least one of agent_id, end_user_id, session_id)",
				status: 204,
				query: ["agent_id", "end_user_id", "session_id", "memory_type", "scope"]
			},
			params: {
				agent_id: query({ type: "string", min: 1, max: 64 }),
				end_user_id: query({ type: "string", min: 1, max: 128 }),
				session_id: query({ type: "string", min: 1, max: 128 }),
				memory_type: query({ type: "enum", values: [...MEMORY_TYPES] }),
				scope: query({ type: "enum", values: [...MEMORY_SCOPES] })
			},
			async handler(this: MemoryThis, ctx: Ctx) {
				const p = ctx.params;
				const filter: Filter = {};
				for (const key of ["agent_id", "end_user_id", "session_id", "memory_type", "scope"]) if (p[key] !== undefined) filter[key] = p[key];
				if (filter.agent_id === undefined && filter.end_user_id === undefined && filter.session_id === undefined) {
					throw errors.validation([{ field: "agent_id", message: "at least one of agent_id, end_user_id or session_id is required" }]);
				}
				const count = await this.deleteWhere(ctx.meta.principal.org_id, filter);
				ctx.meta.$responseHeaders = { "X-Deleted-Count": String(count) };
				ctx.meta.auditDetails = { count };
				ctx.broadcast("memory.deleted", { org_id: ctx.meta.principal.org_id, memory_id: null, agent_id: p.agent_id ?? null, memory_type: p.memory_type ?? null, scope: p.scope ?? null, count });
				return null;
			}
		},

		...INTERNAL_ACTIONS
	},

	events: {
		"settings.changed"(this: MemoryThis, ctx: Context<Settings>) {
			this.settingsCache.set(ctx.params);
		},
		/** Another instance changed entries in the shared store: mirror it in this node's index. */
		async [indexEvent("memory")](this: MemoryThis, ctx: Context<IndexChange>) {
			if (ctx.nodeID === this.broker.nodeID) return;
			const { org_id, upserted, removed } = ctx.params;
			for (const id of removed) this.index.remove({ org_id, id });
			if (upserted.length) for (const doc of await this.repos.memories.forOrg(org_id).find({ id: { $in: upserted } })) this.index.put(doc);
		}
	},

	methods: {
		/** Indexes entries here and tells the other instances (shared database) to reload them. */
		indexed(this: MemoryThis, doc: MemoryDoc) {
			this.index.put(doc);
			announceIndexChange(this.broker, "memory", { org_id: doc.org_id, upserted: [doc.id], removed: [] });
		},

		unindexed(this: MemoryThis, docs: MemoryDoc[]) {
			for (const doc of docs) this.index.remove(doc);
			if (docs.length) announceIndexChange(this.broker, "memory", { org_id: docs[0].org_id, upserted: [], removed: docs.map(d => d.id) });
		},

		async requireEntry(this: MemoryThis, orgId: string, id: string): Promise<MemoryDoc> {
			const entry = await this.repos.memories.forOrg(orgId).get(id);
			if (!entry || isExpired(entry)) throw errors.notFound("Memory entry");
			return entry;
		},

		async requireAgent(this: MemoryThis, ctx: Context, orgId: string, agentId: string) {
			const exists = await callIfPresent(this.broker, "agents.exists", { org_id: orgId, agent_id: agentId }, false, ctx);
			if (!exists) throw errors.referenceNotFound("agent_id", "Agent");
		},

		async embeddingModel(this: MemoryThis): Promise<string> {
			return (await this.settingsCache.get()).embedding_model;
		},

		async createEntry(this: MemoryThis, ctx: Context, orgId: string, p: NewEntry): Promise<MemoryDoc> {
			const scope = p.scope ?? "agent";
			const now = nowIso();
			const sessionId = p.session_id ?? null;
			let doc = await this.repos.memories.forOrg(orgId).insert({
				id: newId("mem"),
				agent_id: p.agent_id ?? null,
				memory_type: p.memory_type,
				content: p.content,
				importance: p.importance ?? 0.5,
				metadata: p.metadata ?? {},
				scope,
				end_user_id: p.end_user_id ?? null,
				session_id: sessionId,
				embedding_status: "pending",
				embedding: null,
				embedding_model: null,
				expires_at: expiresAt(p.memory_type, sessionId, now),
				created_at: now,
				updated_at: now
			});
			this.indexed(doc);
			doc = await this.embedEntry(doc);
			ctx.broadcast("memory.created", this.eventOf(doc));
			return doc;
		},

		/**
		 * Embeds the entry with the instance's embedding model. The offline mock answers at once; a real
		 * provider is called in the background and the entry stays `pending` until it answers.
		 */
		async embedEntry(this: MemoryThis, doc: MemoryDoc): Promise<MemoryDoc> {
			const model = await this.embeddingModel();
			const work = async (): Promise<MemoryDoc> => {
				let set: Partial<MemoryDoc>;
				try {
					const [vector] = await embedTexts(this.broker, doc.org_id, model, [doc.content]);
					set = { embedding_status: "ready", embedding: encodeVector(vector), embedding_model: model };
				} catch (err: any) {
					this.logger.warn({ code: err?.type, memory_id: doc.id }, "Embedding a memory entry failed");
					set = { embedding_status: "failed" };
				}
				// Only if the content is still the one embedded (a concurrent PUT re-embeds on its own).
				const updated = await this.repos.memories.forOrg(doc.org_id).updateWhere({ id: doc.id, content: doc.content }, { $set: set });
				if (updated) this.indexed(updated);
				return updated ?? doc;
			};
			if (isImmediateEmbedder(model)) return work();
			work().catch(err => this.logger.warn({ err }, "Background embedding failed"));
			return doc;
		},

		async search(this: MemoryThis, ctx: Context, orgId: string, q: { text: string; mode: SearchMode; limit: number; minScore: number; agent_id?: string; end_user_id?: string; memory_types?: MemoryType[]; scopes?: MemoryScope[] }) {
			const model = await this.embeddingModel();
			const queryVector = q.mode === "keyword" ? null : await embedQuery(this.broker, orgId, model, q.text, ctx);
			if (q.mode === "semantic" && !queryVector) throw errors.serviceUnavailable(`The embedding model ${model} is unavailable: use search_mode keyword, or configure a provider serving it`);
			const shared = q.agent_id
				? await callIfPresent<string[]>(this.broker, "coordination.sharedMemorySources", { org_id: orgId, agent_id: q.agent_id }, [], ctx)
				: [];
			const hits = this.index.search(orgId, {
				text: q.text,
				mode: q.mode,
				limit: q.limit,
				minScore: q.minScore,
				queryVector,
				model,
				visibility: { agent_id: q.agent_id, shared_agent_ids: shared, end_user_id: q.end_user_id, memory_types: q.memory_types, scopes: q.scopes }
			});
			if (!hits.length) return [];
			const docs = await fetchHits(this.repos.memories.forOrg(orgId), hits.map(h => h.id));
			const byId = new Map(docs.map(d => [d.id, d]));
			return hits.filter(h => byId.has(h.id)).map(h => ({ ...presentMemory(byId.get(h.id) as MemoryDoc), score: h.score }));
		},

		/** The last 50 `session` entries of a conversation, oldest first. */
		async sessionHistory(this: MemoryThis, orgId: string, sessionId: string) {
			const docs = await this.repos.memories.forOrg(orgId).find({ session_id: sessionId, memory_type: "session" }, { sort: { created_at: -1, id: -1 }, limit: SESSION_HISTORY });
			return docs.reverse().map(presentMemory);
		},

		async deleteWhere(this: MemoryThis, orgId: string, filter: Filter): Promise<number> {
			const scope = this.repos.memories.forOrg(orgId);
			const doomed = await scope.find(filter);
			if (!doomed.length) return 0;
			const count = await scope.deleteMany({ ...filter, id: { $in: doomed.map(d => d.id) } });
			this.unindexed(doomed);
			return count;
		},

		eventOf(this: MemoryThis, doc: MemoryDoc) {
			return { org_id: doc.org_id, memory_id: doc.id, agent_id: doc.agent_id ?? null, memory_type: doc.memory_type, scope: doc.scope };
		},

		/** Deletes expired `session` entries of every org. */
		async sweepExpired(this: MemoryThis) {
			const all = this.repos.memories.platformWide();
			const expired = await all.find({ expires_at: { $lte: nowIso() } });
			for (const doc of expired) {
				if (await all.deleteMany({ id: doc.id, expires_at: doc.expires_at })) this.unindexed([doc]);
			}
		}
	},

	created(this: MemoryThis) {
		this.index = new MemoryIndex();
		this.settingsCache = new SettingsCache(
			() => this.broker.call("admin.currentSettings"),
			() => defaultSettings(this.config)
		);
	},

	async started(this: MemoryThis) {
		// The search index lives in memory: rebuilt from the store on every start.
		await forEachDoc(this.repos.memories.platformWide(), doc => this.index.put(doc));
		this.sweepTimer = setInterval(() => this.sweepExpired().catch((err: unknown) => this.logger.warn({ err }, "Memory sweep failed")), SWEEP_MS);
		this.sweepTimer.unref();
	},

	stopped(this: MemoryThis) {
		clearInterval(this.sweepTimer);
	}
};

export default MemoryService;
