import http from "node:http";
import { bearer, type TestApp } from "../helpers/app";
import { keyWithRoles, startFoundation, uid } from "../helpers/platform";

const GENERATED_ID = /^[A-Za-z0-9._-]{1,128}$/;

describe("Global conventions (§0)", () => {
	let app: TestApp;
	let owner: Record<string, string>;
	let viewer: Record<string, string>;

	beforeAll(async () => {
		app = await startFoundation();
		owner = bearer(app.ownerKey);
		viewer = bearer((await keyWithRoles(app, app.ownerKey, ["viewer"])).key);
	});
	afterAll(() => app.stop());

	const roleBody = () => ({ name: `conv-${uid(4)}`, permissions: ["agents:read"] });
	const roleCount = async () => (await app.http.get("/api/v1/rbac/roles").set(owner)).body.total as number;

	describe("routing", () => {
		it("answers an unknown route 404 NOT_FOUND with the error body, after 401 for a request without credentials", async () => {
			const res = await app.http.get("/api/v1/nothing/here").set(owner);
			expect(res.status).toBe(404);
			expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
			expect(Object.keys(res.body)).toEqual(["error"]);
			expect(Object.keys(res.body.error).sort()).toEqual(["code", "details", "message", "request_id"]);
			expect(res.body.error).toMatchObject({ code: "NOT_FOUND", details: null, request_id: res.headers["x-request-id"] });
			const anon = await app.http.get("/api/v1/nothing/here");
			expect(anon.status).toBe(401);
			expect(anon.body.error.code).toBe("UNAUTHENTICATED");
			const outside = await app.http.get("/not-an-endpoint");
			expect(outside.status).toBe(404);
			expect(outside.body.error.code).toBe("NOT_FOUND");
		});

		it("answers an unsupported method on a known path 404 (never 405)", async () => {
			for (const req of [
				app.http.delete("/api/v1/rbac/permissions").set(owner),
				app.http.patch("/api/v1/rbac/roles").set(owner).send({}),
				app.http.put("/api/v1/rbac/roles").set(owner).send({}),
				app.http.post("/api/v1/auth/me").set(owner).send({})
			]) {
				const res = await req;
				expect(res.status).toBe(404);
				expect(res.body.error.code).toBe("NOT_FOUND");
			}
		});

		it("ignores a trailing slash and matches paths case-sensitively", async () => {
			const plain = await app.http.get("/api/v1/rbac/permissions").query({ module: "agents" }).set(owner);
			const slash = await app.http.get("/api/v1/rbac/permissions/").query({ module: "agents" }).set(owner);
			expect(slash.status).toBe(200);
			expect(slash.body).toEqual(plain.body);
			const created = await app.http.post("/api/v1/rbac/roles/").set(owner).send(roleBody());
			expect(created.status).toBe(201);
			expect((await app.http.get(`/api/v1/rbac/roles/${created.body.id}/`).set(owner)).status).toBe(200);
			expect((await app.http.get("/api/v1/RBAC/permissions").set(owner)).status).toBe(404);
			expect((await app.http.get("/api/v1/rbac/Permissions").set(owner)).status).toBe(404);
		});

		it("answers a malformed id in a path 404", async () => {
			const res = await app.http.get(`/api/v1/rbac/users/${encodeURIComponent("../../etc")}`).set(owner);
			expect(res.status).toBe(404);
			expect(res.body.error.code).toBe("NOT_FOUND");
		});
	});

	describe("X-Request-Id", () => {
		it("echoes a valid client id on success and error, and error.request_id equals it", async () => {
			const ok = await app.http.get("/api/v1/auth/me").set(owner).set("X-Request-Id", "client.id_1-A");
			expect(ok.headers["x-request-id"]).toBe("client.id_1-A");
			const err = await app.http.get("/api/v1/rbac/users/usr_missing").set(owner).set("X-Request-Id", "client-err-2");
			expect(err.status).toBe(404);
			expect(err.headers["x-request-id"]).toBe("client-err-2");
			expect(err.body.error.request_id).toBe("client-err-2");
			const health = await app.http.get("/health").set("X-Request-Id", "health-3");
			expect(health.headers["x-request-id"]).toBe("health-3");
		});

		it("generates a new id when none or an invalid one is sent, equal to error.request_id", async () => {
			for (const sent of [undefined, "has space", "x".repeat(129), "bad/slash"]) {
				const req = app.http.get("/api/v1/auth/me");
				if (sent !== undefined) req.set("X-Request-Id", sent);
				const res = await req;
				expect(res.status).toBe(401);
				const id = res.headers["x-request-id"];
				expect(id).toMatch(GENERATED_ID);
				expect(id).not.toBe(sent);
				expect(res.body.error.request_id).toBe(id);
			}
			const a = await app.http.get("/api/v1/auth/me").set(owner);
			const b = await app.http.get("/api/v1/auth/me").set(owner);
			expect(a.headers["x-request-id"]).not.toBe(b.headers["x-request-id"]);
		});
	});

	describe("request bodies", () => {
		const MAX = 1048576;
		const paddedBody = (size: number) => {
			const json = JSON.stringify(roleBody());
			return json.slice(0, -1) + " ".repeat(size - json.length) + "}";
		};

		it("accepts a body of exactly max_body_bytes and answers 413 at one byte more", async () => {
			const exact = paddedBody(MAX);
			expect(Buffer.byteLength(exact)).toBe(MAX);
			const ok = await app.http.post("/api/v1/rbac/roles").set(owner).set("Content-Type", "application/json").send(exact);
			expect(ok.status).toBe(201);
			const before = await roleCount();
			const over = await app.http.post("/api/v1/rbac/roles").set(owner).set("Content-Type", "application/json").send(paddedBody(MAX + 1));
			expect(over.status).toBe(413);
			expect(over.body.error.code).toBe("PAYLOAD_TOO_LARGE");
			expect(await roleCount()).toBe(before);
		});

		it("follows a changed max_body_bytes setting", async () => {
			await app.http.put("/api/v1/admin/settings").set(owner).send({ max_body_bytes: 2048 }).expect(200);
			try {
				expect((await app.http.post("/api/v1/rbac/roles").set(owner).set("Content-Type", "application/json").send(paddedBody(2048))).status).toBe(201);
				const over = await app.http.post("/api/v1/rbac/roles").set(owner).set("Content-Type", "application/json").send(paddedBody(2049));
				expect(over.status).toBe(413);
			} finally {
				await app.http.put("/api/v1/admin/settings").set(owner).send({ max_body_bytes: MAX }).expect(200);
			}
		});

		it("counts a chunked body (no Content-Length) against the limit too", async () => {
			const chunked = (parts: string[]) =>
				new Promise<number>((resolve, reject) => {
					const target = new URL(app.url);
					const req = http.request(
						{ host: target.hostname, port: target.port, method: "POST", path: "/api/v1/rbac/roles", headers: { ...owner, "Content-Type": "application/json", "Transfer-Encoding": "chunked" } },
						res => {
							res.resume();
							res.on("end", () => resolve(res.statusCode ?? 0));
						}
					);
					req.on("error", reject);
					for (const part of parts) req.write(part);
					req.end();
				});
			const body = paddedBody(MAX + 1);
			expect(await chunked([body.slice(0, 1000), body.slice(1000, MAX), body.slice(MAX)])).toBe(413);
			const fits = paddedBody(MAX);
			expect(await chunked([fits.slice(0, 5000), fits.slice(5000)])).toBe(201);
		});

		it("answers 415 for a body that is not JSON, and accepts JSON with a charset", async () => {
			const before = await roleCount();
			const text = await app.http.post("/api/v1/rbac/roles").set(owner).set("Content-Type", "text/plain").send(JSON.stringify(roleBody()));
			expect(text.status).toBe(415);
			expect(text.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
			const form = await app.http.post("/api/v1/rbac/roles").set(owner).type("form").send({ name: "form-role" });
			expect(form.status).toBe(415);
			expect(await roleCount()).toBe(before);
			const charset = await app.http.post("/api/v1/rbac/roles").set(owner).set("Content-Type", "application/json; charset=utf-8").send(JSON.stringify(roleBody()));
			expect(charset.status).toBe(201);
		});

		it("treats an empty body as {} (missing required fields answer 400)", async () => {
			const res = await app.http.post("/api/v1/rbac/roles").set(owner);
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe("VALIDATION_ERROR");
			expect(res.body.error.details.map((d: any) => d.field).sort()).toEqual(["name", "permissions"]);
		});

		it("answers 400 INVALID_JSON for malformed JSON and 400 VALIDATION_ERROR for a top level that is not an object", async () => {
			const before = await roleCount();
			const bad = await app.http.post("/api/v1/rbac/roles").set(owner).set("Content-Type", "application/json").send('{"name": ');
			expect(bad.status).toBe(400);
			expect(bad.body.error.code).toBe("INVALID_JSON");
			for (const top of ["[]", '[{"name":"x"}]', '"role"', "42", "null"]) {
				const res = await app.http.post("/api/v1/rbac/roles").set(owner).set("Content-Type", "application/json").send(top);
				expect({ top, status: res.status, code: res.body.error?.code }).toEqual({ top, status: 400, code: "VALIDATION_ERROR" });
			}
			expect(await roleCount()).toBe(before);
		});

		it("ignores unknown body fields and unknown query parameters, and never coerces JSON values", async () => {
			const res = await app.http.post("/api/v1/rbac/roles").set(owner).query({ foo: "bar" }).send({ ...roleBody(), unknown_field: { deep: true } });
			expect(res.status).toBe(201);
			expect(res.body).not.toHaveProperty("unknown_field");
			expect((await app.http.get("/api/v1/rbac/roles").query({ whatever: 1 }).set(owner)).status).toBe(200);
			const coerced = await app.http.post("/api/v1/rbac/api-keys").set(owner).send({ name: "coerce", roles: ["viewer"], rate_limit_per_minute: "10" });
			expect(coerced.status).toBe(400);
		});

		it("checks permission (403) before media type, size and body validation", async () => {
			const invalid = await app.http.post("/api/v1/rbac/roles").set(viewer).send({ name: 5 });
			expect(invalid.status).toBe(403);
			const text = await app.http.post("/api/v1/rbac/roles").set(viewer).set("Content-Type", "text/plain").send("hello");
			expect(text.status).toBe(403);
			const broken = await app.http.post("/api/v1/rbac/roles").set(viewer).set("Content-Type", "application/json").send("{oops");
			expect(broken.status).toBe(403);
		});
	});

	describe("lists", () => {
		it("answers 400 for limit 0, 201, non-integers and a negative offset; accepts 1 and 200", async () => {
			for (const query of [{ limit: 0 }, { limit: 201 }, { limit: "abc" }, { limit: 1.5 }, { offset: -1 }, { offset: "x" }, { order: "sideways" }]) {
				const res = await app.http.get("/api/v1/rbac/users").query(query).set(owner);
				expect({ query, status: res.status }).toEqual({ query, status: 400 });
				expect(res.body.error.code).toBe("VALIDATION_ERROR");
				expect(res.body.error.details[0].field).toBe(Object.keys(query)[0]);
			}
			for (const limit of [1, 200]) {
				const res = await app.http.get("/api/v1/rbac/users").query({ limit }).set(owner);
				expect(res.status).toBe(200);
				expect(res.body.limit).toBe(limit);
			}
			const defaults = await app.http.get("/api/v1/rbac/users").set(owner);
			expect(defaults.body).toMatchObject({ limit: 50, offset: 0, total: expect.any(Number), items: expect.any(Array) });
		});
	});

	describe("CORS", () => {
		afterAll(() => app.http.put("/api/v1/admin/settings").set(owner).send({ cors_allowed_origins: [] }));

		it("answers preflight OPTIONS 204 without authentication, with Allow-Origin only for allowed origins", async () => {
			const denied = await app.http.options("/api/v1/rbac/roles").set("Origin", "https://app.example").set("Access-Control-Request-Method", "POST");
			expect(denied.status).toBe(204);
			expect(denied.headers["access-control-allow-origin"]).toBeUndefined();

			await app.http.put("/api/v1/admin/settings").set(owner).send({ cors_allowed_origins: ["https://app.example"] }).expect(200);
			const allowed = await app.http
				.options("/api/v1/rbac/roles")
				.set("Origin", "https://app.example")
				.set("Access-Control-Request-Method", "POST")
				.set("Access-Control-Request-Headers", "authorization, content-type");
			expect(allowed.status).toBe(204);
			expect(allowed.headers["access-control-allow-origin"]).toBe("https://app.example");
			expect(allowed.headers["access-control-allow-methods"]).toContain("POST");
			expect(allowed.headers["access-control-allow-headers"]).toMatch(/authorization/i);

			const other = await app.http.options("/api/v1/rbac/roles").set("Origin", "https://evil.example").set("Access-Control-Request-Method", "GET");
			expect(other.status).toBe(204);
			expect(other.headers["access-control-allow-origin"]).toBeUndefined();

			const get = await app.http.get("/api/v1/auth/me").set(owner).set("Origin", "https://app.example");
			expect(get.status).toBe(200);
			expect(get.headers["access-control-allow-origin"]).toBe("https://app.example");
			const getOther = await app.http.get("/api/v1/auth/me").set(owner).set("Origin", "https://evil.example");
			expect(getOther.headers["access-control-allow-origin"]).toBeUndefined();
		});
	});

	describe("non-module endpoints (§0.17)", () => {
		it("GET /health answers liveness without authentication or rate-limit headers", async () => {
			const res = await app.http.get("/health");
			expect(res.status).toBe(200);
			expect(res.body).toEqual({ status: "ok", version: expect.stringMatching(/^\d+\.\d+\.\d+/), uptime_seconds: expect.any(Number) });
			expect(Number.isInteger(res.body.uptime_seconds)).toBe(true);
			expect(res.headers["x-ratelimit-limit"]).toBeUndefined();
			expect(res.headers["x-request-id"]).toMatch(GENERATED_ID);
		});

		it("GET /ready reports the database up and the transporter not_configured (single process)", async () => {
			const res = await app.http.get("/ready");
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({
				status: "ready",
				checks: { database: { status: "up", latency_ms: expect.any(Number) }, transporter: { status: "not_configured", latency_ms: expect.any(Number) } }
			});
		});

		it("GET /metrics is Prometheus text with the HTTP request counter and no org data in labels", async () => {
			await app.http.get("/api/v1/auth/me").set(owner).expect(200);
			const res = await app.http.get("/metrics");
			expect(res.status).toBe(200);
			expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
			expect(res.text).toMatch(/^fluxgate_http_requests_total\{[^}]*method="GET"[^}]*route="\/api\/v1\/auth\/me"[^}]*status="200"[^}]*\} \d+/m);
			expect(res.text).toContain("fluxgate_http_request_duration_seconds");
			const orgId = (await app.http.get("/api/v1/auth/me").set(owner)).body.org.id;
			expect(res.text).not.toContain(orgId);
		});

		it("GET /docs serves Swagger UI HTML directly, and every asset it references loads from this server", async () => {
			const res = await app.http.get("/docs").redirects(0);
			expect(res.status).toBe(200);
			expect(res.headers["content-type"]).toMatch(/^text\/html/);
			expect(res.text).toContain("/openapi.json");
			const refs = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map(m => m[1]);
			expect(refs.length).toBeGreaterThanOrEqual(3);
			for (const ref of refs) {
				expect(ref.startsWith("/")).toBe(true);
				const asset = await app.http.get(ref).buffer(true).parse((r, cb) => {
					const chunks: Buffer[] = [];
					r.on("data", (c: Buffer) => chunks.push(c));
					r.on("end", () => cb(null, Buffer.concat(chunks)));
				});
				expect({ ref, status: asset.status }).toEqual({ ref, status: 200 });
				expect((asset.body as Buffer).length).toBeGreaterThan(100);
			}
			expect(res.text).not.toMatch(/https?:\/\//);
		});

		it("GET /openapi.json needs no credential", async () => {
			const res = await app.http.get("/openapi.json");
			expect(res.status).toBe(200);
			expect(res.body.openapi).toBe("3.1.0");
		});
	});
});
