import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { bearer, startApp, type TestApp } from "../helpers/app";
import { SERVER_JS, spawnServer, stopServer, waitHealthy, type ServerProcess } from "../helpers/server-process";

const KEY = "fgk_ReadinessOwnerKey_0123456789abcdefghijk".slice(0, 44);
const PASSWORD = "readiness-owner-password";

async function get(url: string, token?: string) {
	const res = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

const operationCount = (doc: any) => Object.values(doc.paths as Record<string, object>).reduce((n, ops) => n + Object.keys(ops).length, 0);

/** What a client sees in the first moments after the first healthy answer: everything, never a 503 or an empty API. */
async function expectFullyServing(url: string, tokens: string[], operations: number) {
	for (let round = 0; round < 5; round++) {
		const [openapi, ready, ...authed] = await Promise.all([
			get(`${url}/openapi.json`),
			get(`${url}/ready`),
			...tokens.flatMap(t => [get(`${url}/api/v1/auth/me`, t), get(`${url}/api/v1/agents`, t), get(`${url}/api/v1/audit/verify`, t)])
		]);
		expect(openapi.status).toBe(200);
		expect(operationCount(openapi.body)).toBe(operations);
		expect(ready.status).toBe(200);
		for (const res of authed) expect([res.status, res.body?.error?.code]).toEqual([200, undefined]);
	}
}

describe("start-up readiness of the built server", () => {
	let dataDir: string;
	let server: ServerProcess | undefined;
	/** Operations in the document of a node of the same code that has fully started, in this process. */
	let operations: number;

	beforeAll(async () => {
		if (!fs.existsSync(SERVER_JS)) throw new Error("dist/server.js is missing: run `npm run build` first (npm test does)");
		dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fluxgate-ready-"));
		const reference = await startApp();
		operations = operationCount((await reference.http.get("/openapi.json")).body);
		await reference.stop();
		expect(operations).toBeGreaterThan(100);
	});
	afterAll(async () => {
		if (server) await stopServer(server, "SIGKILL");
		fs.rmSync(dataDir, { recursive: true, force: true });
	});

	const env = () => ({ FLUXGATE_DATA_DIR: dataDir, FLUXGATE_BOOTSTRAP_KEY: KEY, FLUXGATE_BOOTSTRAP_PASSWORD: PASSWORD, FLUXGATE_RATE_LIMIT: "100000" });

	test("from the first healthy answer on, the API is complete; the same after ten SIGTERM restarts on the same data", async () => {
		server = await spawnServer(env());
		await waitHealthy(server);
		await expectFullyServing(server.url, [KEY], operations);
		expect(server.output.join("")).toMatch(/^Fluxgate ready on http:\/\/localhost:\d+: node \S+, services admin, /m);

		// Credentials issued before a restart keep working right after it: an API key and an access token.
		const login = await fetch(`${server.url}/api/v1/auth/login`, {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ email: "owner@localhost", password: PASSWORD })
		}).then(r => r.json() as Promise<any>);
		const created = await fetch(`${server.url}/api/v1/rbac/api-keys`, {
			method: "POST",
			headers: { ...bearer(KEY), "Content-Type": "application/json" },
			body: JSON.stringify({ name: "survives restarts", roles: ["developer"] })
		}).then(r => r.json() as Promise<any>);
		const tokens = [KEY, login.access_token as string, created.key as string];

		for (let restart = 0; restart < 10; restart++) {
			expect(await stopServer(server)).toBe(0);
			server = await spawnServer(env(), server.port);
			await waitHealthy(server);
			await expectFullyServing(server.url, tokens, operations);
		}
		const verify = await get(`${server.url}/api/v1/audit/verify`, KEY);
		expect(verify.body.valid).toBe(true);
		// The bootstrap key is printed on no later start.
		expect(server.output.join("")).not.toMatch(/bootstrap API key/);
	}, 180_000);
});

describe("a node that is stopping", () => {
	let app: TestApp;
	beforeAll(async () => {
		app = await startApp();
	});
	afterAll(() => app.stop());

	test("reports not ready and refuses API traffic with NOT_READY and Retry-After, while /health stays live", async () => {
		await app.http.get("/api/v1/auth/me").set(bearer(app.ownerKey)).expect(200);
		(app.broker.getLocalService("api") as any).closeGate();
		const refused = await app.http.get("/api/v1/auth/me").set(bearer(app.ownerKey));
		expect([refused.status, refused.body.error.code, refused.headers["retry-after"]]).toEqual([503, "NOT_READY", "5"]);
		expect(refused.body.error.request_id).toBe(refused.headers["x-request-id"]);
		expect((await app.http.get("/openapi.json")).status).toBe(503);
		const ready = await app.http.get("/ready");
		expect([ready.status, ready.body.error.code]).toEqual([503, "NOT_READY"]);
		await app.http.get("/health").expect(200);
	});
});
