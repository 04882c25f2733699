import http from "node:http";
import { randomBytes } from "node:crypto";
import type { Config } from "../../lib/config";
import { bearer, startApp, type TestApp } from "./app";

/** Short random suffix for names that must be unique within one run. */
export const uid = (n = 6) => randomBytes(n).toString("hex").slice(0, n * 2);

export const OWNER_EMAIL = "owner@localhost";
export const OWNER_PASSWORD = "owner-password";
export const API_KEY_PATTERN = /^fgk_[A-Za-z0-9_-]{40}$/;

export interface TokenPair {
	access_token: string;
	refresh_token: string;
	token_type: string;
	expires_in: number;
	refresh_expires_in: number;
	user: any;
}

/** Signs in through POST /auth/login (counts toward the login rate limit of 10 per minute and IP). */
export async function loginAs(app: TestApp, email: string, password: string): Promise<TokenPair> {
	const res = await app.http.post("/api/v1/auth/login").send({ email, password });
	if (res.status !== 200) throw new Error(`login of ${email} answered ${res.status}: ${JSON.stringify(res.body)}`);
	return res.body;
}

export interface CreatedUser {
	user: any;
	email: string;
	password: string;
}

/** Creates a user in the caller's org through POST /rbac/users. */
export async function createUser(app: TestApp, token: string, roles: string[] = ["viewer"], extra: Record<string, unknown> = {}): Promise<CreatedUser> {
	const email = `user-${uid()}@example.com`;
	const password = `pw-${uid()}-secret`;
	const res = await app.http.post("/api/v1/rbac/users").set(bearer(token)).send({ email, name: `User ${email}`, password, roles, ...extra });
	if (res.status !== 201) throw new Error(`create user answered ${res.status}: ${JSON.stringify(res.body)}`);
	return { user: res.body, email, password };
}

export interface CreatedKey {
	key: string;
	id: string;
	body: any;
}

/** Creates an API key in the caller's org with these roles (and optional extra fields). */
export async function keyWithRoles(app: TestApp, token: string, roles: string[], extra: Record<string, unknown> = {}): Promise<CreatedKey> {
	const res = await app.http
		.post("/api/v1/rbac/api-keys")
		.set(bearer(token))
		.send({ name: `key ${roles.join("+") || "perms"} ${uid(3)}`, roles, ...extra });
	if (res.status !== 201) throw new Error(`create key answered ${res.status}: ${JSON.stringify(res.body)}`);
	return { key: res.body.key, id: res.body.id, body: res.body };
}

export interface CreatedOrg {
	org: any;
	email: string;
	password: string;
	/** Access token pair of the owner (one login). */
	tokens: TokenPair;
	/** An API key of the owner holding the role `owner`. */
	ownerKey: string;
}

/** A second org through POST /admin/orgs (as the platform admin), its owner signed in, and an owner API key. */
export async function createOrgWithOwner(app: TestApp, name = `Org ${uid()}`): Promise<CreatedOrg> {
	const email = `owner-${uid()}@example.com`;
	const password = `pw-${uid()}-owner`;
	const res = await app.http
		.post("/api/v1/admin/orgs")
		.set(bearer(app.ownerKey))
		.send({ name, owner_email: email, owner_name: "Second Owner", owner_password: password });
	if (res.status !== 201) throw new Error(`create org answered ${res.status}: ${JSON.stringify(res.body)}`);
	const tokens = await loginAs(app, email, password);
	const key = await keyWithRoles(app, tokens.access_token, ["owner"]);
	return { org: res.body, email, password, tokens, ownerKey: key.key };
}

/** The bootstrap owner's user record (the user behind `app.ownerKey`). */
export async function bootstrapUser(app: TestApp): Promise<any> {
	const res = await app.http.get("/api/v1/rbac/users").query({ search: OWNER_EMAIL }).set(bearer(app.ownerKey));
	return res.body.items.find((u: any) => u.email === OWNER_EMAIL);
}

/** Audit entries of the caller's org matching the filter, newest first. */
export async function auditEntries(app: TestApp, token: string, filter: Record<string, string | number> = {}): Promise<any[]> {
	const res = await app.http.get("/api/v1/audit/logs").query({ limit: 200, ...filter }).set(bearer(token));
	if (res.status !== 200) throw new Error(`audit list answered ${res.status}: ${JSON.stringify(res.body)}`);
	return res.body.items;
}

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Rate limits use fixed 60-second windows: a test that counts requests waits for a new window when
 * the current one ends within `needSeconds`, so its requests all land in one window.
 */
export async function freshRateWindow(needSeconds = 4): Promise<void> {
	const left = 60 - ((Date.now() / 1000) % 60);
	if (left < needSeconds) await sleep(left * 1000 + 100);
}

export interface RawResponse {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: any;
}

/**
 * A JSON request from a chosen loopback source address (127.0.0.x), so per-IP limits can be
 * exercised without sharing the test runner's address.
 */
export function requestFrom(app: TestApp, localAddress: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
	const target = new URL(app.url);
	const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: target.hostname,
				port: target.port,
				method,
				path,
				localAddress,
				headers: { ...(payload ? { "Content-Type": "application/json", "Content-Length": String(payload.length) } : {}), ...headers }
			},
			res => {
				const chunks: Buffer[] = [];
				res.on("data", c => chunks.push(c));
				res.on("end", () => {
					const text = Buffer.concat(chunks).toString("utf8");
					let parsed: any = text;
					try {
						parsed = text ? JSON.parse(text) : null;
					} catch {
						/* not JSON */
					}
					resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
				});
			}
		);
		req.on("error", reject);
		if (payload) req.write(payload);
		req.end();
	});
}

/** The platform foundation's services: the module specs of this foundation run on these alone. */
export const FOUNDATION_SERVICES = ["admin", "rbac", "auth", "audit", "api"];

/** `startApp` with the foundation services only (fast, and independent of the other modules). */
export const startFoundation = (overrides: Partial<Config> = {}, env: Record<string, string> = {}): Promise<TestApp> =>
	startApp({ services: FOUNDATION_SERVICES, ...overrides }, env);

/** A 400 VALIDATION_ERROR naming exactly `fields` (or at least them, when `exact` is false). */
export function expectFieldProblems(res: { status: number; body: any }, body: unknown, fields: string[], exact = true): void {
	expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status: 400, code: "VALIDATION_ERROR" });
	const named: string[] = res.body.error.details.map((d: any) => d.field);
	if (exact) expect({ body, fields: named.sort() }).toEqual({ body, fields: [...fields].sort() });
	else expect(named).toEqual(expect.arrayContaining(fields));
}

/** Bearer headers of the owner, a viewer key, an operator key and another org's owner, plus the owner key's id. */
export async function roleHeaders(app: TestApp) {
	const owner = bearer(app.ownerKey);
	return {
		owner,
		viewer: bearer((await keyWithRoles(app, app.ownerKey, ["viewer"])).key),
		operator: bearer((await keyWithRoles(app, app.ownerKey, ["operator"])).key),
		other: bearer((await createOrgWithOwner(app)).ownerKey),
		ownerKeyId: (await app.http.get("/api/v1/auth/me").set(owner)).body.api_key.id as string
	};
}
