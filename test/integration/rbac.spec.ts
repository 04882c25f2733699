import { bearer, storeOf, type TestApp } from "../helpers/app";
import {
	API_KEY_PATTERN,
	auditEntries,
	bootstrapUser,
	createOrgWithOwner,
	createUser,
	keyWithRoles,
	loginAs,
	sleep,
	startFoundation,
	uid,
	type CreatedUser
} from "../helpers/platform";

const RBAC = "/api/v1/rbac";

describe("RBAC (§13)", () => {
	let app: TestApp;
	let owner: Record<string, string>;
	let viewerKey: string;
	let developerKey: string;
	let adminKey: string;
	let bootstrap: any;

	beforeAll(async () => {
		app = await startFoundation();
		owner = bearer(app.ownerKey);
		[viewerKey, developerKey, adminKey] = (
			await Promise.all([keyWithRoles(app, app.ownerKey, ["viewer"]), keyWithRoles(app, app.ownerKey, ["developer"]), keyWithRoles(app, app.ownerKey, ["admin"])])
		).map(k => k.key);
		bootstrap = await bootstrapUser(app);
	});
	afterAll(() => app.stop());

	const randomId = (prefix: string) => `${prefix}_${uid(8)}`;

	describe("roles", () => {
		const roleCount = async () => (await app.http.get(`${RBAC}/roles`).set(owner)).body.total as number;

		it("lists the six built-in roles fully expanded, filterable by builtin", async () => {
			const res = await app.http.get(`${RBAC}/roles`).query({ builtin: "true", limit: 200 }).set(owner);
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ total: 6, limit: 200, offset: 0 });
			const byName = Object.fromEntries(res.body.items.map((r: any) => [r.name, r]));
			expect(Object.keys(byName).sort()).toEqual(["admin", "developer", "operator", "owner", "platform_admin", "viewer"]);
			expect(byName.owner).toMatchObject({ id: "owner", org_id: null, builtin: true });
			expect(byName.owner.permissions).toHaveLength(104);
			expect(byName.admin.permissions).toHaveLength(103);
			expect(byName.admin.permissions).not.toContain("billing:admin");
			expect(byName.viewer.permissions).toHaveLength(26);
			expect(byName.viewer.permissions.every((p: string) => p.endsWith(":read"))).toBe(true);
			expect(byName.developer.permissions).toHaveLength(26 + 17 + 1);
			expect(byName.operator.permissions).toEqual(expect.arrayContaining(["runtime:execute", "lifecycle:write", "schedules:write", "governance:execute"]));
			expect(byName.operator.permissions).toHaveLength(30);
			expect(byName.platform_admin.permissions).toEqual([]);
			const custom = await app.http.get(`${RBAC}/roles`).query({ builtin: "false" }).set(owner);
			expect(custom.body.items.every((r: any) => r.builtin === false)).toBe(true);
		});

		it("answers 400 for a bad builtin filter or limit", async () => {
			expect((await app.http.get(`${RBAC}/roles`).query({ builtin: "maybe" }).set(owner)).status).toBe(400);
			expect((await app.http.get(`${RBAC}/roles`).query({ limit: 0 }).set(owner)).status).toBe(400);
		});

		it("creates a custom role (201) and reads it back", async () => {
			const res = await app.http.post(`${RBAC}/roles`).set(owner).send({ name: "auditor", permissions: ["audit:read", "agents:read"], description: "Reads the log" });
			expect(res.status).toBe(201);
			expect(res.body).toMatchObject({ name: "auditor", builtin: false, description: "Reads the log", permissions: ["audit:read", "agents:read"] });
			expect(res.body.org_id).toEqual(expect.any(String));
			const get = await app.http.get(`${RBAC}/roles/${res.body.id}`).set(owner);
			expect(get.status).toBe(200);
			expect(get.body).toEqual(res.body);
			const builtin = await app.http.get(`${RBAC}/roles/viewer`).set(owner);
			expect(builtin.status).toBe(200);
			expect(builtin.body.builtin).toBe(true);
		});

		it("answers 400 with every field problem (pattern, empty, unknown permission) and creates nothing", async () => {
			const before = await roleCount();
			const bad = await app.http.post(`${RBAC}/roles`).set(owner).send({ name: "Bad Name", permissions: [] });
			expect(bad.status).toBe(400);
			expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(["name", "permissions"]);
			const unknown = await app.http.post(`${RBAC}/roles`).set(owner).send({ name: "typo", permissions: ["agents:read", "agents:fly"] });
			expect(unknown.status).toBe(400);
			expect(unknown.body.error.code).toBe("VALIDATION_ERROR");
			expect(unknown.body.error.details).toEqual([{ field: "permissions[1]", message: expect.stringContaining("agents:fly") }]);
			const missing = await app.http.post(`${RBAC}/roles`).set(owner).send({});
			expect(missing.status).toBe(400);
			expect(missing.body.error.details.map((d: any) => d.field).sort()).toEqual(["name", "permissions"]);
			expect(await roleCount()).toBe(before);
		});

		it("answers 409 ALREADY_EXISTS for a taken name, built-in names included", async () => {
			const before = await roleCount();
			for (const name of ["auditor", "viewer", "owner"]) {
				const res = await app.http.post(`${RBAC}/roles`).set(owner).send({ name, permissions: ["agents:read"] });
				expect(res.status).toBe(409);
				expect(res.body.error.code).toBe("ALREADY_EXISTS");
				expect(res.body.error.details).toEqual({ field: "name" });
			}
			expect(await roleCount()).toBe(before);
		});

		it("answers 403 PRIVILEGE_ESCALATION for permissions the caller lacks", async () => {
			const before = await roleCount();
			// The admin role holds rbac:write and everything else except billing:admin.
			const res = await app.http.post(`${RBAC}/roles`).set(bearer(adminKey)).send({ name: "biller", permissions: ["billing:read", "billing:admin"] });
			expect(res.status).toBe(403);
			expect(res.body.error.code).toBe("PRIVILEGE_ESCALATION");
			expect(JSON.stringify(res.body.error.details)).toContain("billing:admin");
			expect(await roleCount()).toBe(before);
		});

		it("answers 403 PERMISSION_DENIED without rbac:write and 401 without a credential", async () => {
			const denied = await app.http.post(`${RBAC}/roles`).set(bearer(developerKey)).send({ name: "nope", permissions: ["agents:read"] });
			expect(denied.status).toBe(403);
			expect(denied.body.error).toMatchObject({ code: "PERMISSION_DENIED", details: { required: ["rbac:write"] } });
			const anon = await app.http.post(`${RBAC}/roles`).send({ name: "nope", permissions: ["agents:read"] });
			expect(anon.status).toBe(401);
		});

		it("answers 404 for an unknown or malformed role id", async () => {
			for (const id of [randomId("role"), "no%20such"]) {
				for (const req of [
					app.http.get(`${RBAC}/roles/${id}`).set(owner),
					app.http.put(`${RBAC}/roles/${id}`).set(owner).send({ description: "x" }),
					app.http.delete(`${RBAC}/roles/${id}`).set(owner)
				]) {
					const res = await req;
					expect(res.status).toBe(404);
					expect(res.body.error.code).toBe("NOT_FOUND");
				}
			}
		});

		it("updates a custom role; the holders see the change at their next request", async () => {
			const role = await app.http.post(`${RBAC}/roles`).set(owner).send({ name: `reader-${uid(3)}`, permissions: ["agents:read"] });
			const holder = await keyWithRoles(app, app.ownerKey, [role.body.name]);
			const before = await app.http.get(`${RBAC}/roles`).set(bearer(holder.key));
			expect(before.status).toBe(403);
			expect(before.body.error.details).toEqual({ required: ["rbac:read"] });

			const put = await app.http.put(`${RBAC}/roles/${role.body.id}`).set(owner).send({ permissions: ["agents:read", "rbac:read"], description: "now reads rbac" });
			expect(put.status).toBe(200);
			expect(put.body).toMatchObject({ permissions: ["agents:read", "rbac:read"], description: "now reads rbac", name: role.body.name });
			expect((await app.http.get(`${RBAC}/roles`).set(bearer(holder.key))).status).toBe(200);

			const empty = await app.http.put(`${RBAC}/roles/${role.body.id}`).set(owner).send({});
			expect(empty.status).toBe(200);
			expect(empty.body.permissions).toEqual(["agents:read", "rbac:read"]);
		});

		it("refuses a PUT with a different name, an unknown permission or an escalation, changing nothing", async () => {
			const role = await app.http.post(`${RBAC}/roles`).set(owner).send({ name: `fixed-${uid(3)}`, permissions: ["agents:read"] });
			const rename = await app.http.put(`${RBAC}/roles/${role.body.id}`).set(owner).send({ name: "renamed", description: "changed" });
			expect(rename.status).toBe(400);
			expect(rename.body.error.details).toEqual([expect.objectContaining({ field: "name" })]);
			const unknown = await app.http.put(`${RBAC}/roles/${role.body.id}`).set(owner).send({ permissions: ["nope:read"] });
			expect(unknown.status).toBe(400);
			const types = await app.http.put(`${RBAC}/roles/${role.body.id}`).set(owner).send({ permissions: "agents:read", description: 5 });
			expect(types.status).toBe(400);
			expect(types.body.error.details.map((d: any) => d.field).sort()).toEqual(["description", "permissions"]);
			const escalate = await app.http.put(`${RBAC}/roles/${role.body.id}`).set(bearer(adminKey)).send({ permissions: ["billing:admin"] });
			expect(escalate.status).toBe(403);
			expect(escalate.body.error.code).toBe("PRIVILEGE_ESCALATION");
			const after = await app.http.get(`${RBAC}/roles/${role.body.id}`).set(owner);
			expect(after.body).toEqual(role.body);
		});

		it("answers 409 BUILTIN_IMMUTABLE on changing or deleting a built-in role", async () => {
			const put = await app.http.put(`${RBAC}/roles/viewer`).set(owner).send({ description: "mine now" });
			expect(put.status).toBe(409);
			expect(put.body.error.code).toBe("BUILTIN_IMMUTABLE");
			const del = await app.http.delete(`${RBAC}/roles/owner`).set(owner);
			expect(del.status).toBe(409);
			expect(del.body.error.code).toBe("BUILTIN_IMMUTABLE");
			expect((await app.http.get(`${RBAC}/roles/viewer`).set(owner)).body.description).toBe("Reads everything");
		});

		it("checks the body before existence and state (§0.9): unknown permissions answer 400 on built-in and missing role ids", async () => {
			for (const id of ["viewer", randomId("role")]) {
				const res = await app.http.put(`${RBAC}/roles/${id}`).set(owner).send({ permissions: ["agents:read", "nope:read"] });
				expect({ id, status: res.status, code: res.body.error?.code, fields: res.body.error?.details?.map((d: any) => d.field) }).toEqual({
					id,
					status: 400,
					code: "VALIDATION_ERROR",
					fields: ["permissions[1]"]
				});
			}
		});

		it("answers 409 RESOURCE_IN_USE while users or keys hold the role, then deletes it (204)", async () => {
			const role = await app.http.post(`${RBAC}/roles`).set(owner).send({ name: `held-${uid(3)}`, permissions: ["agents:read"] });
			const holderUser = await createUser(app, app.ownerKey, [role.body.name]);
			const holderKey = await keyWithRoles(app, app.ownerKey, [role.body.name]);
			const inUse = await app.http.delete(`${RBAC}/roles/${role.body.id}`).set(owner);
			expect(inUse.status).toBe(409);
			expect(inUse.body.error.code).toBe("RESOURCE_IN_USE");
			expect(inUse.body.error.details).toEqual({ users: [holderUser.user.id], api_keys: [holderKey.id] });
			expect((await app.http.get(`${RBAC}/roles/${role.body.id}`).set(owner)).status).toBe(200);

			await app.http.put(`${RBAC}/users/${holderUser.user.id}/roles`).set(owner).send({ roles: ["viewer"] }).expect(200);
			await app.http.delete(`${RBAC}/api-keys/${holderKey.id}`).set(owner).expect(204);
			const del = await app.http.delete(`${RBAC}/roles/${role.body.id}`).set(owner);
			expect(del.status).toBe(204);
			expect(del.text).toBe("");
			expect((await app.http.get(`${RBAC}/roles/${role.body.id}`).set(owner)).status).toBe(404);
		});
	});

	describe("permissions catalogue", () => {
		it("lists all 104 permissions with module, action and description", async () => {
			const res = await app.http.get(`${RBAC}/permissions`).query({ limit: 200 }).set(bearer(viewerKey));
			expect(res.status).toBe(200);
			expect(res.body.total).toBe(104);
			expect(res.body.items).toHaveLength(104);
			expect(new Set(res.body.items.map((p: any) => p.permission)).size).toBe(104);
			expect(res.body.items[0]).toEqual({ permission: expect.any(String), module: expect.any(String), action: expect.any(String), description: expect.any(String) });
			for (const p of res.body.items) expect(p.permission).toBe(`${p.module}:${p.action}`);
			const page = await app.http.get(`${RBAC}/permissions`).set(bearer(viewerKey));
			expect(page.body).toMatchObject({ total: 104, limit: 50, offset: 0 });
			expect(page.body.items).toHaveLength(50);
		});

		it("filters by module", async () => {
			const res = await app.http.get(`${RBAC}/permissions`).query({ module: "agents" }).set(owner);
			expect(res.body.total).toBe(4);
			expect(res.body.items.map((p: any) => p.action).sort()).toEqual(["admin", "execute", "read", "write"]);
		});
	});

	describe("users", () => {
		const userCount = async () => (await app.http.get(`${RBAC}/users`).set(owner)).body.total as number;

		it("creates a user (201): e-mail lower-cased, default role viewer, password never returned", async () => {
			const email = `New.User-${uid()}@Example.COM`;
			const res = await app.http.post(`${RBAC}/users`).set(owner).send({ email, name: "New User", password: "password-123" });
			expect(res.status).toBe(201);
			expect(res.body).toMatchObject({ email: email.toLowerCase(), name: "New User", roles: ["viewer"], status: "active", has_password: true, last_login_at: null });
			expect(Object.keys(res.body).sort()).toEqual(["created_at", "email", "has_password", "id", "last_login_at", "name", "org_id", "roles", "status", "updated_at"]);
			const get = await app.http.get(`${RBAC}/users/${res.body.id}`).set(bearer(viewerKey));
			expect(get.status).toBe(200);
			expect(get.body).toEqual(res.body);
		});

		it("answers 400 with every field problem and creates nothing", async () => {
			const before = await userCount();
			const res = await app.http.post(`${RBAC}/users`).set(owner).send({ email: "nope", name: "  ", password: "short", roles: [] });
			expect(res.status).toBe(400);
			expect(res.body.error.details.map((d: any) => d.field).sort()).toEqual(["email", "name", "password", "roles"]);
			const unknownRole = await app.http.post(`${RBAC}/users`).set(owner).send({ email: `r-${uid()}@example.com`, name: "R", password: "password-123", roles: ["viewer", "ghost"] });
			expect(unknownRole.status).toBe(400);
			expect(unknownRole.body.error.details).toEqual([{ field: "roles[1]", message: expect.stringContaining("ghost") }]);
			expect(await userCount()).toBe(before);
		});

		it("answers 409 ALREADY_EXISTS for a taken e-mail in any case", async () => {
			const existing = await createUser(app, app.ownerKey);
			const before = await userCount();
			const res = await app.http.post(`${RBAC}/users`).set(owner).send({ email: existing.email.toUpperCase(), name: "Dup", password: "password-123" });
			expect(res.status).toBe(409);
			expect(res.body.error).toMatchObject({ code: "ALREADY_EXISTS", details: { field: "email" } });
			expect(await userCount()).toBe(before);
		});

		it("answers 403 PRIVILEGE_ESCALATION for roles beyond the caller's and for platform_admin from a non-admin", async () => {
			const before = await userCount();
			const owner2 = await app.http.post(`${RBAC}/users`).set(bearer(adminKey)).send({ email: `o-${uid()}@example.com`, name: "O", password: "password-123", roles: ["owner"] });
			expect(owner2.status).toBe(403);
			expect(owner2.body.error.code).toBe("PRIVILEGE_ESCALATION");
			expect(JSON.stringify(owner2.body.error.details)).toContain("billing:admin");
			const ownerOnlyKey = await keyWithRoles(app, app.ownerKey, ["owner"]);
			const pa = await app.http.post(`${RBAC}/users`).set(bearer(ownerOnlyKey.key)).send({ email: `p-${uid()}@example.com`, name: "P", password: "password-123", roles: ["platform_admin"] });
			expect(pa.status).toBe(403);
			expect(pa.body.error.code).toBe("PRIVILEGE_ESCALATION");
			expect(JSON.stringify(pa.body.error.details)).toContain("platform_admin");
			const viewer = await app.http.post(`${RBAC}/users`).set(bearer(viewerKey)).send({ email: `v-${uid()}@example.com`, name: "V", password: "password-123" });
			expect(viewer.status).toBe(403);
			expect(viewer.body.error).toMatchObject({ code: "PERMISSION_DENIED", details: { required: ["rbac:write"] } });
			expect(await userCount()).toBe(before);
		});

		it("does not let a role name of another org be granted (400 unknown role)", async () => {
			const org2 = await createOrgWithOwner(app);
			await app.http.post(`${RBAC}/roles`).set(bearer(org2.ownerKey)).send({ name: "org2-only", permissions: ["agents:read"] }).expect(201);
			const user = await app.http.post(`${RBAC}/users`).set(owner).send({ email: `x-${uid()}@example.com`, name: "X", password: "password-123", roles: ["org2-only"] });
			expect(user.status).toBe(400);
			expect(user.body.error.details).toEqual([{ field: "roles[0]", message: expect.stringContaining("org2-only") }]);
			const key = await app.http.post(`${RBAC}/api-keys`).set(owner).send({ name: "x", roles: ["org2-only"] });
			expect(key.status).toBe(400);
			const list = await app.http.get(`${RBAC}/roles`).query({ builtin: "false", limit: 200 }).set(owner);
			expect(list.body.items.find((r: any) => r.name === "org2-only")).toBeUndefined();
			const org2Users = await app.http.get(`${RBAC}/users`).set(bearer(org2.ownerKey));
			expect(org2Users.body.items.map((u: any) => u.email)).toEqual([org2.email]);
		});

		it("lists users with status, role and search filters", async () => {
			const tag = uid();
			const a = await createUser(app, app.ownerKey, ["operator"], { name: `Filter ${tag} A` });
			const b = await createUser(app, app.ownerKey, ["viewer"], { name: `Filter ${tag} B` });
			await app.http.put(`${RBAC}/users/${b.user.id}`).set(owner).send({ status: "disabled" }).expect(200);
			const search = await app.http.get(`${RBAC}/users`).query({ search: `filter ${tag}` }).set(owner);
			expect(search.body.total).toBe(2);
			const byEmail = await app.http.get(`${RBAC}/users`).query({ search: a.email.toUpperCase() }).set(owner);
			expect(byEmail.body.items.map((u: any) => u.id)).toEqual([a.user.id]);
			const disabled = await app.http.get(`${RBAC}/users`).query({ search: tag, status: "disabled" }).set(owner);
			expect(disabled.body.items.map((u: any) => u.id)).toEqual([b.user.id]);
			const operators = await app.http.get(`${RBAC}/users`).query({ role: "operator", search: tag }).set(owner);
			expect(operators.body.items.map((u: any) => u.id)).toEqual([a.user.id]);
			const regexChars = await app.http.get(`${RBAC}/users`).query({ search: ".*" }).set(owner);
			expect(regexChars.body.total).toBe(0);
			expect((await app.http.get(`${RBAC}/users`).query({ status: "gone" }).set(owner)).status).toBe(400);
			const paged = await app.http.get(`${RBAC}/users`).query({ search: tag, limit: 1, offset: 1, order: "asc" }).set(owner);
			expect(paged.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
			expect(paged.body.items.map((u: any) => u.id)).toEqual([b.user.id]);
		});

		it("answers 404 for unknown user ids on every user route", async () => {
			const id = randomId("usr");
			for (const req of [
				app.http.get(`${RBAC}/users/${id}`).set(owner),
				app.http.put(`${RBAC}/users/${id}`).set(owner).send({ name: "x" }),
				app.http.put(`${RBAC}/users/${id}/roles`).set(owner).send({ roles: ["viewer"] }),
				app.http.delete(`${RBAC}/users/${id}`).set(owner)
			]) {
				const res = await req;
				expect(res.status).toBe(404);
				expect(res.body.error.code).toBe("NOT_FOUND");
			}
		});

		it("updates name and password (PUT), and answers 400 for bad values changing nothing", async () => {
			const u = await createUser(app, app.ownerKey, ["viewer"]);
			const bad = await app.http.put(`${RBAC}/users/${u.user.id}`).set(owner).send({ name: "Renamed", status: "asleep", password: "short" });
			expect(bad.status).toBe(400);
			expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(["password", "status"]);
			const nullName = await app.http.put(`${RBAC}/users/${u.user.id}`).set(owner).send({ name: null });
			expect(nullName.status).toBe(400);
			expect((await app.http.get(`${RBAC}/users/${u.user.id}`).set(owner)).body.name).toBe(u.user.name);

			const ok = await app.http.put(`${RBAC}/users/${u.user.id}`).set(owner).send({ name: "Renamed", password: "another-password" });
			expect(ok.status).toBe(200);
			expect(ok.body).toMatchObject({ id: u.user.id, name: "Renamed", status: "active", has_password: true });
			expect(ok.body).not.toHaveProperty("password");
			const [entry] = await auditEntries(app, app.ownerKey, { action: "user.update", resource_id: u.user.id, outcome: "success" });
			expect(entry.details).toEqual({ name: "Renamed", password: "[REDACTED]" });
		});

		it("replaces roles (PUT /roles): 400 unknown role, 403 escalation, 200 otherwise", async () => {
			const u = await createUser(app, app.ownerKey, ["viewer"]);
			const unknown = await app.http.put(`${RBAC}/users/${u.user.id}/roles`).set(owner).send({ roles: ["ghost"] });
			expect(unknown.status).toBe(400);
			const empty = await app.http.put(`${RBAC}/users/${u.user.id}/roles`).set(owner).send({ roles: [] });
			expect(empty.status).toBe(400);
			const escalate = await app.http.put(`${RBAC}/users/${u.user.id}/roles`).set(bearer(adminKey)).send({ roles: ["owner"] });
			expect(escalate.status).toBe(403);
			expect(escalate.body.error.code).toBe("PRIVILEGE_ESCALATION");
			expect((await app.http.get(`${RBAC}/users/${u.user.id}`).set(owner)).body.roles).toEqual(["viewer"]);
			const ok = await app.http.put(`${RBAC}/users/${u.user.id}/roles`).set(bearer(adminKey)).send({ roles: ["developer", "operator"] });
			expect(ok.status).toBe(200);
			expect(ok.body.roles).toEqual(["developer", "operator"]);
		});

		it("answers 409 SELF_MODIFICATION when disabling or deleting yourself", async () => {
			const disable = await app.http.put(`${RBAC}/users/${bootstrap.id}`).set(owner).send({ status: "disabled" });
			expect(disable.status).toBe(409);
			expect(disable.body.error.code).toBe("SELF_MODIFICATION");
			const del = await app.http.delete(`${RBAC}/users/${bootstrap.id}`).set(owner);
			expect(del.status).toBe(409);
			expect(del.body.error.code).toBe("SELF_MODIFICATION");
			expect((await app.http.get(`${RBAC}/users/${bootstrap.id}`).set(owner)).body.status).toBe("active");
		});

		it("answers 409 LAST_OWNER when the org would lose its last active owner", async () => {
			const admin = await createUser(app, app.ownerKey, ["admin"]);
			const token = bearer((await loginAs(app, admin.email, admin.password)).access_token);
			const disable = await app.http.put(`${RBAC}/users/${bootstrap.id}`).set(token).send({ status: "disabled" });
			expect(disable.status).toBe(409);
			expect(disable.body.error.code).toBe("LAST_OWNER");
			const del = await app.http.delete(`${RBAC}/users/${bootstrap.id}`).set(token);
			expect(del.status).toBe(409);
			expect(del.body.error.code).toBe("LAST_OWNER");
			const demote = await app.http.put(`${RBAC}/users/${bootstrap.id}/roles`).set(owner).send({ roles: ["admin", "platform_admin"] });
			expect(demote.status).toBe(409);
			expect(demote.body.error.code).toBe("LAST_OWNER");
			const after = await app.http.get(`${RBAC}/users/${bootstrap.id}`).set(owner);
			expect(after.body).toMatchObject({ status: "active", roles: ["owner", "platform_admin"] });

			// Another owner while the bootstrap owner stays active: taking it away or disabling it is fine.
			await app.http.put(`${RBAC}/users/${admin.user.id}/roles`).set(owner).send({ roles: ["owner"] }).expect(200);
			await app.http.put(`${RBAC}/users/${admin.user.id}/roles`).set(owner).send({ roles: ["admin", "owner"] }).expect(200);
			await app.http.put(`${RBAC}/users/${admin.user.id}`).set(owner).send({ status: "disabled" }).expect(200);
		});

		it("disabling a user revokes its tokens at once; login then answers 403 USER_DISABLED", async () => {
			const u = await createUser(app, app.ownerKey, ["viewer"]);
			const pair = await loginAs(app, u.email, u.password);
			expect((await app.http.get("/api/v1/auth/me").set(bearer(pair.access_token))).status).toBe(200);
			const res = await app.http.put(`${RBAC}/users/${u.user.id}`).set(owner).send({ status: "disabled" });
			expect(res.status).toBe(200);
			expect(res.body.status).toBe("disabled");
			const me = await app.http.get("/api/v1/auth/me").set(bearer(pair.access_token));
			expect(me.status).toBe(401);
			expect(me.body.error.code).toBe("UNAUTHENTICATED");
			const refresh = await app.http.post("/api/v1/auth/refresh").send({ refresh_token: pair.refresh_token });
			expect(refresh.status).toBe(401);
			const login = await app.http.post("/api/v1/auth/login").send({ email: u.email, password: u.password });
			expect(login.status).toBe(403);
			expect(login.body.error.code).toBe("USER_DISABLED");

			const [rejected] = await auditEntries(app, app.ownerKey, { action: "auth.token_rejected", actor_id: u.user.id });
			expect(rejected).toMatchObject({ actor_type: "user", outcome: "failure", status_code: 401, resource_id: null });
		});

		it("deleting a user (204) removes it, its sessions and the API keys it created", async () => {
			const u: CreatedUser = await createUser(app, app.ownerKey, ["admin"]);
			const pair = await loginAs(app, u.email, u.password);
			const key = await keyWithRoles(app, pair.access_token, ["viewer"]);
			expect(key.body.created_by).toBe(u.user.id);
			expect((await app.http.get("/api/v1/auth/me").set(bearer(key.key))).status).toBe(200);
			const del = await app.http.delete(`${RBAC}/users/${u.user.id}`).set(owner);
			expect(del.status).toBe(204);
			expect((await app.http.get(`${RBAC}/users/${u.user.id}`).set(owner)).status).toBe(404);
			expect((await app.http.get("/api/v1/auth/me").set(bearer(pair.access_token))).status).toBe(401);
			expect((await app.http.get("/api/v1/auth/me").set(bearer(key.key))).status).toBe(401);
			expect((await app.http.get(`${RBAC}/api-keys/${key.id}`).set(owner)).status).toBe(404);
		});
	});

	describe("API keys", () => {
		const keyCount = async () => (await app.http.get(`${RBAC}/api-keys`).set(owner)).body.total as number;

		it("creates a key shown once: fgk_ + 40 URL-safe characters, 12-character prefix, stored only as a hash", async () => {
			const res = await app.http.post(`${RBAC}/api-keys`).set(owner).send({ name: "ci", roles: ["viewer"], permissions: ["agents:write"], rate_limit_per_minute: 50 });
			expect(res.status).toBe(201);
			expect(res.body.key).toMatch(API_KEY_PATTERN);
			expect(res.body.prefix).toBe(res.body.key.slice(0, 12));
			expect(res.body.prefix).toHaveLength(12);
			expect(res.body).toMatchObject({ name: "ci", roles: ["viewer"], permissions: ["agents:write"], created_by: bootstrap.id, expires_at: null, rate_limit_per_minute: 50, last_used_at: null });
			expect(res.body.effective_permissions).toHaveLength(27);
			expect(res.body.effective_permissions).toContain("agents:write");

			const get = await app.http.get(`${RBAC}/api-keys/${res.body.id}`).set(owner);
			expect(get.status).toBe(200);
			expect(get.body).not.toHaveProperty("key");
			expect(get.body).not.toHaveProperty("key_hash");
			const list = await app.http.get(`${RBAC}/api-keys`).query({ limit: 200 }).set(owner);
			expect(list.body.items.find((k: any) => k.id === res.body.id)).toBeDefined();
			expect(JSON.stringify(list.body)).not.toContain(res.body.key);

			const stored = await (await storeOf(app.broker).repository("api_keys")).platformWide().get(res.body.id);
			expect(JSON.stringify(stored)).not.toContain(res.body.key);
			expect(stored?.key_hash).toMatch(/^[0-9a-f]{64}$/);

			const me = await app.http.get("/api/v1/auth/me").set(bearer(res.body.key));
			expect(me.body.permissions).toEqual(res.body.effective_permissions);
			await sleep(50);
			expect((await app.http.get(`${RBAC}/api-keys/${res.body.id}`).set(owner)).body.last_used_at).toEqual(expect.any(String));

			const audit = await auditEntries(app, app.ownerKey, { action: "api_key.create", resource_id: res.body.id });
			expect(audit).toHaveLength(1);
			expect(JSON.stringify(audit[0])).not.toContain(res.body.key);
		});

		it("filters the list by created_by", async () => {
			const list = await app.http.get(`${RBAC}/api-keys`).query({ created_by: bootstrap.id, limit: 200 }).set(owner);
			expect(list.body.total).toBeGreaterThan(0);
			expect(list.body.items.every((k: any) => k.created_by === bootstrap.id)).toBe(true);
			const none = await app.http.get(`${RBAC}/api-keys`).query({ created_by: randomId("usr") }).set(owner);
			expect(none.body.total).toBe(0);
		});

		it("answers 400 for bad input (empty roles and permissions, unknown role or permission, past expires_at) and creates nothing", async () => {
			const before = await keyCount();
			const cases: [Record<string, unknown>, string][] = [
				[{ name: "k" }, "roles"],
				[{ name: "k", roles: ["ghost"] }, "roles[0]"],
				[{ name: "k", permissions: ["agents:fly"] }, "permissions[0]"],
				[{ name: "k", roles: ["viewer"], expires_at: new Date(Date.now() - 60_000).toISOString() }, "expires_at"],
				[{ name: "k", roles: ["viewer"], expires_at: "tomorrow" }, "expires_at"],
				[{ name: "k", roles: ["viewer"], rate_limit_per_minute: 0 }, "rate_limit_per_minute"],
				[{ name: "k", roles: ["viewer"], rate_limit_per_minute: "5" }, "rate_limit_per_minute"],
				[{ roles: ["viewer"] }, "name"]
			];
			for (const [body, field] of cases) {
				const res = await app.http.post(`${RBAC}/api-keys`).set(owner).send(body);
				expect(res.status).toBe(400);
				expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
			}
			expect(await keyCount()).toBe(before);
		});

		it("answers 403 PRIVILEGE_ESCALATION for a key beyond the caller's permissions", async () => {
			const before = await keyCount();
			for (const body of [{ roles: ["owner"] }, { permissions: ["billing:admin"] }, { roles: ["platform_admin"] }]) {
				const res = await app.http.post(`${RBAC}/api-keys`).set(bearer(adminKey)).send({ name: "escalate", ...body });
				expect(res.status).toBe(403);
				expect(res.body.error.code).toBe("PRIVILEGE_ESCALATION");
			}
			expect(await keyCount()).toBe(before);
		});

		it("answers 404 for unknown key ids", async () => {
			const id = randomId("key");
			for (const req of [
				app.http.get(`${RBAC}/api-keys/${id}`).set(owner),
				app.http.delete(`${RBAC}/api-keys/${id}`).set(owner),
				app.http.post(`${RBAC}/api-keys/${id}/rotate`).set(owner).send({})
			]) {
				expect((await req).status).toBe(404);
			}
		});

		it("revoking a key (204) makes it answer 401 from the next request", async () => {
			const k = await keyWithRoles(app, app.ownerKey, ["viewer"]);
			expect((await app.http.get("/api/v1/auth/me").set(bearer(k.key))).status).toBe(200);
			const del = await app.http.delete(`${RBAC}/api-keys/${k.id}`).set(owner);
			expect(del.status).toBe(204);
			const after = await app.http.get("/api/v1/auth/me").set(bearer(k.key));
			expect(after.status).toBe(401);
			expect(after.body.error.code).toBe("UNAUTHENTICATED");
			expect(after.headers["www-authenticate"]).toBe("Bearer");
			expect((await app.http.get(`${RBAC}/api-keys/${k.id}`).set(owner)).status).toBe(404);
			expect((await app.http.delete(`${RBAC}/api-keys/${k.id}`).set(owner)).status).toBe(404);
			const audit = await auditEntries(app, app.ownerKey, { action: "api_key.revoke", resource_id: k.id });
			expect(audit.map(e => [e.outcome, e.status_code])).toEqual([
				["failure", 404],
				["success", 204]
			]);
		});

		it("rotation returns a new key; the old one works during grace_seconds, then answers 401", async () => {
			const k = await keyWithRoles(app, app.ownerKey, ["viewer"]);
			expect((await app.http.get("/api/v1/auth/me").set(bearer(k.key))).status).toBe(200);
			const bad = await app.http.post(`${RBAC}/api-keys/${k.id}/rotate`).set(owner).send({ grace_seconds: 86401 });
			expect(bad.status).toBe(400);
			expect((await app.http.get("/api/v1/auth/me").set(bearer(k.key))).status).toBe(200);

			const rot = await app.http.post(`${RBAC}/api-keys/${k.id}/rotate`).set(owner).send({ grace_seconds: 1 });
			expect(rot.status).toBe(200);
			expect(rot.body.id).toBe(k.id);
			expect(rot.body.key).toMatch(API_KEY_PATTERN);
			expect(rot.body.key).not.toBe(k.key);
			expect(rot.body.prefix).toBe(rot.body.key.slice(0, 12));
			expect((await app.http.get("/api/v1/auth/me").set(bearer(rot.body.key))).status).toBe(200);
			expect((await app.http.get("/api/v1/auth/me").set(bearer(k.key))).status).toBe(200);
			await sleep(1100);
			const old = await app.http.get("/api/v1/auth/me").set(bearer(k.key));
			expect(old.status).toBe(401);
			expect((await app.http.get("/api/v1/auth/me").set(bearer(rot.body.key))).status).toBe(200);

			const immediate = await app.http.post(`${RBAC}/api-keys/${k.id}/rotate`).set(owner).send({});
			expect(immediate.status).toBe(200);
			expect((await app.http.get("/api/v1/auth/me").set(bearer(rot.body.key))).status).toBe(401);
			expect((await app.http.get("/api/v1/auth/me").set(bearer(immediate.body.key))).status).toBe(200);
			const [audit] = await auditEntries(app, app.ownerKey, { action: "api_key.rotate", resource_id: k.id });
			expect(audit.outcome).toBe("success");
		});

		it("an expired key answers 401 TOKEN_EXPIRED", async () => {
			const k = await keyWithRoles(app, app.ownerKey, ["viewer"], { expires_at: new Date(Date.now() + 1000).toISOString() });
			expect(k.body.expires_at).toEqual(expect.stringMatching(/Z$/));
			expect((await app.http.get("/api/v1/auth/me").set(bearer(k.key))).status).toBe(200);
			await sleep(1100);
			const res = await app.http.get("/api/v1/auth/me").set(bearer(k.key));
			expect(res.status).toBe(401);
			expect(res.body.error.code).toBe("TOKEN_EXPIRED");
			expect(res.headers["www-authenticate"]).toBe("Bearer");
			expect(res.headers["x-ratelimit-limit"]).toBeUndefined();
		});
	});
});
