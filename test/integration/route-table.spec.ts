import { bearer, startApp, type TestApp } from "../helpers/app";
import { auditEntries, createOrgWithOwner, createUser, keyWithRoles, type CreatedOrg } from "../helpers/platform";
import { fillPath, gatewayRoutes, sampleFor, type RouteInfo } from "../helpers/routes";

/**
 * Properties every route must have, checked by walking the gateway's own route table: whatever modules
 * are registered, each of their routes is covered.
 */

/** §0.4: the POSTs that change nothing and need only a `read` permission. */
const READ_ONLY_POSTS = new Set([
	"POST /api/v1/memory/search",
	"POST /api/v1/knowledge/search",
	"POST /api/v1/governance/evaluate",
	"POST /api/v1/prompts/{prompt_id}/render",
	"POST /api/v1/workflows/validate",
	"POST /api/v1/schedules/preview",
	"POST /api/v1/coordination/trust-policies/check"
]);

/** §18 resources and named actions (the complete list). */
const RESOURCES = [
	"agent", "run", "tool", "memory", "lifecycle", "ab_test", "agent_message", "trust_policy", "coordination", "schedule", "budget",
	"budget_alert", "subscription", "event", "template", "review", "cost_rule", "scaling_rule", "policy", "approval", "role", "user",
	"api_key", "secret", "evaluation", "chat_session", "chat_message", "collection", "document", "workflow", "execution", "mcp_server",
	"mcp_credential", "prompt", "plan", "customer", "invoice", "auth", "org", "settings", "provider", "model", "publication"
];
const NAMED_ACTIONS = new Set([
	"agent.attach_tools", "agent.detach_tool", "run.create", "run.cancel", "run.retry", "run.replay", "tool.test", "tool.circuit_reset",
	"memory.delete", "lifecycle.promote", "lifecycle.rollback", "ab_test.stop", "coordination.delegate", "schedule.trigger",
	"budget_alert.acknowledge", "event.emit", "template.install", "approval.approve", "approval.reject", "approval.delegate",
	"api_key.revoke", "api_key.rotate", "secret.rotate", "evaluation.create", "chat_message.create", "collection.attach_agent",
	"collection.detach_agent", "workflow.execute", "execution.cancel", "mcp_server.discover", "prompt.test", "invoice.mark_paid",
	"auth.register", "auth.login", "auth.refresh", "auth.logout", "auth.change_password", "settings.maintenance", "settings.update",
	"model.update", "provider.test", "publication.rotate_key"
]);
const SELF_SERVICE = new Set(["POST /api/v1/auth/logout", "POST /api/v1/auth/change-password"]);

const key = (r: RouteInfo) => `${r.method} ${r.openapiPath}`;
const isMutating = (r: RouteInfo) => r.method !== "GET";
const isAdmin = (r: RouteInfo) => r.path.startsWith("/api/v1/admin/");
const isPublicModule = (r: RouteInfo) => r.path.startsWith("/api/v1/public/");
const readOnlyAccess = (r: RouteInfo) => Array.isArray(r.def.access) && r.def.access.every((p: string) => p.endsWith(":read"));

describe("Route table: properties of every /api/v1 route", () => {
	let app: TestApp;
	let routes: RouteInfo[];
	let openapi: any;

	beforeAll(async () => {
		app = await startApp();
		routes = gatewayRoutes(app);
		openapi = (await app.http.get("/openapi.json")).body;
	});
	afterAll(() => app.stop());

	it("serves the foundation's modules at least (Auth 6, RBAC 17, Audit 4, Admin 11)", () => {
		const count = (prefix: string) => routes.filter(r => r.path.startsWith(prefix)).length;
		expect([count("/api/v1/auth/"), count("/api/v1/rbac/"), count("/api/v1/audit/"), count("/api/v1/admin/")]).toEqual([6, 17, 4, 11]);
		expect(new Set(routes.map(key)).size).toBe(routes.length);
	});

	it("every route declares `access`", () => {
		const valid = (a: unknown) =>
			(Array.isArray(a) && a.length > 0 && a.every(p => typeof p === "string" && /^[a-z]+:(read|write|execute|admin)$/.test(p))) ||
			["public", "authenticated", "user", "platform_admin", "publication"].includes(a as string);
		expect(routes.filter(r => !valid(r.def.access)).map(key)).toEqual([]);
		expect(routes.filter(r => isAdmin(r) && r.def.access !== "platform_admin").map(key)).toEqual([]);
		expect(routes.filter(r => isPublicModule(r) !== (r.def.access === "publication" || r.def.openapi?.rateLimit === "publication")).map(key)).toEqual([]);
	});

	it("every mutating route declares a §18 audit action", () => {
		const mutating = routes.filter(r => isMutating(r) && !READ_ONLY_POSTS.has(key(r)) && !isPublicModule(r));
		const allowed = (action: string) => {
			const [resource, verb] = action.split(".");
			return NAMED_ACTIONS.has(action) || (RESOURCES.includes(resource) && ["create", "update", "delete"].includes(verb));
		};
		expect(mutating.filter(r => !r.def.audit?.action).map(key)).toEqual([]);
		expect(mutating.filter(r => r.def.audit && !allowed(r.def.audit.action)).map(r => `${key(r)} → ${r.def.audit!.action}`)).toEqual([]);
		// "every PUT <resource>.update"
		expect(mutating.filter(r => r.method === "PUT" && !r.def.audit?.action.endsWith(".update")).map(key)).toEqual([]);
	});

	it("only the contract's read-only POSTs get by with read permissions", () => {
		const readOnly = routes.filter(r => isMutating(r) && readOnlyAccess(r)).map(key);
		expect(readOnly.filter(k => !READ_ONLY_POSTS.has(k))).toEqual([]);
	});

	it("every route appears in the OpenAPI document with its method", () => {
		expect(routes.filter(r => !openapi.paths[r.openapiPath]?.[r.method.toLowerCase()]).map(key)).toEqual([]);
	});

	it("every route needing a credential answers 401 UNAUTHENTICATED with WWW-Authenticate without one", async () => {
		const failures: string[] = [];
		for (const route of routes.filter(r => r.def.access !== "public" && !isPublicModule(r))) {
			const res = await app.http[route.method.toLowerCase() as "post"](fillPath(route));
			if (res.status !== 401 || res.body.error?.code !== "UNAUTHENTICATED" || res.headers["www-authenticate"] !== "Bearer") failures.push(`${key(route)} → ${res.status}`);
		}
		expect(failures).toEqual([]);
	});

	it("every permission-guarded route, GET included, answers 403 listing exactly the missing permissions", async () => {
		const held = "publish:admin";
		const probe = await keyWithRoles(app, app.ownerKey, [], { permissions: [held] });
		const failures: string[] = [];
		const guarded = routes.filter(r => Array.isArray(r.def.access) && !(r.def.access as string[]).includes(held));
		for (const route of guarded) {
			const req = app.http[route.method.toLowerCase() as "post"](fillPath(route)).set(bearer(probe.key));
			const res = route.method === "GET" ? await req : await req.send({});
			const expected = { required: route.def.access };
			if (res.status !== 403 || res.body.error?.code !== "PERMISSION_DENIED" || JSON.stringify(res.body.error.details) !== JSON.stringify(expected)) {
				failures.push(`${key(route)} → ${res.status} ${JSON.stringify(res.body.error?.details)}`);
			}
		}
		expect(failures).toEqual([]);
		expect(guarded.filter(r => r.method === "GET").length).toBeGreaterThanOrEqual(10);
	});

	describe("with credentials of two orgs", () => {
		let viewer: { key: string; id: string };
		let second: CreatedOrg;

		beforeAll(async () => {
			viewer = await keyWithRoles(app, app.ownerKey, ["viewer"]);
			second = await createOrgWithOwner(app);
		});

		it("a viewer key gets 403 PERMISSION_DENIED on every mutating route (credential-free, self-service and admin routes aside)", async () => {
			const guarded = routes.filter(
				r => isMutating(r) && r.def.access !== "public" && !SELF_SERVICE.has(key(r)) && !isAdmin(r) && !isPublicModule(r) && !READ_ONLY_POSTS.has(key(r))
			);
			expect(guarded.length).toBeGreaterThanOrEqual(20);
			const viewerPerms = new Set((await app.http.get("/api/v1/auth/me").set(bearer(viewer.key))).body.permissions);
			const failures: string[] = [];
			for (const route of guarded) {
				const res = await app.http[route.method.toLowerCase() as "post"](fillPath(route)).set(bearer(viewer.key)).send({});
				const missing = (route.def.access as string[]).filter(p => !viewerPerms.has(p));
				if (res.status !== 403 || res.body.error?.code !== "PERMISSION_DENIED" || JSON.stringify(res.body.error.details) !== JSON.stringify({ required: missing })) {
					failures.push(`${key(route)} → ${res.status} ${JSON.stringify(res.body.error ?? res.body)}`);
				}
			}
			expect(failures).toEqual([]);
			const denials = await auditEntries(app, app.ownerKey, { action: "permission.denied", actor_id: viewer.id });
			expect(denials.length).toBe(guarded.length);
		});

		it("another org's owner gets 404 for this org's ids on every route with an id parameter", async () => {
			// Real ids of org 1 for the parameters this suite can create; a random well-formed id for the rest.
			const owner = bearer(app.ownerKey);
			const role = await app.http.post("/api/v1/rbac/roles").set(owner).send({ name: "cross-org", permissions: ["agents:read"] });
			const user = await createUser(app, app.ownerKey, ["viewer"]);
			const apiKey = await keyWithRoles(app, app.ownerKey, ["viewer"]);
			const [entry] = await auditEntries(app, app.ownerKey);
			const real: Record<string, string> = { role_id: role.body.id, user_id: user.user.id, key_id: apiKey.id, log_id: entry.id };

			const idRoutes = routes.filter(r => r.params.some(p => p.endsWith("_id")) && !isAdmin(r) && !isPublicModule(r));
			expect(idRoutes.length).toBeGreaterThanOrEqual(9);
			const used = new Set<string>();
			const failures: string[] = [];
			for (const route of idRoutes) {
				route.params.filter(p => real[p]).forEach(p => used.add(p));
				const url = fillPath(route, real);
				const send = async (body: unknown) => {
					const req = app.http[route.method.toLowerCase() as "post"](url).set(bearer(second.ownerKey));
					return route.method === "GET" || route.method === "DELETE" ? req : req.send(body as object);
				};
				let res = await send({});
				if (res.status === 400 && route.method !== "GET") {
					// Validation precedes the existence check (§0.9): send a body that passes it.
					const schema = openapi.paths[route.openapiPath]?.[route.method.toLowerCase()]?.requestBody?.content?.["application/json"]?.schema;
					res = await send(sampleFor(schema));
				}
				if (res.status !== 404 || res.body.error?.code !== "NOT_FOUND") failures.push(`${key(route)} ${url} → ${res.status} ${JSON.stringify(res.body.error ?? res.body)}`);
			}
			expect(failures).toEqual([]);
			expect([...used].sort()).toEqual(["key_id", "log_id", "role_id", "user_id"]);

			// Nothing of org 1 changed.
			expect((await app.http.get(`/api/v1/rbac/roles/${role.body.id}`).set(owner)).body).toEqual(role.body);
			expect((await app.http.get(`/api/v1/rbac/users/${user.user.id}`).set(owner)).body).toEqual(user.user);
			expect((await app.http.get("/api/v1/auth/me").set(bearer(apiKey.key))).status).toBe(200);
		});
	});
});
