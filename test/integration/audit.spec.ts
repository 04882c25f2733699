import { createHash } from "node:crypto";
import { bearer, storeOf, type TestApp } from "../helpers/app";
import { auditEntries, createOrgWithOwner, createUser, keyWithRoles, sleep, startFoundation, uid, type CreatedOrg } from "../helpers/platform";

const AUDIT = "/api/v1/audit";
const GENESIS = "0".repeat(64);
const CSV_HEADER = "id,created_at,actor_type,actor_id,action,resource_type,resource_id,outcome,status_code,ip,request_id";

/** canonical_json of §18, written independently of the platform's own implementation. */
function canonical(value: unknown): string {
	if (value === null || typeof value !== "object") return JSON.stringify(value);
	if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
	const obj = value as Record<string, unknown>;
	return `{${Object.keys(obj)
		.sort()
		.map(k => `${JSON.stringify(k)}:${canonical(obj[k])}`)
		.join(",")}}`;
}

const expectedHash = (entry: Record<string, unknown>) => {
	const { hash: _hash, ...rest } = entry;
	return createHash("sha256").update(`${rest.prev_hash}${canonical(rest)}`, "utf8").digest("hex");
};

describe("Audit (§18)", () => {
	let app: TestApp;
	let owner: Record<string, string>;
	let other: CreatedOrg;
	let noAuditKey: string;

	beforeAll(async () => {
		app = await startFoundation();
		owner = bearer(app.ownerKey);
		other = await createOrgWithOwner(app, "Other Org");
		noAuditKey = (await keyWithRoles(app, app.ownerKey, [], { permissions: ["agents:read"] })).key;
	});
	afterAll(() => app.stop());

	describe("what is recorded", () => {
		it("records a mutating request with actor, resource, outcome, status, client and request id", async () => {
			const res = await app.http
				.post("/api/v1/rbac/roles")
				.set(owner)
				.set("User-Agent", "audit-test/1.0")
				.set("X-Request-Id", `req-${uid()}`)
				.send({ name: `audited-${uid(3)}`, permissions: ["agents:read"] });
			expect(res.status).toBe(201);
			const [entry] = await auditEntries(app, app.ownerKey, { action: "role.create", resource_id: res.body.id });
			const me = (await app.http.get("/api/v1/auth/me").set(owner)).body;
			expect(entry).toEqual({
				id: expect.any(String),
				org_id: me.org.id,
				actor_type: "api_key",
				actor_id: me.api_key.id,
				actor_name: "bootstrap",
				action: "role.create",
				resource_type: "role",
				resource_id: res.body.id,
				outcome: "success",
				status_code: 201,
				details: { name: res.body.name, permissions: ["agents:read"] },
				ip: expect.stringMatching(/127\.0\.0\.1/),
				user_agent: "audit-test/1.0",
				request_id: res.headers["x-request-id"],
				prev_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
				hash: expect.stringMatching(/^[0-9a-f]{64}$/),
				created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
				updated_at: expect.any(String)
			});
		});

		it("records a refused mutating request under the action it attempted, with outcome failure", async () => {
			const res = await app.http.post("/api/v1/rbac/roles").set(owner).send({ name: "viewer", permissions: ["agents:read"] });
			expect(res.status).toBe(409);
			const [entry] = await auditEntries(app, app.ownerKey, { action: "role.create", outcome: "failure" });
			expect(entry).toMatchObject({ status_code: 409, resource_id: null, request_id: res.headers["x-request-id"], details: { name: "viewer" } });
			const invalid = await app.http.put(`/api/v1/rbac/roles/viewer`).set(owner).send({ description: 7 });
			expect(invalid.status).toBe(400);
			const [update] = await auditEntries(app, app.ownerKey, { action: "role.update", resource_id: "viewer" });
			expect(update).toMatchObject({ outcome: "failure", status_code: 400, details: { description: 7 } });
		});

		it("records a failed login of an existing user as auth.login_failed (and none for an unknown e-mail)", async () => {
			const u = await createUser(app, app.ownerKey, ["viewer"]);
			const res = await app.http.post("/api/v1/auth/login").set("X-Request-Id", "login-fail-1").send({ email: u.email, password: "wrong-password" });
			expect(res.status).toBe(401);
			const entries = await auditEntries(app, app.ownerKey, { action: "auth.login_failed" });
			expect(entries).toHaveLength(1);
			expect(entries[0]).toMatchObject({
				actor_type: "user",
				actor_id: u.user.id,
				actor_name: u.email,
				resource_type: "auth",
				resource_id: null,
				outcome: "failure",
				status_code: 401,
				request_id: "login-fail-1",
				details: { email: u.email, password: "[REDACTED]" }
			});
			await app.http.post("/api/v1/auth/login").send({ email: `ghost-${uid()}@example.com`, password: "wrong-password" }).expect(401);
			expect(await auditEntries(app, app.ownerKey, { action: "auth.login_failed" })).toHaveLength(1);
		});

		it("records permission denials, GET requests included", async () => {
			const key = await keyWithRoles(app, app.ownerKey, ["viewer"]);
			const get = await app.http.get("/api/v1/audit/logs").set(bearer(noAuditKey));
			expect(get.status).toBe(403);
			const post = await app.http.post("/api/v1/rbac/roles").set(bearer(key.key)).send({ name: "nope", permissions: ["agents:read"] });
			expect(post.status).toBe(403);
			const denied = await auditEntries(app, app.ownerKey, { action: "permission.denied" });
			const [forPost, forGet] = denied;
			expect(forPost).toMatchObject({ actor_type: "api_key", actor_id: key.id, resource_type: "permission", resource_id: null, outcome: "denied", status_code: 403 });
			expect(forPost.request_id).toBe(post.headers["x-request-id"]);
			expect(forGet).toMatchObject({ outcome: "denied", status_code: 403, request_id: get.headers["x-request-id"] });
		});

		it("records rejected credentials that still identify an org as auth.token_rejected", async () => {
			const key = await keyWithRoles(app, app.ownerKey, ["viewer"]);
			await app.http.delete(`/api/v1/rbac/api-keys/${key.id}`).set(owner).expect(204);
			const res = await app.http.get("/api/v1/rbac/roles").set(bearer(key.key)).set("X-Request-Id", "rejected-1");
			expect(res.status).toBe(401);
			const [entry] = await auditEntries(app, app.ownerKey, { action: "auth.token_rejected", actor_id: key.id });
			expect(entry).toMatchObject({
				actor_type: "api_key",
				actor_name: key.body.name,
				resource_type: "auth",
				resource_id: null,
				outcome: "failure",
				status_code: 401,
				request_id: "rejected-1"
			});
			// An unknown key identifies no org: nothing is recorded anywhere for it.
			const before = (await app.http.get(`${AUDIT}/logs`).set(owner)).body.total;
			await app.http.get("/api/v1/rbac/roles").set(bearer(`fgk_${"x".repeat(40)}`)).expect(401);
			expect((await app.http.get(`${AUDIT}/logs`).set(owner)).body.total).toBe(before);
		});

		it("replaces write-only values in details with [REDACTED], at any depth", async () => {
			const res = await app.http
				.post("/api/v1/rbac/users")
				.set(owner)
				.send({ email: `redact-${uid()}@example.com`, name: "Redacted", password: "super-secret-pw", extra: { token: "t0k", nested: [{ secret: "s3c", ok: 1 }] } });
			expect(res.status).toBe(201);
			const [entry] = await auditEntries(app, app.ownerKey, { action: "user.create", resource_id: res.body.id });
			expect(entry.details).toEqual({
				email: res.body.email,
				name: "Redacted",
				password: "[REDACTED]",
				extra: { token: "[REDACTED]", nested: [{ secret: "[REDACTED]", ok: 1 }] }
			});
			const raw = JSON.stringify(await auditEntries(app, app.ownerKey));
			for (const secret of ["super-secret-pw", "t0k", "s3c"]) expect(raw).not.toContain(secret);
		});

		it("still records requests whose body has keys a document store cannot hold", async () => {
			const res = await app.http.post("/api/v1/rbac/roles").set(owner).send({ name: `odd-${uid(3)}`, permissions: ["agents:read"], "a.b": 1, $where: "x" });
			expect(res.status).toBe(201);
			const [entry] = await auditEntries(app, app.ownerKey, { action: "role.create", resource_id: res.body.id });
			expect(entry).toBeDefined();
			expect(entry.details.name).toBe(res.body.name);
		});

		it("records no GET request that succeeds", async () => {
			const before = (await app.http.get(`${AUDIT}/logs`).set(owner)).body.total;
			await app.http.get("/api/v1/rbac/roles").set(owner).expect(200);
			await app.http.get("/api/v1/auth/me").set(owner).expect(200);
			expect((await app.http.get(`${AUDIT}/logs`).set(owner)).body.total).toBe(before);
		});
	});

	describe("reading the log", () => {
		it("lists entries newest first in the list envelope, with limit, offset and order", async () => {
			const all = await app.http.get(`${AUDIT}/logs`).query({ limit: 200 }).set(owner);
			expect(all.status).toBe(200);
			expect(all.body.total).toBe(all.body.items.length);
			const times = all.body.items.map((e: any) => e.created_at);
			expect([...times].sort().reverse()).toEqual(times);
			const page = await app.http.get(`${AUDIT}/logs`).query({ limit: 2, offset: 1 }).set(owner);
			expect(page.body).toMatchObject({ total: all.body.total, limit: 2, offset: 1 });
			expect(page.body.items.map((e: any) => e.id)).toEqual(all.body.items.slice(1, 3).map((e: any) => e.id));
			const asc = await app.http.get(`${AUDIT}/logs`).query({ limit: 200, order: "asc" }).set(owner);
			expect(asc.body.items.map((e: any) => e.created_at)).toEqual([...times].reverse());
		});

		it("filters by actor, action, resource, outcome and time range", async () => {
			const key = await keyWithRoles(app, app.ownerKey, ["admin"]);
			const start = new Date().toISOString();
			await sleep(5);
			const role = await app.http.post("/api/v1/rbac/roles").set(bearer(key.key)).send({ name: `filtered-${uid(3)}`, permissions: ["agents:read"] });
			await app.http.put(`/api/v1/rbac/roles/${role.body.id}`).set(bearer(key.key)).send({ description: "changed" }).expect(200);
			await app.http.post("/api/v1/rbac/roles").set(bearer(key.key)).send({ name: "owner", permissions: ["agents:read"] }).expect(409);
			await sleep(5);
			const end = new Date().toISOString();

			const byActor = await auditEntries(app, app.ownerKey, { actor_id: key.id });
			expect(byActor.map(e => e.action)).toEqual(["role.create", "role.update", "role.create"]);
			expect((await auditEntries(app, app.ownerKey, { actor_id: key.id, outcome: "failure" })).map(e => e.status_code)).toEqual([409]);
			expect((await auditEntries(app, app.ownerKey, { resource_id: role.body.id })).map(e => e.action)).toEqual(["role.update", "role.create"]);
			const byType = await auditEntries(app, app.ownerKey, { resource_type: "role", actor_type: "api_key", start, end });
			expect(byType.map(e => e.actor_id)).toEqual([key.id, key.id, key.id]);
			expect(await auditEntries(app, app.ownerKey, { actor_id: key.id, start: end })).toEqual([]);
			expect(await auditEntries(app, app.ownerKey, { actor_id: key.id, end: start })).toEqual([]);
			expect(await auditEntries(app, app.ownerKey, { actor_type: "system", actor_id: key.id })).toEqual([]);
			const offset = await auditEntries(app, app.ownerKey, { actor_id: key.id, start: start.replace("Z", "+00:00") });
			expect(offset).toHaveLength(3);
		});

		it("answers 400 for bad filters", async () => {
			for (const query of [{ outcome: "maybe" }, { actor_type: "robot" }, { start: "yesterday" }, { end: "2026-13-01" }, { limit: 0 }, { offset: -1 }]) {
				const res = await app.http.get(`${AUDIT}/logs`).query(query).set(owner);
				expect({ query, status: res.status }).toEqual({ query, status: 400 });
				expect(res.body.error.code).toBe("VALIDATION_ERROR");
			}
		});

		it("GET /logs/{id} answers the entry, and 404 for unknown ids and other orgs' entries", async () => {
			const [entry] = await auditEntries(app, app.ownerKey);
			const res = await app.http.get(`${AUDIT}/logs/${entry.id}`).set(owner);
			expect(res.status).toBe(200);
			expect(res.body).toEqual(entry);
			expect((await app.http.get(`${AUDIT}/logs/aud_${uid(8)}`).set(owner)).status).toBe(404);
			const cross = await app.http.get(`${AUDIT}/logs/${entry.id}`).set(bearer(other.ownerKey));
			expect(cross.status).toBe(404);
			expect(cross.body.error.code).toBe("NOT_FOUND");
			const list = await auditEntries(app, other.ownerKey);
			expect(list.find(e => e.id === entry.id)).toBeUndefined();
			expect(list.every(e => e.org_id === other.org.id)).toBe(true);
		});

		it("offers no way to change or delete entries", async () => {
			const [entry] = await auditEntries(app, app.ownerKey);
			for (const req of [app.http.put(`${AUDIT}/logs/${entry.id}`).set(owner).send({}), app.http.delete(`${AUDIT}/logs/${entry.id}`).set(owner)]) {
				const res = await req;
				expect(res.status).toBe(404);
				expect(res.body.error.code).toBe("NOT_FOUND");
			}
		});

		it("requires audit:read on every audit endpoint", async () => {
			const [entry] = await auditEntries(app, app.ownerKey);
			for (const path of [`${AUDIT}/logs`, `${AUDIT}/logs/export`, `${AUDIT}/logs/${entry.id}`, `${AUDIT}/verify`]) {
				const res = await app.http.get(path).set(bearer(noAuditKey));
				expect(res.status).toBe(403);
				expect(res.body.error).toMatchObject({ code: "PERMISSION_DENIED", details: { required: ["audit:read"] } });
				expect((await app.http.get(path)).status).toBe(401);
			}
		});
	});

	describe("export", () => {
		const today = () => new Date().toISOString().slice(0, 10).replace(/-/g, "");

		it("exports JSON as an attachment named audit-<org slug>-<YYYYMMDD>.json, newest first", async () => {
			const res = await app.http.get(`${AUDIT}/logs/export`).set(owner);
			expect(res.status).toBe(200);
			expect(res.headers["content-type"]).toMatch(/^application\/json/);
			expect(res.headers["content-disposition"]).toBe(`attachment; filename="audit-default-${today()}.json"`);
			const entries = JSON.parse(res.text);
			expect(Array.isArray(entries)).toBe(true);
			const listed = await auditEntries(app, app.ownerKey);
			expect(entries.length).toBe((await app.http.get(`${AUDIT}/logs`).set(owner)).body.total);
			expect(new Set(entries.map((e: any) => e.id))).toEqual(new Set(listed.map(e => e.id)));
			for (let i = 1; i < entries.length; i++) expect(entries[i - 1].prev_hash).toBe(entries[i].hash);

			const other2 = await app.http.get(`${AUDIT}/logs/export`).query({ format: "json" }).set(bearer(other.ownerKey));
			expect(other2.headers["content-disposition"]).toBe(`attachment; filename="audit-${other.org.slug}-${today()}.json"`);
			expect(JSON.parse(other2.text).every((e: any) => e.org_id === other.org.id)).toBe(true);
		});

		it("exports CSV with the header row and one row per entry, honouring filters", async () => {
			const res = await app.http.get(`${AUDIT}/logs/export`).query({ format: "csv", action: "role.create" }).set(owner);
			expect(res.status).toBe(200);
			expect(res.headers["content-type"]).toMatch(/^text\/csv/);
			expect(res.headers["content-disposition"]).toBe(`attachment; filename="audit-default-${today()}.csv"`);
			const lines = res.text.split(/\r?\n/).filter(Boolean);
			expect(lines[0]).toBe(CSV_HEADER);
			const expected = await auditEntries(app, app.ownerKey, { action: "role.create" });
			expect(lines).toHaveLength(expected.length + 1);
			const ids = lines.slice(1).map(l => l.split(",")[0]);
			expect(new Set(ids)).toEqual(new Set(expected.map(e => e.id)));
			const first = expected.find(e => e.id === ids[0]);
			const cells = lines[1].split(",");
			expect(cells).toEqual([
				first.id,
				first.created_at,
				first.actor_type,
				first.actor_id ?? "",
				"role.create",
				"role",
				first.resource_id ?? "",
				first.outcome,
				String(first.status_code),
				first.ip ?? "",
				first.request_id ?? ""
			]);
		});

		it("answers 400 for an unknown format", async () => {
			const res = await app.http.get(`${AUDIT}/logs/export`).query({ format: "xml" }).set(owner);
			expect(res.status).toBe(400);
			expect(res.body.error.details).toEqual([expect.objectContaining({ field: "format" })]);
		});
	});

	describe("hash chain", () => {
		const chain = async (token: string) => JSON.parse((await app.http.get(`${AUDIT}/logs/export`).set(bearer(token))).text).reverse();

		it("links every entry to the previous one and hashes it as §18 defines", async () => {
			const entries = await chain(app.ownerKey);
			expect(entries.length).toBeGreaterThan(5);
			expect(entries[0].prev_hash).toBe(GENESIS);
			for (let i = 0; i < entries.length; i++) {
				expect(entries[i].hash).toBe(expectedHash(entries[i]));
				if (i > 0) expect(entries[i].prev_hash).toBe(entries[i - 1].hash);
			}
			const single = (await app.http.get(`${AUDIT}/logs/${entries[3].id}`).set(owner)).body;
			expect(expectedHash(single)).toBe(single.hash);
		});

		it("GET /verify reports a valid chain, also within a time range", async () => {
			const total = (await app.http.get(`${AUDIT}/logs`).set(owner)).body.total;
			const res = await app.http.get(`${AUDIT}/verify`).set(owner);
			expect(res.status).toBe(200);
			expect(res.body).toEqual({ valid: true, entries_checked: total, first_invalid_id: null });
			const entries = await chain(app.ownerKey);
			const ranged = await app.http.get(`${AUDIT}/verify`).query({ start: entries[2].created_at }).set(owner);
			expect(ranged.body.valid).toBe(true);
			expect(ranged.body.entries_checked).toBeLessThan(total);
			expect((await app.http.get(`${AUDIT}/verify`).query({ start: "soon" }).set(owner)).status).toBe(400);
		});

		it("detects an entry changed in the store: valid false and first_invalid_id = that entry", async () => {
			const entries = await chain(app.ownerKey);
			const victim = entries[Math.floor(entries.length / 2)];
			const repo = await storeOf(app.broker).repository("entries");
			const changed = await repo.platformWide().updateWhere({ id: victim.id }, { $set: { status_code: 299 } });
			expect(changed?.status_code).toBe(299);
			const res = await app.http.get(`${AUDIT}/verify`).set(owner);
			expect(res.body).toEqual({ valid: false, entries_checked: entries.length, first_invalid_id: victim.id });
			// The other org's chain is untouched.
			expect((await app.http.get(`${AUDIT}/verify`).set(bearer(other.ownerKey))).body.valid).toBe(true);
		});

		it("detects a removed entry at the entry that follows it", async () => {
			for (const name of ["chain-a", "chain-b"]) {
				await app.http.post("/api/v1/rbac/roles").set(bearer(other.ownerKey)).send({ name, permissions: ["agents:read"] }).expect(201);
			}
			const entries = await chain(other.ownerKey);
			expect(entries.length).toBeGreaterThan(3);
			const repo = await storeOf(app.broker).repository("entries");
			expect(await repo.platformWide().delete(entries[1].id)).toBe(true);
			const res = await app.http.get(`${AUDIT}/verify`).set(bearer(other.ownerKey));
			expect(res.body).toEqual({ valid: false, entries_checked: entries.length - 1, first_invalid_id: entries[2].id });
		});
	});
});
