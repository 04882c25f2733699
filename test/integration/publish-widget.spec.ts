import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";
import { bearer, startApp, type TestApp } from "../helpers/app";
import { uid } from "../helpers/platform";

/** Screenshots of the widget are kept here (git-ignored) for a person to look at. */
const ARTIFACTS = path.join(__dirname, "..", "artifacts");

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise(r => setTimeout(r, 50));
	}
}

function chromiumPath(): string {
	return execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], { encoding: "utf8" }).trim();
}

/** A customer's page on its own origin that embeds the widget exactly as the embed code says. */
function startPage(): Promise<{ origin: string; setHtml(html: string): void; close(): Promise<void> }> {
	let html = "<!doctype html><title>empty</title>";
	const server = http.createServer((_req, res) => {
		res.setHeader("Content-Type", "text/html; charset=utf-8");
		res.end(html);
	});
	return new Promise(resolve =>
		server.listen(0, "127.0.0.1", () => {
			const { port } = server.address() as AddressInfo;
			resolve({
				origin: `http://127.0.0.1:${port}`,
				setHtml: value => (html = value),
				close: () => new Promise<void>(done => server.close(() => done()))
			});
		})
	);
}

describe("The embeddable widget in a real browser (§28 row 11)", () => {
	let app: TestApp;
	let browser: Browser;
	let page: Awaited<ReturnType<typeof startPage>>;

	beforeAll(async () => {
		app = await startApp();
		page = await startPage();
		browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
	}, 60_000);

	afterAll(async () => {
		await browser?.close();
		await page?.close();
		await app?.stop();
	});

	test("a page on an allowed origin embeds the script tag, a visitor types a message and sees the agent's reply", async () => {
		const owner = bearer(app.ownerKey);
		const agent = (await app.http.post("/api/v1/agents").set(owner).send({ name: `widget-${uid(4)}`, model: "mock-echo" }).expect(201)).body;
		for (const target_state of ["testing", "active"]) await app.http.post(`/api/v1/lifecycle/${agent.id}/promote`).set(owner).send({ target_state }).expect(200);
		const publication = (
			await app.http
				.post(`/api/v1/publish/agents/${agent.id}`)
				.set(owner)
				.send({ allowed_origins: [page.origin], name: "Shop Assistant", widget: { greeting: "Welcome to the shop!", theme: "dark", primary_color: "#0F766E" } })
				.expect(201)
		).body;
		const embed = (await app.http.get(`/api/v1/publish/${publication.id}/embed`).set(owner).expect(200)).body;
		page.setHtml(`<!doctype html><html><head><title>Shop</title></head><body><h1>The shop</h1>${embed.script_tag}</body></html>`);

		const tab = await browser.newPage();
		try {
			await tab.setViewport({ width: 1000, height: 720 });
			await tab.goto(page.origin, { waitUntil: "load" });
			const shadow = (selector: string) => `document.querySelector("[data-fluxgate-widget]")?.shadowRoot?.querySelector(${JSON.stringify(selector)})`;
			await tab.waitForFunction(`!!${shadow(".launcher")}`, { timeout: 15_000 });
			expect(await tab.evaluate(`${shadow(".header")}.textContent`)).toBe("Shop Assistant");
			expect(await tab.evaluate(`${shadow(".msg.assistant")}.textContent`)).toBe("Welcome to the shop!");

			await tab.evaluate(`${shadow(".launcher")}.click()`);
			await tab.waitForFunction(`${shadow(".panel")}.classList.contains("open")`);
			const input = (await tab.evaluateHandle(shadow("input"))).asElement();
			await input!.type("Do you ship to Lisbon?");
			await tab.keyboard.press("Enter");
			const replies = `[...document.querySelector("[data-fluxgate-widget]").shadowRoot.querySelectorAll(".msg.assistant")].map(n => n.textContent)`;
			await tab.waitForFunction(`${replies}.length >= 2`, { timeout: 30_000 });
			expect(await tab.evaluate(replies)).toEqual(["Welcome to the shop!", "Do you ship to Lisbon?"]);

			fs.mkdirSync(ARTIFACTS, { recursive: true });
			await tab.screenshot({ path: path.join(ARTIFACTS, "publish-widget.png") });

			// The conversation is an ordinary chat session of the publication, with the visitor as end user.
			const sessions = (await app.http.get(`/api/v1/chat/sessions?publication_id=${publication.id}`).set(owner).expect(200)).body.items;
			expect(sessions).toHaveLength(1);
			expect(sessions[0]).toMatchObject({ agent_id: agent.id, message_count: 2, end_user_id: expect.stringMatching(/^v_/) });

			// A reload restores the visitor's session from the public messages endpoint.
			await tab.reload({ waitUntil: "load" });
			await tab.waitForFunction(`${replies}.length >= 2`, { timeout: 15_000 });
			const restored = await tab.evaluate(`[...document.querySelector("[data-fluxgate-widget]").shadowRoot.querySelectorAll(".msg")].map(n => n.textContent)`);
			expect(restored).toEqual(["Welcome to the shop!", "Do you ship to Lisbon?", "Do you ship to Lisbon?"]);
		} finally {
			await tab.close();
		}
	}, 90_000);

	test("the iframe embed code shows the widget inline, on the embedding page's origin", async () => {
		const owner = bearer(app.ownerKey);
		const agent = (await app.http.post("/api/v1/agents").set(owner).send({ name: `widget-${uid(4)}`, model: "mock-echo" }).expect(201)).body;
		for (const target_state of ["testing", "active"]) await app.http.post(`/api/v1/lifecycle/${agent.id}/promote`).set(owner).send({ target_state }).expect(200);
		const publication = (await app.http.post(`/api/v1/publish/agents/${agent.id}`).set(owner).send({ allowed_origins: [page.origin], name: "Inline Helper" }).expect(201)).body;
		const embed = (await app.http.get(`/api/v1/publish/${publication.id}/embed`).set(owner).expect(200)).body;
		page.setHtml(`<!doctype html><html><body><h1>Help page</h1>${embed.iframe_tag}</body></html>`);
		const tab = await browser.newPage();
		try {
			await tab.goto(page.origin, { waitUntil: "load" });
			const frame = await until(() => tab.frames().find(f => f !== tab.mainFrame()), "the iframe");
			const root = `document.querySelector("[data-fluxgate-widget]")?.shadowRoot`;
			await frame.waitForFunction(`!!${root}?.querySelector(".panel.inline")`, { timeout: 15_000 });
			expect(await frame.evaluate(`!!${root}.querySelector(".launcher")`)).toBe(false);
			expect(await frame.evaluate(`${root}.querySelector(".header").textContent`)).toBe("Inline Helper");
			const input = (await frame.evaluateHandle(`${root}.querySelector("input")`)).asElement();
			await input!.type("inline question");
			await tab.keyboard.press("Enter");
			await frame.waitForFunction(`[...${root}.querySelectorAll(".msg.assistant")].some(n => n.textContent === "inline question")`, { timeout: 30_000 });
			fs.mkdirSync(ARTIFACTS, { recursive: true });
			await tab.screenshot({ path: path.join(ARTIFACTS, "publish-widget-iframe.png") });
		} finally {
			await tab.close();
		}
	}, 60_000);

	test("on an origin that is not allowed the browser gets no CORS grant and the widget shows nothing", async () => {
		const owner = bearer(app.ownerKey);
		const agent = (await app.http.post("/api/v1/agents").set(owner).send({ name: `widget-${uid(4)}`, model: "mock-echo" }).expect(201)).body;
		for (const target_state of ["testing", "active"]) await app.http.post(`/api/v1/lifecycle/${agent.id}/promote`).set(owner).send({ target_state }).expect(200);
		const publication = (await app.http.post(`/api/v1/publish/agents/${agent.id}`).set(owner).send({ allowed_origins: ["https://elsewhere.example"] }).expect(201)).body;
		const embed = (await app.http.get(`/api/v1/publish/${publication.id}/embed`).set(owner).expect(200)).body;
		page.setHtml(`<!doctype html><html><body>${embed.script_tag}</body></html>`);
		const tab = await browser.newPage();
		try {
			const warnings: string[] = [];
			tab.on("console", m => {
				if (m.type() === "warn") warnings.push(m.text());
			});
			await tab.goto(page.origin, { waitUntil: "networkidle0" });
			// The preflight gets no CORS grant, so the browser never reads the publication.
			await tab.waitForFunction(() => true);
			expect(warnings.some(w => w.startsWith("Fluxgate widget:"))).toBe(true);
			expect(await tab.evaluate(`!!document.querySelector("[data-fluxgate-widget]")`)).toBe(false);
		} finally {
			await tab.close();
		}
	}, 60_000);
});
