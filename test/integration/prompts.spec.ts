import { bearer, startApp, type TestApp } from "../helpers/app";
import { auditEntries, createOrgWithOwner, expectFieldProblems, keyWithRoles, uid } from "../helpers/platform";

let app: TestApp;
let owner: Record<string, string>;
let viewer: Record<string, string>;
let operator: Record<string, string>;
let other: Record<string, string>;

async function req(method: "get" | "post" | "put" | "delete", path: string, auth: Record<string, string>, body?: unknown) {
	let r = app.http[method](`/api/v1${path}`).set(auth);
	if (body !== undefined) r = r.send(body as object);
	return r;
}

async function createPrompt(body: Record<string, unknown>) {
	const res = await req("post", "/prompts", owner, body);
	if (res.status !== 201) throw new Error(`prompt create answered ${res.status} ${res.text}`);
	return res.body;
}

async function runnableAgent(body: Record<string, unknown>) {
	const created = await req("post", "/agents", owner, { model: "mock-echo", ...body });
	if (created.status !== 201) throw new Error(`agent create answered ${created.status} ${created.text}`);
	const promoted = await req("post", `/lifecycle/${created.body.id}/promote`, owner, { target_state: "testing" });
	expect(promoted.status).toBe(200);
	return created.body;
}

/** The system message the model received in a run's first model call. */
async function systemPromptOfRun(runId: string): Promise<string | null> {
	const steps = await req("get", `/runtime/runs/${runId}/steps?type=llm_call`, owner);
	const messages = steps.body.items[0].input.messages as { role: string; content: string }[];
	return messages.find(m => m.role === "system")?.content ?? null;
}

beforeAll(async () => {
	app = await startApp();
	owner = bearer(app.ownerKey);
	viewer = bearer((await keyWithRoles(app, app.ownerKey, ["viewer"])).key);
	operator = bearer((await keyWithRoles(app, app.ownerKey, ["operator"])).key);
	other = bearer((await createOrgWithOwner(app)).ownerKey);
});

afterAll(() => app?.stop());

describe("Prompts (§23): templates", () => {
	it("creates a template at version 1 with variables derived from its placeholders", async () => {
		const res = await req("post", "/prompts", owner, {
			name: "support-greeting",
			template: "Hello {{ customer }}, I am {{agent}}. {{customer}} asked about {{topic}}.",
			variables: [{ name: "agent", description: "who answers", required: false, default: "Fluxy" }, { name: "unused" }],
			description: "Greets customers",
			tags: ["support", "support", "greeting"]
		});
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({
			name: "support-greeting",
			description: "Greets customers",
			version: 1,
			tags: ["support", "greeting"],
			variables: [
				{ name: "agent", description: "who answers", required: false, default: "Fluxy" },
				{ name: "unused", description: "", required: true, default: null },
				{ name: "customer", description: "", required: true, default: null },
				{ name: "topic", description: "", required: true, default: null }
			]
		});
		expect(res.body.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
		expect(res.headers.location).toBe(`/api/v1/prompts/${res.body.id}`);
		const got = await req("get", `/prompts/${res.body.id}`, owner);
		expect(got.status).toBe(200);
		expect(got.body).toEqual(res.body);
		const versions = await req("get", `/prompts/${res.body.id}/versions`, owner);
		expect(versions.body).toMatchObject({ total: 1, limit: 50, offset: 0 });
		expect(versions.body.items[0]).toMatchObject({ prompt_id: res.body.id, version: 1, template: res.body.template, variables: res.body.variables });
		expect((await auditEntries(app, app.ownerKey, { action: "prompt.create", resource_id: res.body.id })).length).toBe(1);
	});

	it("rejects invalid bodies naming every bad field, and stores nothing", async () => {
		const before = (await req("get", "/prompts", owner)).body.total;
		const cases: [Record<string, unknown>, string[]][] = [
			[{}, ["name", "template"]],
			[{ name: "Bad Name", template: "" }, ["name", "template"]],
			[{ name: "ok-name", template: "x".repeat(100001) }, ["template"]],
			[{ name: "ok-name", template: "Hi {{ first.name }}" }, ["template"]],
			[{ name: "ok-name", template: "Hi {{a}}", variables: [{ name: "a" }, { name: "a" }] }, ["variables[1].name"]],
			[{ name: "ok-name", template: "Hi", variables: [{ name: "9lives" }, { description: 5 }] }, ["variables[0].name", "variables[1].name", "variables[1].description"]],
			[{ name: "ok-name", template: "Hi", tags: ["Not A Tag"], description: 3 }, ["tags[0]", "description"]],
			[{ name: "ok-name", template: "Hi", variables: [{ name: "a", required: "yes" }] }, ["variables[0].required"]]
		];
		for (const [body, fields] of cases) expectFieldProblems(await req("post", "/prompts", owner, body), body, fields);
		expect((await req("get", "/prompts", owner)).body.total).toBe(before);
	});

	it("keeps names unique per org, not across orgs", async () => {
		await createPrompt({ name: "unique-name", template: "a" });
		const dup = await req("post", "/prompts", owner, { name: "unique-name", template: "b" });
		expect(dup.status).toBe(409);
		expect(dup.body.error).toMatchObject({ code: "ALREADY_EXISTS", details: { field: "name" } });
		expect((await req("post", "/prompts", other, { name: "unique-name", template: "c" })).status).toBe(201);
	});

	it("lists with the envelope, search, tag and order", async () => {
		const tag = `t${uid(4)}`;
		const a = await createPrompt({ name: `alpha-${tag}`, template: "a", tags: [tag], description: "First of the LIST" });
		const b = await createPrompt({ name: `beta-${tag}`, template: "b", tags: [tag] });
		const byTag = await req("get", `/prompts?tag=${tag}`, owner);
		expect(byTag.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
		expect(byTag.body.items.map((p: any) => p.id)).toEqual([b.id, a.id]);
		const asc = await req("get", `/prompts?tag=${tag}&order=asc&limit=1`, owner);
		expect(asc.body).toMatchObject({ total: 2, limit: 1 });
		expect(asc.body.items.map((p: any) => p.id)).toEqual([a.id]);
		const search = await req("get", `/prompts?search=of the list`, owner);
		expect(search.body.items.map((p: any) => p.id)).toEqual([a.id]);
		expect((await req("get", `/prompts?search=${tag.toUpperCase()}`, owner)).body.total).toBe(2);
		for (const q of ["limit=0", "limit=201", "offset=-1", "limit=abc", "order=up", "tag=BAD TAG"]) {
			expect((await req("get", `/prompts?${q}`, owner)).status).toBe(400);
		}
		expect((await req("get", `/prompts?tag=${tag}`, other)).body.total).toBe(0);
	});

	it("updates partially: new template or variables make a new version, other fields do not", async () => {
		const p = await createPrompt({ name: "versioned", template: "Hi {{name}}", tags: ["a"] });
		const renamed = await req("put", `/prompts/${p.id}`, owner, { name: "versioned-2", description: "d", tags: ["b"] });
		expect(renamed.status).toBe(200);
		expect(renamed.body).toMatchObject({ name: "versioned-2", description: "d", tags: ["b"], version: 1, template: "Hi {{name}}" });
		expect((await req("put", `/prompts/${p.id}`, owner, {})).body).toEqual(renamed.body);
		const same = await req("put", `/prompts/${p.id}`, owner, { template: "Hi {{name}}" });
		expect(same.body.version).toBe(1);
		const v2 = await req("put", `/prompts/${p.id}`, owner, { template: "Bye {{name}} from {{place}}" });
		expect(v2.body).toMatchObject({ version: 2, variables: [{ name: "name" }, { name: "place" }] });
		const v3 = await req("put", `/prompts/${p.id}`, owner, { variables: [{ name: "place", required: false, default: "home" }] });
		expect(v3.body).toMatchObject({ version: 3, template: "Bye {{name}} from {{place}}", variables: [{ name: "place", required: false, default: "home" }, { name: "name", required: true }] });
		const versions = await req("get", `/prompts/${p.id}/versions`, owner);
		expect(versions.body.items.map((v: any) => v.version)).toEqual([3, 2, 1]);
		expect((await req("get", `/prompts/${p.id}/versions?order=asc`, owner)).body.items.map((v: any) => v.version)).toEqual([1, 2, 3]);
		const one = await req("get", `/prompts/${p.id}/versions/2`, owner);
		expect(one.status).toBe(200);
		expect(one.body).toMatchObject({ prompt_id: p.id, version: 2, template: "Bye {{name}} from {{place}}" });
		for (const bad of ["4", "0", "abc", "1.5"]) expect((await req("get", `/prompts/${p.id}/versions/${bad}`, owner)).status).toBe(404);
		expect((await req("get", `/prompts/${p.id}/versions/1`, other)).status).toBe(404);
	});

	it("answers 400 on bad updates and 409 on a taken name, changing nothing", async () => {
		const p = await createPrompt({ name: "update-target", template: "x {{y}}" });
		await createPrompt({ name: "taken-name", template: "z" });
		expectFieldProblems(await req("put", `/prompts/${p.id}`, owner, { name: "BAD", template: "", description: null }), "put", ["name", "template", "description"]);
		expectFieldProblems(await req("put", `/prompts/${p.id}`, owner, { variables: [{ name: "y" }, { name: "y" }] }), "dup", ["variables[1].name"]);
		const taken = await req("put", `/prompts/${p.id}`, owner, { name: "taken-name", template: "changed" });
		expect(taken.status).toBe(409);
		expect(taken.body.error.code).toBe("ALREADY_EXISTS");
		const after = await req("get", `/prompts/${p.id}`, owner);
		expect(after.body).toMatchObject({ name: "update-target", template: "x {{y}}", version: 1 });
		expect((await req("get", `/prompts/${p.id}/versions`, owner)).body.total).toBe(1);
	});

	it("enforces permissions and tenant isolation", async () => {
		const p = await createPrompt({ name: "guarded", template: "g {{v}}" });
		expect((await req("get", `/prompts/${p.id}`, viewer)).status).toBe(200);
		for (const [method, path, body] of [
			["post", "/prompts", { name: "by-viewer", template: "v" }],
			["put", `/prompts/${p.id}`, { description: "v" }],
			["delete", `/prompts/${p.id}`, undefined],
			["post", `/prompts/${p.id}/test`, { model: "mock-echo" }]
		] as const) {
			const res = await req(method, path, viewer, body);
			expect(res.status).toBe(403);
			expect(res.body.error.code).toBe("PERMISSION_DENIED");
		}
		const denied = await req("post", "/prompts", operator, { name: "by-operator", template: "o" });
		expect(denied.body.error.details).toEqual({ required: ["prompts:write"] });
		// Rendering is a read-only POST.
		expect((await req("post", `/prompts/${p.id}/render`, viewer, { variables: { v: 1 } })).status).toBe(200);
		for (const [method, path] of [
			["get", `/prompts/${p.id}`],
			["put", `/prompts/${p.id}`],
			["delete", `/prompts/${p.id}`],
			["get", `/prompts/${p.id}/versions`],
			["get", `/prompts/${p.id}/versions/1`],
			["post", `/prompts/${p.id}/render`],
			["post", `/prompts/${p.id}/test`]
		] as const) {
			const body = method === "post" ? { model: "mock-echo", variables: { v: 1 } } : method === "put" ? { description: "theirs" } : undefined;
			const res = await req(method, path, other, body);
			expect({ path, method, status: res.status, code: res.body.error?.code }).toEqual({ path, method, status: 404, code: "NOT_FOUND" });
		}
		expect((await req("get", `/prompts/${p.id}`, owner)).body.version).toBe(1);
	});
});

describe("Prompts (§23): render and test", () => {
	let prompt: any;

	beforeAll(async () => {
		prompt = await createPrompt({
			name: "render-me",
			template: "Dear {{name}}, your order {{order}} ships {{ when }}.{{note}}",
			variables: [
				{ name: "when", required: false, default: "tomorrow" },
				{ name: "note", required: false }
			]
		});
	});

	it("renders given values, defaults, optional blanks and JSON for non-strings; extra values are ignored", async () => {
		const res = await req("post", `/prompts/${prompt.id}/render`, owner, { variables: { name: "Ada", order: { id: 7, items: [1, 2] }, extra: "ignored" } });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ prompt_id: prompt.id, version: 1, rendered: 'Dear Ada, your order {"id":7,"items":[1,2]} ships tomorrow.' });
		const explicit = await req("post", `/prompts/${prompt.id}/render`, owner, { variables: { name: "Bo", order: 12, when: "today", note: " Thanks!" } });
		expect(explicit.body.rendered).toBe("Dear Bo, your order 12 ships today. Thanks!");
	});

	it("names every missing required variable in a 400", async () => {
		const res = await req("post", `/prompts/${prompt.id}/render`, owner, {});
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe("VALIDATION_ERROR");
		expect(res.body.error.details).toEqual([
			{ field: "variables.name", message: "required" },
			{ field: "variables.order", message: "required" }
		]);
		expectFieldProblems(await req("post", `/prompts/${prompt.id}/render`, owner, { variables: "x", version: 0 }), "bad", ["variables", "version"]);
	});

	it("renders an older version on request and answers 404 for one that does not exist", async () => {
		const p = await createPrompt({ name: "render-versions", template: "v1 {{a}}" });
		await req("put", `/prompts/${p.id}`, owner, { template: "v2 {{b}}" });
		const latest = await req("post", `/prompts/${p.id}/render`, owner, { variables: { a: "A", b: "B" } });
		expect(latest.body).toEqual({ prompt_id: p.id, version: 2, rendered: "v2 B" });
		const old = await req("post", `/prompts/${p.id}/render`, owner, { variables: { a: "A" }, version: 1 });
		expect(old.body).toEqual({ prompt_id: p.id, version: 1, rendered: "v1 A" });
		const missing = await req("post", `/prompts/${p.id}/render`, owner, { version: 9 });
		expect(missing.status).toBe(404);
		expect(missing.body.error.code).toBe("NOT_FOUND");
	});

	it("tests a rendered template against the mock model, audited as prompt.test", async () => {
		const res = await req("post", `/prompts/${prompt.id}/test`, owner, { model: "mock-echo", variables: { name: "Ada", order: 1 }, input: "echo this back" });
		expect(res.status).toBe(200);
		const rendered = "Dear Ada, your order 1 ships tomorrow.";
		expect(res.body).toMatchObject({ rendered, output: "echo this back", model: "mock-echo", tokens_output: Math.ceil("echo this back".length / 4), cost_usd: 0 });
		expect(res.body.tokens_input).toBe(Math.ceil((rendered.length + "echo this back".length) / 4));
		expect(Number.isInteger(res.body.latency_ms)).toBe(true);
		expect((await auditEntries(app, app.ownerKey, { action: "prompt.test", resource_id: prompt.id })).length).toBe(1);
		// A test is not a run.
		expect((await req("get", "/runtime/runs?trigger=api", owner)).body.items.filter((r: any) => r.input === "echo this back")).toEqual([]);
	});

	it("answers 400 for a missing or unknown model or missing variables, 503 PROVIDER_ERROR when the provider fails", async () => {
		expectFieldProblems(await req("post", `/prompts/${prompt.id}/test`, owner, { variables: { name: "A", order: 1 } }), "no model", ["model"]);
		expectFieldProblems(await req("post", `/prompts/${prompt.id}/test`, owner, { model: "no-such-model", variables: { name: "A", order: 1 } }), "unknown", ["model"]);
		expectFieldProblems(await req("post", `/prompts/${prompt.id}/test`, owner, { model: "mock-echo" }), "vars", ["variables.name", "variables.order"]);
		const failed = await req("post", `/prompts/${prompt.id}/test`, owner, { model: "mock-echo", variables: { name: "A", order: 1 }, input: "FAIL" });
		expect(failed.status).toBe(503);
		expect(failed.body.error.code).toBe("PROVIDER_ERROR");
	});

	it("charges test calls to org budgets and refuses them with 409 BUDGET_EXCEEDED once a block budget is spent", async () => {
		const org = await createOrgWithOwner(app);
		const auth = bearer(org.ownerKey);
		const priced = await app.http.put("/api/v1/providers/models/mock-echo").set(auth).send({ input_price_per_1k_usd: 100, output_price_per_1k_usd: 100 });
		expect(priced.status).toBe(200);
		const budget = await app.http.post("/api/v1/budgets").set(auth).send({ name: "Org cap", scope: "org", period: "monthly", limit_usd: 0.5, action_on_exceed: "block" });
		expect(budget.status).toBe(201);
		const p = (await app.http.post("/api/v1/prompts").set(auth).send({ name: "costly", template: "system text" })).body;
		const first = await app.http.post(`/api/v1/prompts/${p.id}/test`).set(auth).send({ model: "mock-echo", input: "spend some money please" });
		expect(first.status).toBe(200);
		expect(first.body.cost_usd).toBeGreaterThan(0.5);
		const usage = await app.http.get(`/api/v1/budgets/${budget.body.id}/usage`).set(auth);
		expect(usage.body.used_usd).toBeCloseTo(first.body.cost_usd, 6);
		const refused = await app.http.post(`/api/v1/prompts/${p.id}/test`).set(auth).send({ model: "mock-echo", input: "again" });
		expect(refused.status).toBe(409);
		expect(refused.body.error).toMatchObject({ code: "BUDGET_EXCEEDED", details: { budget_id: budget.body.id } });
	});
});

describe("Prompts (§23): agents using a template", () => {
	it("runs an agent with its pinned prompt version rendered as the system prompt, or the latest when unpinned", async () => {
		const p = await createPrompt({ name: "persona", template: "You are {{persona}}. Version one.", variables: [{ name: "tone", required: false, default: "calm" }] });
		await req("put", `/prompts/${p.id}`, owner, { template: "You are {{persona}}, speaking {{tone}}. Version two." });
		const pinned = await runnableAgent({ name: `pinned-${uid(3)}`, system_prompt: "ignored while prompt_id is set", prompt_id: p.id, prompt_version: 1, prompt_variables: { persona: "a pirate" } });
		const latest = await runnableAgent({ name: `latest-${uid(3)}`, prompt_id: p.id, prompt_variables: { persona: "a poet" } });
		const runPinned = await req("post", "/runtime/runs", owner, { agent_id: pinned.id, input: "hello", wait: true });
		expect(runPinned.body).toMatchObject({ status: "completed", output: "hello" });
		expect(await systemPromptOfRun(runPinned.body.id)).toBe("You are a pirate. Version one.");
		const runLatest = await req("post", "/runtime/runs", owner, { agent_id: latest.id, input: "hello", wait: true });
		expect(runLatest.body.status).toBe("completed");
		expect(await systemPromptOfRun(runLatest.body.id)).toBe("You are a poet, speaking calm. Version two.");
	});

	it("fails the run with PROMPT_RENDER_ERROR when the template cannot be rendered", async () => {
		const p = await createPrompt({ name: "needs-values", template: "Hello {{who}}" });
		const agent = await runnableAgent({ name: `broken-${uid(3)}`, prompt_id: p.id });
		const run = await req("post", "/runtime/runs", owner, { agent_id: agent.id, input: "hi", wait: true });
		expect(run.body.status).toBe("failed");
		expect(run.body.error.code).toBe("PROMPT_RENDER_ERROR");
		expect(run.body.error.message).toContain("who");
	});

	it("refuses to delete a template that agents reference (409 RESOURCE_IN_USE), deletes it once unreferenced", async () => {
		const p = await createPrompt({ name: "referenced", template: "R" });
		const agent = await runnableAgent({ name: `uses-${uid(3)}`, prompt_id: p.id });
		expect((await req("post", "/agents", owner, { name: `bad-ref-${uid(3)}`, model: "mock-echo", prompt_id: p.id, prompt_version: 5 })).status).toBe(404);
		const refused = await req("delete", `/prompts/${p.id}`, owner);
		expect(refused.status).toBe(409);
		expect(refused.body.error).toMatchObject({ code: "RESOURCE_IN_USE", details: { agent_ids: [agent.id] } });
		expect((await req("put", `/agents/${agent.id}`, owner, { prompt_id: null })).status).toBe(200);
		const deleted = await req("delete", `/prompts/${p.id}`, owner);
		expect(deleted.status).toBe(204);
		expect((await req("get", `/prompts/${p.id}`, owner)).status).toBe(404);
		expect((await req("get", `/prompts/${p.id}/versions`, owner)).status).toBe(404);
		expect((await auditEntries(app, app.ownerKey, { action: "prompt.delete", resource_id: p.id })).map((e: any) => e.outcome).sort()).toEqual(["failure", "success"]);
	});
});
