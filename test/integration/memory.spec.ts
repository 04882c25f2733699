import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { bearer, startApp, storeOf, type TestApp } from "../helpers/app";
import { until } from "../helpers/cluster";
import { auditEntries, createOrgWithOwner, expectFieldProblems, roleHeaders, uid } from "../helpers/platform";

let app: TestApp;
let h: Awaited<ReturnType<typeof roleHeaders>>;
let agentA: string;
let agentB: string;
const events: { name: string; params: any }[] = [];

const api = (method: "get" | "post" | "put" | "delete", path: string, auth: Record<string, string>, body?: object) => {
	const r = app.http[method](`/api/v1${path}`).set(auth);
	return body === undefined ? r : r.send(body);
};

async function remember(body: Record<string, unknown>, auth: Record<string, string> = h.owner) {
	const res = await api("post", "/memory", auth, body);
	if (res.status !== 201) throw new Error(`create answered ${res.status} ${res.text}`);
	return res.body;
}

async function agent(name = `mem-${uid()}`, extra: Record<string, unknown> = {}) {
	const res = await api("post", "/agents", h.owner, { name, model: "mock-echo", ...extra });
	if (res.status !== 201) throw new Error(`agent create answered ${res.status} ${res.text}`);
	return res.body.id as string;
}

const search = (body: Record<string, unknown>, auth: Record<string, string> = h.owner) => api("post", "/memory/search", auth, body);

beforeAll(async () => {
	app = await startApp();
	h = await roleHeaders(app);
	app.broker.createService({
		name: "memory-events-probe",
		events: {
			"memory.*"(ctx: any) {
				events.push({ name: ctx.eventName, params: ctx.params });
			}
		}
	});
	agentA = await agent();
	agentB = await agent();
});
afterAll(() => app.stop());

describe("memory entries: create, read, change, delete", () => {
	it("creates an entry with the contract's defaults, embedded at once with mock-embed", async () => {
		const entry = await remember({ memory_type: "long_term", content: "The customer prefers e-mail over phone calls", agent_id: agentA });
		expect(entry).toEqual({
			id: expect.any(String),
			org_id: expect.any(String),
			agent_id: agentA,
			memory_type: "long_term",
			content: "The customer prefers e-mail over phone calls",
			importance: 0.5,
			metadata: {},
			scope: "agent",
			end_user_id: null,
			session_id: null,
			embedding_status: "ready",
			expires_at: null,
			created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
			updated_at: expect.any(String)
		});
		expect((await api("get", `/memory/${entry.id}`, h.owner)).body).toEqual(entry);
		expect(events).toContainEqual({ name: "memory.created", params: { org_id: entry.org_id, memory_id: entry.id, agent_id: agentA, memory_type: "long_term", scope: "agent" } });
	});

	it("reports every bad field at once and stores nothing", async () => {
		const before = (await api("get", "/memory", h.owner)).body.total;
		const bad = { memory_type: "forever", content: "", importance: 1.5, scope: "user", metadata: "x" };
		expectFieldProblems(await api("post", "/memory", h.owner, bad), bad, ["memory_type", "content", "importance", "metadata", "end_user_id"]);
		const badScope = { memory_type: "long_term", content: "x", scope: "team" };
		expectFieldProblems(await api("post", "/memory", h.owner, badScope), badScope, ["scope"]);
		const missingAgent = { memory_type: "long_term", content: "x" };
		expectFieldProblems(await api("post", "/memory", h.owner, missingAgent), missingAgent, ["agent_id"]);
		const missingUser = { memory_type: "long_term", content: "x", scope: "user" };
		expectFieldProblems(await api("post", "/memory", h.owner, missingUser), missingUser, ["end_user_id"]);
		const bigMeta = { memory_type: "semantic", content: "x", scope: "org", metadata: { blob: "y".repeat(17000) } };
		expectFieldProblems(await api("post", "/memory", h.owner, bigMeta), bigMeta, ["metadata"]);
		expect((await api("get", "/memory", h.owner)).body.total).toBe(before);
	});

	it("answers 404 for an unknown agent and for another org's agent", async () => {
		const unknown = await api("post", "/memory", h.owner, { memory_type: "long_term", content: "x", agent_id: "agt_missing" });
		expect([unknown.status, unknown.body.error.code, unknown.body.error.details]).toEqual([404, "NOT_FOUND", [{ field: "agent_id", message: "Agent not found" }]]);
		const foreign = await api("post", "/memory", h.other, { memory_type: "long_term", content: "x", agent_id: agentA });
		expect(foreign.status).toBe(404);
	});

	it("session entries without a conversation expire 24 h after their last update", async () => {
		const loose = await remember({ memory_type: "session", content: "hello there", scope: "org" });
		expect(Date.parse(loose.expires_at) - Date.parse(loose.updated_at)).toBe(24 * 3600 * 1000);
		const bound = await remember({ memory_type: "session", content: "hello there", scope: "org", session_id: "sess-1" });
		expect(bound.expires_at).toBeNull();
		const unbound = await api("put", `/memory/${bound.id}`, h.owner, { session_id: null });
		expect(Date.parse(unbound.body.expires_at) - Date.parse(unbound.body.updated_at)).toBe(24 * 3600 * 1000);
	});

	it("PUT is a partial update; immutable fields answer 400; new content is embedded again and searchable", async () => {
		const entry = await remember({ memory_type: "semantic", content: "Invoices are sent on the first of the month", scope: "org", metadata: { a: 1 } });
		expect((await api("put", `/memory/${entry.id}`, h.owner, {})).body).toEqual(entry);
		const bad = await api("put", `/memory/${entry.id}`, h.owner, { memory_type: "episodic", scope: "agent", importance: 2 });
		expect(bad.status).toBe(400);
		expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(["importance"]);
		const immutable = await api("put", `/memory/${entry.id}`, h.owner, { memory_type: "episodic", scope: "agent" });
		expect([immutable.status, immutable.body.error.details.map((d: any) => d.field).sort()]).toEqual([400, ["memory_type", "scope"]]);
		const same = await api("put", `/memory/${entry.id}`, h.owner, { memory_type: "semantic", scope: "org" });
		expect(same.status).toBe(200);

		const res = await api("put", `/memory/${entry.id}`, h.owner, { content: "Refunds take ten business days", importance: 0.9, metadata: { b: 2 } });
		expect(res.body).toMatchObject({ content: "Refunds take ten business days", importance: 0.9, metadata: { b: 2 }, embedding_status: "ready", memory_type: "semantic" });
		const found = await search({ query: "refunds business days", search_mode: "semantic" });
		expect(found.body.items[0]).toMatchObject({ id: entry.id });
		const old = await search({ query: "invoices first month", search_mode: "keyword" });
		expect(old.body.items.map((i: any) => i.id)).not.toContain(entry.id);
		expect(events.map(e => e.name)).toContain("memory.updated");
	});

	it("lists with the §0.10 envelope and exact-match filters", async () => {
		const userScoped = await remember({ memory_type: "long_term", content: "likes green tea", scope: "user", end_user_id: "end-user-7" });
		const page = await api("get", "/memory?scope=user&end_user_id=end-user-7", h.owner);
		expect(page.body).toEqual({ items: [userScoped], total: 1, limit: 50, offset: 0 });
		const byAgent = await api("get", `/memory?agent_id=${agentA}&memory_type=long_term&limit=1&order=asc`, h.owner);
		expect(byAgent.body).toMatchObject({ total: 1, limit: 1, offset: 0 });
		expect(byAgent.body.items[0].agent_id).toBe(agentA);
		for (const q of ["limit=0", "limit=201", "offset=-1", "order=up", "memory_type=x", "scope=team"]) {
			expect([q, (await api("get", `/memory?${q}`, h.owner)).status]).toEqual([q, 400]);
		}
		expect((await api("get", "/memory?agent_id=agt_nope", h.owner)).body.total).toBe(0);
	});

	it("DELETE removes one entry; bulk DELETE needs a scoping filter and reports the count", async () => {
		const one = await remember({ memory_type: "episodic", content: "one-off", agent_id: agentB });
		expect((await api("delete", `/memory/${one.id}`, h.owner)).status).toBe(204);
		expect((await api("get", `/memory/${one.id}`, h.owner)).status).toBe(404);
		expect((await api("delete", `/memory/${one.id}`, h.owner)).status).toBe(404);

		const sessionId = `bulk-${uid()}`;
		for (const content of ["a", "b", "c"]) await remember({ memory_type: "session", content, scope: "org", session_id: sessionId });
		await remember({ memory_type: "long_term", content: "kept", scope: "org", session_id: sessionId });
		const refused = await api("delete", "/memory?memory_type=session", h.owner);
		expect([refused.status, refused.body.error.code]).toEqual([400, "VALIDATION_ERROR"]);
		const bulk = await api("delete", `/memory?session_id=${sessionId}&memory_type=session`, h.owner);
		expect([bulk.status, bulk.headers["x-deleted-count"]]).toEqual([204, "3"]);
		expect((await api("get", `/memory?session_id=${sessionId}`, h.owner)).body.items.map((e: any) => e.content)).toEqual(["kept"]);
		const [audit] = await auditEntries(app, app.ownerKey, { action: "memory.delete" });
		expect(audit.details).toMatchObject({ count: 3 });
		expect(events).toContainEqual(expect.objectContaining({ name: "memory.deleted", params: expect.objectContaining({ count: 3 }) }));
	});

	it("audits every mutation with the §18 action names", async () => {
		const entry = await remember({ memory_type: "semantic", content: "audited", scope: "org" });
		await api("put", `/memory/${entry.id}`, h.owner, { importance: 0.1 });
		await api("delete", `/memory/${entry.id}`, h.owner);
		const actions = (await auditEntries(app, app.ownerKey, { resource_id: entry.id })).map(e => e.action).sort();
		expect(actions).toEqual(["memory.create", "memory.delete", "memory.update"]);
	});

	it("viewers read and search but cannot write; another org sees nothing", async () => {
		const entry = await remember({ memory_type: "semantic", content: "Zebra crossings are striped", scope: "org" });
		expect((await api("post", "/memory", h.viewer, { memory_type: "semantic", content: "x", scope: "org" })).status).toBe(403);
		expect((await search({ query: "zebra" }, h.viewer)).body.items[0].id).toBe(entry.id);
		expect((await api("get", `/memory/${entry.id}`, h.other)).status).toBe(404);
		expect((await api("put", `/memory/${entry.id}`, h.other, { importance: 0 })).status).toBe(404);
		expect((await api("delete", `/memory/${entry.id}`, h.other)).status).toBe(404);
		expect((await search({ query: "zebra crossings striped" }, h.other)).body.items).toEqual([]);
		expect((await search({ query: "zebra crossings striped", agent_id: agentA }, h.other)).body.items).toEqual([]);
		expect((await search({ query: "zebra crossings striped", agent_id: "agt_unknown" })).body.items).toEqual([]);
		expect((await api("get", "/memory", h.other)).body.total).toBe(0);
	});
});

describe("memory search", () => {
	let support: string;
	let entries: Record<string, any>;

	beforeAll(async () => {
		support = await agent();
		entries = {
			shipping: await remember({ memory_type: "long_term", agent_id: support, content: "Orders ship from the Rotterdam warehouse within two days" }),
			password: await remember({ memory_type: "long_term", agent_id: support, content: "Password resets are done from the account settings page" }),
			pricing: await remember({ memory_type: "semantic", agent_id: support, content: "The premium plan costs forty euros per month" }),
			orgWide: await remember({ memory_type: "semantic", scope: "org", content: "Office hours are nine to five on weekdays" }),
			userPref: await remember({ memory_type: "long_term", scope: "user", end_user_id: "u-42", content: "This user wants answers in Dutch" }),
			otherAgent: await remember({ memory_type: "long_term", agent_id: agentB, content: "Warehouse inventory of agent B is private" })
		};
	});

	it("ranks the relevant entry first with scores between 0 and 1, newest first on ties", async () => {
		const res = await search({ query: "when do orders ship from the warehouse", agent_id: support });
		expect(res.status).toBe(200);
		expect(res.body.items[0]).toMatchObject({ id: entries.shipping.id, content: entries.shipping.content });
		for (const item of res.body.items) expect(item.score).toBeGreaterThan(0);
		for (const item of res.body.items) expect(item.score).toBeLessThanOrEqual(1);
		const scores = res.body.items.map((i: any) => i.score);
		expect([...scores].sort((a, b) => b - a)).toEqual(scores);
		expect(res.body.items.length).toBeLessThanOrEqual(5);
	});

	it("semantic scores are cosine similarities (identical text scores 1); keyword scores are BM25 normalised to the best", async () => {
		const semantic = await search({ query: entries.pricing.content, agent_id: support, search_mode: "semantic" });
		expect(semantic.body.items[0]).toMatchObject({ id: entries.pricing.id, score: 1 });
		const keyword = await search({ query: "password account", agent_id: support, search_mode: "keyword" });
		expect(keyword.body.items[0]).toMatchObject({ id: entries.password.id, score: 1 });
		const hybrid = await search({ query: entries.pricing.content, agent_id: support });
		expect(hybrid.body.items[0]).toMatchObject({ id: entries.pricing.id, score: 1 });
		// hybrid = 0.7 × semantic + 0.3 × keyword
		const sem = semantic.body.items.find((i: any) => i.id === entries.shipping.id)?.score ?? 0;
		const kw = (await search({ query: entries.pricing.content, agent_id: support, search_mode: "keyword" })).body.items.find((i: any) => i.id === entries.shipping.id)?.score ?? 0;
		const hy = hybrid.body.items.find((i: any) => i.id === entries.shipping.id)?.score ?? 0;
		expect(hy).toBeCloseTo(0.7 * sem + 0.3 * kw, 4);
	});

	it("hybrid ranks differently from BM25 alone: keywords favour both words, the embedding the topic", async () => {
		// A fresh org: BM25 statistics are per org, so this corpus alone decides the ranking.
		const fresh = bearer((await createOrgWithOwner(app)).ownerKey);
		const id = (await api("post", "/agents", fresh, { name: `mem-${uid()}`, model: "mock-echo" })).body.id;
		const corpus: Record<string, any> = {
			focused: await remember({ memory_type: "semantic", agent_id: id, content: "Refunds, refunds, refunds: everything about refunds." }, fresh),
			broad: await remember({ memory_type: "semantic", agent_id: id, content: "Refunds and invoices, shipping, returns, warranty, payments, accounts, addresses, vouchers." }, fresh),
			other: await remember({ memory_type: "semantic", agent_id: id, content: "Opening hours of the shop and the warehouse." }, fresh)
		};
		const ranking = async (search_mode: string) => {
			const items = (await search({ query: "refunds invoices", agent_id: id, search_mode }, fresh)).body.items;
			return items.map((i: any) => Object.entries(corpus).find(([, e]) => e.id === i.id)?.[0]);
		};
		expect(await ranking("keyword")).toEqual(["broad", "focused"]);
		expect(await ranking("semantic")).toEqual(["focused", "broad"]);
		expect(await ranking("hybrid")).toEqual(["focused", "broad"]);
	});

	it("applies min_score, limit, memory_type and scopes", async () => {
		const all = await search({ query: "warehouse orders ship two days", agent_id: support, limit: 50 });
		const threshold = all.body.items[0].score;
		const strict = await search({ query: "warehouse orders ship two days", agent_id: support, min_score: threshold });
		expect(strict.body.items.map((i: any) => i.id)).toEqual([entries.shipping.id]);
		expect((await search({ query: "warehouse", agent_id: support, limit: 1 })).body.items).toHaveLength(1);
		const semanticOnly = await search({ query: "plan month office", agent_id: support, memory_type: "semantic", limit: 50 });
		expect(semanticOnly.body.items.every((i: any) => i.memory_type === "semantic")).toBe(true);
		const orgOnly = await search({ query: "office hours weekdays premium", agent_id: support, scopes: ["org"], limit: 50 });
		expect(orgOnly.body.items.every((i: any) => i.scope === "org")).toBe(true);
		const bad = { query: "", limit: 51, scopes: ["team"], search_mode: "fuzzy", min_score: 2 };
		expectFieldProblems(await search(bad), bad, ["query", "limit", "scopes[0]", "search_mode", "min_score"], false);
	});

	it("with agent_id: own, org-wide and the end user's entries; other agents' only when shared (§4)", async () => {
		const ids = async (body: Record<string, unknown>) => (await search({ limit: 50, ...body })).body.items.map((i: any) => i.id);
		const plain = await ids({ query: "warehouse Dutch office answers inventory", agent_id: support });
		expect(plain).toEqual(expect.arrayContaining([entries.shipping.id, entries.orgWide.id]));
		expect(plain).not.toContain(entries.userPref.id);
		expect(plain).not.toContain(entries.otherAgent.id);
		const withUser = await ids({ query: "warehouse Dutch office answers inventory", agent_id: support, end_user_id: "u-42" });
		expect(withUser).toContain(entries.userPref.id);
		// A share_memory trust policy B → support lets support's searches read B's agent memory (§6).
		const policy = await api("post", "/coordination/trust-policies", h.owner, { source_agent_id: agentB, target_agent_id: support, trust_level: "high", allowed_actions: ["share_memory"] });
		expect(policy.status).toBe(201);
		try {
			expect(await ids({ query: "warehouse inventory private", agent_id: support })).toContain(entries.otherAgent.id);
		} finally {
			await api("delete", `/coordination/trust-policies/${policy.body.id}`, h.owner).expect(204);
		}
		expect(await ids({ query: "warehouse inventory private", agent_id: support })).not.toContain(entries.otherAgent.id);
		const everything = await ids({ query: "warehouse Dutch office answers inventory" });
		expect(everything).toEqual(expect.arrayContaining([entries.shipping.id, entries.userPref.id, entries.otherAgent.id, entries.orgWide.id]));
	});
});

describe("runs with memory_enabled (§2)", () => {
	const runOf = async (agentId: string, input: string, extra: Record<string, unknown> = {}) => {
		const res = await api("post", "/runtime/runs", h.owner, { agent_id: agentId, input, mode: "test", wait: true, ...extra });
		expect([res.status, res.body.status]).toEqual([200, "completed"]);
		return res.body;
	};

	it("records a recall step before the first llm_call and stores an episodic entry after", async () => {
		const id = await agent();
		const fact = await remember({ memory_type: "long_term", agent_id: id, content: "The customer's favourite colour is teal" });
		await remember({ memory_type: "session", agent_id: id, session_id: "chat-9", content: "Earlier: hello", metadata: { role: "user" } });
		const run = await runOf(id, "What is the favourite colour of the customer?", { session_id: "chat-9", end_user_id: "eu-1" });
		const steps = (await api("get", `/runtime/runs/${run.id}/steps`, h.owner)).body.items;
		const memoryIndex = steps.findIndex((s: any) => s.type === "memory");
		const llmIndex = steps.findIndex((s: any) => s.type === "llm_call");
		expect(memoryIndex).toBeGreaterThanOrEqual(0);
		expect(memoryIndex).toBeLessThan(llmIndex);
		const recall = steps[memoryIndex];
		expect(recall).toMatchObject({ name: "recall", status: "completed", tokens_input: 0, cost_usd: 0 });
		expect(recall.input).toMatchObject({ query: "What is the favourite colour of the customer?", session_id: "chat-9", limit: 5 });
		expect(recall.output.entries[0]).toMatchObject({ id: fact.id, content: fact.content });
		expect(recall.output.session.map((e: any) => e.content)).toEqual(["Earlier: hello"]);
		// The model received the recalled memory as context.
		const sent = steps[llmIndex].input.messages.map((m: any) => m.content).join("\n");
		expect(sent).toContain("The customer's favourite colour is teal");

		const episodes = (await api("get", `/memory?agent_id=${id}&memory_type=episodic`, h.owner)).body.items;
		expect(episodes).toHaveLength(1);
		expect(episodes[0]).toMatchObject({
			content: `Input: ${run.input}\nOutput: ${run.output}`,
			importance: 0.3,
			scope: "agent",
			end_user_id: "eu-1",
			embedding_status: "ready",
			metadata: { source: "run", run_id: run.id, session_id: "chat-9" }
		});
	});

	it("truncates the episodic entry to 2,000 characters; memory_enabled false records no memory step", async () => {
		const id = await agent();
		const run = await runOf(id, "long ".repeat(600));
		const [episode] = (await api("get", `/memory?agent_id=${id}&memory_type=episodic`, h.owner)).body.items;
		expect(episode.content).toHaveLength(2000);
		expect(run.id).toBeDefined();

		const off = await agent(`mem-off-${uid()}`, { memory_enabled: false });
		const plain = await runOf(off, "no memory please");
		const steps = (await api("get", `/runtime/runs/${plain.id}/steps`, h.owner)).body.items;
		expect(steps.map((s: any) => s.type)).toEqual(["llm_call"]);
		expect((await api("get", `/memory?agent_id=${off}`, h.owner)).body.total).toBe(0);
	});
});

describe("several instances on one shared database", () => {
	it("an instance mirrors the entries another instance wrote or deleted (search-index.memory event)", async () => {
		const entry = await remember({ memory_type: "semantic", scope: "org", content: "Seahorses swim upright" });
		const repo = await storeOf(app.broker).repository("memories");
		// Another instance changed the shared store: this node's index learns it only from the event.
		await repo.forOrg(entry.org_id).update(entry.id, { content: "Octopuses have three hearts" });
		const svc: any = app.broker.getLocalService("memory");
		const def = svc.schema.events["search-index.memory"];
		const handler = typeof def === "function" ? def : Array.isArray(def) ? def[0] : def.handler;
		await handler.call(svc, { nodeID: "another-node", params: { org_id: entry.org_id, upserted: [entry.id], removed: [] } });
		expect((await search({ query: "octopuses hearts", search_mode: "keyword" })).body.items.map((i: any) => i.id)).toEqual([entry.id]);
		await handler.call(svc, { nodeID: "another-node", params: { org_id: entry.org_id, upserted: [], removed: [entry.id] } });
		expect((await search({ query: "octopuses hearts", search_mode: "keyword" })).body.items).toEqual([]);
		// Its own announcements are ignored.
		await handler.call(svc, { nodeID: app.broker.nodeID, params: { org_id: entry.org_id, upserted: [entry.id], removed: [] } });
		expect((await search({ query: "octopuses hearts", search_mode: "keyword" })).body.items).toEqual([]);
	});
});

describe("when the embedding model has no provider", () => {
	afterAll(async () => {
		await api("put", "/admin/settings", h.owner, { embedding_model: "mock-embed" });
	});

	it("entries end embedding_status failed; semantic search answers 503, hybrid falls back to keywords", async () => {
		expect((await api("put", "/admin/settings", h.owner, { embedding_model: "text-embedding-3-small" })).status).toBe(200);
		const entry = await remember({ memory_type: "semantic", scope: "org", content: "Walruses rest on floating ice" });
		expect(entry.embedding_status).toBe("pending");
		const failed = await until(async () => {
			const doc = (await api("get", `/memory/${entry.id}`, h.owner)).body;
			return doc.embedding_status === "failed" ? doc : null;
		}, 10_000, "the embedding to fail");
		expect(failed.embedding_status).toBe("failed");
		const semantic = await search({ query: "walruses floating ice", search_mode: "semantic" });
		expect([semantic.status, semantic.body.error.code]).toEqual([503, "SERVICE_UNAVAILABLE"]);
		const hybrid = await search({ query: "walruses floating ice" });
		expect(hybrid.body.items[0]).toMatchObject({ id: entry.id, score: 0.3 });
	});
});

describe("the index survives a restart on the embedded file store", () => {
	it("rebuilds from the stored entries at start, per org", async () => {
		const dir = mkdtempSync(path.join(tmpdir(), "fg-memory-"));
		try {
			let node = await startApp({ storeKind: "nedb", dataDir: dir });
			const auth = bearer(node.ownerKey);
			const created = await node.http.post("/api/v1/memory").set(auth).send({ memory_type: "semantic", scope: "org", content: "Lighthouses guide ships at night" });
			expect(created.status).toBe(201);
			await node.stop();
			node = await startApp({ storeKind: "nedb", dataDir: dir });
			try {
				const res = await node.http.post("/api/v1/memory/search").set(auth).send({ query: "lighthouses ships", search_mode: "hybrid" });
				expect(res.body.items.map((i: any) => i.id)).toEqual([created.body.id]);
				expect(res.body.items[0].score).toBeGreaterThan(0.5);
			} finally {
				await node.stop();
			}
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}, 60_000);
});
