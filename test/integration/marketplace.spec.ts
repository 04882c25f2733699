import { bearer, startApp, type TestApp } from "../helpers/app";
import { createOrgWithOwner, keyWithRoles, uid } from "../helpers/platform";

let app: TestApp;
let auth: Record<string, string>;
let other: Record<string, string>;
let viewer: Record<string, string>;

const api = (path: string) => `/api/v1${path}`;
const get = (path: string, who = auth) => app.http.get(api(path)).set(who);
const post = (path: string, body?: object, who = auth) => app.http.post(api(path)).set(who).send(body);
const put = (path: string, body: object, who = auth) => app.http.put(api(path)).set(who).send(body);
const del = (path: string, who = auth) => app.http.delete(api(path)).set(who);

async function created(res: any) {
	if (res.status !== 201) throw new Error(`answered ${res.status}: ${res.text}`);
	return res.body;
}

/** An agent with a rest_api tool (one secret reference, one literal header) and a function tool. */
async function publishableAgent() {
	const rest = await created(
		await post("/tools", {
			name: `crm_lookup_${uid(3)}`,
			description: "Look a customer up",
			type: "rest_api",
			endpoint: "https://crm.example.com/customers/{id}",
			headers: { Authorization: "{{secrets.CRM_TOKEN}}", "X-Tenant": "acme-internal" },
			input_schema: { type: "object", properties: { id: { type: "string" } } }
		})
	);
	const fn = await created(await post("/tools", { name: `calc_${uid(3)}`, description: "Calculator", type: "function", config: { function: "calculator" }, safety_level: "safe" }));
	const agent = await created(await post("/agents", { name: `source-${uid()}`, model: "mock-echo", system_prompt: "Be helpful.", temperature: 0.2, tools: [rest.id, fn.id] }));
	return { agent, rest, fn };
}

beforeAll(async () => {
	app = await startApp();
	auth = bearer(app.ownerKey);
	other = bearer((await createOrgWithOwner(app)).ownerKey);
	viewer = bearer((await keyWithRoles(app, app.ownerKey, ["viewer"])).key);
});
afterAll(() => app?.stop());

describe("Marketplace (§10)", () => {
	it("seeds three public built-in templates that every org sees and nobody changes", async () => {
		const builtins = (await get("/marketplace/templates?source=builtin", other)).body;
		expect(builtins.items.map((t: any) => t.name).sort()).toEqual(["customer-support", "meeting-summarizer", "research-assistant"]);
		for (const t of builtins.items) {
			expect(t).toMatchObject({ source: "builtin", visibility: "public", author_org_id: null, author_name: null, tools: [], version: 1, rating: null, rating_count: 0 });
			expect(t.config.model).toBe("gpt-4o-mini");
		}
		const support = builtins.items.find((t: any) => t.name === "customer-support");
		expect((await put(`/marketplace/templates/${support.id}`, { description: "mine now" })).body.error.code).toBe("BUILTIN_IMMUTABLE");
		expect((await del(`/marketplace/templates/${support.id}`)).status).toBe(409);
	});

	it("publishes an agent's configuration with its tools, keeping only secret references of headers", async () => {
		const { agent, rest, fn } = await publishableAgent();
		const template = await created(await post("/marketplace/templates", { agent_id: agent.id, name: `support-pack-${uid(3)}`, category: "customer_support", tags: ["crm"] }));
		expect(template).toMatchObject({ visibility: "org", source: "org", version: 1, installs: 0, author_name: "default" });
		expect(template.config).toEqual({ model: "mock-echo", system_prompt: "Be helpful.", temperature: 0.2, max_tokens: 1024, max_steps: 10, memory_enabled: true });
		const [restDef, fnDef] = template.tools;
		expect(restDef).toMatchObject({ name: rest.name, type: "rest_api", endpoint: rest.endpoint, headers: { Authorization: "{{secrets.CRM_TOKEN}}", "X-Tenant": "" } });
		expect(fnDef).toMatchObject({ name: fn.name, type: "function", config: { function: "calculator" } });

		const bad = await post("/marketplace/templates", { agent_id: agent.id, name: "Not A Slug", category: "toys", visibility: "everyone" });
		expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(["category", "name", "visibility"]);
		expect((await post("/marketplace/templates", { agent_id: "agt_missing", name: `x-${uid(3)}`, category: "other" })).status).toBe(404);
		expect((await post("/marketplace/templates", { agent_id: agent.id, name: template.name, category: "other" })).body.error.code).toBe("ALREADY_EXISTS");
		expect((await post("/marketplace/templates", { agent_id: agent.id, name: `v-${uid(3)}`, category: "other" }, viewer)).status).toBe(403);
	});

	it("org templates stay in their org until made public; only the author org changes them", async () => {
		const { agent } = await publishableAgent();
		const template = await created(await post("/marketplace/templates", { agent_id: agent.id, name: `private-${uid(3)}`, category: "sales" }));
		expect((await get(`/marketplace/templates/${template.id}`, other)).status).toBe(404);
		expect((await get("/marketplace/templates?mine=true")).body.items.map((t: any) => t.id)).toContain(template.id);
		expect((await get("/marketplace/templates", other)).body.items.map((t: any) => t.id)).not.toContain(template.id);

		await put("/agents/" + agent.id, { system_prompt: "Sell politely." }).expect(200);
		const refreshed = (await put(`/marketplace/templates/${template.id}`, { visibility: "public", agent_id: agent.id, description: "Sales helper" })).body;
		expect(refreshed).toMatchObject({ visibility: "public", version: 2, description: "Sales helper", config: { system_prompt: "Sell politely." } });
		expect((await get(`/marketplace/templates/${template.id}`, other)).body.id).toBe(template.id);
		expect((await put(`/marketplace/templates/${template.id}`, { description: "taken over" }, other)).status).toBe(404);
		expect((await del(`/marketplace/templates/${template.id}`, other)).status).toBe(404);
		expect((await put(`/marketplace/templates/${template.id}`, { category: "toys" })).status).toBe(400);

		const found = (await get(`/marketplace/templates?category=sales&search=${encodeURIComponent("SALES HELPER")}`, other)).body.items;
		expect(found.map((t: any) => t.id)).toEqual([template.id]);
		const categories = (await get("/marketplace/categories", other)).body;
		expect(categories.items).toHaveLength(9);
		expect(categories.items.find((c: any) => c.category === "sales").template_count).toBeGreaterThanOrEqual(1);
		expect((await get("/marketplace/templates?sort=cheapest")).status).toBe(400);

		await del(`/marketplace/templates/${template.id}`).expect(204);
		expect((await get(`/marketplace/templates/${template.id}`)).status).toBe(404);
	});

	it("installs a template into another org as a draft agent with its tools, reusing tools by name; a taken name changes nothing", async () => {
		const { agent, fn } = await publishableAgent();
		const template = await created(await post("/marketplace/templates", { agent_id: agent.id, name: `installable-${uid(3)}`, category: "engineering", visibility: "public" }));
		// The other org already has a tool named like the function tool: it is reused.
		const theirs = await created(await post("/tools", { name: fn.name, description: "Their own", type: "function", config: { function: "echo" } }, other));
		const installed = await created(await post(`/marketplace/templates/${template.id}/install`, { name: "installed-agent" }, other));
		expect(installed).toMatchObject({ name: "installed-agent", status: "draft", model: "mock-echo", system_prompt: "Be helpful." });
		expect(installed.tools).toHaveLength(2);
		expect(installed.tools[1]).toBe(theirs.id);
		const createdTool = (await get(`/tools/${installed.tools[0]}`, other)).body;
		expect(createdTool).toMatchObject({ name: template.tools[0].name, headers: { Authorization: "{{secrets.CRM_TOKEN}}", "X-Tenant": "" } });
		expect((await get(`/marketplace/templates/${template.id}`)).body.installs).toBe(1);

		const toolsBefore = (await get("/tools", other)).body.total;
		const again = await post(`/marketplace/templates/${template.id}/install`, { name: "installed-agent" }, other);
		expect([again.status, again.body.error.code]).toEqual([409, "ALREADY_EXISTS"]);
		const badModel = await post(`/marketplace/templates/${template.id}/install`, { name: "other-name", model: "no-such-model" }, other);
		expect([badModel.status, badModel.body.error.details[0].field]).toEqual([400, "model"]);
		expect((await get("/tools", other)).body.total).toBe(toolsBefore);
		expect((await get(`/marketplace/templates/${template.id}`)).body.installs).toBe(1);

		const otherViewer = bearer((await keyWithRoles(app, (await createOrgWithOwner(app)).ownerKey, ["viewer"])).key);
		const denied = await post(`/marketplace/templates/${template.id}/install`, { name: "nope" }, otherViewer);
		expect([denied.status, denied.body.error.details]).toEqual([403, { required: ["agents:write"] }]);
	});

	it("takes one review per other org and keeps the rating as the mean", async () => {
		const { agent } = await publishableAgent();
		const template = await created(await post("/marketplace/templates", { agent_id: agent.id, name: `rated-${uid(3)}`, category: "data", visibility: "public" }));
		const own = await post(`/marketplace/templates/${template.id}/reviews`, { rating: 5 });
		expect([own.status, own.body.error.code]).toEqual([400, "VALIDATION_ERROR"]);
		const third = bearer((await createOrgWithOwner(app)).ownerKey);
		const first = await created(await post(`/marketplace/templates/${template.id}/reviews`, { rating: 4, comment: "Solid" }, other));
		expect(first).toMatchObject({ template_id: template.id, rating: 4, comment: "Solid", author_name: expect.any(String) });
		await created(await post(`/marketplace/templates/${template.id}/reviews`, { rating: 5 }, third));
		expect((await post(`/marketplace/templates/${template.id}/reviews`, { rating: 1 }, other)).body.error.code).toBe("ALREADY_EXISTS");
		expect((await post(`/marketplace/templates/${template.id}/reviews`, { rating: 6, comment: 3 }, third)).body.error.details.map((d: any) => d.field).sort()).toEqual(["comment", "rating"]);
		expect((await get(`/marketplace/templates/${template.id}`)).body).toMatchObject({ rating: 4.5, rating_count: 2 });
		expect((await get(`/marketplace/templates/${template.id}/reviews`)).body.items.map((r: any) => r.rating)).toEqual([5, 4]);
		const ranked = (await get("/marketplace/templates?sort=rating&source=org", other)).body.items;
		expect(ranked[0].id).toBe(template.id);
	});
});
