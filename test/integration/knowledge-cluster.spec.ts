import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import request from "supertest";
import { REDIS_URL, startGateway, startNode, stopNode, uniqueNamespace, until, type NodeProcess } from "../helpers/cluster";

const KEY = "fgk_KnowledgeClusterKey_0123456789abcdefghij".slice(0, 44);
const auth = { Authorization: `Bearer ${KEY}` };

/**
 * A gateway process (API, agents, providers, runtime and agent actors, in-memory store) and a
 * separate knowledge + memory process on the embedded file store, over the real Redis transporter:
 * uploads and searches cross the transporter, runs on the gateway retrieve from the other process,
 * and the search index of the knowledge process is rebuilt from its files after a restart.
 */
describe("knowledge and memory on their own node over Redis", () => {
	const namespace = uniqueNamespace("knowledge");
	const dataDir = mkdtempSync(path.join(tmpdir(), "fg-knowledge-node-"));
	const common = { TRANSPORTER: REDIS_URL, NAMESPACE: namespace };
	const knowledgeEnv = { ...common, NODE_ID: "knowledge", SERVICES: "knowledge,memory", FLUXGATE_STORE: "nedb", FLUXGATE_DATA_DIR: dataDir };
	let gateway: NodeProcess;
	let knowledge: NodeProcess | undefined;
	let http: ReturnType<typeof request>;

	const ready = () =>
		until(async () => (await http.post("/api/v1/knowledge/search").set(auth).send({ query: "probe" })).status === 200, 60_000, "the knowledge node to serve search");

	beforeAll(async () => {
		gateway = await startGateway(common, KEY, ["actors"]);
		knowledge = await startNode(knowledgeEnv);
		http = request(`http://127.0.0.1:${gateway.port}`);
		await ready();
	}, 120_000);

	afterAll(async () => {
		await Promise.all([stopNode(knowledge), stopNode(gateway)]);
		rmSync(dataDir, { recursive: true, force: true });
	});

	test("a multipart upload crosses the transporter; runs retrieve from the other node; the index survives a restart", async () => {
		const col = await http.post("/api/v1/knowledge/collections").set(auth).send({ name: "Cluster docs" });
		expect(col.status).toBe(201);
		const upload = await http
			.post(`/api/v1/knowledge/collections/${col.body.id}/documents`)
			.set(auth)
			.attach("file", Buffer.from("Penguins live in the southern hemisphere.\n\nPolar bears live in the Arctic."), { filename: "animals.md", contentType: "text/markdown" });
		expect(upload.status).toBe(201);
		const doc = await until(async () => {
			const d = (await http.get(`/api/v1/knowledge/documents/${upload.body.id}`).set(auth)).body;
			return d.status === "ready" ? d : null;
		}, 30_000, "the document to be ready");
		expect(doc.chunk_count).toBe(1);
		const memory = await http.post("/api/v1/memory").set(auth).send({ memory_type: "semantic", scope: "org", content: "Icebergs calve from glaciers" });
		expect([memory.status, memory.body.embedding_status]).toEqual([201, "ready"]);

		const agent = await http.post("/api/v1/agents").set(auth).send({ name: "cluster-reader", model: "mock-echo", knowledge_collection_ids: [col.body.id] });
		expect(agent.status).toBe(201);
		const run = await http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: agent.body.id, input: "Where do penguins live?", mode: "test", wait: true });
		expect([run.status, run.body.status]).toEqual([200, "completed"]);
		const steps = (await http.get(`/api/v1/runtime/runs/${run.body.id}/steps`).set(auth)).body.items;
		expect(steps.map((s: any) => s.type)).toEqual(["memory", "retrieval", "llm_call"]);
		expect(steps[1].output.citations[0]).toMatchObject({ citation: 1, document_id: doc.id, document_name: "animals.md" });

		const before = (await http.post("/api/v1/knowledge/search").set(auth).send({ query: "penguins southern hemisphere" })).body.items;
		expect(before[0]).toMatchObject({ document_id: doc.id });

		await stopNode(knowledge, "SIGTERM");
		knowledge = await startNode(knowledgeEnv);
		await ready();
		const after = (await http.post("/api/v1/knowledge/search").set(auth).send({ query: "penguins southern hemisphere" })).body.items;
		expect(after).toEqual(before);
		const recalled = (await http.post("/api/v1/memory/search").set(auth).send({ query: "icebergs glaciers" })).body.items;
		expect(recalled.map((i: any) => i.id)).toEqual([memory.body.id]);
	}, 180_000);
});
