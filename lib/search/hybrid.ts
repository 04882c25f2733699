import MiniSearch from "minisearch";
import { VectorMatrix } from "./vectors";

/**
 * The hybrid search engine of Memory (§4) and Knowledge (§20), held in memory per org so one org's
 * query never scans or scores another org's entries. Keyword scores are BM25 (minisearch) divided by
 * the best score of the candidate set; semantic scores are cosine similarities (negatives count as
 * 0); hybrid is the normalised score fusion 0.7 × semantic + 0.3 × keyword the contract defines.
 */

export const SEARCH_MODES = ["hybrid", "semantic", "keyword"] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

const SEMANTIC_WEIGHT = 0.7;
const KEYWORD_WEIGHT = 0.3;

export interface IndexEntry {
	id: string;
	text: string;
	/** Creation time (ms): the tie-breaker, newest first. */
	createdAt: number;
}

export interface SearchRequest {
	text: string;
	mode: SearchMode;
	limit: number;
	minScore?: number;
	/** Which entries are candidates (visibility and filters); all when omitted. */
	accept?: (id: string) => boolean;
	/** The query embedded in each embedding space to score (space = embedding model). */
	queryVectors?: Record<string, ArrayLike<number>>;
}

export interface SearchHit {
	id: string;
	score: number;
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** 32-bit FNV-1a of a text: tells whether the indexed text changed without keeping it. */
function textHash(text: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
	return hash;
}

class OrgIndex {
	readonly text = new MiniSearch<{ id: string; text: string }>({ fields: ["text"], storeFields: [] });
	readonly spaces = new Map<string, VectorMatrix>();
	readonly entries = new Map<string, { createdAt: number; space: string | null; hash: number }>();

	/**
	 * Takes a text out of the keyword index. With the indexed text at hand the removal is exact;
	 * otherwise minisearch's `discard` hides it, whose statistics stay skewed until a vacuum.
	 */
	unindex(id: string, hash: number, text?: string): void {
		if (text !== undefined && textHash(text) === hash) this.text.remove({ id, text });
		else this.text.discard(id);
	}
}

export class HybridIndex {
	private readonly orgs = new Map<string, OrgIndex>();

	private org(orgId: string): OrgIndex {
		let index = this.orgs.get(orgId);
		if (!index) this.orgs.set(orgId, (index = new OrgIndex()));
		return index;
	}

	/**
	 * Adds or replaces an entry's text. `previousText` (the text indexed before) makes a replacement
	 * exact; an unchanged text is left as it is, with its vector.
	 */
	upsert(orgId: string, entry: IndexEntry, previousText?: string): void {
		const index = this.org(orgId);
		const hash = textHash(entry.text);
		const existing = index.entries.get(entry.id);
		if (existing && existing.hash === hash) {
			existing.createdAt = entry.createdAt;
			return;
		}
		if (existing) this.remove(orgId, entry.id, previousText);
		index.text.add({ id: entry.id, text: entry.text });
		index.entries.set(entry.id, { createdAt: entry.createdAt, space: null, hash });
	}

	setVector(orgId: string, id: string, space: string, vector: ArrayLike<number>): void {
		const index = this.orgs.get(orgId);
		const entry = index?.entries.get(id);
		if (!index || !entry || !vector.length) return;
		if (entry.space && entry.space !== space) index.spaces.get(entry.space)?.delete(id);
		let matrix = index.spaces.get(space);
		if (matrix && matrix.dimensions !== vector.length && matrix.size === 0) matrix = undefined;
		if (!matrix) index.spaces.set(space, (matrix = new VectorMatrix(vector.length)));
		if (matrix.dimensions !== vector.length) return;
		matrix.set(id, vector);
		entry.space = space;
	}

	/** Removes an entry; pass the indexed text for an exact keyword-index removal. */
	remove(orgId: string, id: string, text?: string): void {
		const index = this.orgs.get(orgId);
		const entry = index?.entries.get(id);
		if (!index || !entry) return;
		index.unindex(id, entry.hash, text);
		if (entry.space) index.spaces.get(entry.space)?.delete(id);
		index.entries.delete(id);
	}

	dropOrg(orgId: string): void {
		this.orgs.delete(orgId);
	}

	has(orgId: string, id: string): boolean {
		return !!this.orgs.get(orgId)?.entries.has(id);
	}

	size(orgId?: string): number {
		if (orgId) return this.orgs.get(orgId)?.entries.size ?? 0;
		let n = 0;
		for (const index of this.orgs.values()) n += index.entries.size;
		return n;
	}

	search(orgId: string, request: SearchRequest): SearchHit[] {
		const index = this.orgs.get(orgId);
		if (!index || !request.text.trim() || request.limit < 1) return [];
		const accept = request.accept ?? (() => true);
		const semanticWeight = request.mode === "hybrid" ? SEMANTIC_WEIGHT : request.mode === "semantic" ? 1 : 0;
		const keywordWeight = request.mode === "hybrid" ? KEYWORD_WEIGHT : request.mode === "keyword" ? 1 : 0;
		const keyword = keywordWeight ? this.keywordScores(index, request.text, accept) : new Map<string, number>();
		const top = new TopHits(request.limit, request.minScore ?? 0, id => index.entries.get(id)?.createdAt ?? 0);
		const scoredByVector = new Set<string>();
		if (semanticWeight) {
			for (const [space, query] of Object.entries(request.queryVectors ?? {})) {
				const matrix = index.spaces.get(space);
				if (!matrix) continue;
				const scores = matrix.scores(query);
				// Fused in place: scores[row] becomes the row's final score.
				for (let row = 0; row < scores.length; row++) scores[row] = semanticWeight * Math.max(0, scores[row]);
				for (const [id, k] of keyword) {
					const row = matrix.rowOf.get(id);
					if (row === undefined) continue;
					scores[row] += keywordWeight * k;
					scoredByVector.add(id);
				}
				for (let row = 0; row < scores.length; row++) {
					if (!top.admits(scores[row])) continue;
					const id = matrix.idAt[row];
					if (id && (keyword.has(id) || accept(id))) top.offer(id, scores[row]);
				}
			}
		}
		for (const [id, k] of keyword) if (!scoredByVector.has(id)) top.offer(id, keywordWeight * k);
		return top.hits();
	}

	/** BM25 of every candidate matching a query term, divided by the best one. */
	private keywordScores(index: OrgIndex, text: string, accept: (id: string) => boolean): Map<string, number> {
		const results = index.text.search(text, { combineWith: "OR", filter: r => accept(r.id) });
		const best = results.reduce((m, r) => Math.max(m, r.score), 0);
		return new Map(best > 0 ? results.map(r => [r.id as string, r.score / best]) : []);
	}
}

/**
 * The best `limit` hits, best first (ties: newest first, then id). Candidates below the current
 * cut-off are refused before any lookup, so a scan over many rows stays cheap.
 */
class TopHits {
	private readonly items: { id: string; score: number; createdAt: number }[] = [];

	constructor(
		private readonly limit: number,
		private readonly minScore: number,
		private readonly createdAt: (id: string) => number
	) {}

	/** Whether a raw score could enter the list (exact ties are decided in `offer`). */
	admits(raw: number): boolean {
		if (!(raw > 0) || round6(raw) < this.minScore) return false;
		return this.items.length < this.limit || round6(raw) >= this.items[this.items.length - 1].score;
	}

	offer(id: string, raw: number): void {
		if (!this.admits(raw)) return;
		const hit = { id, score: Math.min(1, round6(raw)), createdAt: this.createdAt(id) };
		let at = this.items.length;
		while (at > 0 && before(hit, this.items[at - 1])) at--;
		if (at >= this.limit) return;
		this.items.splice(at, 0, hit);
		if (this.items.length > this.limit) this.items.pop();
	}

	hits(): SearchHit[] {
		return this.items.map(({ id, score }) => ({ id, score }));
	}
}

const before = (a: { id: string; score: number; createdAt: number }, b: { id: string; score: number; createdAt: number }) =>
	a.score > b.score || (a.score === b.score && (a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id)));
