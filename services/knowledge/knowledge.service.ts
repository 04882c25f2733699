import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import { embedQuery, fetchHits, forEachDoc, indexEvent, SEARCH_MODES, type IndexChange, type SearchMode } from "../../lib/search";
import { defaultSettings, SettingsCache, type Settings } from "../../lib/settings";
import { writeUnique, type Filter, type Repository } from "../../lib/store";
import { displayName, LIST_QUERY, listOptions, query, substringFilter, withBodyChecks } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { notFoundReferences } from "../agents/references";
import { DOCUMENT_ACTIONS, failInterrupted } from "./documents";
import { dropChunks, IngestQueue, type IngestDeps } from "./ingest";
import { KnowledgeIndex } from "./knowledge-index";
import {
	chunkingProblems,
	COLLECTION_SCHEMA,
	DEFAULT_CHUNK_OVERLAP,
	DEFAULT_CHUNK_SIZE,
	DOCUMENT_SCHEMA,
	presentCollection,
	SEARCH_HIT_SCHEMA,
	SEARCH_RESULT_SCHEMA,
	type ChunkDoc,
	type CollectionDoc,
	type DocumentDoc
} from "./model";

interface KnowledgeThis extends PlatformThis {
	repos: { collections: Repository<CollectionDoc>; documents: Repository<DocumentDoc>; chunks: Repository<ChunkDoc> };
	index: KnowledgeIndex;
	ingestQueue: IngestQueue;
	settingsCache: SettingsCache;
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal; auditResourceId?: string }>;

interface SearchParams {
	query: string;
	collection_ids?: string[];
	limit?: number;
	search_mode?: SearchMode;
	min_score?: number;
}

/** Documents processed at once per node; more wait `pending`. */
const INGEST_CONCURRENCY = 2;

const SEARCH_PARAMS = {
	query: { type: "string", min: 1, max: 4000 },
	collection_ids: { type: "array", items: { type: "string", min: 1, max: 64 }, max: 100, optional: true },
	limit: { type: "number", integer: true, min: 1, max: 50, optional: true },
	search_mode: { type: "enum", values: [...SEARCH_MODES], optional: true },
	min_score: { type: "number", min: 0, max: 1, optional: true }
};

const KnowledgeService: Schema<KnowledgeThis> = {
	name: "knowledge",
	mixins: [
		StoreMixin({
			collections: [{ fields: ["org_id", "name"], unique: true }],
			documents: [{ fields: ["org_id", "collection_id", "name"] }],
			chunks: [{ fields: ["org_id", "document_id"] }, { fields: ["org_id", "collection_id"] }]
		})
	],
	settings: { rest: "/knowledge" },
	dependencies: ["admin"],
	metadata: { schemas: { Collection: COLLECTION_SCHEMA, Document: DOCUMENT_SCHEMA, KnowledgeSearchHit: SEARCH_HIT_SCHEMA, KnowledgeSearchResult: SEARCH_RESULT_SCHEMA } },

	actions: {
		createCollection: {
			rest: "POST /collections",
			access: ["knowledge:write"],
			audit: { action: "collection.create" },
			openapi: { summary: "Create a knowledge collection", status: 201, response: "Collection" },
			params: {
				name: withBodyChecks(displayName(), chunkingProblems),
				description: { type: "string", max: 2000, optional: true },
				embedding_model: { type: "string", min: 1, max: 200, optional: true },
				chunk_size: { type: "number", integer: true, min: 200, max: 8000, optional: true },
				chunk_overlap: { type: "number", integer: true, min: 0, optional: true }
			},
			async handler(this: KnowledgeThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				const model: string = p.embedding_model ?? (await this.settingsCache.get()).embedding_model;
				await this.checkEmbeddingModel(ctx, orgId, model);
				const chunkSize = p.chunk_size ?? DEFAULT_CHUNK_SIZE;
				const doc = await writeUnique("name", p.name, () =>
					this.repos.collections.forOrg(orgId).insert({
						id: newId("kcol"),
						name: p.name,
						description: p.description ?? "",
						embedding_model: model,
						chunk_size: chunkSize,
						chunk_overlap: p.chunk_overlap ?? Math.min(DEFAULT_CHUNK_OVERLAP, chunkSize - 1)
					})
				);
				return this.present(ctx, doc);
			}
		},

		listCollections: {
			rest: "GET /collections",
			access: ["knowledge:read"],
			openapi: { summary: "List knowledge collections", response: "List:Collection" },
			params: { ...LIST_QUERY, agent_id: query({ type: "string", max: 64 }), search: query({ type: "string", max: 200 }) },
			async handler(this: KnowledgeThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				let filter: Filter = {};
				if (ctx.params.search !== undefined) filter = substringFilter(ctx.params.search, ["name", "description"]);
				if (ctx.params.agent_id !== undefined) {
					const agent = await callIfPresent<any>(this.broker, "agents.get", { org_id: orgId, agent_id: ctx.params.agent_id }, null, ctx);
					filter.id = { $in: agent?.knowledge_collection_ids ?? [] };
				}
				const page = await this.repos.collections.forOrg(orgId).list(filter, listOptions(ctx.params));
				return { ...page, items: await Promise.all(page.items.map(doc => this.present(ctx, doc))) };
			}
		},

		getCollection: {
			rest: "GET /collections/:collection_id",
			access: ["knowledge:read"],
			openapi: { summary: "Get a knowledge collection", response: "Collection" },
			params: { collection_id: "string" },
			async handler(this: KnowledgeThis, ctx: Ctx) {
				return this.present(ctx, await this.requireCollection(ctx.meta.principal.org_id, ctx.params.collection_id));
			}
		},

		updateCollection: {
			rest: "PUT /collections/:collection_id",
			access: ["knowledge:write"],
			audit: { action: "collection.update" },
			openapi: { summary: "Rename or describe a collection (chunking and model are immutable)", response: "Collection" },
			params: {
				collection_id: "string",
				name: displayName({ optional: true }),
				description: { type: "string", max: 2000, optional: true },
				embedding_model: { type: "any", optional: true },
				chunk_size: { type: "any", optional: true },
				chunk_overlap: { type: "any", optional: true }
			},
			async handler(this: KnowledgeThis, ctx: Ctx) {
				const p = ctx.params;
				const collection = await this.requireCollection(ctx.meta.principal.org_id, p.collection_id);
				const problems = (["embedding_model", "chunk_size", "chunk_overlap"] as const)
					.filter(f => p[f] !== undefined && p[f] !== collection[f])
					.map(f => ({ field: f, message: "is immutable: create a new collection to change it" }));
				if (problems.length) throw errors.validation(problems);
				const set: Partial<CollectionDoc> = {};
				if (p.name !== undefined) set.name = p.name;
				if (p.description !== undefined) set.description = p.description;
				if (!Object.keys(set).length) return this.present(ctx, collection);
				const updated = await writeUnique("name", p.name, () => this.repos.collections.forOrg(collection.org_id).update(collection.id, set));
				return this.present(ctx, updated as CollectionDoc);
			}
		},

		deleteCollection: {
			rest: "DELETE /collections/:collection_id",
			access: ["knowledge:write"],
			audit: { action: "collection.delete" },
			openapi: { summary: "Delete a collection, its documents and chunks; agents lose it (new versions)", status: 204 },
			params: { collection_id: "string" },
			async handler(this: KnowledgeThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const collection = await this.requireCollection(orgId, ctx.params.collection_id);
				await callIfPresent(this.broker, "agents.detachCollectionEverywhere", { org_id: orgId, collection_id: collection.id }, [], ctx);
				await this.repos.collections.forOrg(orgId).delete(collection.id);
				await this.repos.documents.forOrg(orgId).deleteMany({ collection_id: collection.id });
				await dropChunks(this.ingestDeps(), orgId, await this.repos.chunks.forOrg(orgId).find({ collection_id: collection.id }));
				return null;
			}
		},

		...DOCUMENT_ACTIONS,

		searchKnowledge: {
			rest: "POST /search",
			access: ["knowledge:read"],
			openapi: { summary: "Hybrid (semantic + keyword) search over collections", response: "KnowledgeSearchResult" },
			params: SEARCH_PARAMS,
			async handler(this: KnowledgeThis, ctx: Ctx<SearchParams>) {
				return { items: await this.searchChunks(ctx, ctx.meta.principal.org_id, ctx.params, false) };
			}
		},

		attachAgent: {
			rest: "POST /collections/:collection_id/agents",
			access: ["knowledge:write"],
			audit: { action: "collection.attach_agent" },
			openapi: { summary: "Attach the collection to an agent (new agent version)", response: "Collection" },
			params: { collection_id: "string", agent_id: { type: "string", min: 1, max: 64 } },
			async handler(this: KnowledgeThis, ctx: Ctx) {
				const principal = ctx.meta.principal;
				const collection = await this.requireCollection(principal.org_id, ctx.params.collection_id);
				await this.callAgents(ctx, "agents.attachCollection", collection.id, ctx.params.agent_id);
				return this.present(ctx, collection);
			}
		},

		detachAgent: {
			rest: "DELETE /collections/:collection_id/agents/:agent_id",
			access: ["knowledge:write"],
			audit: { action: "collection.detach_agent" },
			openapi: { summary: "Detach the collection from an agent (new agent version)", status: 204 },
			params: { collection_id: "string", agent_id: "string" },
			async handler(this: KnowledgeThis, ctx: Ctx) {
				const collection = await this.requireCollection(ctx.meta.principal.org_id, ctx.params.collection_id);
				await this.callAgents(ctx, "agents.detachCollection", collection.id, ctx.params.agent_id);
				return null;
			}
		},

		// Internal actions (agents, lifecycle, search tools, run retrieval).

		exists: {
			visibility: "public",
			params: { org_id: "string", collection_id: "string" },
			async handler(this: KnowledgeThis, ctx: Context<{ org_id: string; collection_id: string }>) {
				return (await this.repos.collections.forOrg(ctx.params.org_id).count({ id: ctx.params.collection_id })) > 0;
			}
		},

		/** Search for `search` tools and runs; with `skip_missing`, unknown collection ids are ignored instead of 404. */
		search: {
			visibility: "public",
			params: { org_id: "string", ...SEARCH_PARAMS, skip_missing: { type: "boolean", optional: true } },
			async handler(this: KnowledgeThis, ctx: Context<SearchParams & { org_id: string; skip_missing?: boolean }>) {
				const p = ctx.params;
				return { items: await this.searchChunks(ctx, p.org_id, { ...p, query: p.query.slice(0, 4000) }, !!p.skip_missing) };
			}
		},

		purgeOrg: {
			visibility: "public",
			params: { org_id: "string" },
			async handler(this: KnowledgeThis, ctx: Context<{ org_id: string }>) {
				let deleted = 0;
				for (const repo of Object.values(this.repos)) deleted += await repo.forOrg(ctx.params.org_id).deleteMany();
				this.index.dropOrg(ctx.params.org_id);
				return { deleted };
			}
		}
	},

	events: {
		"settings.changed"(this: KnowledgeThis, ctx: Context<Settings>) {
			this.settingsCache.set(ctx.params);
		},
		/** Another instance changed chunks in the shared store: mirror it in this node's index. */
		async [indexEvent("knowledge")](this: KnowledgeThis, ctx: Context<IndexChange>) {
			if (ctx.nodeID === this.broker.nodeID) return;
			const { org_id, upserted, removed } = ctx.params;
			for (const id of removed) this.index.remove({ org_id, id });
			if (upserted.length) for (const chunk of await this.repos.chunks.forOrg(org_id).find({ id: { $in: upserted } })) this.index.put(chunk);
		}
	},

	methods: {
		async requireCollection(this: KnowledgeThis, orgId: string, id: string): Promise<CollectionDoc> {
			const doc = await this.repos.collections.forOrg(orgId).get(id);
			if (!doc) throw errors.notFound("Collection");
			return doc;
		},

		async requireDocument(this: KnowledgeThis, orgId: string, id: string): Promise<DocumentDoc> {
			const doc = await this.repos.documents.forOrg(orgId).get(id);
			if (!doc) throw errors.notFound("Document");
			return doc;
		},

		ingestDeps(this: KnowledgeThis): IngestDeps {
			return { broker: this.broker, documents: this.repos.documents, chunks: this.repos.chunks, index: this.index };
		},

		/** 400 unless `model` is an embedding model of the org's catalogue. */
		async checkEmbeddingModel(this: KnowledgeThis, ctx: Context, orgId: string, model: string) {
			const info = await callIfPresent<any>(this.broker, "providers.modelInfo", { org_id: orgId, model }, model === "mock-embed" ? { type: "embedding" } : null, ctx);
			if (info?.type !== "embedding") throw errors.fieldError("embedding_model", `${model} is not an embedding model of the catalogue: see GET /api/v1/providers/models?type=embedding`);
		},

		async callAgents(this: KnowledgeThis, ctx: Ctx, action: string, collectionId: string, agentId: string) {
			const principal = ctx.meta.principal;
			if (!(await callIfPresent(this.broker, "agents.exists", { org_id: principal.org_id, agent_id: agentId }, false, ctx))) {
				throw errors.notFound("Agent");
			}
			await ctx.call(action, { org_id: principal.org_id, agent_id: agentId, collection_id: collectionId, actor_id: principal.id });
		},

		async present(this: KnowledgeThis, ctx: Context, doc: CollectionDoc) {
			const [documents, agentIds] = await Promise.all([
				this.repos.documents.forOrg(doc.org_id).find({ collection_id: doc.id }),
				callIfPresent<string[]>(this.broker, "agents.usingCollection", { org_id: doc.org_id, collection_id: doc.id }, [], ctx)
			]);
			const chunkCount = documents.reduce((n, d) => n + (d.status === "ready" ? d.chunk_count : 0), 0);
			return presentCollection(doc, { document_count: documents.length, chunk_count: chunkCount }, agentIds);
		},

		/** Ranks chunks of the collections (all of the org by default) for the query (§20 row 10). */
		async searchChunks(this: KnowledgeThis, ctx: Context, orgId: string, p: SearchParams, skipMissing: boolean) {
			const scope = this.repos.collections.forOrg(orgId);
			const ids = p.collection_ids ? [...new Set(p.collection_ids)] : null;
			const collections = await scope.find(ids ? { id: { $in: ids } } : {});
			if (ids && !skipMissing && collections.length < ids.length) {
				const found = new Set(collections.map(c => c.id));
				throw notFoundReferences(
					(p.collection_ids as string[]).flatMap((id, i) => (found.has(id) ? [] : [{ field: `collection_ids[${i}]`, message: `collection ${id} not found` }]))
				);
			}
			if (!collections.length) return [];
			const mode = p.search_mode ?? "hybrid";
			const queryVectors: Record<string, number[]> = {};
			if (mode !== "keyword") {
				for (const model of new Set(collections.map(c => c.embedding_model))) {
					const vector = await embedQuery(this.broker, orgId, model, p.query, ctx);
					if (vector) queryVectors[model] = vector;
					else if (mode === "semantic") throw errors.serviceUnavailable(`The embedding model ${model} is unavailable: use search_mode keyword, or configure a provider serving it`);
				}
			}
			const hits = this.index.search(orgId, {
				text: p.query,
				mode,
				limit: p.limit ?? 5,
				minScore: p.min_score ?? 0,
				collectionIds: collections.map(c => c.id),
				queryVectors
			});
			if (!hits.length) return [];
			const chunks = await fetchHits(this.repos.chunks.forOrg(orgId), hits.map(h => h.id));
			const documents = await fetchHits(this.repos.documents.forOrg(orgId), [...new Set(chunks.map(c => c.document_id))]);
			const chunkById = new Map(chunks.map(c => [c.id, c]));
			const docById = new Map(documents.map(d => [d.id, d]));
			return hits.flatMap(hit => {
				const chunk = chunkById.get(hit.id);
				const document = chunk && docById.get(chunk.document_id);
				if (!chunk || !document) return [];
				return [
					{
						chunk_id: chunk.id,
						document_id: document.id,
						document_name: document.name,
						collection_id: chunk.collection_id,
						content: chunk.content,
						score: hit.score,
						metadata: { ...(document.metadata ?? {}), chunk_index: chunk.index }
					}
				];
			});
		}
	},

	created(this: KnowledgeThis) {
		this.index = new KnowledgeIndex();
		this.ingestQueue = new IngestQueue(INGEST_CONCURRENCY, err => this.logger.error({ err }, "Document ingestion crashed"));
		this.settingsCache = new SettingsCache(
			() => this.broker.call("admin.currentSettings"),
			() => defaultSettings(this.config)
		);
	},

	async started(this: KnowledgeThis) {
		// The search index lives in memory: rebuilt from the stored chunks on every start.
		await forEachDoc(this.repos.chunks.platformWide(), chunk => this.index.put(chunk));
		if (this.store.kind !== "mongo") await failInterrupted(this.repos.documents.platformWide());
	}
};

export default KnowledgeService;
