import { decodeVector, HybridIndex, type SearchHit, type SearchMode } from "../../lib/search";
import { factsOf, visibleTo, type MemoryDoc, type MemoryFacts, type VisibilityFilter } from "./model";

export interface MemoryQuery {
	text: string;
	mode: SearchMode;
	limit: number;
	minScore: number;
	visibility: VisibilityFilter;
	/** The query embedded with `model`; null when the embedder failed (keywords only). */
	queryVector: number[] | null;
	model: string;
}

/** Memory entries of every org held in the hybrid search engine, with what visibility needs. */
export class MemoryIndex {
	private readonly engine = new HybridIndex();
	private readonly facts = new Map<string, Map<string, MemoryFacts>>();

	put(doc: MemoryDoc): void {
		this.engine.upsert(doc.org_id, { id: doc.id, text: doc.content, createdAt: Date.parse(doc.created_at) });
		if (doc.embedding_status === "ready" && doc.embedding && doc.embedding_model) {
			this.engine.setVector(doc.org_id, doc.id, doc.embedding_model, decodeVector(doc.embedding));
		}
		let org = this.facts.get(doc.org_id);
		if (!org) this.facts.set(doc.org_id, (org = new Map()));
		org.set(doc.id, factsOf(doc));
	}

	remove(doc: Pick<MemoryDoc, "org_id" | "id">): void {
		this.engine.remove(doc.org_id, doc.id);
		this.facts.get(doc.org_id)?.delete(doc.id);
	}

	dropOrg(orgId: string): void {
		this.engine.dropOrg(orgId);
		this.facts.delete(orgId);
	}

	size(orgId?: string): number {
		return this.engine.size(orgId);
	}

	search(orgId: string, q: MemoryQuery): SearchHit[] {
		const org = this.facts.get(orgId);
		if (!org) return [];
		const visible = visibleTo(q.visibility);
		return this.engine.search(orgId, {
			text: q.text,
			mode: q.mode,
			limit: q.limit,
			minScore: q.minScore,
			accept: id => {
				const facts = org.get(id);
				return !!facts && visible(facts);
			},
			queryVectors: q.queryVector ? { [q.model]: q.queryVector } : {}
		});
	}
}
