import { Bm25Index } from "./bm25";
import { VectorMatrix } from "./vectors";

/**
 * The hybrid search engine of Memory (§4) and Knowledge (§20), held in memory per org so one org's
 * query never scans or scores another org's entries. Keyword scores are BM25 divided by the best
 * score of the candidate set; semantic scores are cosine similarities (negatives count as 0);
 * hybrid is the normalised score fusion 0.7 × semantic + 0.3 × keyword the contract defines.
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

/** One org's entries: numbered rows shared by the keyword index and every vector space. */
class OrgIndex {
	readonly text = new Bm25Index();
	readonly spaces = new Map<string, VectorMatrix>();
	readonly rowOf = new Map<string, number>();
	readonly idAt: (string | null)[] = [];
	readonly createdAt: number[] = [];
	readonly hash: number[] = [];
	readonly spaceAt: (string | null)[] = [];
	private readonly free: number[] = [];
	rows = 0;

	claim(id: string): number {
		const row = this.free.pop() ?? this.rows++;
		this.rowOf.set(id, row);
		this.idAt[row] = id;
		return row;
	}

	release(id: string): void {
		const row = this.rowOf.get(id);
		if (row === undefined) return;
		this.text.remove(row);
		const space = this.spaceAt[row];
		if (space) this.spaces.get(space)?.clear(row);
		this.spaceAt[row] = null;
		this.idAt[row] = null;
		this.rowOf.delete(id);
		this.free.push(row);
	}
}

export class HybridIndex {
	private readonly orgs = new Map<string, OrgIndex>();

	private org(orgId: string): OrgIndex {
		let index = this.orgs.get(orgId);
		if (!index) this.orgs.set(orgId, (index = new OrgIndex()));
		return index;
	}

	/** Adds or replaces an entry's text (a changed text drops its vector until `setVector`). */
	upsert(orgId: string, entry: IndexEntry): void {
		const index = this.org(orgId);
		const hash = textHash(entry.text);
		let row = index.rowOf.get(entry.id);
		if (row !== undefined && index.hash[row] === hash) {
			index.createdAt[row] = entry.createdAt;
			return;
		}
		if (row !== undefined) index.release(entry.id);
		row = index.claim(entry.id);
		index.text.add(row, entry.text);
		index.createdAt[row] = entry.createdAt;
		index.hash[row] = hash;
		index.spaceAt[row] = null;
	}

	setVector(orgId: string, id: string, space: string, vector: ArrayLike<number>): void {
		const index = this.orgs.get(orgId);
		const row = index?.rowOf.get(id);
		if (!index || row === undefined || !vector.length) return;
		const current = index.spaceAt[row];
		if (current && current !== space) index.spaces.get(current)?.clear(row);
		let matrix = index.spaces.get(space);
		if (matrix && matrix.dimensions !== vector.length && matrix.size === 0) matrix = undefined;
		if (!matrix) index.spaces.set(space, (matrix = new VectorMatrix(vector.length)));
		if (matrix.dimensions !== vector.length) return;
		matrix.set(row, vector);
		index.spaceAt[row] = space;
	}

	remove(orgId: string, id: string): void {
		this.orgs.get(orgId)?.release(id);
	}

	dropOrg(orgId: string): void {
		this.orgs.delete(orgId);
	}

	has(orgId: string, id: string): boolean {
		return !!this.orgs.get(orgId)?.rowOf.has(id);
	}

	size(orgId?: string): number {
		if (orgId) return this.orgs.get(orgId)?.rowOf.size ?? 0;
		let n = 0;
		for (const index of this.orgs.values()) n += index.rowOf.size;
		return n;
	}

	search(orgId: string, request: SearchRequest): SearchHit[] {
		const index = this.orgs.get(orgId);
		if (!index || !request.text.trim() || request.limit < 1) return [];
		const accept = request.accept ?? (() => true);
		const candidate = (row: number) => {
			const id = index.idAt[row];
			return id !== null && accept(id);
		};
		const semanticWeight = request.mode === "hybrid" ? SEMANTIC_WEIGHT : request.mode === "semantic" ? 1 : 0;
		const keywordWeight = request.mode === "hybrid" ? KEYWORD_WEIGHT : request.mode === "keyword" ? 1 : 0;
		const top = new TopHits(request.limit, request.minScore ?? 0, index);

		const keyword = keywordWeight ? index.text.scores(request.text) : { rows: new Int32Array(0), scores: new Float32Array(0) };
		// The best BM25 among candidates; the filter is asked only when a row would raise it.
		let best = 0;
		for (let i = 0; i < keyword.rows.length; i++) if (keyword.scores[i] > best && candidate(keyword.rows[i])) best = keyword.scores[i];
		const keywordFactor = best > 0 ? keywordWeight / best : 0;

		const spaces = Object.entries(request.queryVectors ?? {}).filter(([space]) => index.spaces.has(space));
		if (semanticWeight && spaces.length) {
			const fused = new Float32Array(index.rows);
			for (const [space, query] of spaces) {
				const cosine = (index.spaces.get(space) as VectorMatrix).scores(query, index.rows);
				for (let row = 0; row < cosine.length; row++) if (cosine[row] > 0) fused[row] += semanticWeight * cosine[row];
			}
			for (let i = 0; i < keyword.rows.length; i++) fused[keyword.rows[i]] += keywordFactor * keyword.scores[i];
			for (let row = 0; row < fused.length; row++) if (top.admits(fused[row]) && candidate(row)) top.offer(row, fused[row]);
		} else {
			for (let i = 0; i < keyword.rows.length; i++) {
				const score = keywordFactor * keyword.scores[i];
				if (top.admits(score) && candidate(keyword.rows[i])) top.offer(keyword.rows[i], score);
			}
		}
		return top.hits();
	}
}

type Ranked = { id: string; score: number; createdAt: number };

/** `a` ranks before `b`: higher score, then newer, then larger id. */
const before = (a: Ranked, b: Ranked) => a.score > b.score || (a.score === b.score && (a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id)));

/**
 * The best `limit` hits, best first. Candidates below the current cut-off are refused before any
 * lookup, so a scan over many rows stays cheap.
 */
class TopHits {
	private readonly items: Ranked[] = [];

	constructor(
		private readonly limit: number,
		private readonly minScore: number,
		private readonly index: OrgIndex
	) {}

	/** Whether a raw score could enter the list (exact ties are decided in `offer`). */
	admits(raw: number): boolean {
		if (!(raw > 0)) return false;
		const score = round6(raw);
		if (score < this.minScore) return false;
		return this.items.length < this.limit || score >= this.items[this.items.length - 1].score;
	}

	offer(row: number, raw: number): void {
		const hit = { id: this.index.idAt[row] as string, score: Math.min(1, round6(raw)), createdAt: this.index.createdAt[row] };
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
