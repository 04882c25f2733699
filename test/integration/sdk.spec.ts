import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { createFluxgate, FluxgateError, type StreamEvent } from "../../sdk/src";
import { SERVER_JS, spawnServer, stopServer, waitHealthy, type ServerProcess } from "../helpers/server-process";

const ROOT = path.join(__dirname, "..", "..");
const KEY = "fgk_SdkOwnerKey_0123456789abcdefghijklmnopq".slice(0, 44);

function generator(...args: string[]) {
	return spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "sdk", "scripts", "generate.ts"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 90_000 });
}

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
	const out: StreamEvent[] = [];
	for await (const event of events) out.push(event);
	return out;
}

describe("the generated SDK", () => {
	test("sdk/src/schema.ts matches the /openapi.json the built server serves; a changed copy is reported stale", () => {
		if (!fs.existsSync(SERVER_JS)) throw new Error("dist/server.js is missing: run `npm run build` first (npm test does)");
		const fresh = generator("--check");
		expect({ status: fresh.status, stderr: fresh.stderr }).toEqual({ status: 0, stderr: "" });

		const stale = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fluxgate-sdk-stale-")), "schema.ts");
		fs.writeFileSync(stale, fs.readFileSync(path.join(ROOT, "sdk", "src", "schema.ts"), "utf8").replace("agent_id: string;", "agent_id: number;"));
		const result = generator("--check", "--target", stale);
		expect(result.status).toBe(1);
		expect(result.stderr).toMatch(/is stale: .*npm run sdk:generate/);
	});

	describe("against the built server", () => {
		let dataDir: string;
		let server: ServerProcess;

		beforeAll(async () => {
			dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fluxgate-sdk-"));
			server = await spawnServer({ FLUXGATE_DATA_DIR: dataDir, FLUXGATE_BOOTSTRAP_KEY: KEY, FLUXGATE_RATE_LIMIT: "100000" });
			await waitHealthy(server);
		});
		afterAll(async () => {
			await stopServer(server, "SIGKILL");
			fs.rmSync(dataDir, { recursive: true, force: true });
		});

		test("typed calls return bodies; a failure throws FluxgateError with the code and the request id", async () => {
			const fg = createFluxgate({ baseUrl: server.url, apiKey: KEY });
			const agent = await fg.POST("/api/v1/agents", { body: { name: "sdk-agent", model: "mock-echo", metadata: { team: "sdk" } } });
			expect(agent).toMatchObject({ name: "sdk-agent", model: "mock-echo", status: "draft", metadata: { team: "sdk" } });
			const read = await fg.GET("/api/v1/agents/{agent_id}", { params: { path: { agent_id: agent.id! } } });
			expect(read.id).toBe(agent.id);
			const list = await fg.GET("/api/v1/agents", { params: { query: { limit: 5 } } });
			expect(list.items.map(a => a.id)).toContain(agent.id);

			const missing = await fg.GET("/api/v1/agents/{agent_id}", { params: { path: { agent_id: "agt_missing" } } }).catch(e => e);
			expect(missing).toBeInstanceOf(FluxgateError);
			expect(missing).toMatchObject({ status: 404, code: "NOT_FOUND" });
			expect(missing.requestId).toMatch(/\S+/);

			const invalid = await fg.POST("/api/v1/agents", { body: { name: "", model: "mock-echo" } }).catch(e => e);
			expect(invalid).toMatchObject({ status: 400, code: "VALIDATION_ERROR" });
			expect(Array.isArray(invalid.details)).toBe(true);

			const anonymous = await createFluxgate({ baseUrl: server.url }).GET("/api/v1/agents").catch(e => e);
			expect(anonymous).toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
		});

		test("runs.stream replays and follows a run to run.completed; chat.send streams deltas then the completed message", async () => {
			const fg = createFluxgate({ baseUrl: server.url, apiKey: KEY });
			const agent = await fg.POST("/api/v1/agents", { body: { name: "sdk-streamer", model: "mock-echo" } });
			const run = await fg.POST("/api/v1/runtime/runs", { body: { agent_id: agent.id!, input: "SLEEP 300\nhello from the sdk", mode: "test" } });
			const runEvents = await collect(fg.runs.stream(run.id!));
			const names = runEvents.map(e => e.event);
			expect(names[0]).toBe("run.status");
			expect(names).toContain("step");
			expect(names.at(-1)).toBe("run.completed");
			expect(runEvents.at(-1)!.data).toMatchObject({ id: run.id, status: "completed" });

			await fg.POST("/api/v1/lifecycle/{agent_id}/promote", { params: { path: { agent_id: agent.id! } }, body: { target_state: "testing" } });
			const session = await fg.POST("/api/v1/chat/sessions", { body: { agent_id: agent.id! } });
			const chatEvents = await collect(fg.chat.send(session.id!, "hello chat"));
			expect(chatEvents.filter(e => e.event === "message.delta").length).toBeGreaterThan(0);
			expect(chatEvents.at(-1)).toMatchObject({ event: "message.completed", data: { role: "assistant", status: "completed" } });
			const deltas = chatEvents.filter(e => e.event === "message.delta").map(e => e.data.delta).join("");
			expect(deltas).toBe(chatEvents.at(-1)!.data.content);

			const closed = await fg.stream(`/api/v1/runtime/runs/run_missing/stream`).next().catch(e => e);
			expect(closed).toMatchObject({ status: 404, code: "NOT_FOUND" });
		});
	});

	test("a 429 is retried after its Retry-After; past maxRetries the 429 is thrown with retryAfterSeconds", async () => {
		const seen: number[] = [];
		let limitedLeft = 1;
		const upstream = http.createServer((req, res) => {
			seen.push(Date.now());
			let body = "";
			req.on("data", c => (body += c));
			req.on("end", () => {
				if (limitedLeft-- > 0) {
					res.writeHead(429, { "content-type": "application/json", "retry-after": "1", "x-request-id": "req_limited" });
					res.end(JSON.stringify({ error: { code: "RATE_LIMITED", message: "Slow down", details: { limit: 1, window_seconds: 60 }, request_id: "req_limited" } }));
					return;
				}
				res.writeHead(201, { "content-type": "application/json" });
				res.end(JSON.stringify({ id: "agt_1", ...JSON.parse(body) }));
			});
		});
		await new Promise<void>(resolve => upstream.listen(0, "127.0.0.1", resolve));
		const baseUrl = `http://127.0.0.1:${(upstream.address() as any).port}`;
		try {
			const agent = await createFluxgate({ baseUrl, apiKey: KEY }).POST("/api/v1/agents", { body: { name: "retried", model: "mock-echo" } });
			expect(agent).toMatchObject({ id: "agt_1", name: "retried" });
			expect(seen.length).toBe(2);
			expect(seen[1] - seen[0]).toBeGreaterThanOrEqual(900);

			limitedLeft = 1;
			const thrown = await createFluxgate({ baseUrl, apiKey: KEY, maxRetries: 0 }).GET("/api/v1/agents").catch(e => e);
			expect(thrown).toMatchObject({ status: 429, code: "RATE_LIMITED", requestId: "req_limited", retryAfterSeconds: 1, details: { limit: 1 } });
		} finally {
			await new Promise(resolve => upstream.close(resolve));
		}
	});
});
