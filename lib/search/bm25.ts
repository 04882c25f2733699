/**
 * An in-memory BM25 inverted index over numbered rows (k1 = 1.2, b = 0.75). Postings are typed
 * arrays; a removed row's postings are skipped by generation and compacted once they make up half
 * of a list, so a query costs only the postings of its own terms.
 */

const K1 = 1.2;
const B = 0.75;
const MAX_TF = 65535;

/** Lower-cased runs of letters and digits. */
export const tokenize = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

class Postings {
	rows = new Int32Array(4);
	gens = new Int32Array(4);
	tfs = new Uint16Array(4);
	size = 0;
	stale = 0;

	push(row: number, gen: number, tf: number): void {
		if (this.size === this.rows.length) {
			const grow = <T extends Int32Array | Uint16Array>(a: T): T => {
				const next = new (a.constructor as any)(a.length * 2);
				next.set(a);
				return next;
			};
			this.rows = grow(this.rows);
			this.gens = grow(this.gens);
			this.tfs = grow(this.tfs);
		}
		this.rows[this.size] = row;
		this.gens[this.size] = gen;
		this.tfs[this.size] = tf;
		this.size++;
	}

	/** Drops the postings of removed rows (their generation moved on). */
	compact(gen: Int32Array): void {
		let kept = 0;
		for (let i = 0; i < this.size; i++) {
			if (this.gens[i] !== gen[this.rows[i]]) continue;
			this.rows[kept] = this.rows[i];
			this.gens[kept] = this.gens[i];
			this.tfs[kept] = this.tfs[i];
			kept++;
		}
		this.size = kept;
		this.stale = 0;
	}
}

export interface KeywordScores {
	/** Rows with at least one query term. */
	rows: Int32Array;
	/** Their BM25 scores, same order. */
	scores: Float32Array;
}

export class Bm25Index {
	private readonly termIds = new Map<string, number>();
	private readonly postings: Postings[] = [];
	private readonly df: number[] = [];
	private rowTerms: (Int32Array | null)[] = [];
	private rowLength = new Float32Array(1024);
	private gen = new Int32Array(1024);
	private scratch = new Float32Array(1024);
	private docCount = 0;
	private totalLength = 0;

	/** Indexes `text` under `row`, which must not hold a text (remove it first). */
	add(row: number, text: string): void {
		this.ensure(row);
		const counts = new Map<number, number>();
		const tokens = tokenize(text);
		for (const token of tokens) {
			let id = this.termIds.get(token);
			if (id === undefined) {
				id = this.postings.length;
				this.termIds.set(token, id);
				this.postings.push(new Postings());
				this.df.push(0);
			}
			counts.set(id, (counts.get(id) ?? 0) + 1);
		}
		const gen = this.gen[row];
		for (const [id, tf] of counts) {
			this.postings[id].push(row, gen, Math.min(tf, MAX_TF));
			this.df[id]++;
		}
		this.rowTerms[row] = Int32Array.from(counts.keys());
		this.rowLength[row] = tokens.length;
		this.docCount++;
		this.totalLength += tokens.length;
	}

	remove(row: number): void {
		const terms = this.rowTerms[row];
		if (!terms) return;
		this.gen[row]++;
		for (const id of terms) {
			this.df[id]--;
			const list = this.postings[id];
			if (++list.stale * 2 > list.size && list.size > 32) list.compact(this.gen);
		}
		this.rowTerms[row] = null;
		this.docCount--;
		this.totalLength -= this.rowLength[row];
	}

	/** BM25 of every row containing a query term. */
	scores(text: string): KeywordScores {
		const terms = [...new Set(tokenize(text))].map(t => this.termIds.get(t)).filter((id): id is number => id !== undefined && this.df[id] > 0);
		if (!terms.length || !this.docCount) return { rows: new Int32Array(0), scores: new Float32Array(0) };
		const average = this.totalLength / this.docCount || 1;
		const acc = this.scratch;
		const touched: number[] = [];
		for (const id of terms) {
			const df = this.df[id];
			const idf = Math.log(1 + (this.docCount - df + 0.5) / (df + 0.5));
			const list = this.postings[id];
			for (let i = 0; i < list.size; i++) {
				const row = list.rows[i];
				if (list.gens[i] !== this.gen[row]) continue;
				const tf = list.tfs[i];
				const s = (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * this.rowLength[row]) / average));
				if (acc[row] === 0) touched.push(row);
				acc[row] += s;
			}
		}
		const rows = Int32Array.from(touched);
		const scores = new Float32Array(rows.length);
		for (let i = 0; i < rows.length; i++) {
			scores[i] = acc[rows[i]];
			acc[rows[i]] = 0;
		}
		return { rows, scores };
	}

	private ensure(row: number): void {
		if (row < this.gen.length) return;
		const size = Math.max(row + 1, this.gen.length * 2);
		const grow = <T extends Int32Array | Float32Array>(a: T): T => {
			const next = new (a.constructor as any)(size);
			next.set(a);
			return next;
		};
		this.gen = grow(this.gen);
		this.rowLength = grow(this.rowLength);
		this.scratch = grow(this.scratch);
	}
}
