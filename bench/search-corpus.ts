import { mockEmbed } from "../services/providers/adapters/mock";

/** Shared pieces of the memory and knowledge benchmarks: a synthetic corpus, timing and a linear-scan baseline. */

const VOCABULARY = 20_000;

/** Deterministic pseudo-random numbers (mulberry32). */
export function random(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const word = (n: number) => `w${n.toString(36)}`;

/** A word drawn with a Zipf-like distribution, as in natural text (a few very common words, a long tail). */
function zipfWord(rnd: () => number): string {
	return word(Math.floor(Math.pow(VOCABULARY, rnd())) - 1);
}

/** `count` texts of about `words` words each. */
export function corpus(count: number, words: number, seed = 1): string[] {
	const rnd = random(seed);
	return Array.from({ length: count }, () => Array.from({ length: words }, () => zipfWord(rnd)).join(" ") + ".");
}

/** Queries of 4 words from the middle of the frequency range (neither stop words nor unseen words). */
export function queries(count: number, seed = 7): string[] {
	const rnd = random(seed);
	return Array.from({ length: count }, () => Array.from({ length: 4 }, () => word(20 + Math.floor(rnd() * 2000))).join(" "));
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
export const ms = (n: number) => `${n.toFixed(2).padStart(8)} ms`;

/** Runs `fn` once per input and answers the sorted latencies in ms (after `warmup` untimed calls). */
export async function timed<T>(inputs: T[], fn: (input: T) => unknown, warmup = 10): Promise<number[]> {
	for (const input of inputs.slice(0, warmup)) await fn(input);
	const times: number[] = [];
	for (const input of inputs) {
		const start = process.hrtime.bigint();
		await fn(input);
		times.push(Number(process.hrtime.bigint() - start) / 1e6);
	}
	return times.sort((a, b) => a - b);
}

export const summary = (label: string, sorted: number[]) => `${label.padEnd(44)} p50 ${ms(percentile(sorted, 50))}  p99 ${ms(percentile(sorted, 99))}`;

/**
 * The baseline: what a search without an index does — for every item, cosine against its stored
 * vector and a term count of the query words, then a sort. Same scoring inputs, no index.
 */
export class LinearScan {
	private readonly items: { id: string; terms: string[]; vector: number[] }[] = [];

	add(id: string, text: string, vector: number[]): void {
		this.items.push({ id, terms: text.toLowerCase().split(/\W+/), vector });
	}

	search(query: string, limit: number): string[] {
		const q = mockEmbed(query);
		const words = new Set(query.toLowerCase().split(/\W+/));
		const scored = this.items.map(item => {
			let dot = 0;
			for (let d = 0; d < q.length; d++) dot += q[d] * item.vector[d];
			let hits = 0;
			for (const t of item.terms) if (words.has(t)) hits++;
			return { id: item.id, score: 0.7 * Math.max(0, dot) + 0.3 * (hits / item.terms.length) };
		});
		scored.sort((a, b) => b.score - a.score);
		return scored.slice(0, limit).map(s => s.id);
	}
}
