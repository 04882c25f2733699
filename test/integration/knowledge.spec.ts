import { bearer, startApp, type TestApp } from "../helpers/app";
import { auditEntries, createOrgWithOwner, expectFieldProblems, roleHeaders, uid } from "../helpers/platform";
import { until } from "../helpers/cluster";
import { samplePdf } from "../fixtures/pdf";

let app: TestApp;
let h: Awaited<ReturnType<typeof roleHeaders>>;
const events: { name: string; params: any }[] = [];

const api = (method: "get" | "post" | "put" | "delete", path: string, auth: Record<string, string>, body?: object) => {
	const r = app.http[method](`/api/v1${path}`).set(auth);
	return body === undefined ? r : r.send(body);
};

async function collection(body: Record<string, unknown> = {}, auth: Record<string, string> = h.owner) {
	const res = await api("post", "/knowledge/collections", auth, { name: `Docs ${uid()}`, ...body });
	if (res.status !== 201) throw new Error(`collection create answered ${res.status} ${res.text}`);
	return res.body;
}

/** Waits until the document left `pending`/`processing`. */
async function settled(documentId: string, auth: Record<string, string> = h.owner) {
	return until(async () => {
		const doc = (await api("get", `/knowledge/documents/${documentId}`, auth)).body;
		return ["ready", "failed"].includes(doc.status) ? doc : null;
	}, 20_000, `document ${documentId} to be processed`);
}

async function upload(collectionId: string, name: string, content: string, extra: Record<string, unknown> = {}, auth: Record<string, string> = h.owner) {
	const res = await api("post", `/knowledge/collections/${collectionId}/documents`, auth, { name, content, ...extra });
	if (res.status !== 201) throw new Error(`upload answered ${res.status} ${res.text}`);
	return settled(res.body.id, auth);
}

const search = (body: Record<string, unknown>, auth: Record<string, string> = h.owner) => api("post", "/knowledge/search", auth, body);

async function agent(extra: Record<string, unknown> = {}) {
	const res = await api("post", "/agents", h.owner, { name: `kn-${uid()}`, model: "mock-echo", ...extra });
	if (res.status !== 201) throw new Error(`agent create answered ${res.status} ${res.text}`);
	return res.body;
}

beforeAll(async () => {
	app = await startApp();
	h = await roleHeaders(app);
	app.broker.createService({
		name: "knowledge-events-probe",
		events: {
			"knowledge.*"(ctx: any) {
				events.push({ name: ctx.eventName, params: ctx.params });
			}
		}
	});
});
afterAll(() => app.stop());

describe("collections", () => {
	it("creates with the contract's defaults", async () => {
		const res = await api("post", "/knowledge/collections", h.owner, { name: "Handbook" });
		expect(res.status).toBe(201);
		expect(res.body).toEqual({
			id: expect.any(String),
			org_id: expect.any(String),
			name: "Handbook",
			description: "",
			embedding_model: "mock-embed",
			chunk_size: 1000,
			chunk_overlap: 200,
			agent_ids: [],
			document_count: 0,
			chunk_count: 0,
			created_at: expect.any(String),
			updated_at: expect.any(String)
		});
		const dup = await api("post", "/knowledge/collections", h.owner, { name: "Handbook" });
		expect([dup.status, dup.body.error.code, dup.body.error.details]).toEqual([409, "ALREADY_EXISTS", { field: "name" }]);
		// Unique per org only.
		expect((await api("post", "/knowledge/collections", h.other, { name: "Handbook" })).status).toBe(201);
	});

	it("validates every field at once", async () => {
		const bad = { name: " ", chunk_size: 100, chunk_overlap: -1, description: 5 };
		expectFieldProblems(await api("post", "/knowledge/collections", h.owner, bad), bad, ["name", "chunk_size", "chunk_overlap", "description"]);
		const overlap = { name: "Overlap", chunk_size: 500, chunk_overlap: 500 };
		expectFieldProblems(await api("post", "/knowledge/collections", h.owner, overlap), overlap, ["chunk_overlap"]);
		const model = { name: "Chatty", embedding_model: "gpt-4o" };
		expectFieldProblems(await api("post", "/knowledge/collections", h.owner, model), model, ["embedding_model"]);
		expect((await api("post", "/knowledge/collections", h.owner, {})).status).toBe(400);
	});

	it("PUT changes name and description only; chunking and model are immutable", async () => {
		const col = await collection({ chunk_size: 400, chunk_overlap: 50 });
		expect((await api("put", `/knowledge/collections/${col.id}`, h.owner, {})).body).toEqual(col);
		const imm = await api("put", `/knowledge/collections/${col.id}`, h.owner, { chunk_size: 500, embedding_model: "text-embedding-3-small", chunk_overlap: 50 });
		expect([imm.status, imm.body.error.details.map((d: any) => d.field).sort()]).toEqual([400, ["chunk_size", "embedding_model"]]);
		const res = await api("put", `/knowledge/collections/${col.id}`, h.owner, { name: `Renamed ${uid()}`, description: "About things" });
		expect(res.body).toMatchObject({ description: "About things", chunk_size: 400, chunk_overlap: 50 });
		const taken = await api("put", `/knowledge/collections/${col.id}`, h.owner, { name: "Handbook" });
		expect([taken.status, taken.body.error.code]).toEqual([409, "ALREADY_EXISTS"]);
	});

	it("lists with the envelope, search and agent_id filters; another org sees none of it", async () => {
		const marker = uid();
		const a = await collection({ name: `Alpha ${marker}` });
		await collection({ name: `Beta ${marker}`, description: "second" });
		const page = await api("get", `/knowledge/collections?search=alpha ${marker}`, h.owner);
		expect(page.body).toEqual({ items: [a], total: 1, limit: 50, offset: 0 });
		expect((await api("get", `/knowledge/collections?search=${marker}&limit=1&order=asc`, h.owner)).body).toMatchObject({ total: 2, items: [{ id: a.id }] });
		for (const q of ["limit=0", "offset=-2", "order=sideways"]) expect((await api("get", `/knowledge/collections?${q}`, h.owner)).status).toBe(400);
		const ag = await agent({ knowledge_collection_ids: [a.id] });
		expect((await api("get", `/knowledge/collections?agent_id=${ag.id}`, h.owner)).body.items.map((c: any) => c.id)).toEqual([a.id]);
		expect((await api("get", `/knowledge/collections/${a.id}`, h.owner)).body.agent_ids).toEqual([ag.id]);
		for (const [method, path] of [["get", ""], ["put", ""], ["delete", ""], ["get", "/documents"], ["post", "/agents"]] as const) {
			const res = await api(method, `/knowledge/collections/${a.id}${path}`, h.other, method === "post" ? { agent_id: ag.id } : method === "put" ? {} : undefined);
			expect([method, path, res.status]).toEqual([method, path, 404]);
		}
		expect((await api("get", `/knowledge/collections?search=${marker}`, h.other)).body.total).toBe(0);
	});
});

describe("documents", () => {
	let col: any;

	beforeAll(async () => {
		col = await collection({ chunk_size: 200, chunk_overlap: 40 });
	});

	it("JSON upload: 201 pending, then ready with overlapping chunks, emitting knowledge.document_ready", async () => {
		const sentences = Array.from({ length: 12 }, (_, i) => `Sentence number ${i + 1} talks about topic ${i + 1} in some detail.`);
		const res = await api("post", `/knowledge/collections/${col.id}/documents`, h.owner, { name: "notes.txt", content: sentences.join(" "), metadata: { team: "docs" } });
		expect(res.status).toBe(201);
		expect(res.body).toEqual({
			id: expect.any(String),
			org_id: expect.any(String),
			collection_id: col.id,
			name: "notes.txt",
			content_type: "text/plain",
			size_bytes: Buffer.byteLength(sentences.join(" ")),
			status: "pending",
			error: null,
			chunk_count: 0,
			metadata: { team: "docs" },
			created_at: expect.any(String),
			updated_at: expect.any(String)
		});
		const ready = await settled(res.body.id);
		expect(ready.status).toBe("ready");
		expect(ready.chunk_count).toBeGreaterThan(3);
		expect(events).toContainEqual({ name: "knowledge.document_ready", params: { org_id: ready.org_id, document_id: ready.id, collection_id: col.id, chunk_count: ready.chunk_count, error: null } });
		const found = await search({ query: "Sentence number 7 topic 7", collection_ids: [col.id], search_mode: "keyword", limit: 50 });
		const chunks = found.body.items.filter((i: any) => i.document_id === ready.id);
		expect(chunks).toHaveLength(ready.chunk_count);
		for (const chunk of chunks) expect(chunk.content.length).toBeLessThanOrEqual(200);
		// Chunks end at sentence boundaries and overlap their neighbours.
		const ordered = [...chunks].sort((a: any, b: any) => a.metadata.chunk_index - b.metadata.chunk_index);
		for (const chunk of ordered.slice(0, -1)) expect(chunk.content).toMatch(/\.$/);
		const firstWords = ordered[1].content.split(" ").slice(0, 3).join(" ");
		expect(ordered[0].content).toContain(firstWords);
		expect(ordered[0].metadata).toEqual({ team: "docs", chunk_index: 0 });
		const collectionNow = (await api("get", `/knowledge/collections/${col.id}`, h.owner)).body;
		expect(collectionNow).toMatchObject({ document_count: 1, chunk_count: ready.chunk_count });
	});

	it("multipart upload of markdown, HTML (tags stripped) and PDF files", async () => {
		const post = () => app.http.post(`/api/v1/knowledge/collections/${col.id}/documents`).set(h.owner);
		const md = await post().attach("file", Buffer.from("# Title\n\nMarkdown about **otters** swimming."), { filename: "otters.md", contentType: "text/markdown" });
		expect([md.status, md.body.name, md.body.content_type, md.body.status]).toEqual([201, "otters.md", "text/markdown", "pending"]);
		const html = await post()
			.field("name", "Page about badgers")
			.field("metadata", JSON.stringify({ source: "web" }))
			.attach("file", Buffer.from("<html><head><style>.x{color:red}</style><script>var secret=1</script></head><body><h1>Badgers</h1><p>Badgers dig &amp; burrow.</p></body></html>"), {
				filename: "page.html",
				contentType: "application/octet-stream"
			});
		expect([html.status, html.body.name, html.body.content_type, html.body.metadata]).toEqual([201, "Page about badgers", "text/html", { source: "web" }]);
		const pdf = await post().attach("file", samplePdf("Hedgehogs hibernate through the winter months"), { filename: "hedgehogs.pdf", contentType: "application/pdf" });
		expect([pdf.status, pdf.body.content_type]).toEqual([201, "application/pdf"]);
		for (const doc of [md.body, html.body, pdf.body]) expect(await settled(doc.id)).toMatchObject({ status: "ready", error: null });

		const hit = async (q: string) => (await search({ query: q, collection_ids: [col.id], limit: 1 })).body.items[0];
		expect(await hit("otters swimming")).toMatchObject({ document_id: md.body.id, document_name: "otters.md" });
		const badger = await hit("badgers dig burrow");
		expect(badger).toMatchObject({ document_id: html.body.id, metadata: { source: "web", chunk_index: 0 } });
		expect(badger.content).toBe("Badgers\n\nBadgers dig & burrow.");
		expect(await hit("hedgehogs hibernate winter")).toMatchObject({ document_id: pdf.body.id, content: "Hedgehogs hibernate through the winter months" });
		const [audit] = await auditEntries(app, app.ownerKey, { action: "document.create", resource_id: pdf.body.id });
		expect(audit.details.file).toEqual({ filename: "hedgehogs.pdf", content_type: "application/pdf", size_bytes: expect.any(Number) });
	});

	it("an unreadable PDF ends failed with knowledge.document_failed", async () => {
		const res = await app.http
			.post(`/api/v1/knowledge/collections/${col.id}/documents`)
			.set(h.owner)
			.attach("file", Buffer.from("%PDF-1.4 this is not really a pdf"), { filename: "broken.pdf", contentType: "application/pdf" });
		const doc = await settled(res.body.id);
		expect([doc.status, doc.error.code, doc.chunk_count]).toEqual(["failed", "UNREADABLE_DOCUMENT", 0]);
		expect(events.map(e => e.name)).toContain("knowledge.document_failed");
		expect((await api("get", `/knowledge/collections/${col.id}/documents?status=failed`, h.owner)).body.items.map((d: any) => d.id)).toContain(doc.id);
	});

	it("415 for unsupported types, 413 over the limits, 400 for bad fields; nothing is stored", async () => {
		const before = (await api("get", `/knowledge/collections/${col.id}/documents`, h.owner)).body.total;
		const post = () => app.http.post(`/api/v1/knowledge/collections/${col.id}/documents`).set(h.owner);
		const png = await post().attach("file", Buffer.from([0x89, 0x50, 0x4e, 0x47]), { filename: "image.png", contentType: "image/png" });
		expect([png.status, png.body.error.code]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
		const noType = await post().attach("file", Buffer.from("data"), { filename: "archive.zip", contentType: "application/octet-stream" });
		expect(noType.status).toBe(415);
		const jsonPdf = await api("post", `/knowledge/collections/${col.id}/documents`, h.owner, { name: "x", content: "y", content_type: "application/pdf" });
		expect(jsonPdf.status).toBe(415);
		const hugeFile = await post().attach("file", Buffer.alloc(25 * 1024 * 1024 + 1, 97), { filename: "big.txt", contentType: "text/plain" });
		expect([hugeFile.status, hugeFile.body.error.code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
		const hugeJson = await api("post", `/knowledge/collections/${col.id}/documents`, h.owner, { name: "big", content: "a".repeat(1024 * 1024) });
		expect([hugeJson.status, hugeJson.body.error.code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
		const bad = { content: "", metadata: [1] };
		expectFieldProblems(await api("post", `/knowledge/collections/${col.id}/documents`, h.owner, bad), bad, ["name", "content", "metadata"]);
		const badMeta = await post().field("metadata", "{not json").attach("file", Buffer.from("text"), { filename: "a.txt", contentType: "text/plain" });
		expect([badMeta.status, badMeta.body.error.details]).toEqual([400, [{ field: "metadata", message: "must be a JSON object serialised as a string" }]]);
		// multipart/form-data is accepted only on this route (§0.1).
		const elsewhere = await app.http.post("/api/v1/knowledge/collections").set(h.owner).field("name", "Form");
		expect([elsewhere.status, elsewhere.body.error.code]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
		expect((await api("get", `/knowledge/collections/${col.id}/documents`, h.owner)).body.total).toBe(before);
		const missing = await api("post", "/knowledge/collections/kcol_missing/documents", h.owner, { name: "a", content: "b" });
		expect(missing.status).toBe(404);
	}, 60_000);

	it("an embedder error fails the document (collection on a model no provider serves)", async () => {
		const remote = await collection({ embedding_model: "text-embedding-3-small" });
		const res = await api("post", `/knowledge/collections/${remote.id}/documents`, h.owner, { name: "a.txt", content: "Some text to embed" });
		const doc = await settled(res.body.id);
		expect([doc.status, doc.error.code, doc.chunk_count]).toEqual(["failed", "PROCESSING_FAILED", 0]);
		expect(doc.error.message).toMatch(/text-embedding-3-small/);
	});

	it("uploading a name again re-indexes the document: same id, old chunks replaced", async () => {
		const first = await upload(col.id, "policy.md", "Refunds are possible within fourteen days.", { content_type: "text/markdown" });
		expect((await search({ query: "refunds fourteen days", collection_ids: [col.id], limit: 1 })).body.items[0].document_id).toBe(first.id);
		const again = await upload(col.id, "policy.md", "Refunds are possible within thirty days of delivery.", { content_type: "text/markdown" });
		expect(again.id).toBe(first.id);
		expect(again.status).toBe("ready");
		const items = (await search({ query: "refunds days", collection_ids: [col.id], search_mode: "keyword", limit: 50 })).body.items.filter((i: any) => i.document_id === first.id);
		expect(items.map((i: any) => i.content)).toEqual(["Refunds are possible within thirty days of delivery."]);
	});

	it("DELETE removes the document and its chunks; another org gets 404", async () => {
		const doc = await upload(col.id, "temp.txt", "Quokkas smile for photographs");
		expect((await api("get", `/knowledge/documents/${doc.id}`, h.other)).status).toBe(404);
		expect((await api("delete", `/knowledge/documents/${doc.id}`, h.other)).status).toBe(404);
		expect((await api("delete", `/knowledge/documents/${doc.id}`, h.owner)).status).toBe(204);
		expect((await api("get", `/knowledge/documents/${doc.id}`, h.owner)).status).toBe(404);
		expect((await search({ query: "quokkas smile photographs", collection_ids: [col.id] })).body.items).toEqual([]);
	});
});

describe("search", () => {
	let org: Record<string, string>;
	let handbook: any;
	let faq: any;
	let docs: Record<string, any>;

	beforeAll(async () => {
		// A fresh org: BM25 statistics are per org, so this corpus alone decides the rankings.
		org = bearer((await createOrgWithOwner(app)).ownerKey);
		handbook = await collection({ name: "Handbook" }, org);
		faq = await collection({ name: "FAQ", chunk_size: 300, chunk_overlap: 0 }, org);
		docs = {
			vacation: await upload(handbook.id, "vacation.md", "Employees get twenty-five vacation days per year. Unused vacation days expire in March.", {}, org),
			expenses: await upload(handbook.id, "expenses.md", "Travel expenses are reimbursed within two weeks when receipts are attached.", {}, org),
			security: await upload(handbook.id, "security.md", "Laptops must use full-disk encryption and a screen lock after five minutes.", {}, org),
			focused: await upload(faq.id, "focused.txt", "Refunds, refunds, refunds: everything about refunds.", {}, org),
			broad: await upload(faq.id, "broad.txt", "Refunds and invoices, shipping, returns, warranty, payments, accounts, addresses, vouchers.", {}, org),
			other: await upload(faq.id, "other.txt", "Opening hours of the shop and the warehouse.", {}, org)
		};
	});

	it("the right chunk ranks first, with scores by score desc and the §20 item fields", async () => {
		const res = await search({ query: "how many vacation days do employees get", collection_ids: [handbook.id] }, org);
		expect(res.status).toBe(200);
		expect(res.body.items[0]).toEqual({
			chunk_id: expect.any(String),
			document_id: docs.vacation.id,
			document_name: "vacation.md",
			collection_id: handbook.id,
			content: "Employees get twenty-five vacation days per year. Unused vacation days expire in March.",
			score: expect.any(Number),
			metadata: { chunk_index: 0 }
		});
		const scores = res.body.items.map((i: any) => i.score);
		expect([...scores].sort((a, b) => b - a)).toEqual(scores);
		expect((await search({ query: "encryption laptops screen lock" }, org)).body.items[0].document_id).toBe(docs.security.id);
		expect((await search({ query: "receipts reimbursed travel" }, org)).body.items[0].document_id).toBe(docs.expenses.id);
	});

	it("hybrid differs from BM25 alone: 0.7 × cosine + 0.3 × normalised BM25", async () => {
		const rank = async (search_mode: string) => (await search({ query: "refunds invoices", collection_ids: [faq.id], search_mode }, org)).body.items;
		const name = (items: any[]) => items.map(i => i.document_name);
		const keyword = await rank("keyword");
		const semantic = await rank("semantic");
		const hybrid = await rank("hybrid");
		// BM25 prefers the chunk with both query words; the embedding the one about refunds; 0.7/0.3 follows the embedding.
		expect(name(keyword)).toEqual(["broad.txt", "focused.txt"]);
		expect(name(semantic)).toEqual(["focused.txt", "broad.txt"]);
		expect(name(hybrid)).toEqual(["focused.txt", "broad.txt"]);
		expect(keyword[0].score).toBe(1);
		for (const item of hybrid) {
			const s = semantic.find((i: any) => i.chunk_id === item.chunk_id)?.score ?? 0;
			const k = keyword.find((i: any) => i.chunk_id === item.chunk_id)?.score ?? 0;
			expect(item.score).toBeCloseTo(0.7 * s + 0.3 * k, 5);
		}
		const exact = await search({ query: "Opening hours of the shop and the warehouse.", collection_ids: [faq.id], search_mode: "semantic", limit: 1 }, org);
		expect(exact.body.items[0]).toMatchObject({ document_name: "other.txt", score: 1 });
	});

	it("limit, min_score and collection_ids; unknown collections answer 404; bad input 400", async () => {
		expect((await search({ query: "refunds", limit: 2 }, org)).body.items).toHaveLength(2);
		const all = (await search({ query: "vacation refunds laptops", limit: 50 }, org)).body.items;
		expect(new Set(all.map((i: any) => i.collection_id))).toEqual(new Set([handbook.id, faq.id]));
		const strict = (await search({ query: "vacation refunds laptops", limit: 50, min_score: 0.3 }, org)).body.items;
		expect(strict.every((i: any) => i.score >= 0.3)).toBe(true);
		expect(strict.length).toBeLessThan(all.length);
		const unknown = await search({ query: "x", collection_ids: [handbook.id, "kcol_nope"] }, org);
		expect([unknown.status, unknown.body.error.details]).toEqual([404, [{ field: "collection_ids[1]", message: "collection kcol_nope not found" }]]);
		// Another org's collection is unknown here, never searched.
		expect((await search({ query: "vacation", collection_ids: [handbook.id] })).status).toBe(404);
		expect((await search({ query: "vacation days employees" })).body.items.map((i: any) => i.collection_id)).not.toContain(handbook.id);
		const bad = { query: "", limit: 0, search_mode: "vector", min_score: -1, collection_ids: "x" };
		expectFieldProblems(await search(bad, org), bad, ["query", "limit", "search_mode", "min_score", "collection_ids"]);
	});

	it("viewers may search (read-only POST) but not write", async () => {
		expect((await search({ query: "vacation" }, h.viewer)).status).toBe(200);
		expect((await api("post", "/knowledge/collections", h.viewer, { name: "Nope" })).status).toBe(403);
	});
});

describe("agents and runs", () => {
	it("attach and detach create agent versions; ALREADY_EXISTS, 404 and AGENT_ARCHIVED", async () => {
		const col = await collection();
		const ag = await agent();
		const attached = await api("post", `/knowledge/collections/${col.id}/agents`, h.owner, { agent_id: ag.id });
		expect([attached.status, attached.body.agent_ids]).toEqual([200, [ag.id]]);
		const after = (await api("get", `/agents/${ag.id}`, h.owner)).body;
		expect([after.version, after.knowledge_collection_ids]).toEqual([2, [col.id]]);
		const again = await api("post", `/knowledge/collections/${col.id}/agents`, h.owner, { agent_id: ag.id });
		expect([again.status, again.body.error.code]).toEqual([409, "ALREADY_EXISTS"]);
		expect((await api("post", `/knowledge/collections/${col.id}/agents`, h.owner, { agent_id: "agt_missing" })).status).toBe(404);
		expect((await api("post", `/knowledge/collections/${col.id}/agents`, h.owner, {})).status).toBe(400);
		expect((await api("delete", `/knowledge/collections/${col.id}/agents/${ag.id}`, h.owner)).status).toBe(204);
		expect((await api("get", `/agents/${ag.id}`, h.owner)).body).toMatchObject({ version: 3, knowledge_collection_ids: [] });
		expect((await api("delete", `/knowledge/collections/${col.id}/agents/${ag.id}`, h.owner)).status).toBe(404);
		const actions = (await auditEntries(app, app.ownerKey, { resource_id: col.id })).map(e => e.action);
		expect(actions).toEqual(expect.arrayContaining(["collection.attach_agent", "collection.detach_agent", "collection.create"]));

		await api("post", `/knowledge/collections/${col.id}/agents`, h.owner, { agent_id: ag.id });
		expect((await api("post", `/lifecycle/${ag.id}/promote`, h.owner, { target_state: "archived" })).status).toBe(200);
		const archived = await api("delete", `/knowledge/collections/${col.id}/agents/${ag.id}`, h.owner);
		expect([archived.status, archived.body.error?.code]).toEqual([409, "AGENT_ARCHIVED"]);
	});

	it("deleting a collection deletes its documents and removes it from agents (new version)", async () => {
		const col = await collection();
		const doc = await upload(col.id, "x.txt", "Narwhals have tusks");
		const ag = await agent({ knowledge_collection_ids: [col.id] });
		expect((await api("delete", `/knowledge/collections/${col.id}`, h.owner)).status).toBe(204);
		expect((await api("get", `/knowledge/collections/${col.id}`, h.owner)).status).toBe(404);
		expect((await api("get", `/knowledge/documents/${doc.id}`, h.owner)).status).toBe(404);
		expect((await api("get", `/agents/${ag.id}`, h.owner)).body).toMatchObject({ version: 2, knowledge_collection_ids: [] });
		expect((await search({ query: "narwhals tusks" })).body.items.map((i: any) => i.document_id)).not.toContain(doc.id);
	});

	it("a run of an agent with a collection records a retrieval step with citations before the model call", async () => {
		const col = await collection();
		const doc = await upload(col.id, "capitals.md", "The capital of Australia is Canberra, not Sydney.");
		await upload(col.id, "rivers.md", "The longest river in Africa is the Nile.");
		const ag = await agent({ knowledge_collection_ids: [col.id], memory_enabled: false });
		const run = await api("post", "/runtime/runs", h.owner, { agent_id: ag.id, input: "What is the capital of Australia?", mode: "test", wait: true });
		expect([run.status, run.body.status]).toEqual([200, "completed"]);
		const steps = (await api("get", `/runtime/runs/${run.body.id}/steps`, h.owner)).body.items;
		expect(steps.map((s: any) => s.type)).toEqual(["retrieval", "llm_call"]);
		const [retrieval, llm] = steps;
		expect(retrieval).toMatchObject({ index: 0, name: "knowledge", status: "completed", input: { query: "What is the capital of Australia?", collection_ids: [col.id], limit: 5 } });
		expect(retrieval.output.chunks[0]).toMatchObject({ citation: 1, document_id: doc.id, document_name: "capitals.md", content: "The capital of Australia is Canberra, not Sydney." });
		expect(retrieval.output.citations[0]).toEqual({ citation: 1, chunk_id: retrieval.output.chunks[0].chunk_id, document_id: doc.id, document_name: "capitals.md", collection_id: col.id, score: expect.any(Number) });
		const context = llm.input.messages.find((m: any) => m.role === "system" && m.content.includes("Knowledge"));
		expect(context.content).toContain("[1] capitals.md:\nThe capital of Australia is Canberra, not Sydney.");
	});
});
