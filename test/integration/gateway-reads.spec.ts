import { bearer, startApp, type TestApp } from "../helpers/app";
import { auditEntries, keyWithRoles } from "../helpers/platform";
import { AliasIndex } from "../../services/api/fast-reads";

/** Authenticated reads take the gateway's read path; these are the rules it must keep (§0.2, §0.4, §0.8–§0.11). */
describe("gateway read path", () => {
	let app: TestApp;
	let agentId: string;
	beforeAll(async () => {
		app = await startApp();
		agentId = (await app.http.post("/api/v1/agents").set(bearer(app.ownerKey)).send({ name: "read-path", model: "mock-echo", tags: ["a"] })).body.id;
	});
	afterAll(() => app.stop());

	test("a read answers JSON with the request id, rate-limit headers and query filters parsed; a trailing slash is ignored", async () => {
		const res = await app.http.get("/api/v1/agents/?tag=a&limit=1&offset=0").set(bearer(app.ownerKey)).set("X-Request-Id", "read.path-1");
		expect(res.status).toBe(200);
		expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
		expect(res.headers["x-request-id"]).toBe("read.path-1");
		expect(res.headers["x-ratelimit-limit"]).toBe("600");
		expect(res.body).toMatchObject({ total: 1, limit: 1, offset: 0, items: [{ id: agentId }] });
		expect((await app.http.get(`/api/v1/agents/${agentId}/`).set(bearer(app.ownerKey))).body.id).toBe(agentId);
	});

	test("the checks keep their order: 401 before 404, 404 for unknown ids, 400 for bad queries, 403 audited", async () => {
		const anonymous = await app.http.get("/api/v1/agents/agt_nope");
		expect([anonymous.status, anonymous.body.error.code, anonymous.headers["www-authenticate"], anonymous.headers["x-ratelimit-limit"]]).toEqual([401, "UNAUTHENTICATED", "Bearer", undefined]);
		const missing = await app.http.get("/api/v1/agents/agt_nope").set(bearer(app.ownerKey));
		expect([missing.status, missing.body.error.code]).toEqual([404, "NOT_FOUND"]);
		const bad = await app.http.get("/api/v1/agents?limit=0").set(bearer(app.ownerKey));
		expect([bad.status, bad.body.error.code, bad.body.error.details[0].field]).toEqual([400, "VALIDATION_ERROR", "limit"]);
		const stranger = await keyWithRoles(app, app.ownerKey, [], { permissions: ["tools:read"] });
		const denied = await app.http.get(`/api/v1/agents/${agentId}`).set(bearer(stranger.key));
		expect([denied.status, denied.body.error.code, denied.body.error.details]).toEqual([403, "PERMISSION_DENIED", { required: ["agents:read"] }]);
		const entries = await auditEntries(app, app.ownerKey, { action: "permission.denied", actor_id: stranger.id });
		expect(entries.map(e => [e.outcome, e.status_code, e.request_id])).toEqual([["denied", 403, denied.headers["x-request-id"]]]);
	});

	test("the alias index resolves every path and method exactly as moleculer-web's linear scan of the aliases", () => {
		const aliases = (app.broker.getLocalService("api") as any).aliases as any[];
		const scan = (url: string, method: string) => {
			for (const alias of aliases) {
				if (!alias.isMethod(method)) continue;
				const params = alias.match(url);
				if (params) return { action: alias.action, fullPath: alias.fullPath, method: alias.method, params };
			}
			return false;
		};
		const index = new AliasIndex(aliases);
		const urls = new Set<string>(["/", "/api/v1", "/api/v1/", "/api/v1/nope", "/api/v1//agents", "/API/V1/AGENTS", "/health", "/metrics", "/openapi.json"]);
		for (const alias of aliases) {
			const path: string = alias.fullPath;
			urls.add(path);
			for (const value of ["x_1", "a%2Fb", "caf%C3%A9", "with.dot", ""]) urls.add(path.replace(/:([A-Za-z0-9_]+)/g, value));
			urls.add(`${path}/`);
			urls.add(`${path}//`);
			urls.add(`${path}/extra`);
			urls.add(path.replace(/\/[^/]+$/, "/other"));
		}
		let compared = 0;
		for (const url of urls) {
			for (const method of ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
				const found = index.resolve(url, method);
				const mine = found && { action: found.alias.action, fullPath: found.alias.fullPath, method: found.alias.method, params: found.params };
				expect([url, method, mine]).toEqual([url, method, scan(url, method)]);
				compared += 1;
			}
		}
		expect(compared).toBeGreaterThan(aliases.length * 6);

		// A second pass answers from the index's memory of resolved URLs: the same answers, and each caller its own parameters.
		for (const url of urls) {
			for (const method of ["GET", "PUT"]) {
				const first = index.resolve(url, method);
				if (first) first.params.tampered = "yes";
				const again = index.resolve(url, method);
				const mine = again && { action: again.alias.action, fullPath: again.alias.fullPath, method: again.alias.method, params: again.params };
				expect([url, method, mine]).toEqual([url, method, scan(url, method)]);
			}
		}
	});
});
