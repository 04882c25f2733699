import type { Context } from "moleculer";
import { bearer, startApp, type TestApp } from "../helpers/app";
import { auditEntries, createOrgWithOwner, keyWithRoles, uid } from "../helpers/platform";

const AGENTS = "/api/v1/agents";

describe("Agents (§1)", () => {
	let app: TestApp;
	let owner: Record<string, string>;
	let viewer: Record<string, string>;
	let other: Record<string, string>;
	const events: { name: string; params: any }[] = [];
	const purged: any[] = [];
	/** Tools known to the stand-in `tools` service (used only when no tools module runs). */
	const stubTools = new Map<string, string>();
	let ownerOrgId: string;
	let otherOrgId: string;
	let realTools = false;

	beforeAll(async () => {
		app = await startApp();
		owner = bearer(app.ownerKey);
		viewer = bearer((await keyWithRoles(app, app.ownerKey, ["viewer"])).key);
		const second = await createOrgWithOwner(app);
		other = bearer(second.ownerKey);
		otherOrgId = second.org.id;
		ownerOrgId = (await app.http.get("/api/v1/auth/me").set(owner)).body.org.id;
		app.broker.createService({
			name: "agents-spec-probe",
			events: {
				"agent.*"(ctx: Context<any>) {
					events.push({ name: ctx.eventName as string, params: ctx.params });
				}
			},
			actions: {
				purgeAgent(ctx: Context<any>) {
					purged.push(ctx.params);
					return { deleted: 0 };
				}
			}
		});
		realTools = !!app.broker.getLocalService("tools");
		if (!realTools) {
			app.broker.createService({
				name: "tools",
				actions: {
					describe(ctx: Context<{ org_id: string; tool_ids: string[] }>) {
						return ctx.params.tool_ids.filter(id => stubTools.get(id) === ctx.params.org_id).map(id => ({ id }));
					}
				}
			});
		}
		await app.broker.waitForServices(["agents-spec-probe", "tools"]);
	});
	afterAll(() => app.stop());

	/** Tools of the caller's org: through the tools module when it runs, else registered with the stand-in. */
	async function makeTools(n: number, auth = owner, orgId = ownerOrgId): Promise<string[]> {
		const ids: string[] = [];
		for (let i = 0; i < n; i++) {
			if (realTools) {
				const res = await app.http.post("/api/v1/tools").set(auth).send({ name: `tool-${uid()}`, description: "echo", type: "function", config: { function: "echo" } });
				expect(res.status).toBe(201);
				ids.push(res.body.id);
			} else {
				const id = `tool_${uid(8)}`;
				stubTools.set(id, orgId);
				ids.push(id);
			}
		}
		return ids;
	}

	const create = async (body: Record<string, unknown> = {}, auth = owner) => {
		const res = await app.http.post(AGENTS).set(auth).send({ name: `agent-${uid()}`, model: "mock-echo", ...body });
		expect(res.status).toBe(201);
		return res.body;
	};
	const versions = async (id: string) => (await app.http.get(`/api/v1/lifecycle/${id}/versions`).set(owner)).body;
	const promote = (id: string, target: string) => app.http.post(`/api/v1/lifecycle/${id}/promote`).set(owner).send({ target_state: target });
	const count = async (auth = owner) => (await app.http.get(AGENTS).set(auth)).body.total as number;

	describe("create", () => {
		it("creates a draft agent at version 1 with every default, and stores version 1", async () => {
			const res = await app.http.post(AGENTS).set(owner).send({ name: `alpha-${uid()}`, model: "mock-echo", tags: ["support", "tier-1"], status: "active", version: 7 });
			expect(res.status).toBe(201);
			expect(res.body).toMatchObject({
				org_id: ownerOrgId,
				description: "",
				model: "mock-echo",
				system_prompt: "",
				tools: [],
				tags: ["support", "tier-1"],
				team: null,
				status: "draft",
				version: 1,
				temperature: 0.7,
				max_tokens: 1024,
				max_steps: 10,
				timeout_seconds: 300,
				memory_enabled: true,
				knowledge_collection_ids: [],
				prompt_id: null,
				prompt_version: null,
				prompt_variables: {},
				max_cost_usd_per_run: null,
				metadata: {}
			});
			expect(res.body.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
			expect(res.body.created_by).toEqual(expect.any(String));
			expect(res.body.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
			const list = await versions(res.body.id);
			expect(list.total).toBe(1);
			expect(list.items[0]).toMatchObject({ agent_id: res.body.id, version: 1, source: "create", config: { model: "mock-echo", temperature: 0.7, tools: [] } });
			expect(events).toContainEqual({ name: "agent.created", params: expect.objectContaining({ org_id: ownerOrgId, agent_id: res.body.id }) });
		});

		it("keeps tool order and drops duplicate tool ids", async () => {
			const [a, b] = await makeTools(2);
			const agent = await create({ tools: [b, a, b] });
			expect(agent.tools).toEqual([b, a]);
		});

		it("answers 400 listing every field problem, and creates nothing", async () => {
			const before = await count();
			const res = await app.http
				.post(AGENTS)
				.set(owner)
				.send({
					name: "Bad Name",
					model: 5,
					description: null,
					max_steps: "5",
					temperature: 2.5,
					max_tokens: 0,
					timeout_seconds: 5,
					tags: ["Bad Tag"],
					tools: Array.from({ length: 51 }, (_, i) => `t${i}`),
					max_cost_usd_per_run: 0,
					metadata: { blob: "x".repeat(17 * 1024) }
				});
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe("VALIDATION_ERROR");
			const fields = res.body.error.details.map((d: any) => d.field);
			expect(fields).toEqual(
				expect.arrayContaining(["name", "model", "description", "max_steps", "temperature", "max_tokens", "timeout_seconds", "tags[0]", "tools", "max_cost_usd_per_run", "metadata"])
			);
			expect(await count()).toBe(before);
		});

		it("names a missing model among the other field problems", async () => {
			const before = await count();
			const res = await app.http.post(AGENTS).set(owner).send({ name: "Bad Name", description: null, temperature: 9, tools: "all", metadata: [], prompt_version: 0 });
			expect(res.status).toBe(400);
			expect(res.body.error.details.map((d: any) => d.field).sort()).toEqual(["description", "metadata", "model", "name", "prompt_version", "temperature", "tools"]);
			expect(await count()).toBe(before);
		});

		it("requires name and model", async () => {
			const res = await app.http.post(AGENTS).set(owner).send({});
			expect(res.status).toBe(400);
			expect(res.body.error.details.map((d: any) => d.field).sort()).toEqual(["model", "name"]);
		});

		it("answers 400 for a model outside the catalogue", async () => {
			const before = await count();
			const res = await app.http.post(AGENTS).set(owner).send({ name: `m-${uid()}`, model: "no-such-model" });
			expect(res.status).toBe(400);
			expect(res.body.error.details).toEqual([{ field: "model", message: expect.any(String) }]);
			expect(await count()).toBe(before);
		});

		it("answers 404 naming each unknown tool, collection and prompt, and creates nothing", async () => {
			const before = await count();
			const [known] = await makeTools(1);
			const res = await app.http.post(AGENTS).set(owner).send({ name: `r-${uid()}`, model: "mock-echo", tools: [known, "tool_missing"] });
			expect(res.status).toBe(404);
			expect(res.body.error.code).toBe("NOT_FOUND");
			expect(res.body.error.details).toEqual([{ field: "tools[1]", message: expect.any(String) }]);
			const col = await app.http.post(AGENTS).set(owner).send({ name: `r-${uid()}`, model: "mock-echo", knowledge_collection_ids: ["col_missing"] });
			expect(col.status).toBe(404);
			expect(col.body.error.details[0].field).toBe("knowledge_collection_ids[0]");
			const prompt = await app.http.post(AGENTS).set(owner).send({ name: `r-${uid()}`, model: "mock-echo", prompt_id: "prm_missing" });
			expect(prompt.status).toBe(404);
			expect(prompt.body.error.details[0].field).toBe("prompt_id");
			expect(await count()).toBe(before);
		});

		it("treats another org's tool as missing", async () => {
			const [foreign] = await makeTools(1, other, otherOrgId);
			const res = await app.http.post(AGENTS).set(owner).send({ name: `f-${uid()}`, model: "mock-echo", tools: [foreign] });
			expect(res.status).toBe(404);
		});

		it("answers 409 ALREADY_EXISTS for a taken name, unique per org only", async () => {
			const name = `dup-${uid()}`;
			await create({ name });
			const res = await app.http.post(AGENTS).set(owner).send({ name, model: "mock-echo" });
			expect(res.status).toBe(409);
			expect(res.body.error).toMatchObject({ code: "ALREADY_EXISTS", details: { field: "name" } });
			expect((await app.http.post(AGENTS).set(other).send({ name, model: "mock-echo" })).status).toBe(201);
		});

		it("refuses viewers with 403 and audits agent.create", async () => {
			const res = await app.http.post(AGENTS).set(viewer).send({ name: `v-${uid()}`, model: "mock-echo" });
			expect(res.status).toBe(403);
			expect(res.body.error).toMatchObject({ code: "PERMISSION_DENIED", details: { required: ["agents:write"] } });
			const agent = await create();
			const entries = await auditEntries(app, app.ownerKey, { action: "agent.create", resource_id: agent.id });
			expect(entries).toHaveLength(1);
			expect(entries[0]).toMatchObject({ resource_type: "agent", outcome: "success", status_code: 201 });
		});
	});

	describe("list and get", () => {
		let team: string;
		let a: any;
		let b: any;

		beforeAll(async () => {
			team = `Team ${uid()}`;
			a = await create({ name: `searchable-${uid()}`, tags: ["alpha"], team, model: "mock-tools" });
			b = await create({ description: `Handles SEARCHABLE things ${uid()}`, tags: ["beta"], team });
			expect((await promote(b.id, "testing")).status).toBe(200);
		});

		it("filters by status, tag, team, model and search (name or description, case-insensitive)", async () => {
			const ids = async (q: Record<string, string>) => (await app.http.get(AGENTS).query({ limit: 200, ...q }).set(owner)).body.items.map((x: any) => x.id);
			expect(await ids({ team })).toEqual([b.id, a.id]);
			expect(await ids({ team, tag: "alpha" })).toEqual([a.id]);
			expect(await ids({ team, status: "testing" })).toEqual([b.id]);
			expect(await ids({ team, model: "mock-tools" })).toEqual([a.id]);
			expect(await ids({ team, search: "SEARCHable" })).toEqual([b.id, a.id]);
			expect(await ids({ team, order: "asc" })).toEqual([a.id, b.id]);
			expect(await ids({ team: "no such team" })).toEqual([]);
		});

		it("filters by creation time and pages with limit/offset", async () => {
			const page = await app.http.get(AGENTS).query({ team, limit: 1, offset: 1 }).set(owner);
			expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
			expect(page.body.items.map((x: any) => x.id)).toEqual([a.id]);
			const after = await app.http.get(AGENTS).query({ team, created_after: b.created_at }).set(owner);
			expect(after.body.items.map((x: any) => x.id)).toEqual([b.id]);
			const before = await app.http.get(AGENTS).query({ team, created_before: b.created_at }).set(owner);
			expect(before.body.items.map((x: any) => x.id)).toEqual([a.id]);
		});

		it("answers 400 for bad query values", async () => {
			for (const q of [{ limit: "0" }, { limit: "201" }, { offset: "-1" }, { status: "running" }, { created_after: "yesterday" }, { order: "up" }]) {
				expect((await app.http.get(AGENTS).query(q).set(owner)).status).toBe(400);
			}
		});

		it("never shows another org's agents", async () => {
			const res = await app.http.get(AGENTS).query({ team }).set(other);
			expect(res.body.total).toBe(0);
			expect((await app.http.get(`${AGENTS}/${a.id}`).set(other)).status).toBe(404);
		});

		it("gets one agent; unknown ids answer 404; viewers can read", async () => {
			const res = await app.http.get(`${AGENTS}/${a.id}`).set(viewer);
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ id: a.id, name: a.name, team });
			const missing = await app.http.get(`${AGENTS}/agt_nope`).set(owner);
			expect(missing.status).toBe(404);
			expect(missing.body.error.code).toBe("NOT_FOUND");
			expect((await app.http.get(`${AGENTS}/bad%20id`).set(owner)).status).toBe(404);
		});
	});

	describe("update and versioning", () => {
		it("a changed versioned field makes a new version with a full snapshot", async () => {
			const agent = await create({ description: "one" });
			events.length = 0;
			const res = await app.http.put(`${AGENTS}/${agent.id}`).set(owner).send({ description: "two", temperature: 0.2, tags: ["x"] });
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ description: "two", temperature: 0.2, tags: ["x"], version: 2 });
			const list = await versions(agent.id);
			expect(list.items.map((v: any) => v.version)).toEqual([2, 1]);
			expect(list.items[0]).toMatchObject({ source: "update", config: { description: "two", temperature: 0.2, model: "mock-echo", max_steps: 10 } });
			expect(list.items[0].changed_fields.sort()).toEqual(["description", "temperature"]);
			expect(list.items[0].config).not.toHaveProperty("tags");
			const updated = events.find(e => e.name === "agent.updated");
			expect(updated?.params).toMatchObject({ org_id: ownerOrgId, agent_id: agent.id, version: 2 });
			expect(updated?.params.changed_fields).toEqual(expect.arrayContaining(["description", "temperature", "tags"]));
		});

		it("a change that leaves every versioned field equal creates no version", async () => {
			const agent = await create({ description: "same", temperature: 1 });
			const same = await app.http.put(`${AGENTS}/${agent.id}`).set(owner).send({ description: "same", temperature: 1, model: "mock-echo" });
			expect(same.status).toBe(200);
			expect(same.body.version).toBe(1);
			const empty = await app.http.put(`${AGENTS}/${agent.id}`).set(owner).send({});
			expect(empty.status).toBe(200);
			expect(empty.body).toEqual(agent);
			const unversioned = await app.http
				.put(`${AGENTS}/${agent.id}`)
				.set(owner)
				.send({ name: `renamed-${uid()}`, tags: ["a", "b"], team: "Ops", metadata: { k: 1 } });
			expect(unversioned.status).toBe(200);
			expect(unversioned.body).toMatchObject({ tags: ["a", "b"], team: "Ops", metadata: { k: 1 }, version: 1 });
			expect((await versions(agent.id)).total).toBe(1);
		});

		it("concurrent changes each get their own version number", async () => {
			const agent = await create();
			const edits = [1, 2, 3, 4, 5, 6, 7, 8];
			const results = await Promise.all([
				...edits.map(n => app.http.put(`${AGENTS}/${agent.id}`).set(owner).send({ description: `edit ${n}` })),
				...edits.map(n => app.broker.call("agents.applyConfig", { org_id: ownerOrgId, agent_id: agent.id, config: { system_prompt: `prompt ${n}` }, source: "rollback" }))
			]);
			expect(results.slice(0, edits.length).map((r: any) => r.status)).toEqual(edits.map(() => 200));
			const list = (await app.http.get(`/api/v1/lifecycle/${agent.id}/versions`).query({ order: "asc" }).set(owner)).body;
			expect(list.items.map((v: any) => v.version)).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
			const current = (await app.http.get(`${AGENTS}/${agent.id}`).set(owner)).body;
			expect(current.version).toBe(17);
			expect(list.items.at(-1).config).toMatchObject({ description: current.description, system_prompt: current.system_prompt });
		});

		it("null clears nullable fields and is refused on the others; read-only fields are ignored", async () => {
			const agent = await create({ team: "Core", max_cost_usd_per_run: 0.5 });
			const bad = await app.http.put(`${AGENTS}/${agent.id}`).set(owner).send({ description: null, temperature: 5, team: null });
			expect(bad.status).toBe(400);
			expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(["description", "temperature"]);
			expect((await app.http.get(`${AGENTS}/${agent.id}`).set(owner)).body).toEqual(agent);
			const res = await app.http.put(`${AGENTS}/${agent.id}`).set(owner).send({ team: null, max_cost_usd_per_run: null, status: "active", version: 40, id: "x" });
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ id: agent.id, team: null, max_cost_usd_per_run: null, status: "draft", version: 2 });
		});

		it("answers 400 for an unknown model and 404 for unknown tools, changing nothing", async () => {
			const agent = await create();
			expect((await app.http.put(`${AGENTS}/${agent.id}`).set(owner).send({ model: "gpt-nope" })).status).toBe(400);
			const res = await app.http.put(`${AGENTS}/${agent.id}`).set(owner).send({ tools: ["tool_missing"], description: "x" });
			expect(res.status).toBe(404);
			expect(res.body.error.details[0].field).toBe("tools[0]");
			expect((await app.http.get(`${AGENTS}/${agent.id}`).set(owner)).body).toEqual(agent);
		});

		it("answers 409 for a taken name, 404 for unknown or foreign agents", async () => {
			const a = await create();
			const b = await create();
			const res = await app.http.put(`${AGENTS}/${b.id}`).set(owner).send({ name: a.name, description: "changed" });
			expect(res.status).toBe(409);
			expect(res.body.error.code).toBe("ALREADY_EXISTS");
			expect((await app.http.get(`${AGENTS}/${b.id}`).set(owner)).body).toEqual(b);
			expect((await versions(b.id)).total).toBe(1);
			expect((await app.http.put(`${AGENTS}/agt_missing`).set(owner).send({ description: "x" })).status).toBe(404);
			expect((await app.http.put(`${AGENTS}/${a.id}`).set(other).send({ description: "x" })).status).toBe(404);
			expect((await app.http.put(`${AGENTS}/${a.id}`).set(viewer).send({ description: "x" })).status).toBe(403);
		});

		it("refuses every change of an archived agent with 409 AGENT_ARCHIVED", async () => {
			const agent = await create();
			const [tool] = await makeTools(1);
			expect((await promote(agent.id, "archived")).status).toBe(200);
			for (const req of [
				app.http.put(`${AGENTS}/${agent.id}`).set(owner).send({ description: "x" }),
				app.http.put(`${AGENTS}/${agent.id}`).set(owner).send({}),
				app.http.post(`${AGENTS}/${agent.id}/tools`).set(owner).send({ tool_ids: [tool] })
			]) {
				const res = await req;
				expect(res.status).toBe(409);
				expect(res.body.error.code).toBe("AGENT_ARCHIVED");
			}
			expect((await app.http.get(`${AGENTS}/${agent.id}`).set(owner)).body.version).toBe(1);
		});
	});

	describe("tools", () => {
		it("attaches tools (new version, source tools) and ignores ones already attached", async () => {
			const [t1, t2, t3] = await makeTools(3);
			const agent = await create({ tools: [t1] });
			const res = await app.http.post(`${AGENTS}/${agent.id}/tools`).set(owner).send({ tool_ids: [t2, t1, t3, t2] });
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ tools: [t1, t2, t3], version: 2 });
			const again = await app.http.post(`${AGENTS}/${agent.id}/tools`).set(owner).send({ tool_ids: [t3] });
			expect(again.body.version).toBe(2);
			const list = await versions(agent.id);
			expect(list.items[0]).toMatchObject({ version: 2, source: "tools", changed_fields: ["tools"] });
			const entries = await auditEntries(app, app.ownerKey, { action: "agent.attach_tools", resource_id: agent.id });
			expect(entries.length).toBe(2);
		});

		it("answers 400, 404 and 403 without changing the agent", async () => {
			const agent = await create();
			const url = `${AGENTS}/${agent.id}/tools`;
			expect((await app.http.post(url).set(owner).send({ tool_ids: [] })).status).toBe(400);
			expect((await app.http.post(url).set(owner).send({})).status).toBe(400);
			expect((await app.http.post(url).set(owner).send({ tool_ids: "t" })).status).toBe(400);
			const missing = await app.http.post(url).set(owner).send({ tool_ids: ["tool_nope"] });
			expect(missing.status).toBe(404);
			expect(missing.body.error.details).toEqual([{ field: "tool_ids[0]", message: expect.any(String) }]);
			expect((await app.http.post(`${AGENTS}/agt_missing/tools`).set(owner).send({ tool_ids: ["x"] })).status).toBe(404);
			expect((await app.http.post(url).set(other).send({ tool_ids: ["x"] })).status).toBe(404);
			expect((await app.http.post(url).set(viewer).send({ tool_ids: ["x"] })).status).toBe(403);
			expect((await app.http.get(`${AGENTS}/${agent.id}`).set(owner)).body).toEqual(agent);
		});

		it("answers 400 when the agent would have more than 50 tools", async () => {
			const tools = await makeTools(51);
			const agent = await create({ tools: tools.slice(0, 50) });
			const res = await app.http.post(`${AGENTS}/${agent.id}/tools`).set(owner).send({ tool_ids: [tools[50]] });
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe("VALIDATION_ERROR");
			expect((await app.http.get(`${AGENTS}/${agent.id}`).set(owner)).body.tools).toHaveLength(50);
		});

		it("detaches a tool (new version); 404 when not attached; 409 when archived", async () => {
			const [t1, t2] = await makeTools(2);
			const agent = await create({ tools: [t1, t2] });
			const res = await app.http.delete(`${AGENTS}/${agent.id}/tools/${t1}`).set(owner);
			expect(res.status).toBe(204);
			expect(res.text).toBe("");
			const after = (await app.http.get(`${AGENTS}/${agent.id}`).set(owner)).body;
			expect(after).toMatchObject({ tools: [t2], version: 2 });
			expect((await app.http.delete(`${AGENTS}/${agent.id}/tools/${t1}`).set(owner)).status).toBe(404);
			expect((await app.http.delete(`${AGENTS}/${agent.id}/tools/${t2}`).set(other)).status).toBe(404);
			expect((await app.http.delete(`${AGENTS}/${agent.id}/tools/${t2}`).set(viewer)).status).toBe(403);
			expect((await promote(agent.id, "archived")).status).toBe(200);
			const archived = await app.http.delete(`${AGENTS}/${agent.id}/tools/${t2}`).set(owner);
			expect(archived.status).toBe(409);
			expect(archived.body.error.code).toBe("AGENT_ARCHIVED");
			const entries = await auditEntries(app, app.ownerKey, { action: "agent.detach_tool", resource_id: agent.id });
			expect(entries.map(e => e.status_code).sort()).toEqual([204, 404, 409]);
		});
	});

	describe("delete", () => {
		it("deletes a draft agent with its versions and history, and asks every module to purge it", async () => {
			const agent = await create();
			expect((await promote(agent.id, "testing")).status).toBe(200);
			purged.length = 0;
			events.length = 0;
			const res = await app.http.delete(`${AGENTS}/${agent.id}`).set(owner);
			expect(res.status).toBe(204);
			expect((await app.http.get(`${AGENTS}/${agent.id}`).set(owner)).status).toBe(404);
			expect((await app.http.get(`/api/v1/lifecycle/${agent.id}/versions`).set(owner)).status).toBe(404);
			expect((await app.http.get(`/api/v1/lifecycle/${agent.id}/history`).set(owner)).status).toBe(404);
			expect(purged).toEqual([{ org_id: ownerOrgId, agent_id: agent.id }]);
			expect(events).toContainEqual({ name: "agent.deleted", params: expect.objectContaining({ org_id: ownerOrgId, agent_id: agent.id }) });
			expect((await app.http.delete(`${AGENTS}/${agent.id}`).set(owner)).status).toBe(404);
		});

		it("refuses active agents with 409 AGENT_ACTIVE; foreign ids 404; viewers 403", async () => {
			const agent = await create();
			expect((await promote(agent.id, "testing")).status).toBe(200);
			expect((await promote(agent.id, "active")).status).toBe(200);
			const res = await app.http.delete(`${AGENTS}/${agent.id}`).set(owner);
			expect(res.status).toBe(409);
			expect(res.body.error.code).toBe("AGENT_ACTIVE");
			expect((await app.http.delete(`${AGENTS}/${agent.id}`).set(other)).status).toBe(404);
			expect((await app.http.delete(`${AGENTS}/${agent.id}`).set(viewer)).status).toBe(403);
			expect((await promote(agent.id, "suspended")).status).toBe(200);
			expect((await app.http.delete(`${AGENTS}/${agent.id}`).set(owner)).status).toBe(204);
		});
	});

	describe("runs and costs", () => {
		let agent: any;
		beforeAll(async () => {
			agent = await create();
		});

		it("lists the agent's runs; 404 for unknown or foreign agents; 400 for bad filters", async () => {
			const res = await app.http.get(`${AGENTS}/${agent.id}/runs`).set(viewer);
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ items: [], total: 0, limit: 50, offset: 0 });
			expect((await app.http.get(`${AGENTS}/agt_missing/runs`).set(owner)).status).toBe(404);
			expect((await app.http.get(`${AGENTS}/${agent.id}/runs`).set(other)).status).toBe(404);
			expect((await app.http.get(`${AGENTS}/${agent.id}/runs`).query({ status: "sleeping" }).set(owner)).status).toBe(400);
			expect((await app.http.get(`${AGENTS}/${agent.id}/runs`).query({ limit: "500" }).set(owner)).status).toBe(400);
		});

		it("shows the agent's own runs and counts them in the bucket of their creation day", async () => {
			const mine = await create();
			const run = await app.http.post("/api/v1/runtime/runs").set(owner).send({ agent_id: mine.id, input: "hello there", mode: "test", wait: true });
			expect([200, 202]).toContain(run.status);
			await app.http.post("/api/v1/runtime/runs").set(owner).send({ agent_id: agent.id, input: "elsewhere", mode: "test" });
			const runs = await app.http.get(`${AGENTS}/${mine.id}/runs`).set(owner);
			expect(runs.status).toBe(200);
			expect(runs.body.total).toBe(1);
			expect(runs.body.items[0]).toMatchObject({ id: run.body.id, agent_id: mine.id });
			expect((await app.http.get(`${AGENTS}/${mine.id}/runs`).query({ mode: "production" }).set(owner)).body.total).toBe(0);
			const today = new Date().toISOString().slice(0, 10);
			const costs = await app.http.get(`${AGENTS}/${mine.id}/costs`).set(owner);
			expect(costs.status).toBe(200);
			expect(costs.body.items.at(-1)).toMatchObject({ period_start: `${today}T00:00:00.000Z`, runs: 1 });
			expect(costs.body.items.slice(0, -1).every((b: any) => b.runs === 0)).toBe(true);
		});

		it("answers one zero bucket per UTC day from start (inclusive) to end (exclusive)", async () => {
			const res = await app.http.get(`${AGENTS}/${agent.id}/costs`).query({ start: "2024-02-27T10:00:00+02:00", end: "2024-03-02T00:00:00Z" }).set(owner);
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ agent_id: agent.id, granularity: "day", start: "2024-02-27T08:00:00.000Z", end: "2024-03-02T00:00:00.000Z", total_cost_usd: 0 });
			expect(res.body.items.map((i: any) => i.period_start)).toEqual([
				"2024-02-27T00:00:00.000Z",
				"2024-02-28T00:00:00.000Z",
				"2024-02-29T00:00:00.000Z",
				"2024-03-01T00:00:00.000Z"
			]);
			expect(res.body.items[0]).toEqual({ period_start: "2024-02-27T00:00:00.000Z", cost_usd: 0, runs: 0, tokens_input: 0, tokens_output: 0 });
		});

		it("answers calendar months, and defaults to 30 days / 12 months back to now", async () => {
			const months = await app.http.get(`${AGENTS}/${agent.id}/costs`).query({ granularity: "month", start: "2023-11-30T23:00:00Z", end: "2024-02-01T00:00:01Z" }).set(owner);
			expect(months.body.items.map((i: any) => i.period_start)).toEqual(["2023-11-01T00:00:00.000Z", "2023-12-01T00:00:00.000Z", "2024-01-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"]);
			const day = await app.http.get(`${AGENTS}/${agent.id}/costs`).set(owner);
			expect(day.status).toBe(200);
			expect(Date.parse(day.body.end) - Date.parse(day.body.start)).toBe(30 * 86400000);
			expect(day.body.items.length).toBeGreaterThanOrEqual(30);
			expect(day.body.items.length).toBeLessThanOrEqual(31);
			const month = await app.http.get(`${AGENTS}/${agent.id}/costs`).query({ granularity: "month" }).set(owner);
			expect(month.body.items.length).toBeGreaterThanOrEqual(12);
			expect(month.body.items.length).toBeLessThanOrEqual(13);
		});

		it("answers 400 for start >= end, more than 400 buckets or bad values; 404 for unknown agents", async () => {
			const url = `${AGENTS}/${agent.id}/costs`;
			for (const q of [
				{ start: "2024-01-02T00:00:00Z", end: "2024-01-02T00:00:00Z" },
				{ start: "2024-01-03T00:00:00Z", end: "2024-01-02T00:00:00Z" },
				{ start: "2020-01-01T00:00:00Z", end: "2021-03-01T00:00:00Z" },
				{ granularity: "week" },
				{ start: "2024-01-01" }
			]) {
				expect((await app.http.get(url).query(q).set(owner)).status).toBe(400);
			}
			const ok = await app.http.get(url).query({ start: "2020-01-01T00:00:00Z", end: "2021-02-04T00:00:00Z" }).set(owner);
			expect(ok.body.items).toHaveLength(400);
			expect((await app.http.get(`${AGENTS}/agt_missing/costs`).set(owner)).status).toBe(404);
			expect((await app.http.get(url).set(other)).status).toBe(404);
		});
	});

	describe("internal actions", () => {
		it("getForRun answers the current or a pinned version's config, null when missing", async () => {
			const agent = await create({ temperature: 0.1 });
			await app.http.put(`${AGENTS}/${agent.id}`).set(owner).send({ temperature: 0.9 });
			const current: any = await app.broker.call("agents.getForRun", { org_id: ownerOrgId, agent_id: agent.id });
			expect(current).toMatchObject({ version: 2, agent: { id: agent.id, version: 2 }, config: { temperature: 0.9 } });
			const pinned: any = await app.broker.call("agents.getForRun", { org_id: ownerOrgId, agent_id: agent.id, version: 1 });
			expect(pinned).toMatchObject({ version: 1, config: { temperature: 0.1 } });
			expect(await app.broker.call("agents.getForRun", { org_id: ownerOrgId, agent_id: agent.id, version: 9 })).toBeNull();
			expect(await app.broker.call("agents.getForRun", { org_id: "org_other", agent_id: agent.id })).toBeNull();
			expect(await app.broker.call("agents.exists", { org_id: ownerOrgId, agent_id: agent.id })).toBe(true);
			expect(await app.broker.call("agents.exists", { org_id: "org_other", agent_id: agent.id })).toBe(false);
		});

		it("countAll, listRunnable, usingTool and detachToolEverywhere", async () => {
			const total = await count();
			expect(await app.broker.call("agents.countAll", { org_id: ownerOrgId })).toBe(total);
			expect(await app.broker.call("agents.countAll", {})).toBeGreaterThan(total);
			const [tool] = await makeTools(1);
			const a = await create({ tools: [tool] });
			const b = await create({ tools: [tool] });
			await promote(b.id, "testing");
			const runnable: any[] = await app.broker.call("agents.listRunnable", {});
			expect(runnable).toContainEqual({ org_id: ownerOrgId, agent_id: b.id, name: b.name, status: "testing", version: 1 });
			expect(runnable.find(r => r.agent_id === a.id)).toBeUndefined();
			expect(((await app.broker.call("agents.usingTool", { org_id: ownerOrgId, tool_id: tool })) as string[]).sort()).toEqual([a.id, b.id].sort());
			await app.broker.call("agents.detachToolEverywhere", { org_id: ownerOrgId, tool_id: tool });
			const after = (await app.http.get(`${AGENTS}/${a.id}`).set(owner)).body;
			expect(after).toMatchObject({ tools: [], version: 2 });
			expect((await versions(a.id)).items[0]).toMatchObject({ source: "tools" });
			expect(await app.broker.call("agents.usingTool", { org_id: ownerOrgId, tool_id: tool })).toEqual([]);
		});
	});
});
