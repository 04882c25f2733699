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
 * Unit vectors of one embedding space stored column by column (one array per dimension), so a
 * query costs (non-zero query dimensions × rows): exact cosine, and fast for sparse queries such as
 * the hashed word counts of `mock-embed`. Freed rows are reused.
 */
export class VectorMatrix {
	private columns: Float32Array[] = [];
	private capacity = 0;
	/** Rows in use or freed; scans stop here. */
	private rows = 0;
	private readonly free: number[] = [];
	readonly rowOf = new Map<string, number>();
	readonly idAt: (string | null)[] = [];

	constructor(readonly dimensions: number) {}

	get size(): number {
		return this.rowOf.size;
	}

	set(id: string, vector: ArrayLike<number>): void {
		if (vector.length !== this.dimensions) throw new Error(`expected ${this.dimensions} dimensions, got ${vector.length}`);
		let row = this.rowOf.get(id);
		if (row === undefined) {
			row = this.free.pop() ?? this.rows++;
			if (row >= this.capacity) this.grow();
			this.rowOf.set(id, row);
			this.idAt[row] = id;
		}
		const unit = normalised(vector);
		for (let d = 0; d < this.dimensions; d++) this.columns[d][row] = unit[d];
	}

	delete(id: string): void {
		const row = this.rowOf.get(id);
		if (row === undefined) return;
		for (let d = 0; d < this.dimensions; d++) this.columns[d][row] = 0;
		this.rowOf.delete(id);
		this.idAt[row] = null;
		this.free.push(row);
	}

	/** Cosine similarity of `query` with every row (index = row; freed rows score 0). */
	scores(query: ArrayLike<number>): Float32Array {
		const out = new Float32Array(this.rows);
		if (query.length !== this.dimensions) return out;
		const unit = normalised(query);
		for (let d = 0; d < this.dimensions; d++) {
			const weight = unit[d];
			if (weight === 0) continue;
			const column = this.columns[d];
			for (let row = 0; row < this.rows; row++) out[row] += weight * column[row];
		}
		return out;
	}

	private grow(): void {
		const capacity = Math.max(1024, this.capacity * 2);
		this.columns = Array.from({ length: this.dimensions }, (_, d) => {
			const next = new Float32Array(capacity);
			if (this.columns[d]) next.set(this.columns[d]);
			return next;
		});
		this.capacity = capacity;
	}
}
