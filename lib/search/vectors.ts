/** Embedding vectors: compact storage in documents and an exact cosine scan over many of them. */

/** base64 of the vector as float32: a quarter of the JSON size, exact enough for cosine scores. */
export function encodeVector(vector: number[]): string {
	return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}

export function decodeVector(encoded: string): Float32Array {
	const bytes = Buffer.from(encoded, "base64");
	const copy = new Uint8Array(bytes.length);
	copy.set(bytes);
	return new Float32Array(copy.buffer);
}

function normalised(vector: ArrayLike<number>): Float32Array {
	let norm = 0;
	for (let i = 0; i < vector.length; i++) norm += vector[i] * vector[i];
	norm = Math.sqrt(norm);
	const out = new Float32Array(vector.length);
	if (norm) for (let i = 0; i < vector.length; i++) out[i] = vector[i] / norm;
	return out;
}

/**
 * Unit vectors of one embedding space stored column by column (one array per dimension) and
 * addressed by row, so a query costs (non-zero query dimensions × rows): exact cosine, and fast for
 * sparse queries such as the hashed word counts of `mock-embed`. Rows without a vector are zero.
 */
export class VectorMatrix {
	private columns: Float32Array[] = [];
	private capacity = 0;
	/** Rows holding a vector. */
	size = 0;

	constructor(readonly dimensions: number) {}

	set(row: number, vector: ArrayLike<number>): void {
		if (vector.length !== this.dimensions) throw new Error(`expected ${this.dimensions} dimensions, got ${vector.length}`);
		if (row >= this.capacity) this.grow(row + 1);
		const unit = normalised(vector);
		let had = false;
		for (let d = 0; d < this.dimensions; d++) {
			had ||= this.columns[d][row] !== 0;
			this.columns[d][row] = unit[d];
		}
		if (!had) this.size++;
	}

	clear(row: number): void {
		if (row >= this.capacity) return;
		let had = false;
		for (let d = 0; d < this.dimensions; d++) {
			had ||= this.columns[d][row] !== 0;
			this.columns[d][row] = 0;
		}
		if (had) this.size--;
	}

	/** Cosine similarity of `query` with rows 0 … rows − 1. */
	scores(query: ArrayLike<number>, rows: number): Float32Array {
		const out = new Float32Array(rows);
		if (query.length !== this.dimensions) return out;
		const unit = normalised(query);
		const n = Math.min(rows, this.capacity);
		for (let d = 0; d < this.dimensions; d++) {
			const weight = unit[d];
			if (weight === 0) continue;
			const column = this.columns[d];
			for (let row = 0; row < n; row++) out[row] += weight * column[row];
		}
		return out;
	}

	private grow(rows: number): void {
		const capacity = Math.max(1024, rows, this.capacity * 2);
		this.columns = Array.from({ length: this.dimensions }, (_, d) => {
			const next = new Float32Array(capacity);
			if (this.columns[d]) next.set(this.columns[d]);
			return next;
		});
		this.capacity = capacity;
	}
}
