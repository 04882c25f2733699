import { bearer, storeOf, type TestApp } from "../helpers/app";
import { auditEntries, createOrgWithOwner, createUser, keyWithRoles, loginAs, OWNER_EMAIL, OWNER_PASSWORD, startFoundation, uid, type CreatedOrg } from "../helpers/platform";

const ADMIN = "/api/v1/admin";

describe("Admin (§26)", () => {
	let app: TestApp;
	let owner: Record<string, string>;
	let defaultOrgId: string;
	let second: CreatedOrg;

	beforeAll(async () => {
		app = await startFoundation();
		owner = bearer(app.ownerKey);
		defaultOrgId = (await app.http.get("/api/v1/auth/me").set(owner)).body.org.id;
		second = await createOrgWithOwner(app, "Second Org");
	});
	afterAll(() => app.stop());

	const randomId = () => `org_${uid(8)}`;
	const orgTotal = async () => (await app.http.get(`${ADMIN}/orgs`).set(owner)).body.total as number;

	describe("access", () => {
		const adminRoutes = () =>
			((app.broker.getLocalService("api") as any).aliases as any[])
				.filter(a => a.fullPath.startsWith(ADMIN))
				.map(a => ({ method: a.method.toLowerCase() as "get" | "post" | "put" | "delete", path: a.fullPath.replace(/:[A-Za-z_]+/g, randomId()) }));

		it("exposes the eleven endpoints of the module", () => {
			expect(adminRoutes()).toHaveLength(11);
		});

		it("answers 403 PERMISSION_DENIED {required:[platform_admin]} to an org owner on every admin route, changing nothing", async () => {
			const settingsBefore = (await app.http.get(`${ADMIN}/settings`).set(owner)).body;
			const before = await orgTotal();
			for (const credential of [second.ownerKey, (await keyWithRoles(app, app.ownerKey, ["owner"])).key]) {
				for (const route of adminRoutes()) {
					const res = await app.http[route.method](route.path).set(bearer(credential)).send(route.method === "get" ? undefined : { enabled: true, name: "x" });
					expect({ route, status: res.status }).toEqual({ route, status: 403 });
					expect(res.body.error).toMatchObject({ code: "PERMISSION_DENIED", details: { required: ["platform_admin"] } });
				}
			}
			expect((await app.http.get(`${ADMIN}/settings`).set(owner)).body).toEqual(settingsBefore);
			expect(await orgTotal()).toBe(before);
			const [denied] = await auditEntries(app, second.ownerKey, { action: "permission.denied" });
			expect(denied).toMatchObject({ outcome: "denied", status_code: 403, actor_type: "api_key", resource_id: null });
		});

		it("answers 401 on every admin route without a credential", async () => {
			for (const route of adminRoutes()) {
				const res = await app.http[route.method](route.path);
				expect(res.status).toBe(401);
				expect(res.body.error.code).toBe("UNAUTHENTICATED");
			}
		});
	});

	describe("orgs", () => {
		it("creates an org with its owner (201): derived slug, default limits, owner holds only `owner`", async () => {
			const email = `founder-${uid()}@example.com`;
			const res = await app.http.post(`${ADMIN}/orgs`).set(owner).send({ name: "Fresh Org", owner_email: email, owner_name: "Founder", owner_password: "founder-pass" });
			expect(res.status).toBe(201);
			expect(res.body).toMatchObject({
				name: "Fresh Org",
				slug: expect.stringMatching(/^fresh-org(-\d+)?$/),
				status: "active",
				limits: { max_concurrent_runs: 20, max_agents: null, rate_limit_per_minute: null },
				user_count: 1,
				agent_count: 0
			});
			const users = await (await storeOf(app.broker).repository("users")).forOrg(res.body.id).find();
			expect(users.map(u => [u.email, u.roles])).toEqual([[email, ["owner"]]]);
			const get = await app.http.get(`${ADMIN}/orgs/${res.body.id}`).set(owner);
			expect(get.status).toBe(200);
			expect(get.body).toEqual(res.body);
		});

		it("accepts an explicit slug and partial limits", async () => {
			const slug = `explicit-${uid(3)}`;
			const res = await app.http
				.post(`${ADMIN}/orgs`)
				.set(owner)
				.send({ name: "Explicit", slug, limits: { max_agents: 3 }, owner_email: `e-${uid()}@example.com`, owner_name: "E", owner_password: "explicit-pass" });
			expect(res.status).toBe(201);
			expect(res.body.slug).toBe(slug);
			expect(res.body.limits).toEqual({ max_concurrent_runs: 20, max_agents: 3, rate_limit_per_minute: null });

			const taken = await app.http.post(`${ADMIN}/orgs`).set(owner).send({ name: "Other", slug, owner_email: `t-${uid()}@example.com`, owner_name: "T", owner_password: "taken-pass1" });
			expect(taken.status).toBe(409);
			expect(taken.body.error).toMatchObject({ code: "ALREADY_EXISTS", details: { field: "slug" } });
		});

		it("answers 400 listing every field problem and creates nothing", async () => {
			const before = await orgTotal();
			const res = await app.http.post(`${ADMIN}/orgs`).set(owner).send({ name: "", slug: "Bad Slug", limits: { max_concurrent_runs: 0 }, owner_email: "x" });
			expect(res.status).toBe(400);
			expect(res.body.error.details.map((d: any) => d.field).sort()).toEqual(
				["limits.max_concurrent_runs", "name", "owner_email", "owner_name", "owner_password", "slug"].sort()
			);
			expect(await orgTotal()).toBe(before);
		});

		it("answers 409 ALREADY_EXISTS for a taken owner e-mail and creates no org", async () => {
			const before = await orgTotal();
			const res = await app.http.post(`${ADMIN}/orgs`).set(owner).send({ name: "Dup", owner_email: second.email.toUpperCase(), owner_name: "D", owner_password: "duplicate-pass" });
			expect(res.status).toBe(409);
			expect(res.body.error.code).toBe("ALREADY_EXISTS");
			expect(await orgTotal()).toBe(before);
		});

		it("lists orgs with status and search filters", async () => {
			const all = await app.http.get(`${ADMIN}/orgs`).query({ limit: 200 }).set(owner);
			expect(all.status).toBe(200);
			expect(all.body.items.map((o: any) => o.id)).toEqual(expect.arrayContaining([defaultOrgId, second.org.id]));
			const search = await app.http.get(`${ADMIN}/orgs`).query({ search: "SECOND" }).set(owner);
			expect(search.body.items.map((o: any) => o.id)).toEqual([second.org.id]);
			const suspended = await app.http.get(`${ADMIN}/orgs`).query({ status: "suspended" }).set(owner);
			expect(suspended.body.total).toBe(0);
			expect((await app.http.get(`${ADMIN}/orgs`).query({ status: "paused" }).set(owner)).status).toBe(400);
			expect((await app.http.get(`${ADMIN}/orgs`).query({ limit: 201 }).set(owner)).status).toBe(400);
		});

		it("answers 404 for unknown org ids", async () => {
			for (const req of [
				app.http.get(`${ADMIN}/orgs/${randomId()}`).set(owner),
				app.http.put(`${ADMIN}/orgs/${randomId()}`).set(owner).send({ name: "x" }),
				app.http.delete(`${ADMIN}/orgs/${randomId()}`).set(owner)
			]) {
				const res = await req;
				expect(res.status).toBe(404);
				expect(res.body.error.code).toBe("NOT_FOUND");
			}
		});

		it("updates name and limits (limits replaced as a whole, §0.6), and answers 400 for bad values changing nothing", async () => {
			const before = (await app.http.get(`${ADMIN}/orgs/${second.org.id}`).set(owner)).body;
			const bad = await app.http.put(`${ADMIN}/orgs/${second.org.id}`).set(owner).send({ name: "Renamed", status: "gone", limits: { max_concurrent_runs: 0 } });
			expect(bad.status).toBe(400);
			expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(["limits.max_concurrent_runs", "status"]);
			const nullName = await app.http.put(`${ADMIN}/orgs/${second.org.id}`).set(owner).send({ name: null });
			expect(nullName.status).toBe(400);
			expect((await app.http.get(`${ADMIN}/orgs/${second.org.id}`).set(owner)).body).toEqual(before);

			const ok = await app.http.put(`${ADMIN}/orgs/${second.org.id}`).set(owner).send({ name: "Second Org Renamed", limits: { max_agents: 10 } });
			expect(ok.status).toBe(200);
			expect(ok.body).toMatchObject({ name: "Second Org Renamed", slug: before.slug, limits: { max_concurrent_runs: 20, max_agents: 10, rate_limit_per_minute: null } });
			const cleared = await app.http.put(`${ADMIN}/orgs/${second.org.id}`).set(owner).send({ limits: { max_agents: null, surprise: 1 } });
			expect(cleared.body.limits).toEqual({ max_concurrent_runs: 20, max_agents: null, rate_limit_per_minute: null });
			await app.http.put(`${ADMIN}/orgs/${second.org.id}`).set(owner).send({ limits: { max_concurrent_runs: 50, max_agents: 10 } });
			const replaced = await app.http.put(`${ADMIN}/orgs/${second.org.id}`).set(owner).send({ limits: { rate_limit_per_minute: 900 } });
			expect(replaced.status).toBe(200);
			expect(replaced.body.limits).toEqual({ max_concurrent_runs: 20, max_agents: null, rate_limit_per_minute: 900 });
			const reset = await app.http.put(`${ADMIN}/orgs/${second.org.id}`).set(owner).send({ limits: {} });
			expect(reset.body.limits).toEqual({ max_concurrent_runs: 20, max_agents: null, rate_limit_per_minute: null });
		});

		it("suspending an org makes its credentials answer 403 ORG_SUSPENDED until it is reactivated", async () => {
			const res = await app.http.put(`${ADMIN}/orgs/${second.org.id}`).set(owner).send({ status: "suspended" });
			expect(res.status).toBe(200);
			expect(res.body.status).toBe("suspended");
			for (const credential of [second.ownerKey, second.tokens.access_token]) {
				const me = await app.http.get("/api/v1/auth/me").set(bearer(credential));
				expect(me.status).toBe(403);
				expect(me.body.error.code).toBe("ORG_SUSPENDED");
			}
			const login = await app.http.post("/api/v1/auth/login").send({ email: second.email, password: second.password });
			expect(login.status).toBe(403);
			expect(login.body.error.code).toBe("ORG_SUSPENDED");
			// Other orgs are untouched.
			expect((await app.http.get("/api/v1/auth/me").set(owner)).status).toBe(200);

			expect((await app.http.put(`${ADMIN}/orgs/${second.org.id}`).set(owner).send({ status: "active" })).status).toBe(200);
			expect((await app.http.get("/api/v1/auth/me").set(bearer(second.ownerKey))).status).toBe(200);
			const [failed] = await auditEntries(app, second.ownerKey, { action: "auth.login_failed" });
			expect(failed).toMatchObject({ actor_type: "user", actor_name: second.email, outcome: "failure", status_code: 403 });
		});

		it("answers 409 SELF_MODIFICATION for suspending or deleting your own org", async () => {
			const suspend = await app.http.put(`${ADMIN}/orgs/${defaultOrgId}`).set(owner).send({ status: "suspended" });
			expect(suspend.status).toBe(409);
			expect(suspend.body.error.code).toBe("SELF_MODIFICATION");
			const del = await app.http.delete(`${ADMIN}/orgs/${defaultOrgId}`).set(owner);
			expect(del.status).toBe(409);
			expect(del.body.error.code).toBe("SELF_MODIFICATION");
			const org = await app.http.get(`${ADMIN}/orgs/${defaultOrgId}`).set(owner);
			expect(org.body.status).toBe("active");
		});

		it("deleting an org (204) removes all of its data", async () => {
			const doomed = await createOrgWithOwner(app, `Doomed ${uid(3)}`);
			const doomedAuth = bearer(doomed.ownerKey);
			await app.http.post("/api/v1/rbac/roles").set(doomedAuth).send({ name: "doomed-role", permissions: ["agents:read"] }).expect(201);
			await createUser(app, doomed.ownerKey, ["viewer"]);
			const store = storeOf(app.broker);
			const repos = await Promise.all(["users", "roles", "api_keys", "entries", "sessions", "refresh_tokens"].map(n => store.repository(n)));
			const counts = () => Promise.all(repos.map(r => r.forOrg(doomed.org.id).count()));
			expect((await counts()).every(n => n > 0)).toBe(true);

			const del = await app.http.delete(`${ADMIN}/orgs/${doomed.org.id}`).set(owner);
			expect(del.status).toBe(204);
			expect(await counts()).toEqual([0, 0, 0, 0, 0, 0]);
			expect((await app.http.get(`${ADMIN}/orgs/${doomed.org.id}`).set(owner)).status).toBe(404);
			expect((await app.http.get("/api/v1/auth/me").set(doomedAuth)).status).toBe(401);
			expect((await app.http.get("/api/v1/auth/me").set(bearer(doomed.tokens.access_token))).status).toBe(401);
			// The org's users are gone: their e-mail can be used again.
			const reuse = await app.http.post("/api/v1/rbac/users").set(owner).send({ email: doomed.email, name: "Reused", password: "reused-pass" });
			expect(reuse.status).toBe(201);
			const [entry] = await auditEntries(app, app.ownerKey, { action: "org.delete", resource_id: doomed.org.id });
			expect(entry).toMatchObject({ outcome: "success", status_code: 204, resource_type: "org" });
		});
	});

	describe("stats, health, workers", () => {
		it("GET /stats reports instance counts", async () => {
			const res = await app.http.get(`${ADMIN}/stats`).set(owner);
			expect(res.status).toBe(200);
			expect(Object.keys(res.body).sort()).toEqual(
				["agents", "cost_usd_last_24h", "orgs", "runs_last_24h", "runs_queued", "runs_running", "runs_total", "tokens_last_24h", "users"].sort()
			);
			expect(res.body.orgs).toBe(await orgTotal());
			const users = await (await storeOf(app.broker).repository("users")).platformWide().count();
			expect(res.body.users).toBe(users);
			for (const value of Object.values(res.body)) expect(typeof value).toBe("number");
		});

		it("GET /health reports dependency checks", async () => {
			const res = await app.http.get(`${ADMIN}/health`).set(owner);
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({
				status: "ok",
				version: expect.stringMatching(/^\d+\.\d+\.\d+/),
				uptime_seconds: expect.any(Number),
				checks: { database: { status: "up" }, transporter: { status: "not_configured" }, providers: expect.any(Array) }
			});
			expect(Number.isInteger(res.body.uptime_seconds)).toBe(true);
		});

		it("GET /workers lists this node with its services", async () => {
			const res = await app.http.get(`${ADMIN}/workers`).set(owner);
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ total: 1, limit: 50, offset: 0 });
			const [worker] = res.body.items;
			expect(worker).toMatchObject({ node_id: app.broker.nodeID, hostname: expect.any(String), status: "available", agent_replicas: expect.any(Number) });
			expect(worker.services).toEqual(expect.arrayContaining(["api", "admin", "auth", "rbac", "audit"]));
			for (const f of ["cpu_usage", "memory_usage", "uptime_seconds"]) expect(typeof worker[f]).toBe("number");
		});
	});

	describe("settings", () => {
		it("GET /settings answers the documented defaults", async () => {
			const res = await app.http.get(`${ADMIN}/settings`).set(owner);
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({
				open_registration: false,
				default_rate_limit_per_minute: 600,
				mock_provider_enabled: true,
				embedding_model: "mock-embed",
				default_agent_replicas: 4,
				audit_retention_days: 365,
				event_retention_days: 30,
				run_retention_days: 90,
				cors_allowed_origins: [],
				outbound_allowed_hosts: [],
				allow_private_network: false,
				max_body_bytes: 1048576,
				maintenance_mode: false,
				maintenance_message: null,
				updated_at: expect.any(String)
			});
		});

		it("PUT /settings changes the given fields, ignores the maintenance ones, and is audited", async () => {
			const before = (await app.http.get(`${ADMIN}/settings`).set(owner)).body;
			const res = await app.http
				.put(`${ADMIN}/settings`)
				.set(owner)
				.send({ embedding_model: "other-embed", run_retention_days: 10, outbound_allowed_hosts: ["api.example.com"], maintenance_mode: true, maintenance_message: "no" });
			expect(res.status).toBe(200);
			expect(res.body).toEqual({
				...before,
				embedding_model: "other-embed",
				run_retention_days: 10,
				outbound_allowed_hosts: ["api.example.com"],
				updated_at: expect.any(String)
			});
			expect(res.body.updated_at > before.updated_at).toBe(true);
			expect((await app.http.get(`${ADMIN}/settings`).set(owner)).body).toEqual(res.body);
			const [entry] = await auditEntries(app, app.ownerKey, { action: "settings.update" });
			expect(entry).toMatchObject({ resource_type: "settings", resource_id: null, outcome: "success", status_code: 200 });
			expect((await app.http.put(`${ADMIN}/settings`).set(owner).send({})).status).toBe(200);
		});

		it("PUT /settings answers 400 for bad values and changes nothing", async () => {
			const before = (await app.http.get(`${ADMIN}/settings`).set(owner)).body;
			const cases: [Record<string, unknown>, string][] = [
				[{ default_rate_limit_per_minute: 0 }, "default_rate_limit_per_minute"],
				[{ default_rate_limit_per_minute: "600" }, "default_rate_limit_per_minute"],
				[{ open_registration: "yes" }, "open_registration"],
				[{ open_registration: null }, "open_registration"],
				[{ cors_allowed_origins: "https://a.example" }, "cors_allowed_origins"],
				[{ max_body_bytes: 1.5 }, "max_body_bytes"],
				[{ audit_retention_days: 0 }, "audit_retention_days"],
				[{ embedding_model: "" }, "embedding_model"]
			];
			for (const [body, field] of cases) {
				const res = await app.http.put(`${ADMIN}/settings`).set(owner).send({ embedding_model: "changed", ...body });
				expect({ body, status: res.status }).toEqual({ body, status: 400 });
				expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
			}
			expect((await app.http.get(`${ADMIN}/settings`).set(owner)).body).toEqual(before);
		});
	});

	describe("maintenance mode", () => {
		afterAll(async () => {
			await app.http.post(`${ADMIN}/maintenance`).set(owner).send({ enabled: false });
		});

		it("answers 400 for a bad body and changes nothing", async () => {
			for (const body of [{}, { enabled: "yes" }, { enabled: true, message: "x".repeat(501) }]) {
				const res = await app.http.post(`${ADMIN}/maintenance`).set(owner).send(body);
				expect(res.status).toBe(400);
			}
			expect((await app.http.get(`${ADMIN}/settings`).set(owner)).body.maintenance_mode).toBe(false);
		});

		it("answers 503 MAINTENANCE_MODE with Retry-After: 120 on /api/v1 except login, refresh and admin", async () => {
			const on = await app.http.post(`${ADMIN}/maintenance`).set(owner).send({ enabled: true, message: "Upgrading the database" });
			expect(on.status).toBe(200);
			expect(on.body).toMatchObject({ maintenance_mode: true, maintenance_message: "Upgrading the database" });

			for (const req of [
				app.http.get("/api/v1/rbac/roles").set(owner),
				app.http.get("/api/v1/auth/me").set(bearer(second.ownerKey)),
				app.http.post("/api/v1/rbac/roles").set(owner).send({ name: "during", permissions: ["agents:read"] }),
				app.http.get("/api/v1/no/such/route").set(owner),
				app.http.post("/api/v1/auth/register").send({})
			]) {
				const res = await req;
				expect(res.status).toBe(503);
				expect(res.body.error).toMatchObject({ code: "MAINTENANCE_MODE", message: "Upgrading the database" });
				expect(res.headers["retry-after"]).toBe("120");
			}
			expect((await app.http.get(`${ADMIN}/settings`).set(owner)).status).toBe(200);
			expect((await app.http.get(`${ADMIN}/orgs`).set(owner)).status).toBe(200);
			const login = await loginAs(app, OWNER_EMAIL, OWNER_PASSWORD);
			const refresh = await app.http.post("/api/v1/auth/refresh").send({ refresh_token: login.refresh_token });
			expect(refresh.status).toBe(200);
			// Still 401 first for a request without a credential.
			expect((await app.http.get("/api/v1/rbac/roles")).status).toBe(401);

			const off = await app.http.post(`${ADMIN}/maintenance`).set(owner).send({ enabled: false });
			expect(off.status).toBe(200);
			expect(off.body).toMatchObject({ maintenance_mode: false, maintenance_message: null });
			expect((await app.http.get("/api/v1/rbac/roles").set(owner)).status).toBe(200);
			const audit = await auditEntries(app, app.ownerKey, { action: "settings.maintenance" });
			expect(audit.map(e => [e.outcome, e.status_code, e.details.enabled])).toEqual([
				["success", 200, false],
				["success", 200, true],
				["failure", 400, true],
				["failure", 400, "yes"],
				["failure", 400, undefined]
			]);
			expect(audit.every(e => e.resource_id === null)).toBe(true);
			const none = await app.http.get("/api/v1/rbac/roles").query({ limit: 200 }).set(owner);
			expect(none.body.items.find((r: any) => r.name === "during")).toBeUndefined();
		});
	});
});
