import { decodeVector, HybridIndex, type SearchHit, type SearchMode } from "../../lib/search";
import type { ChunkDoc } from "./model";

/** Chunks of every org in the hybrid search engine, with the collection each belongs to. */
export class KnowledgeIndex {
	private readonly engine = new HybridIndex();
	private readonly collectionOf = new Map<string, Map<string, string>>();

	put(chunk: ChunkDoc): void {
		this.engine.upsert(chunk.org_id, { id: chunk.id, text: chunk.content, createdAt: Date.parse(chunk.created_at) });
		if (chunk.embedding && chunk.embedding_model) this.engine.setVector(chunk.org_id, chunk.id, chunk.embedding_model, decodeVector(chunk.embedding));
		let org = this.collectionOf.get(chunk.org_id);
		if (!org) this.collectionOf.set(chunk.org_id, (org = new Map()));
		org.set(chunk.id, chunk.collection_id);
	}

	remove(chunk: Pick<ChunkDoc, "org_id" | "id">): void {
		this.engine.remove(chunk.org_id, chunk.id);
		this.collectionOf.get(chunk.org_id)?.delete(chunk.id);
	}

	dropOrg(orgId: string): void {
		this.engine.dropOrg(orgId);
		this.collectionOf.delete(orgId);
	}

	size(orgId?: string): number {
		return this.engine.size(orgId);
	}

	/** Chunks of `collectionIds` ranked for `text`; `queryVectors` holds the query per embedding model. */
	search(orgId: string, q: { text: string; mode: SearchMode; limit: number; minScore: number; collectionIds: string[]; queryVectors: Record<string, number[]> }): SearchHit[] {
		const org = this.collectionOf.get(orgId);
		if (!org) return [];
		const wanted = new Set(q.collectionIds);
		return this.engine.search(orgId, {
			text: q.text,
			mode: q.mode,
			limit: q.limit,
			minScore: q.minScore,
			accept: id => wanted.has(org.get(id) as string),
			queryVectors: q.queryVectors
		});
	}
}
