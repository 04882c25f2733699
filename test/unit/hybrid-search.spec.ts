import { Bm25Index, decodeVector, encodeVector, HybridIndex, VectorMatrix } from "../../lib/search";
import { mockEmbed } from "../../services/providers/adapters/mock";

function indexOf(texts: Record<string, string>, org = "org") {
	const index = new HybridIndex();
	let t = 0;
	for (const [id, text] of Object.entries(texts)) {
		index.upsert(org, { id, text, createdAt: t++ });
		index.setVector(org, id, "mock-embed", mockEmbed(text));
	}
	return index;
}

const query = (index: HybridIndex, text: string, mode: "hybrid" | "keyword" | "semantic", extra: object = {}) =>
	index.search("org", { text, mode, limit: 10, queryVectors: { "mock-embed": mockEmbed(text) }, ...extra });

describe("HybridIndex", () => {
	const texts = { a: "Zanzibar", b: "The refund policy: a refund is issued for every returned order within the refund window of the order", c: "Shipping and returns: a returned order gets a refund", d: "Zanzibar spice order refund" };

	it("keyword = BM25 / best; semantic = cosine; hybrid = 0.7 × semantic + 0.3 × keyword", () => {
		const index = indexOf(texts);
		const kw = new Map(query(index, "refund order Zanzibar", "keyword").map(h => [h.id, h.score]));
		const sem = new Map(query(index, "refund order Zanzibar", "semantic").map(h => [h.id, h.score]));
		expect(Math.max(...kw.values())).toBe(1);
		for (const hit of query(index, "refund order Zanzibar", "hybrid")) {
			expect(hit.score).toBeCloseTo(0.7 * (sem.get(hit.id) ?? 0) + 0.3 * (kw.get(hit.id) ?? 0), 5);
		}
		expect(query(index, texts.d, "semantic")[0]).toEqual({ id: "d", score: 1 });
	});

	it("hybrid ranks differently from BM25 alone", () => {
		const index = indexOf({
			focused: "Refunds, refunds, refunds: everything about refunds.",
			broad: "Refunds and invoices, shipping, returns, warranty, payments, accounts, addresses, vouchers.",
			other: "Opening hours of the shop and the warehouse."
		});
		// BM25 prefers the entry with both query words; the embedding the one about refunds; 0.7/0.3 follows the embedding.
		expect(query(index, "refunds invoices", "keyword").map(h => h.id)).toEqual(["broad", "focused"]);
		expect(query(index, "refunds invoices", "semantic").map(h => h.id)).toEqual(["focused", "broad"]);
		expect(query(index, "refunds invoices", "hybrid").map(h => h.id)).toEqual(["focused", "broad"]);
	});

	it("filters candidates, applies min_score and limit, breaks ties newest first", () => {
		const index = indexOf({ old: "same words here", mid: "same words here", new: "same words here", other: "unrelated" });
		expect(query(index, "same words", "hybrid").map(h => h.id)).toEqual(["new", "mid", "old"]);
		expect(query(index, "same words", "hybrid", { accept: (id: string) => id !== "new" }).map(h => h.id)).toEqual(["mid", "old"]);
		expect(query(index, "same words", "hybrid", { limit: 1 }).map(h => h.id)).toEqual(["new"]);
		expect(query(index, "same words", "hybrid", { minScore: 0.99 })).toEqual([]);
	});

	it("keeps orgs apart and replaces or removes entries exactly", () => {
		const index = indexOf({ x: "penguins in the south" });
		index.upsert("org-2", { id: "y", text: "penguins in the north", createdAt: 0 });
		expect(query(index, "penguins", "keyword").map(h => h.id)).toEqual(["x"]);
		index.upsert("org", { id: "x", text: "polar bears", createdAt: 1 });
		expect(query(index, "penguins", "keyword")).toEqual([]);
		expect(query(index, "polar bears", "keyword").map(h => h.id)).toEqual(["x"]);
		index.remove("org", "x");
		expect(index.size("org")).toBe(0);
		expect(index.size("org-2")).toBe(1);
	});

	it("entries without a vector are found by keywords only", () => {
		const index = new HybridIndex();
		index.upsert("org", { id: "p", text: "pending entry text", createdAt: 0 });
		expect(query(index, "pending entry", "semantic")).toEqual([]);
		expect(query(index, "pending entry", "hybrid")).toEqual([{ id: "p", score: 0.3 }]);
	});
});

describe("VectorMatrix, BM25 and vector encoding", () => {
	it("scores cosine exactly per row and clears rows", () => {
		const m = new VectorMatrix(3);
		m.set(0, [1, 0, 0]);
		m.set(1, [1, 1, 0]);
		m.set(2, [0, 0, 2]);
		m.clear(0);
		expect(m.size).toBe(2);
		const scores = m.scores([1, 0, 0], 3);
		expect([scores[0], scores[2]]).toEqual([0, 0]);
		expect(scores[1]).toBeCloseTo(Math.SQRT1_2, 6);
		expect([...decodeVector(encodeVector([0.5, -0.25, 1]))]).toEqual([0.5, -0.25, 1]);
	});

	it("BM25 follows the textbook formula and forgets removed rows, also after their row is reused", () => {
		const bm = new Bm25Index();
		bm.add(0, "apple banana");
		bm.add(1, "apple apple cherry date");
		bm.add(2, "banana");
		const { rows, scores } = bm.scores("apple");
		const idf = Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5));
		const avg = (2 + 4 + 1) / 3;
		const expected = (tf: number, len: number) => (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * len) / avg));
		expect([...rows]).toEqual([0, 1]);
		expect(scores[0]).toBeCloseTo(expected(1, 2), 5);
		expect(scores[1]).toBeCloseTo(expected(2, 4), 5);
		bm.remove(1);
		bm.add(1, "kiwi");
		expect([...bm.scores("apple").rows]).toEqual([0]);
		expect([...bm.scores("kiwi").rows]).toEqual([1]);
		for (let i = 0; i < 100; i++) bm.add(10 + i, "churn");
		for (let i = 0; i < 100; i++) bm.remove(10 + i);
		expect(bm.scores("churn").rows.length).toBe(0);
	});
});
