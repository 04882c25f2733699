import { bearer, startApp, type TestApp } from "../helpers/app";
import { keyWithRoles } from "../helpers/platform";
import { fillPath, gatewayRoutes, type RouteInfo } from "../helpers/routes";

const METHODS = ["get", "post", "put", "delete", "patch"];
/** §0.17: one tag per module (`public` belongs to Publish). */
const MODULE_TAGS: Record<string, string> = {
	agents: "Agents", runtime: "Runtime", tools: "Tools", memory: "Memory", lifecycle: "Lifecycle", coordination: "Coordination",
	schedules: "Schedules", budgets: "Budgets", events: "Events", marketplace: "Marketplace", cost: "Cost", governance: "Governance",
	rbac: "RBAC", secrets: "Secrets", scaling: "Scaling", intelligence: "Intelligence", analytics: "Analytics", audit: "Audit",
	chat: "Chat", knowledge: "Knowledge", workflows: "Workflows", mcp: "MCP", prompts: "Prompts", billing: "Billing",
	auth: "Auth", admin: "Admin", providers: "Providers", publish: "Publish", public: "Publish"
};

describe("OpenAPI document (§0.17)", () => {
	let app: TestApp;
	let doc: any;
	let routes: RouteInfo[];
	let operations: { path: string; method: string; op: any }[];

	beforeAll(async () => {
		app = await startApp();
		const res = await app.http.get("/openapi.json");
		expect(res.status).toBe(200);
		expect(res.headers["content-type"]).toMatch(/^application\/json/);
		doc = res.body;
		routes = gatewayRoutes(app);
		operations = Object.entries(doc.paths as Record<string, any>).flatMap(([path, item]) =>
			Object.entries(item)
				.filter(([method]) => METHODS.includes(method))
				.map(([method, op]) => ({ path, method, op }))
		);
	});
	afterAll(() => app.stop());

	it("is an OpenAPI 3.1.0 document of this version", async () => {
		expect(doc.openapi).toBe("3.1.0");
		expect(doc.info).toMatchObject({ title: expect.any(String), version: (await app.http.get("/health")).body.version });
	});

	it("lists every route the gateway serves under /api/v1, and nothing else", () => {
		const served = new Set(routes.map(r => `${r.method.toLowerCase()} ${r.openapiPath}`));
		const documented = new Set(operations.map(o => `${o.method} ${o.path}`));
		expect([...served].filter(k => !documented.has(k))).toEqual([]);
		expect([...documented].filter(k => !served.has(k))).toEqual([]);
		expect(operations.every(o => o.path.startsWith("/api/v1/"))).toBe(true);
		expect(operations.filter(o => o.path.includes(":")).map(o => o.path)).toEqual([]);
	});

	it("every documented path and method is answered by an endpoint (never the unknown-route 404)", async () => {
		// A key holding one unrelated permission: every request is resolved, then refused or answered harmlessly.
		const probe = bearer((await keyWithRoles(app, app.ownerKey, [], { permissions: ["analytics:read"] })).key);
		const unserved: string[] = [];
		for (const { path, method } of operations) {
			const url = fillPath({ path: path.replace(/\{([A-Za-z0-9_]+)\}/g, ":$1") } as RouteInfo);
			const req = (app.http as any)[method](url).set(probe);
			const res = method === "get" || method === "delete" ? await req : await req.send({});
			if (res.status === 404 && /^No endpoint/.test(res.body?.error?.message ?? "")) unserved.push(`${method.toUpperCase()} ${path}`);
		}
		expect(unserved).toEqual([]);
		const unknown = await app.http.get("/api/v1/rbac/nothing").set(probe);
		expect(unknown.body.error.message).toMatch(/^No endpoint/);
	});

	it("declares every path parameter", () => {
		for (const { path, method, op } of operations) {
			const inPath = [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map(m => m[1]).sort();
			const declared = (op.parameters ?? []).filter((p: any) => p.in === "path").map((p: any) => p.name).sort();
			expect({ op: `${method} ${path}`, declared }).toEqual({ op: `${method} ${path}`, declared: inPath });
			for (const p of op.parameters ?? []) if (p.in === "path") expect(p.required).toBe(true);
		}
	});

	it("tags each operation with its module's tag and lists the tags", () => {
		const wrong = operations.filter(o => {
			const module = o.path.split("/")[3];
			return !(Array.isArray(o.op.tags) && o.op.tags.length === 1 && o.op.tags[0] === MODULE_TAGS[module]);
		});
		expect(wrong.map(o => `${o.method} ${o.path} ${JSON.stringify(o.op.tags)}`)).toEqual([]);
		const used = new Set(operations.map(o => o.op.tags[0]));
		expect(new Set(doc.tags.map((t: any) => t.name))).toEqual(used);
		for (const tag of ["Auth", "RBAC", "Admin", "Audit"]) expect(used.has(tag)).toBe(true);
	});

	it("declares bearerAuth and requires it everywhere except the credential-free endpoints", () => {
		expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
		const publicOps = new Set(routes.filter(r => r.def.access === "public").map(r => `${r.method.toLowerCase()} ${r.openapiPath}`));
		expect(publicOps).toEqual(expect.objectContaining({ size: expect.any(Number) }));
		for (const k of ["post /api/v1/auth/login", "post /api/v1/auth/register", "post /api/v1/auth/refresh"]) expect(publicOps.has(k)).toBe(true);
		// Public published-agent routes take the publication key; the widget script needs none (§28).
		const keyOps = new Map(routes.filter(r => r.def.access === "publication").map(r => [`${r.method.toLowerCase()} ${r.openapiPath}`, [{ publicKey: [] }]]));
		expect(doc.components.securitySchemes.publicKey).toMatchObject({ type: "apiKey", in: "header", name: "X-Fluxgate-Public-Key" });
		for (const { path, method, op } of operations) {
			const expected = publicOps.has(`${method} ${path}`) ? [] : (keyOps.get(`${method} ${path}`) ?? [{ bearerAuth: [] }]);
			expect({ op: `${method} ${path}`, security: op.security }).toEqual({ op: `${method} ${path}`, security: expected });
		}
	});

	it("documents success statuses, the error schema and request bodies", () => {
		expect(doc.components.schemas.Error.properties.error.required).toEqual(["code", "message", "details", "request_id"]);
		for (const { path, method, op } of operations) {
			const codes = Object.keys(op.responses);
			expect(codes.some(c => /^2\d\d$/.test(c))).toBe(true);
			for (const code of codes.filter(c => /^[45]/.test(c))) {
				expect(op.responses[code]).toEqual({ $ref: `#/components/responses/Error${code}` });
				expect(doc.components.responses[`Error${code}`].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Error" });
			}
			if (method === "post" || method === "put") expect(op.requestBody?.content?.["application/json"]?.schema?.type).toBe("object");
			expect({ op: `${method} ${path}`, summary: typeof op.summary }).toEqual({ op: `${method} ${path}`, summary: "string" });
		}
		const role = doc.paths["/api/v1/rbac/roles"];
		expect(Object.keys(role.post.responses)).toContain("201");
		expect(role.post.requestBody.content["application/json"].schema.required.sort()).toEqual(["name", "permissions"]);
		expect(role.get.responses["200"].content["application/json"].schema.properties.items.items).toEqual({ $ref: "#/components/schemas/Role" });
		expect(Object.keys(doc.paths["/api/v1/rbac/roles/{role_id}"].delete.responses)).toContain("204");
		const listParams = role.get.parameters.map((p: any) => p.name);
		expect(listParams).toEqual(expect.arrayContaining(["limit", "offset", "order", "builtin"]));
		for (const ref of JSON.stringify(doc).match(/#\/components\/schemas\/[A-Za-z0-9_]+/g) ?? []) {
			expect({ ref, defined: !!doc.components.schemas[ref.split("/").pop()!] }).toEqual({ ref, defined: true });
		}
	});
});
