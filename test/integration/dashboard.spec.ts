import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import puppeteer, { type Browser, type HTTPRequest, type Page } from "puppeteer-core";
import { chromiumPath, rawGet, textIs } from "../helpers/browser";
import { SERVER_JS, spawnServer, stopServer, waitHealthy, type ServerProcess } from "../helpers/server-process";

/** Screenshots of the dashboard are kept here (git-ignored) for a person to look at. */
const ARTIFACTS = path.join(__dirname, "..", "artifacts", "dashboard");
const UI_INDEX = path.join(path.dirname(SERVER_JS), "ui", "index.html");
const KEY = "fgk_DashboardOwnerKey_0123456789abcdefghijk".slice(0, 44);
const PASSWORD = "dashboard-owner-password";
const TOOL = "deploy_echo";

async function api(server: ServerProcess, method: string, route: string, body?: unknown): Promise<any> {
	const res = await fetch(`${server.url}/api/v1${route}`, {
		method,
		headers: { Authorization: `Bearer ${KEY}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const json = await res.json();
	if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
	return json;
}

describe("the web dashboard served by the built server", () => {
	let dataDir: string;
	let server: ServerProcess;
	let browser: Browser;

	beforeAll(async () => {
		for (const file of [SERVER_JS, UI_INDEX]) if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (npm test does)`);
		dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fluxgate-dashboard-"));
		server = await spawnServer({ FLUXGATE_DATA_DIR: dataDir, FLUXGATE_BOOTSTRAP_KEY: KEY, FLUXGATE_BOOTSTRAP_PASSWORD: PASSWORD, FLUXGATE_RATE_LIMIT: "100000" });
		await waitHealthy(server);
		browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
	}, 60_000);

	afterAll(async () => {
		await browser?.close();
		if (server) await stopServer(server, "SIGKILL");
		if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
	});

	describe("static files", () => {
		test("the first healthy node is ready and serves the page: / redirects to /ui/, which answers the HTML with its policy", async () => {
			expect((await fetch(`${server.url}/ready`)).status).toBe(200);
			const root = await fetch(`${server.url}/`, { redirect: "manual" });
			expect(root.status).toBe(302);
			expect(root.headers.get("location")).toBe("/ui/");
			const bare = await fetch(`${server.url}/ui`, { redirect: "manual" });
			expect([bare.status, bare.headers.get("location")]).toEqual([302, "/ui/"]);

			const page = await fetch(`${server.url}/ui/`);
			expect(page.status).toBe(200);
			expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
			expect(page.headers.get("cache-control")).toBe("no-cache");
			expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
			expect(page.headers.get("x-request-id")).toMatch(/^[A-Za-z0-9._-]+$/);
			const html = await page.text();
			const script = /<script type="module" src="(\/ui\/app-[A-Z0-9]{8}\.js)">/.exec(html)?.[1];
			const style = /<link rel="stylesheet" href="(\/ui\/app-[A-Z0-9]{8}\.css)">/.exec(html)?.[1];
			expect(script && style).toBeTruthy();
			expect(html).not.toMatch(/https?:\/\//);

			const js = await fetch(server.url + script!);
			expect([js.status, js.headers.get("content-type"), js.headers.get("cache-control")]).toEqual([200, "application/javascript; charset=utf-8", "public, max-age=31536000, immutable"]);
			expect((await js.text()).length).toBeGreaterThan(1000);
			const css = await fetch(server.url + style!);
			expect([css.status, css.headers.get("content-type")]).toEqual([200, "text/css; charset=utf-8"]);
			const icon = await fetch(`${server.url}/ui/favicon.svg`);
			expect([icon.status, icon.headers.get("content-type")]).toEqual([200, "image/svg+xml"]);
			// A path of the page's own (no extension) gets the page; HEAD answers the headers alone.
			expect((await fetch(`${server.url}/ui/agents`)).headers.get("content-type")).toBe("text/html; charset=utf-8");
			const head = await fetch(`${server.url}/ui/`, { method: "HEAD" });
			expect([head.status, head.headers.get("content-length"), await head.text()]).toEqual([200, String(Buffer.byteLength(html)), ""]);
		});

		test("a missing asset, another method and every path that leaves the directory answer the 404 error body", async () => {
			const missing = await fetch(`${server.url}/ui/nothing-here.js`);
			expect(missing.status).toBe(404);
			expect(((await missing.json()) as any).error).toMatchObject({ code: "NOT_FOUND", request_id: missing.headers.get("x-request-id") });
			const posted = await fetch(`${server.url}/ui/`, { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } });
			expect(posted.status).toBe(404);
			for (const raw of ["/ui/../package.json", "/ui/..%2f..%2fpackage.json", "/ui/%2e%2e/server.js", "/ui/..%5cserver.js", "/ui/%00index.html", "/ui/%E0%A4%A"]) {
				const res = await rawGet(server.url, raw);
				expect([raw, res.status]).toEqual([raw, 404]);
				expect(JSON.parse(res.body).error.code).toBe("NOT_FOUND");
				expect(res.body).not.toContain("fluxgate");
			}
		});

		test("the dashboard is no part of the API document", async () => {
			const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
			expect(Object.keys(doc.paths).filter(p => p === "/" || p.startsWith("/ui"))).toEqual([]);
		});
	});

	describe("in a real browser", () => {
		let tab: Page;
		const problems: string[] = [];
		const shot = async (name: string) => {
			fs.mkdirSync(ARTIFACTS, { recursive: true });
			await tab.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
		};
		const text = (selector: string) => tab.$eval(selector, el => el.textContent ?? "");
		/** Clicks once the element is there: a route change renders on the page's next tick. */
		const clickOn = async (selector: string, options?: { count: number }) => {
			await tab.waitForSelector(selector, { visible: true, timeout: 10_000 });
			await tab.click(selector, options);
		};
		const replaceText = async (selector: string, value: string) => {
			await tab.$eval(selector, el => (el as unknown as { select(): void }).select());
			await tab.type(selector, value);
		};
		const runIdOfUrl = () => decodeURIComponent(/#\/runs\/([^/?]+)/.exec(tab.url())![1]);

		beforeAll(async () => {
			tab = await browser.newPage();
			await tab.setViewport({ width: 1280, height: 860 });
			tab.on("pageerror", err => problems.push(`page error: ${err}`));
			tab.on("console", msg => {
				if (msg.type() === "error" && !/401|404|409/.test(msg.text())) problems.push(`console: ${msg.text()}`);
			});
			// The approval gate covers the tool the agent will call; the tool itself is an echo function.
			await api(server, "POST", "/tools", { name: TOOL, description: "Echoes its input", type: "function", config: { function: "echo" }, safety_level: "safe" });
			await api(server, "POST", "/governance/policies", { name: "Deploys need a human", rules: [{ type: "approval_gate", requires_approval_for: [TOOL] }] });
		});
		afterAll(() => tab?.close());

		test("a wrong password shows the error body; the right one signs in", async () => {
			await tab.goto(`${server.url}/`, { waitUntil: "load" });
			expect(tab.url()).toBe(`${server.url}/ui/`);
			await tab.waitForSelector("[data-testid=login-form]");
			await tab.type("[data-testid=login-email]", "owner@localhost");
			await tab.type("[data-testid=login-password]", "not-the-password");
			await clickOn("[data-testid=login-submit]");
			await tab.waitForSelector("[data-testid=error]");
			expect(await text("[data-testid=error]")).toContain("INVALID_CREDENTIALS");

			await clickOn("[data-testid=login-password]", { count: 3 });
			await tab.type("[data-testid=login-password]", PASSWORD);
			await clickOn("[data-testid=login-submit]");
			await tab.waitForFunction(textIs("[data-testid=whoami]", "owner@localhost"), { timeout: 10_000 });
			const stored = JSON.parse((await tab.evaluate(`sessionStorage.getItem("fluxgate.session") ?? "null"`)) as string);
			expect(stored).toMatchObject({ kind: "user", access_token: expect.any(String), refresh_token: expect.any(String) });
			await tab.waitForSelector("[data-testid=analytics-tiles]");
			await shot("01-overview-empty");
		}, 30_000);

		test("an access token the server calls expired is refreshed once and the request retried", async () => {
			const stored = async () => JSON.parse((await tab.evaluate(`sessionStorage.getItem("fluxgate.session")`)) as string);
			const before = await stored();
			const seen: string[] = [];
			let faked = false;
			const onRequest = (req: HTTPRequest) => {
				const { pathname } = new URL(req.url());
				if (pathname.startsWith("/api/v1/")) seen.push(`${req.method()} ${pathname}`);
				if (!faked && req.method() === "GET" && pathname === "/api/v1/agents") {
					faked = true;
					const error = { code: "TOKEN_EXPIRED", message: "The credential has expired", details: null, request_id: "expired-test" };
					return void req.respond({ status: 401, contentType: "application/json; charset=utf-8", body: JSON.stringify({ error }) });
				}
				void req.continue();
			};
			await tab.setRequestInterception(true);
			tab.on("request", onRequest);
			try {
				await clickOn("[data-testid=nav-agents]");
				await tab.waitForFunction(textIs("main .empty", "No agents match."), { timeout: 10_000 });
			} finally {
				tab.off("request", onRequest);
				await tab.setRequestInterception(false);
			}
			expect(seen.filter(r => r === "GET /api/v1/agents" || r === "POST /api/v1/auth/refresh")).toEqual(["GET /api/v1/agents", "POST /api/v1/auth/refresh", "GET /api/v1/agents"]);
			const after = await stored();
			expect(after.kind).toBe("user");
			expect(after.refresh_token).not.toBe(before.refresh_token);
			expect(after.access_token).not.toBe(before.access_token);
			// The new pair came from the server: its access token is valid. (The spent refresh token is not
			// presented again here, which would revoke the whole family, this session included.)
			const me = await fetch(`${server.url}/api/v1/auth/me`, { headers: { Authorization: `Bearer ${after.access_token}` } });
			expect(me.status).toBe(200);
			expect(((await me.json()) as any).user.email).toBe("owner@localhost");
			expect(await text("[data-testid=whoami]")).toBe("owner@localhost");
		}, 30_000);

		test("an API key signs in too, in a tab of its own; a wrong key shows UNAUTHENTICATED", async () => {
			const other = await browser.newPage();
			try {
				await other.goto(`${server.url}/ui/`, { waitUntil: "load" });
				await other.waitForSelector("[data-testid=login-mode-key]", { visible: true });
				await other.click("[data-testid=login-mode-key]");
				await other.waitForSelector("[data-testid=login-key]", { visible: true });
				await other.type("[data-testid=login-key]", "fgk_" + "x".repeat(40));
				await other.click("[data-testid=login-submit]");
				await other.waitForSelector("[data-testid=error]");
				expect(await other.$eval("[data-testid=error]", el => el.textContent)).toContain("UNAUTHENTICATED");
				await other.click("[data-testid=login-key]", { count: 3 });
				await other.type("[data-testid=login-key]", KEY);
				await other.click("[data-testid=login-submit]");
				await other.waitForSelector("[data-testid=nav-agents]", { timeout: 10_000 });
				const me = await api(server, "GET", "/auth/me");
				await other.waitForFunction(textIs("[data-testid=whoami]", me.api_key.name), { timeout: 10_000 });
				expect(JSON.parse((await other.evaluate(`sessionStorage.getItem("fluxgate.session")`)) as string)).toEqual({ kind: "api_key", key: KEY });
			} finally {
				await other.close();
			}
		}, 30_000);

		test("creates an agent with the tool and promotes it to active", async () => {
			await clickOn("[data-testid=nav-agents]");
			await clickOn("[data-testid=agent-new]");
			await tab.waitForSelector(`[data-testid=agent-tool-${TOOL}]`);
			await tab.type("[data-testid=agent-name]", "release-bot");
			await tab.select("[data-testid=agent-model]", "mock-tools");
			await tab.type("[data-testid=agent-description]", "Ships releases after a human says yes");
			await clickOn(`[data-testid=agent-tool-${TOOL}]`);
			await clickOn("[data-testid=agent-submit]");
			await tab.waitForSelector("[data-testid=promote-testing]");
			const agentId = decodeURIComponent(/#\/agents\/([^/?]+)/.exec(tab.url())![1]);
			const created = await api(server, "GET", `/agents/${agentId}`);
			expect(created).toMatchObject({ name: "release-bot", model: "mock-tools", status: "draft", description: "Ships releases after a human says yes" });
			expect(created.tools).toHaveLength(1);

			await clickOn("[data-testid=promote-testing]");
			await tab.waitForSelector("[data-testid=promote-active]");
			await clickOn("[data-testid=promote-active]");
			await tab.waitForSelector("[data-testid=promote-suspended]");
			expect((await api(server, "GET", `/lifecycle/${agentId}`)).status).toBe("active");
			expect(await tab.$$eval("[data-testid^=version-row-]", rows => rows.length)).toBe(1);
			await shot("02-agent-active");

			// Editing a versioned field stores version 2; an A/B test then puts v1 against it, and is stopped.
			await clickOn("[data-testid=agent-edit]");
			await tab.waitForSelector("[data-testid=agent-form] [data-testid=agent-description]");
			await replaceText("[data-testid=agent-description]", "Ships releases once a human approves");
			await clickOn("[data-testid=agent-submit]");
			await tab.waitForSelector("[data-testid=version-row-2]");
			await tab.waitForFunction(textIs("[data-testid=agent-version]", "v2"), { timeout: 10_000 });
			await tab.waitForFunction(textIs("[data-testid=agent-description-text]", "Ships releases once a human approves"), { timeout: 10_000 });
			await tab.waitForFunction(textIs("[data-testid=agent-tools]", `${TOOL} `), { timeout: 10_000 });
			await tab.waitForSelector("[data-testid=ab-start]");
			await tab.select("[data-testid=ab-version-b]", "1");
			await replaceText("[data-testid=ab-split]", "30");
			await tab.type("[data-testid=ab-name]", "previous wording");
			await clickOn("[data-testid=ab-start]");
			await tab.waitForSelector("[data-testid=ab-test-row][data-status=running]");
			const tests = await api(server, "GET", `/lifecycle/${agentId}/ab-tests`);
			expect(tests.items).toEqual([expect.objectContaining({ version_a: 2, version_b: 1, traffic_split: 30, name: "previous wording", status: "running" })]);
			await clickOn("[data-testid=ab-keep-a]");
			await tab.waitForSelector("[data-testid=ab-test-row][data-status=completed]");
			expect((await api(server, "GET", `/lifecycle/ab-tests/${tests.items[0].id}`)).status).toBe("completed");

			await clickOn("[data-testid=nav-agents]");
			await tab.waitForSelector("[data-testid=agent-row-release-bot]");
			expect(await text("[data-testid=agent-row-release-bot]")).toContain("active");
		}, 40_000);

		test("starts a run and sees its steps arrive live over the stream", async () => {
			await clickOn("[data-testid=agent-row-release-bot] a");
			await tab.waitForSelector("[data-testid=run-input]");
			await tab.type("[data-testid=run-input]", "SLEEP 3000\nhello from the dashboard");
			await clickOn("[data-testid=run-start]");
			// The stream replays what is stored (the memory recall) while the model call is still under way ...
			await tab.waitForSelector("[data-testid=steps-table] tr[data-type=memory][data-status=completed]", { timeout: 10_000 });
			await tab.waitForFunction(textIs("[data-testid=stream-state]", "live"), { timeout: 5_000 });
			// The model call is under way: not shown yet, or shown running if the page connected before it started.
			expect(await tab.$("[data-testid=steps-table] tr[data-type=llm_call]:not([data-status=running])")).toBeNull();
			await tab.waitForFunction(textIs("main h1 .badge", "running"), { timeout: 5_000 });
			await shot("03-run-streaming");
			// ... and the model call's step, the output and the final status then arrive on the open page, with no reload.
			const loadedAt = await tab.evaluate("performance.timeOrigin");
			await tab.waitForSelector("[data-testid=steps-table] tr[data-type=llm_call][data-status=completed]", { timeout: 15_000 });
			expect(await tab.evaluate("performance.timeOrigin")).toBe(loadedAt);
			await tab.waitForFunction(textIs("[data-testid=run-output]", "hello from the dashboard"), { timeout: 10_000 });
			// The output may first be the streamed tokens; the terminal event then closes the stream.
			await tab.waitForFunction(textIs("[data-testid=stream-state]", "closed"), { timeout: 10_000 });
			expect(await text("[data-testid=run-output]")).toBe("hello from the dashboard");
			const run = await api(server, "GET", `/runtime/runs/${runIdOfUrl()}`);
			expect(run).toMatchObject({ status: "completed", mode: "production", output: "hello from the dashboard" });
			expect(await tab.$eval("main h1 .badge", el => el.textContent)).toBe("completed");
			expect(await text("[data-testid=run-agent]")).toBe("agent release-bot");
			await shot("04-run-completed");
		}, 40_000);

		test("a run that calls a gated tool pauses; approving it in the inbox lets it finish", async () => {
			await clickOn("[data-testid=nav-agents]");
			await tab.waitForSelector("[data-testid=agent-row-release-bot] a");
			await clickOn("[data-testid=agent-row-release-bot] a");
			await tab.waitForSelector("[data-testid=run-input]");
			await tab.type("[data-testid=run-input]", `CALL ${TOOL} {"env":"prod"}`);
			await clickOn("[data-testid=run-start]");
			await tab.waitForSelector("[data-testid=steps-table] tr[data-type=approval][data-status=awaiting]", { timeout: 15_000 });
			const runId = runIdOfUrl();
			expect((await api(server, "GET", `/runtime/runs/${runId}`)).status).toBe("awaiting_approval");

			await clickOn("[data-testid=nav-approvals]");
			const card = `[data-testid=approval-${runId}]`;
			await tab.waitForSelector(card, { timeout: 10_000 });
			expect(await text(card)).toContain(TOOL);
			await shot("05-approvals-inbox");
			await clickOn(`${card} [data-testid=approval-approve]`);
			await tab.waitForFunction(`!document.querySelector(${JSON.stringify(card)})`, { timeout: 10_000 });
			const approvals = await api(server, "GET", `/governance/approvals?run_id=${runId}&status=approved`);
			expect(approvals.items).toHaveLength(1);

			await tab.goto(`${server.url}/ui/#/runs/${encodeURIComponent(runId)}`, { waitUntil: "load" });
			await tab.waitForSelector("[data-testid=steps-table] tr[data-type=tool_call][data-status=completed]", { timeout: 15_000 });
			await tab.waitForFunction(textIs("[data-testid=stream-state]", "closed"), { timeout: 15_000 });
			expect((await api(server, "GET", `/runtime/runs/${runId}`)).status).toBe("completed");
			expect(await text("[data-testid=run-output]")).toContain("TOOL_RESULT");
		}, 60_000);

		test("the other pages show the recorded activity: runs, audit filters, budgets, the overview chart", async () => {
			await clickOn("[data-testid=nav-runs]");
			await tab.waitForSelector("[data-testid=runs-table]");
			expect(await tab.$$eval("[data-testid=runs-table] tbody tr", rows => rows.length)).toBe(2);

			await clickOn("[data-testid=nav-audit]");
			await tab.waitForSelector("[data-testid=audit-table]");
			await tab.type("[data-testid=audit-action]", "lifecycle.promote");
			await clickOn("[data-testid=audit-apply]");
			await tab.waitForFunction(
				`[...document.querySelectorAll("[data-testid=audit-row]")].map(r => r.getAttribute("data-action")).join() === "lifecycle.promote,lifecycle.promote"`,
				{ timeout: 10_000 }
			);

			await api(server, "POST", "/budgets", { name: "Monthly org budget", period: "monthly", limit_usd: 25 });
			await clickOn("[data-testid=nav-budgets]");
			await tab.waitForSelector("[data-testid='usage-Monthly org budget']");
			expect(await text("[data-testid='usage-Monthly org budget']")).toContain("of $25.00");

			await clickOn("[data-testid=nav-analytics]");
			await tab.waitForSelector("[data-testid=chart]");
			await tab.waitForFunction(textIs("[data-testid=analytics-tiles] .tile-value", "2"), { timeout: 15_000 });
			const bars = await tab.$$eval("[data-testid=chart-bar]", rects => rects.map(r => Number(r.getAttribute("height"))));
			expect(bars.length).toBeGreaterThanOrEqual(24);
			expect(bars.filter(h => h > 0).length).toBeGreaterThanOrEqual(1);
			await shot("06-overview");
		}, 40_000);

		test("cancels a running run from its page, then retries it as a new run", async () => {
			await clickOn("[data-testid=nav-agents]");
			await clickOn("[data-testid=agent-row-release-bot] a");
			await tab.waitForSelector("[data-testid=run-input]");
			await tab.type("[data-testid=run-input]", "SLEEP 20000\ntoo slow");
			await clickOn("[data-testid=run-start]");
			await tab.waitForFunction(textIs("main h1 .badge", "running"), { timeout: 10_000 });
			const first = runIdOfUrl();
			await clickOn("[data-testid=run-cancel]");
			await tab.waitForFunction(textIs("main h1 .badge", "cancelled"), { timeout: 10_000 });
			expect(await api(server, "GET", `/runtime/runs/${first}`)).toMatchObject({ status: "cancelled", error: { code: "CANCELLED", message: "cancelled from the dashboard" } });

			await clickOn("[data-testid=run-retry]");
			await tab.waitForFunction(`!location.hash.includes(${JSON.stringify(first)})`, { timeout: 10_000 });
			const second = runIdOfUrl();
			expect(await api(server, "GET", `/runtime/runs/${second}`)).toMatchObject({ parent_run_id: first, input: "SLEEP 20000\ntoo slow" });
			await tab.waitForSelector("[data-testid=run-cancel]");
			await api(server, "POST", `/runtime/runs/${second}/cancel`, {});
			await tab.waitForFunction(textIs("main h1 .badge", "cancelled"), { timeout: 10_000 });
			expect(problems).toEqual([]);
		}, 40_000);

		test("a session signed out elsewhere ends at the page's next request, which says why", async () => {
			const { access_token, refresh_token } = JSON.parse((await tab.evaluate(`sessionStorage.getItem("fluxgate.session")`)) as string);
			const out = await fetch(`${server.url}/api/v1/auth/logout`, {
				method: "POST",
				headers: { Authorization: `Bearer ${access_token}`, "Content-Type": "application/json" },
				body: JSON.stringify({ refresh_token })
			});
			expect(out.status).toBe(204);
			await clickOn("[data-testid=nav-audit]");
			await tab.waitForSelector("[data-testid=session-ended]", { timeout: 10_000 });
			expect(await text("[data-testid=session-ended]")).toContain("UNAUTHENTICATED");
			expect(await tab.evaluate(`sessionStorage.getItem("fluxgate.session")`)).toBeNull();
		}, 30_000);
	});
});
