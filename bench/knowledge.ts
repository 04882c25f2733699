import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ServiceBroker } from "moleculer";
import { createBroker, stopBroker } from "../lib/broker";
import { loadConfig } from "../lib/config";
import type { Principal } from "../lib/principal";
import { encodeVector } from "../lib/search";
import { KnowledgeIndex } from "../services/knowledge/knowledge-index";
import { mockEmbed } from "../services/providers/adapters/mock";
import { corpus, LinearScan, ms, queries, summary, timed } from "./search-corpus";

const KEY = "fgk_KnowledgeBenchKey_0123456789abcdefghijk".slice(0, 44);
const SIZES = (process.env.BENCH_SEARCH_SIZES ?? "10000,100000").split(",").map(Number);
const SERVICE_SIZES = (process.env.BENCH_KNOWLEDGE_SERVICE_SIZES ?? "10000,100000").split(",").map(Number);
const SENTENCES_PER_DOCUMENT = 50;

/** The search engine alone: ingest rate and query latency per mode, next to a linear scan of the same data. */
async function engine(size: number): Promise<void> {
	const texts = corpus(size, 120, size);
	const index = new KnowledgeIndex();
	const scan = new LinearScan();
	const now = new Date().toISOString();
	const started = process.hrtime.bigint();
	texts.forEach((content, i) => {
		const vector = mockEmbed(content);
		index.put({ id: `chk_${i}`, org_id: "org", collection_id: `col_${i % 10}`, document_id: `doc_${i >> 4}`, generation: 1, index: i, content, embedding: encodeVector(vector), embedding_model: "mock-embed", created_at: now, updated_at: now });
	});
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	texts.forEach((content, i) => scan.add(`chk_${i}`, content, mockEmbed(content)));
	const qs = queries(300);
	const collectionIds = Array.from({ length: 10 }, (_, i) => `col_${i}`);
	const run = (mode: "hybrid" | "keyword" | "semantic") => (q: string) =>
		index.search("org", { text: q, mode, limit: 5, minScore: 0, collectionIds, queryVectors: mode === "keyword" ? {} : { "mock-embed": mockEmbed(q) } });
	console.log(`-- engine, ${size.toLocaleString("en")} chunks of 120 words: indexed ${(size / seconds).toFixed(0)} chunks/s (embed + BM25 + vectors)`);
	console.log(summary("  baseline: linear scan (cosine + term count)", await timed(qs.slice(0, 40), q => scan.search(q, 5), 3)));
	for (const mode of ["hybrid", "keyword", "semantic"] as const) console.log(summary(`  index: ${mode}`, await timed(qs, run(mode))));
}

async function platform(dataDir: string): Promise<{ broker: ServiceBroker; principal: Principal }> {
	const config = loadConfig(
		{ LOG_LEVEL: "error", FLUXGATE_BOOTSTRAP_KEY: KEY, FLUXGATE_DATA_DIR: dataDir },
		{ port: 0, storeKind: "nedb", services: ["admin", "rbac", "auth", "audit", "secrets", "agents", "providers", "knowledge"] }
	);
	const broker = createBroker(config);
	await broker.start();
	return { broker, principal: await broker.call("auth.authenticate", { token: KEY }) };
}

/** Sentences of 110–190 characters: with chunk_size 200 and no overlap, one chunk each. */
function documentText(doc: number): string {
	return corpus(SENTENCES_PER_DOCUMENT, 32, 1000 + doc)
		.map(s => s.slice(0, 180))
		.map(s => (s.endsWith(".") ? s : `${s.replace(/\s+\S*$/, "")}.`))
		.join(" ");
}

/** Through the knowledge service on the embedded file store: upload → ready throughput, search latency, rebuild at start. */
async function service(size: number): Promise<void> {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fg-bench-knowledge-"));
	try {
		let { broker, principal } = await platform(dataDir);
		const meta = { principal };
		const col: any = await broker.call("knowledge.createCollection", { name: "Bench", chunk_size: 200, chunk_overlap: 0 }, { meta });
		const documents = Math.ceil(size / SENTENCES_PER_DOCUMENT);
		const texts = Array.from({ length: documents }, (_, i) => documentText(i));
		const started = Date.now();
		const ids: string[] = [];
		for (const [i, content] of texts.entries()) {
			const doc: any = await broker.call("knowledge.uploadDocument", { collection_id: col.id, name: `doc-${i}.txt`, content }, { meta });
			ids.push(doc.id);
		}
		let chunks = 0;
		for (const id of ids) {
			for (;;) {
				const doc: any = await broker.call("knowledge.getDocument", { document_id: id }, { meta });
				if (doc.status === "ready" || doc.status === "failed") {
					chunks += doc.chunk_count;
					break;
				}
				await new Promise(r => setTimeout(r, 20));
			}
		}
		const ingestSeconds = (Date.now() - started) / 1000;
		console.log(`-- service on the embedded store, ${chunks.toLocaleString("en")} chunks in ${documents} documents`);
		console.log(`  ingest (upload → extract → chunk → embed → store → index): ${(chunks / ingestSeconds).toFixed(0)} chunks/s`);
		const qs = queries(200, 11);
		const search = (q: string) => broker.call("knowledge.searchKnowledge", { query: q }, { meta });
		console.log(summary("  baseline: settings read (one action call)", await timed(qs, () => broker.call("admin.currentSettings"))));
		console.log(summary("  knowledge.search hybrid (embed, rank, fetch)", await timed(qs, search)));
		await stopBroker(broker);
		const restart = Date.now();
		({ broker, principal } = await platform(dataDir));
		console.log(`  restart: index rebuilt from the files in ${ms(Date.now() - restart)} (whole node start)`);
		const hits: any = await broker.call("knowledge.searchKnowledge", { query: qs[0] }, { meta: { principal } });
		if (!hits.items.length) throw new Error("the rebuilt index found nothing");
		await stopBroker(broker);
	} finally {
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
}

export async function knowledgeBench(): Promise<void> {
	console.log("\n== Knowledge: hybrid search (BM25 + mock-embed vectors, 0.7/0.3 score fusion) ==");
	for (const size of SIZES) await engine(size);
	for (const size of SERVICE_SIZES) await service(size);
}
