import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { closeSharedRedis } from "../../lib/redis";
import { bearer, type TestApp } from "../helpers/app";
import { createOrgWithOwner, freshRateWindow, keyWithRoles, requestFrom, startFoundation, uid, type RawResponse } from "../helpers/platform";

const ME = "/api/v1/auth/me";
const REDIS_URL = "redis://127.0.0.1:6379/15";

type Headers = Record<string, string | string[] | undefined>;

function expectRateHeaders(headers: Headers, limit: number, remaining: number) {
	expect(headers["x-ratelimit-limit"]).toBe(String(limit));
	expect(headers["x-ratelimit-remaining"]).toBe(String(remaining));
	const reset = Number(headers["x-ratelimit-reset"]);
	const now = Date.now() / 1000;
	expect(Number.isInteger(reset)).toBe(true);
	expect(reset).toBeGreaterThan(now);
	expect(reset).toBeLessThanOrEqual(Math.ceil(now) + 60);
}

function expect429(status: number, headers: Headers, body: any, limit: number) {
	expect(status).toBe(429);
	expect(body.error).toMatchObject({ code: "RATE_LIMITED", details: { limit, window_seconds: 60 } });
	const retry = Number(headers["retry-after"]);
	expect(Number.isInteger(retry)).toBe(true);
	expect(retry).toBeGreaterThanOrEqual(1);
	expect(retry).toBeLessThanOrEqual(60);
	expectRateHeaders(headers, limit, 0);
}

const noRateHeaders = (headers: Headers) => {
	for (const h of ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"]) expect(headers[h]).toBeUndefined();
};

describe("Rate limiting (§0.11), in-memory counters", () => {
	describe("configured limit (FLUXGATE_RATE_LIMIT)", () => {
		let app: TestApp;
		beforeAll(async () => {
			app = await startFoundation({ rateLimitPerMinute: 5 });
		});
		afterAll(() => app.stop());

		it("answers 429 after the limit with X-RateLimit-* and Retry-After; counters are per principal", async () => {
			await freshRateWindow();
			const owner = bearer(app.ownerKey);
			const other = await app.http.post("/api/v1/rbac/api-keys").set(owner).send({ name: "second", roles: ["viewer"] });
			expect(other.status).toBe(201);
			expectRateHeaders(other.headers, 5, 4);
			for (let remaining = 3; remaining >= 0; remaining--) {
				const res = await app.http.get(ME).set(owner);
				expect(res.status).toBe(200);
				expectRateHeaders(res.headers, 5, remaining);
			}
			const limited = await app.http.get(ME).set(owner);
			expect429(limited.status, limited.headers, limited.body, 5);
			// Rate limiting precedes route resolution and validation.
			const unknown = await app.http.get("/api/v1/no/such/route").set(owner);
			expect(unknown.status).toBe(429);
			const post = await app.http.post("/api/v1/rbac/roles").set(owner).send({});
			expect(post.status).toBe(429);

			const second = await app.http.get(ME).set(bearer(other.body.key));
			expect(second.status).toBe(200);
			expectRateHeaders(second.headers, 5, 4);
		});

		it("sends no rate-limit headers with a 401 of bearer authentication, and does not count it", async () => {
			const anon = await app.http.get(ME);
			expect(anon.status).toBe(401);
			noRateHeaders(anon.headers);
			const bad = await app.http.get(ME).set(bearer(`fgk_${"z".repeat(40)}`));
			expect(bad.status).toBe(401);
			noRateHeaders(bad.headers);
		});

		it("leaves the non-module endpoints unlimited", async () => {
			for (let i = 0; i < 7; i++) {
				const res = await app.http.get("/health");
				expect(res.status).toBe(200);
				noRateHeaders(res.headers);
			}
		});
	});

	describe("overrides: settings default, org limits, API key", () => {
		let app: TestApp;
		let owner: Record<string, string>;
		beforeAll(async () => {
			app = await startFoundation();
			owner = bearer(app.ownerKey);
		});
		afterAll(() => app.stop());

		it("applies PUT settings default_rate_limit_per_minute, org limits and key limits, the most specific winning", async () => {
			const org2 = await createOrgWithOwner(app);
			// The platform admin acts with a key of its own limit, so lowering the instance default does not stop it.
			const admin = bearer((await keyWithRoles(app, app.ownerKey, ["owner", "platform_admin"], { rate_limit_per_minute: 1000 })).key);
			const plain = await keyWithRoles(app, app.ownerKey, ["viewer"]);
			const keyLimited = await keyWithRoles(app, app.ownerKey, ["viewer"], { rate_limit_per_minute: 4 });
			const org2KeyLimited = await keyWithRoles(app, org2.ownerKey, ["viewer"], { rate_limit_per_minute: 3 });
			await freshRateWindow();

			const first = await app.http.get(ME).set(bearer(plain.key));
			expectRateHeaders(first.headers, 600, 599);
			await app.http.put("/api/v1/admin/settings").set(admin).send({ default_rate_limit_per_minute: 2 }).expect(200);
			await app.http.put(`/api/v1/admin/orgs/${org2.org.id}`).set(admin).send({ limits: { rate_limit_per_minute: 5 } }).expect(200);

			// Instance default 2: the plain key has used 1, so one more, then 429.
			expectRateHeaders((await app.http.get(ME).set(bearer(plain.key))).headers, 2, 0);
			const limited = await app.http.get(ME).set(bearer(plain.key));
			expect429(limited.status, limited.headers, limited.body, 2);

			// Key override 4 beats the instance default 2.
			for (let remaining = 3; remaining >= 0; remaining--) expectRateHeaders((await app.http.get(ME).set(bearer(keyLimited.key))).headers, 4, remaining);
			expect((await app.http.get(ME).set(bearer(keyLimited.key))).status).toBe(429);

			// Org override 5 for org2's keys; its key override 3 wins over the org's 5.
			const orgOwner = await app.http.get(ME).set(bearer(org2.ownerKey));
			expect(orgOwner.status).toBe(200);
			expect(orgOwner.headers["x-ratelimit-limit"]).toBe("5");
			for (let remaining = 2; remaining >= 0; remaining--) expectRateHeaders((await app.http.get(ME).set(bearer(org2KeyLimited.key))).headers, 3, remaining);
			const over = await app.http.get(ME).set(bearer(org2KeyLimited.key));
			expect429(over.status, over.headers, over.body, 3);
			// The bootstrap key has no override: the instance default of 2 holds it too, whatever it spent before.
			const ownerStatuses = [];
			for (let i = 0; i < 3; i++) ownerStatuses.push((await app.http.get(ME).set(owner)).status);
			expect(ownerStatuses[2]).toBe(429);
			await app.http.put("/api/v1/admin/settings").set(admin).send({ default_rate_limit_per_minute: 600 }).expect(200);
		});
	});

	describe("credential-free routes: 10 per minute per client IP, login also per e-mail", () => {
		let app: TestApp;
		beforeAll(async () => {
			app = await startFoundation();
			await freshRateWindow();
		});
		afterAll(() => app.stop());

		const login = (ip: string, body: unknown) => requestFrom(app, ip, "POST", "/api/v1/auth/login", body);

		it("counts every login per IP, whatever its answer, and answers the 11th with 429", async () => {
			const ip = "127.0.0.2";
			for (let i = 0; i < 10; i++) {
				const res = i % 3 === 2 ? await login(ip, {}) : await login(ip, { email: `ip-${i}-${uid()}@example.com`, password: "wrong-password" });
				expect(res.status).toBe(i % 3 === 2 ? 400 : 401);
				expectRateHeaders(res.headers, 10, 9 - i);
			}
			const limited = await login(ip, { email: `ip-last-${uid()}@example.com`, password: "wrong-password" });
			expect429(limited.status, limited.headers, limited.body, 10);
			const elsewhere = await login("127.0.0.3", { email: `ip-last-${uid()}@example.com`, password: "wrong-password" });
			expect(elsewhere.status).toBe(401);
		});

		it("counts logins per e-mail (lower-cased) across IPs and reports the counter with fewer requests remaining", async () => {
			const email = `Target-${uid()}@Example.com`;
			const responses: RawResponse[] = [];
			for (let i = 0; i < 10; i++) responses.push(await login(`127.0.0.${10 + i}`, { email: i % 2 ? email : email.toLowerCase(), password: i === 3 ? undefined : "wrong-password" }));
			expect(responses.map(r => r.status)).toEqual([401, 401, 401, 400, 401, 401, 401, 401, 401, 401]);
			// Each IP has used 1 of 10, the e-mail i+1 of 10: the headers show the e-mail counter.
			responses.forEach((r, i) => expectRateHeaders(r.headers, 10, 9 - i));
			const limited = await login("127.0.0.30", { email: email.toUpperCase(), password: "wrong-password" });
			expect429(limited.status, limited.headers, limited.body, 10);
			const otherEmail = await login("127.0.0.30", { email: `free-${uid()}@example.com`, password: "wrong-password" });
			expect(otherEmail.status).toBe(401);
			expectRateHeaders(otherEmail.headers, 10, 8);
		});

		it("limits refresh and register per IP too", async () => {
			for (let i = 0; i < 10; i++) {
				const res = await requestFrom(app, "127.0.0.40", "POST", "/api/v1/auth/refresh", { refresh_token: `fgr_${uid()}` });
				expect(res.status).toBe(401);
				expect(res.body.error.code).toBe("INVALID_REFRESH_TOKEN");
				expectRateHeaders(res.headers, 10, 9 - i);
			}
			const limited = await requestFrom(app, "127.0.0.40", "POST", "/api/v1/auth/refresh", { refresh_token: "fgr_x" });
			expect429(limited.status, limited.headers, limited.body, 10);
			const register = await requestFrom(app, "127.0.0.41", "POST", "/api/v1/auth/register", { email: `r-${uid()}@example.com`, password: "register-pass", name: "R", org_name: "R" });
			expect(register.status).toBe(403);
			expectRateHeaders(register.headers, 10, 9);
		});
	});
});

describe("Rate limiting with Redis: gateway nodes share the counters", () => {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fg-rl-"));
	const namespace = `fgtest-${uid()}`;
	let a: TestApp;
	let b: TestApp;

	beforeAll(async () => {
		const shared = { storeKind: "nedb" as const, dataDir, redisUrl: REDIS_URL, namespace, rateLimitPerMinute: 6 };
		// The second node opens the store the first one bootstrapped: the same key is the same principal on both.
		a = await startFoundation(shared);
		b = await startFoundation(shared);
		await freshRateWindow();
	});
	afterAll(async () => {
		await a?.stop();
		await b?.stop();
		await closeSharedRedis();
		fs.rmSync(dataDir, { recursive: true, force: true });
	});

	it("counts one principal's requests across both nodes", async () => {
		const owner = bearer(a.ownerKey);
		const seen: [string, number, string | undefined][] = [];
		for (let i = 0; i < 6; i++) {
			const node = i % 2 ? b : a;
			const res = await node.http.get(ME).set(owner);
			seen.push([node === a ? "a" : "b", res.status, res.headers["x-ratelimit-remaining"] as string]);
		}
		expect(seen).toEqual([
			["a", 200, "5"],
			["b", 200, "4"],
			["a", 200, "3"],
			["b", 200, "2"],
			["a", 200, "1"],
			["b", 200, "0"]
		]);
		for (const node of [a, b]) {
			const res = await node.http.get(ME).set(owner);
			expect429(res.status, res.headers, res.body, 6);
		}
	});

	it("counts login attempts per e-mail across both nodes", async () => {
		const email = `shared-${uid()}@example.com`;
		for (let i = 0; i < 10; i++) {
			const res = await requestFrom(i % 2 ? b : a, `127.0.0.${100 + i}`, "POST", "/api/v1/auth/login", { email, password: "wrong-password" });
			expect(res.status).toBe(401);
			expectRateHeaders(res.headers, 10, 9 - i);
		}
		const limited = await requestFrom(b, "127.0.0.120", "POST", "/api/v1/auth/login", { email, password: "wrong-password" });
		expect429(limited.status, limited.headers, limited.body, 10);
	});

	it("keeps the counters of other namespaces apart", async () => {
		const c = await startFoundation({ storeKind: "nedb", dataDir, redisUrl: REDIS_URL, namespace: `${namespace}-other`, rateLimitPerMinute: 6 });
		try {
			// Same store, same principal, exhausted on a and b: a node of another namespace counts afresh.
			expect((await a.http.get(ME).set(bearer(a.ownerKey))).status).toBe(429);
			const res = await c.http.get(ME).set(bearer(c.ownerKey));
			expect(res.status).toBe(200);
			expectRateHeaders(res.headers, 6, 5);
		} finally {
			await c.stop();
		}
	});
});
