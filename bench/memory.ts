import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ServiceBroker } from "moleculer";
import { createBroker, stopBroker } from "../lib/broker";
import { loadConfig } from "../lib/config";
import type { Principal } from "../lib/principal";
import { encodeVector } from "../lib/search";
import { MemoryIndex } from "../services/memory/memory-index";
import type { MemoryDoc } from "../services/memory/model";
import { mockEmbed } from "../services/providers/adapters/mock";
import { corpus, LinearScan, ms, queries, summary, timed } from "./search-corpus";

const KEY = "fgk_MemoryBenchKey_0123456789abcdefghijklmn".slice(0, 44);
const SIZES = (process.env.BENCH_SEARCH_SIZES ?? "10000,100000").split(",").map(Number);
const SERVICE_SIZE = Number(process.env.BENCH_MEMORY_SERVICE_SIZE ?? 10000);
const AGENTS = 50;
const TYPES = ["long_term", "episodic", "semantic"] as const;

const entry = (i: number, content: string, now: string): MemoryDoc => ({
	id: `mem_${i}`,
	org_id: "org",
	agent_id: i % 10 === 0 ? null : `agt_${i % AGENTS}`,
	memory_type: TYPES[i % 3],
	content,
	importance: 0.5,
	metadata: {},
	scope: i % 10 === 0 ? "org" : "agent",
	end_user_id: null,
	session_id: null,
	embedding_status: "ready",
	embedding: encodeVector(mockEmbed(content)),
	embedding_model: "mock-embed",
	expires_at: null,
	created_at: now,
	updated_at: now
});

/** The engine with §4 visibility (one agent's entries plus org-wide ones), next to a linear scan. */
async function engine(size: number): Promise<void> {
	const texts = corpus(size, 40, size + 5);
	const index = new MemoryIndex();
	const scan = new LinearScan();
	const now = new Date().toISOString();
	const started = process.hrtime.bigint();
	texts.forEach((content, i) => index.put(entry(i, content, now)));
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	texts.forEach((content, i) => scan.add(`mem_${i}`, content, mockEmbed(content)));
	const qs = queries(300, 3);
	const run = (mode: "hybrid" | "keyword" | "semantic", agent: string | undefined) => (q: string) =>
		index.search("org", { text: q, mode, limit: 5, minScore: 0, model: "mock-embed", queryVector: mode === "keyword" ? null : mockEmbed(q), visibility: { agent_id: agent, memory_types: [...TYPES] } });
	console.log(`-- engine, ${size.toLocaleString("en")} entries of 40 words, ${AGENTS} agents: indexed ${(size / seconds).toFixed(0)} entries/s`);
	console.log(summary("  baseline: linear scan (cosine + term count)", await timed(qs.slice(0, 40), q => scan.search(q, 5), 3)));
	for (const mode of ["hybrid", "keyword", "semantic"] as const) console.log(summary(`  index: ${mode}, whole org`, await timed(qs, run(mode, undefined))));
	console.log(summary("  index: hybrid, visible to one agent (recall)", await timed(qs, run("hybrid", "agt_7"))));
}

async function platform(dataDir: string): Promise<{ broker: ServiceBroker; principal: Principal }> {
	const config = loadConfig(
		{ LOG_LEVEL: "error", FLUXGATE_BOOTSTRAP_KEY: KEY, FLUXGATE_DATA_DIR: dataDir },
		{ port: 0, storeKind: "nedb", services: ["admin", "rbac", "auth", "audit", "secrets", "agents", "providers", "memory"] }
	);
	const broker = createBroker(config);
	await broker.start();
	return { broker, principal: await broker.call("auth.authenticate", { token: KEY }) };
}

/** Through the memory service on the embedded file store: create throughput, search latency, rebuild at start. */
async function service(size: number): Promise<void> {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fg-bench-memory-"));
	try {
		let { broker, principal } = await platform(dataDir);
		const meta = { principal };
		const texts = corpus(size, 40, 99);
		const started = Date.now();
		let next = 0;
		await Promise.all(
			Array.from({ length: 16 }, async () => {
				while (next < texts.length) {
					const content = texts[next++];
					await broker.call("memory.createMemory", { memory_type: "semantic", scope: "org", content }, { meta });
				}
			})
		);
		const seconds = (Date.now() - started) / 1000;
		console.log(`-- service on the embedded store, ${size.toLocaleString("en")} entries`);
		console.log(`  create (store → embed → index), 16 in flight: ${(size / seconds).toFixed(0)} entries/s`);
		const qs = queries(200, 5);
		console.log(summary("  baseline: settings read (one action call)", await timed(qs, () => broker.call("admin.currentSettings"))));
		console.log(summary("  memory.search hybrid (embed, rank, fetch)", await timed(qs, q => broker.call("memory.searchMemories", { query: q }, { meta }))));
		await stopBroker(broker);
		const restart = Date.now();
		({ broker, principal } = await platform(dataDir));
		console.log(`  restart: index rebuilt from the files in ${ms(Date.now() - restart)} (whole node start)`);
		await stopBroker(broker);
	} finally {
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
}

export async function memoryBench(): Promise<void> {
	console.log("\n== Memory: hybrid search with visibility (BM25 + mock-embed vectors, 0.7/0.3 score fusion) ==");
	for (const size of SIZES) await engine(size);
	await service(SERVICE_SIZE);
}
