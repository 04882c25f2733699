import { signJwt } from "../../lib/crypto";
import { platformOf } from "../../lib/platform";
import { bearer, storeOf, type TestApp } from "../helpers/app";
import { auditEntries, createUser, loginAs, OWNER_EMAIL, OWNER_PASSWORD, startFoundation, uid, type CreatedUser } from "../helpers/platform";

const AUTH = "/api/v1/auth";

describe("Auth (§25)", () => {
	let app: TestApp;
	let owner: Record<string, string>;

	beforeAll(async () => {
		app = await startFoundation();
		owner = bearer(app.ownerKey);
	});
	afterAll(() => app.stop());

	const orgCount = async () => (await app.http.get("/api/v1/admin/orgs").set(owner)).body.total as number;
	const setOpenRegistration = async (open: boolean) =>
		expect((await app.http.put("/api/v1/admin/settings").set(owner).send({ open_registration: open })).status).toBe(200);

	describe("POST /auth/register", () => {
		const body = () => ({ email: `reg-${uid()}@Example.com`, password: "register-pass", name: "Reg User", org_name: "Acme Corp!" });

		it("answers 403 REGISTRATION_CLOSED while registration is closed and an org exists, creating nothing", async () => {
			const before = await orgCount();
			const res = await app.http.post(`${AUTH}/register`).send(body());
			expect(res.status).toBe(403);
			expect(res.body.error.code).toBe("REGISTRATION_CLOSED");
			expect(await orgCount()).toBe(before);
		});

		describe("with open_registration", () => {
			beforeAll(() => setOpenRegistration(true));
			afterAll(() => setOpenRegistration(false));

			it("answers 400 listing every field problem and creates nothing", async () => {
				const before = await orgCount();
				const res = await app.http.post(`${AUTH}/register`).send({ email: "not-an-email", password: "short", org_name: "" });
				expect(res.status).toBe(400);
				expect(res.body.error.code).toBe("VALIDATION_ERROR");
				const fields = res.body.error.details.map((d: any) => d.field).sort();
				expect(fields).toEqual(expect.arrayContaining(["email", "name", "org_name", "password"]));
				expect(await orgCount()).toBe(before);
			});

			let first: any;
			let firstEmail: string;

			it("creates an org and its owner and answers 201 with a token pair and the org", async () => {
				const input = body();
				firstEmail = input.email.toLowerCase();
				const res = await app.http.post(`${AUTH}/register`).send(input);
				expect(res.status).toBe(201);
				first = res.body;
				expect(first).toMatchObject({ token_type: "Bearer", expires_in: 900, refresh_expires_in: 2592000 });
				expect(typeof first.access_token).toBe("string");
				expect(typeof first.refresh_token).toBe("string");
				expect(first.user).toMatchObject({ email: firstEmail, name: "Reg User", roles: ["owner"], status: "active", has_password: true });
				expect(first.user).not.toHaveProperty("password");
				expect(first.user).not.toHaveProperty("password_hash");
				expect(first.org).toEqual({ id: first.user.org_id, name: "Acme Corp!", slug: expect.stringMatching(/^acme-corp(-\d+)?$/), status: "active" });

				const me = await app.http.get(`${AUTH}/me`).set(bearer(first.access_token));
				expect(me.status).toBe(200);
				expect(me.body.org.id).toBe(first.org.id);
				expect(me.body.roles).toEqual(["owner"]);
				expect(me.body.permissions).toHaveLength(104);

				const entries = await auditEntries(app, first.access_token, { action: "auth.register" });
				expect(entries).toHaveLength(1);
				expect(entries[0]).toMatchObject({ actor_type: "user", actor_id: first.user.id, outcome: "success", status_code: 201 });
				expect(entries[0].details.password).toBe("[REDACTED]");
			});

			it("derives a free slug with a numeric suffix when the slug is taken", async () => {
				const res = await app.http.post(`${AUTH}/register`).send(body());
				expect(res.status).toBe(201);
				expect(res.body.org.slug).not.toBe(first.org.slug);
				expect(res.body.org.slug).toMatch(/^acme-corp-\d+$/);
				expect(res.body.user.roles).toEqual(["owner"]);
			});

			it("answers 409 ALREADY_EXISTS for a taken e-mail (any case) and creates no org", async () => {
				const before = await orgCount();
				const res = await app.http.post(`${AUTH}/register`).send({ ...body(), email: firstEmail.toUpperCase() });
				expect(res.status).toBe(409);
				expect(res.body.error.code).toBe("ALREADY_EXISTS");
				expect(await orgCount()).toBe(before);
			});
		});
	});

	describe("login, refresh, logout", () => {
		let user: CreatedUser;
		beforeAll(async () => {
			user = await createUser(app, app.ownerKey, ["developer"]);
		});

		it("signs the bootstrap owner in with FLUXGATE_BOOTSTRAP_PASSWORD", async () => {
			const pair = await loginAs(app, OWNER_EMAIL, OWNER_PASSWORD);
			expect(pair.user.roles).toEqual(["owner", "platform_admin"]);
			const me = await app.http.get(`${AUTH}/me`).set(bearer(pair.access_token));
			expect(me.status).toBe(200);
			expect(me.body.principal_type).toBe("user");
		});

		it("answers 200 with a token pair and records last_login_at", async () => {
			const res = await app.http.post(`${AUTH}/login`).send({ email: user.email.toUpperCase(), password: user.password });
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ token_type: "Bearer", expires_in: 900, refresh_expires_in: 2592000 });
			expect(res.body.user.id).toBe(user.user.id);
			expect(res.body.user.last_login_at).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/));
			expect(res.body.user).not.toHaveProperty("password_hash");
		});

		it("answers 400 with field details for a missing password", async () => {
			const res = await app.http.post(`${AUTH}/login`).send({ email: user.email });
			expect(res.status).toBe(400);
			expect(res.body.error.details).toEqual([expect.objectContaining({ field: "password" })]);
		});

		it("answers the same 401 INVALID_CREDENTIALS for a wrong password and an unknown e-mail", async () => {
			const wrong = await app.http.post(`${AUTH}/login`).send({ email: user.email, password: "wrong-password" });
			const unknown = await app.http.post(`${AUTH}/login`).send({ email: `nobody-${uid()}@example.com`, password: "whatever-pass" });
			for (const res of [wrong, unknown]) {
				expect(res.status).toBe(401);
				expect(res.body.error.code).toBe("INVALID_CREDENTIALS");
				expect(res.headers["www-authenticate"]).toBe("Bearer");
			}
			expect(wrong.body.error.message).toBe(unknown.body.error.message);
		});

		it("rotates refresh tokens; presenting a spent one revokes the whole family", async () => {
			const reg = await registerFresh();
			const r1 = await app.http.post(`${AUTH}/refresh`).send({ refresh_token: reg.refresh_token });
			expect(r1.status).toBe(200);
			expect(r1.body.refresh_token).not.toBe(reg.refresh_token);
			expect(r1.body.access_token).not.toBe(reg.access_token);
			expect(r1.body.user.id).toBe(reg.user.id);
			expect((await app.http.get(`${AUTH}/me`).set(bearer(r1.body.access_token))).status).toBe(200);

			// Reuse of the spent token: 401, and every token of the family is revoked.
			const reuse = await app.http.post(`${AUTH}/refresh`).send({ refresh_token: reg.refresh_token });
			expect(reuse.status).toBe(401);
			expect(reuse.body.error.code).toBe("INVALID_REFRESH_TOKEN");
			const next = await app.http.post(`${AUTH}/refresh`).send({ refresh_token: r1.body.refresh_token });
			expect(next.status).toBe(401);
			expect(next.body.error.code).toBe("INVALID_REFRESH_TOKEN");
			expect((await app.http.get(`${AUTH}/me`).set(bearer(r1.body.access_token))).status).toBe(401);

			// The org's log shows the successful refresh, then the refused reuse and the refused refresh after it.
			const entries = await (await storeOf(app.broker).repository("entries")).forOrg(reg.org.id).find({ action: "auth.refresh" }, { sort: { seq: 1 } });
			expect(entries.map(e => [e.outcome, e.status_code, e.actor_id, e.actor_name])).toEqual([
				["success", 200, reg.user.id, reg.user.email],
				["failure", 401, reg.user.id, reg.user.email],
				["failure", 401, reg.user.id, reg.user.email]
			]);
			expect(entries[1].details).toEqual({ refresh_token: "[REDACTED]" });
		});

		it("spends a refresh token once when it is presented concurrently", async () => {
			const reg = await registerFresh();
			const results = await Promise.all([1, 2, 3].map(() => app.http.post(`${AUTH}/refresh`).send({ refresh_token: reg.refresh_token })));
			expect(results.map(r => r.status).sort()).toEqual([200, 401, 401]);
		});

		it("answers 401 TOKEN_EXPIRED for an expired access token and audits it as auth.token_rejected", async () => {
			const reg = await registerFresh();
			const claims = JSON.parse(Buffer.from(reg.access_token.split(".")[1], "base64url").toString("utf8"));
			const now = Math.floor(Date.now() / 1000);
			const expired = signJwt({ ...claims, iat: now - 1000, exp: now - 100 }, platformOf(app.broker).jwtSecret);
			const res = await app.http.get(`${AUTH}/me`).set(bearer(expired));
			expect(res.status).toBe(401);
			expect(res.body.error.code).toBe("TOKEN_EXPIRED");
			expect(res.headers["www-authenticate"]).toBe("Bearer");
			const forged = signJwt({ ...claims, exp: now + 600 }, "not-the-platform-secret");
			const bad = await app.http.get(`${AUTH}/me`).set(bearer(forged));
			expect(bad.status).toBe(401);
			expect(bad.body.error.code).toBe("UNAUTHENTICATED");
			const [entry] = await auditEntries(app, reg.access_token, { action: "auth.token_rejected" });
			expect(entry).toMatchObject({ actor_type: "user", actor_id: reg.user.id, outcome: "failure", status_code: 401, request_id: res.headers["x-request-id"] });
		});

		it("answers 400 without refresh_token and 401 INVALID_REFRESH_TOKEN for an unknown one", async () => {
			const missing = await app.http.post(`${AUTH}/refresh`).send({});
			expect(missing.status).toBe(400);
			expect(missing.body.error.details).toEqual([expect.objectContaining({ field: "refresh_token" })]);
			const unknown = await app.http.post(`${AUTH}/refresh`).send({ refresh_token: "fgr_doesnotexist" });
			expect(unknown.status).toBe(401);
			expect(unknown.body.error.code).toBe("INVALID_REFRESH_TOKEN");
		});

		it("logout answers 204; the access token then answers 401 and its refresh token is revoked", async () => {
			const pair = await registerFresh();
			const auth = bearer(pair.access_token);
			expect((await app.http.get(`${AUTH}/me`).set(auth)).status).toBe(200);
			const out = await app.http.post(`${AUTH}/logout`).set(auth).send({ refresh_token: pair.refresh_token });
			expect(out.status).toBe(204);
			expect(out.text).toBe("");
			const after = await app.http.get(`${AUTH}/me`).set(auth);
			expect(after.status).toBe(401);
			expect(after.body.error.code).toBe("UNAUTHENTICATED");
			const refresh = await app.http.post(`${AUTH}/refresh`).send({ refresh_token: pair.refresh_token });
			expect(refresh.status).toBe(401);
			expect(refresh.body.error.code).toBe("INVALID_REFRESH_TOKEN");
		});

		it("logout with an API key answers 204 and the key keeps working", async () => {
			expect((await app.http.post(`${AUTH}/logout`).set(owner)).status).toBe(204);
			expect((await app.http.get(`${AUTH}/me`).set(owner)).status).toBe(200);
		});

		it("logout, me and change-password answer 401 without a credential", async () => {
			for (const res of [
				await app.http.post(`${AUTH}/logout`),
				await app.http.get(`${AUTH}/me`),
				await app.http.post(`${AUTH}/change-password`).send({ current_password: "x", new_password: "yyyyyyyy" })
			]) {
				expect(res.status).toBe(401);
				expect(res.body.error.code).toBe("UNAUTHENTICATED");
				expect(res.headers["www-authenticate"]).toBe("Bearer");
			}
		});

		it("answers 404 for an unknown route under /auth", async () => {
			const res = await app.http.get(`${AUTH}/whoami`).set(owner);
			expect(res.status).toBe(404);
			expect(res.body.error.code).toBe("NOT_FOUND");
		});

		/** A fresh token pair without spending a login: self-registration of a new org. */
		async function registerFresh() {
			await setOpenRegistration(true);
			try {
				const res = await app.http
					.post(`${AUTH}/register`)
					.send({ email: `fam-${uid()}@example.com`, password: "family-pass", name: "Family", org_name: `Family ${uid()}` });
				expect(res.status).toBe(201);
				return res.body;
			} finally {
				await setOpenRegistration(false);
			}
		}
	});

	describe("GET /auth/me", () => {
		it("describes an API key principal without the key itself", async () => {
			const res = await app.http.get(`${AUTH}/me`).set(owner);
			expect(res.status).toBe(200);
			expect(res.body.principal_type).toBe("api_key");
			expect(res.body.user).toBeNull();
			expect(res.body.api_key).toMatchObject({ name: "bootstrap", prefix: app.ownerKey.slice(0, 12), created_by: null });
			expect(res.body.api_key).not.toHaveProperty("key");
			expect(res.body.api_key).not.toHaveProperty("key_hash");
			expect(res.body.org).toEqual({ id: expect.any(String), name: "default", slug: "default", status: "active" });
			expect(res.body.roles).toEqual(["owner", "platform_admin"]);
			expect(res.body.permissions).toHaveLength(104);
		});

		it("rejects a wrong scheme, a malformed token and a forged access token with 401", async () => {
			const forged = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c3JfeCIsIm9yZyI6Im9yZ194Iiwic2lkIjoic2VzX3giLCJleHAiOjk5OTk5OTk5OTl9.c2lnbmF0dXJl";
			for (const header of [`Basic ${app.ownerKey}`, "Bearer", "Bearer fgk_short", `Bearer ${forged}`]) {
				const res = await app.http.get(`${AUTH}/me`).set("Authorization", header);
				expect(res.status).toBe(401);
				expect(res.body.error.code).toBe("UNAUTHENTICATED");
			}
			expect((await app.http.get(`${AUTH}/me`).set("Authorization", `bEaReR ${app.ownerKey}`)).status).toBe(200);
		});
	});

	describe("POST /auth/change-password", () => {
		let user: CreatedUser;
		let sessionA: string;
		let sessionB: string;

		beforeAll(async () => {
			user = await createUser(app, app.ownerKey, ["viewer"]);
			sessionA = (await loginAs(app, user.email, user.password)).access_token;
			sessionB = (await loginAs(app, user.email, user.password)).access_token;
		});

		it("answers 403 PERMISSION_DENIED for an API key", async () => {
			const res = await app.http.post(`${AUTH}/change-password`).set(owner).send({ current_password: OWNER_PASSWORD, new_password: "new-owner-pass" });
			expect(res.status).toBe(403);
			expect(res.body.error.code).toBe("PERMISSION_DENIED");
		});

		it("answers 400 on the field current_password when it is wrong, and changes nothing", async () => {
			const res = await app.http.post(`${AUTH}/change-password`).set(bearer(sessionA)).send({ current_password: "not-my-password", new_password: "brand-new-pass" });
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe("VALIDATION_ERROR");
			expect(res.body.error.details).toEqual([{ field: "current_password", message: expect.any(String) }]);
			expect((await app.http.get(`${AUTH}/me`).set(bearer(sessionB))).status).toBe(200);
		});

		it("answers 400 for a new password that is too short", async () => {
			const res = await app.http.post(`${AUTH}/change-password`).set(bearer(sessionA)).send({ current_password: user.password, new_password: "short" });
			expect(res.status).toBe(400);
			expect(res.body.error.details).toEqual([expect.objectContaining({ field: "new_password" })]);
			expect((await app.http.get(`${AUTH}/me`).set(bearer(sessionB))).status).toBe(200);
		});

		it("answers 204, revokes the user's other sessions and keeps the current one", async () => {
			const res = await app.http.post(`${AUTH}/change-password`).set(bearer(sessionA)).send({ current_password: user.password, new_password: "brand-new-pass" });
			expect(res.status).toBe(204);
			expect((await app.http.get(`${AUTH}/me`).set(bearer(sessionB))).status).toBe(401);
			expect((await app.http.get(`${AUTH}/me`).set(bearer(sessionA))).status).toBe(200);

			const old = await app.http.post(`${AUTH}/login`).send({ email: user.email, password: user.password });
			expect(old.status).toBe(401);
			await loginAs(app, user.email, "brand-new-pass");

			const [entry] = await auditEntries(app, app.ownerKey, { action: "auth.change_password", actor_id: user.user.id });
			expect(entry).toMatchObject({ outcome: "success", status_code: 204 });
			expect(entry.details).toEqual({ current_password: "[REDACTED]", new_password: "[REDACTED]" });
		});
	});
});
