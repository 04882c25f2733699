import http from "node:http";
import type { AddressInfo } from "node:net";
import { bearer, startApp, type TestApp } from "../helpers/app";
import { startFakeAnthropic, startFakeOpenAI, type FakeLlm } from "../fixtures/fake-llm";
import { captureOutput } from "../helpers/output";

/** Reads an SSE stream until it closes; answers the events in order. */
function readSse(url: string, token: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; events: { id: number; event: string; data: any }[] }> {
	return new Promise((resolve, reject) => {
		http.get(url, { headers: { Authorization: `Bearer ${token}` } }, res => {
			let buffer = "";
			res.setEncoding("utf8");
			res.on("data", chunk => (buffer += chunk));
			res.on("end", () => {
				const events = buffer
					.split("\n\n")
					.filter(block => block.startsWith("id:"))
					.map(block => {
						const lines = Object.fromEntries(block.split("\n").map(l => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]));
						return { id: Number(lines.id), event: lines.event, data: JSON.parse(lines.data) };
					});
				resolve({ status: res.statusCode as number, headers: res.headers, events });
			});
		}).on("error", reject);
	});
}

describe("Runtime through HTTP", () => {
	let app: TestApp;
	let auth: Record<string, string>;
	let weather: http.Server;
	let weatherUrl: string;
	const weatherCalls: { city: string; key: string | undefined; idem: string | undefined }[] = [];

	beforeAll(async () => {
		app = await startApp({ allowPrivateNetwork: true });
		auth = bearer(app.ownerKey);
		weather = http.createServer((req, res) => {
			const url = new URL(req.url as string, "http://x");
			const city = url.pathname.split("/").pop() as string;
			weatherCalls.push({ city, key: req.headers["x-weather-key"] as string, idem: req.headers["idempotency-key"] as string });
			res.setHeader("Content-Type", "application/json");
			res.end(JSON.stringify({ city, temperature_c: 21, echo_key: req.headers["x-weather-key"] }));
		});
		await new Promise<void>(r => weather.listen(0, "127.0.0.1", r));
		weatherUrl = `http://127.0.0.1:${(weather.address() as AddressInfo).port}`;
	});

	afterAll(async () => {
		await app.stop();
		await new Promise(r => weather.close(r));
	});

	async function activeAgent(body: Record<string, unknown>) {
		const created = await app.http.post("/api/v1/agents").set(auth).send(body);
		expect(created.status).toBe(201);
		for (const target_state of ["testing", "active"]) {
			const promoted = await app.http.post(`/api/v1/lifecycle/${created.body.id}/promote`).set(auth).send({ target_state });
			expect(promoted.status).toBe(200);
		}
		return created.body;
	}

	test("a mock agent answers synchronously and its steps are recorded", async () => {
		const agent = await activeAgent({ name: "echo-agent", model: "mock-echo", system_prompt: "Be brief.", memory_enabled: false });
		const res = await app.http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: agent.id, input: "hello world", wait: true });
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ status: "completed", output: "hello world", mode: "production", trigger: "api", agent_version: 1, model: "mock-echo" });
		expect(res.body.tokens_input).toBe(Math.ceil(("Be brief.".length + "hello world".length) / 4));
		expect(res.body.tokens_output).toBe(Math.ceil("hello world".length / 4));
		expect(res.body.cost_usd).toBe(0);
		const steps = await app.http.get(`/api/v1/runtime/runs/${res.body.id}/steps`).set(auth);
		expect(steps.body.items.map((s: any) => [s.index, s.type, s.status])).toEqual([[0, "llm_call", "completed"]]);
		const listed = await app.http.get(`/api/v1/runtime/runs?agent_id=${agent.id}&status=completed`).set(auth);
		expect(listed.body.total).toBe(1);
		const audited = await app.http.get(`/api/v1/audit/logs?action=run.create&resource_id=${res.body.id}`).set(auth);
		expect(audited.body.items).toHaveLength(1);
		expect(audited.body.items[0]).toMatchObject({ resource_type: "run", outcome: "success", status_code: 200 });
	});

	test("accepted runs are persisted queued before the 202, then complete", async () => {
		const agent = await activeAgent({ name: "async-agent", model: "mock-echo" });
		const res = await app.http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: agent.id, input: "SLEEP 200\nlater" });
		expect(res.status).toBe(202);
		expect(res.body.status).toBe("queued");
		let run: any;
		for (let i = 0; i < 50; i++) {
			run = (await app.http.get(`/api/v1/runtime/runs/${res.body.id}`).set(auth)).body;
			if (run.status === "completed") break;
			await new Promise(r => setTimeout(r, 50));
		}
		expect(run).toMatchObject({ status: "completed", output: "later" });
		expect(run.latency_ms).toBeGreaterThanOrEqual(200);
	});

	test("the SSE stream delivers status, steps, tokens and the terminal event in order", async () => {
		const agent = await activeAgent({ name: "stream-agent", model: "mock-echo", memory_enabled: false });
		const run = await app.http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: agent.id, input: "SLEEP 300\none two three four" });
		const stream = await readSse(`${app.url}/api/v1/runtime/runs/${run.body.id}/stream`, app.ownerKey);
		expect(stream.status).toBe(200);
		expect(stream.headers["content-type"]).toMatch(/^text\/event-stream/);
		expect(stream.headers["x-request-id"]).toBeTruthy();
		const names = stream.events.map(e => e.event);
		expect(names[0]).toBe("run.status");
		expect(names[names.length - 1]).toBe("run.completed");
		expect(stream.events.map(e => e.id)).toEqual(stream.events.map((_, i) => i + 1));
		const tokens = stream.events.filter(e => e.event === "token").map(e => e.data.text).join("");
		expect(tokens).toBe("one two three four");
		const firstToken = names.indexOf("token");
		const stepEnd = stream.events.findIndex(e => e.event === "step" && e.data.status === "completed");
		expect(firstToken).toBeGreaterThan(0);
		expect(stepEnd).toBeGreaterThan(firstToken);
		// Opened during the model call, a stream replays that call's step as running before its tokens go on.
		const slow = await app.http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: agent.id, input: "SLEEP 1200\nfive six seven" });
		await new Promise(r => setTimeout(r, 500));
		const joined = await readSse(`${app.url}/api/v1/runtime/runs/${slow.body.id}/stream`, app.ownerKey);
		expect(joined.events.slice(0, 2).map(e => [e.event, e.data.status, e.data.type])).toEqual([["run.status", "running", undefined], ["step", "running", "llm_call"]]);
		expect(joined.events[1].data).toMatchObject({ index: 0, name: "mock-echo", run_id: slow.body.id, id: expect.stringMatching(/^stp_/) });
		expect(joined.events.at(-1)!.event).toBe("run.completed");
		// A finished run replays its state and closes at once.
		const replay = await readSse(`${app.url}/api/v1/runtime/runs/${run.body.id}/stream`, app.ownerKey);
		expect(replay.events.map(e => e.event)).toEqual(["run.status", "step", "run.completed"]);
	});

	test("an OpenAI-compatible agent answers by calling a rest_api tool on a local service; steps, costs and secrets are right", async () => {
		const llm: FakeLlm = await startFakeOpenAI([
			{ tool_calls: [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }], usage: { input: 100, output: 20 } },
			{ content: "It is 21 °C in Paris.", usage: { input: 150, output: 10 } }
		]);
		try {
			const secret = await app.http.post("/api/v1/secrets").set(auth).send({ name: "WEATHER_KEY", value: "wk-super-secret-123", type: "api_key" });
			expect(secret.status).toBe(201);
			const provider = await app.http.post("/api/v1/providers").set(auth).send({ name: "local openai", provider: "openai", api_key: "sk-test-provider-key", base_url: llm.baseUrl });
			expect(provider.status).toBe(201);
			const tool = await app.http.post("/api/v1/tools").set(auth).send({
				name: "get_weather",
				description: "Current weather of a city",
				type: "rest_api",
				endpoint: `${weatherUrl}/weather/{city}`,
				headers: { "X-Weather-Key": "{{secrets.WEATHER_KEY}}" },
				input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
				safety_level: "safe"
			});
			expect(tool.status).toBe(201);
			const agent = await activeAgent({ name: "weather-agent", model: "gpt-4o-mini", tools: [tool.body.id], memory_enabled: false });
			const res = await app.http.post("/api/v1/runtime/execute").set(auth).send({ agent_id: agent.id, input: "Weather in Paris?" });
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ status: "completed", output: "It is 21 °C in Paris.", tokens_input: 250, tokens_output: 30 });
			// gpt-4o-mini list prices: 0.00015 / 0.0006 per 1k tokens.
			const expectedCost = Math.round((250 / 1000) * 0.00015 * 1e6 + (30 / 1000) * 0.0006 * 1e6) / 1e6;
			expect(res.body.cost_usd).toBeCloseTo(expectedCost, 6);
			expect(weatherCalls.at(-1)).toMatchObject({ city: "Paris", key: "wk-super-secret-123" });
			const steps = (await app.http.get(`/api/v1/runtime/runs/${res.body.id}/steps`).set(auth)).body.items;
			expect(steps.map((s: any) => [s.type, s.name, s.status])).toEqual([
				["llm_call", "gpt-4o-mini", "completed"],
				["tool_call", "get_weather", "completed"],
				["llm_call", "gpt-4o-mini", "completed"]
			]);
			expect(steps[1].output).toMatchObject({ status_code: 200, body: { city: "Paris", temperature_c: 21, echo_key: "****" } });
			expect(steps[0].tokens_input).toBe(100);
			expect(llm.requests[0].headers.authorization).toBe("Bearer sk-test-provider-key");
			expect(llm.requests[0].body.tools[0].function.name).toBe("get_weather");
			const everything = JSON.stringify([res.body, steps, (await app.http.get(`/api/v1/tools/${tool.body.id}/invocations`).set(auth)).body]);
			expect(everything).not.toContain("wk-super-secret-123");
			expect(everything).not.toContain("sk-test-provider-key");
		} finally {
			await llm.close();
		}
	});

	test("an Anthropic agent answers with tool use", async () => {
		const llm = await startFakeAnthropic([
			{ tool_calls: [{ id: "toolu_1", name: "calc", arguments: { expression: "6*7" } }], usage: { input: 40, output: 8 } },
			{ content: "42", usage: { input: 60, output: 2 } }
		]);
		try {
			await app.http.post("/api/v1/providers").set(auth).send({ name: "local anthropic", provider: "anthropic", api_key: "sk-ant-test", base_url: llm.baseUrl }).expect(201);
			const tool = await app.http.post("/api/v1/tools").set(auth).send({ name: "calc", description: "Calculator", type: "function", config: { function: "calculator" }, safety_level: "safe" });
			expect(tool.status).toBe(201);
			const agent = await activeAgent({ name: "claude-agent", model: "claude-3-5-haiku-latest", tools: [tool.body.id] });
			const res = await app.http.post("/api/v1/runtime/execute").set(auth).send({ agent_id: agent.id, input: "6 times 7?" });
			expect(res.body).toMatchObject({ status: "completed", output: "42", tokens_input: 100, tokens_output: 10 });
			const steps = (await app.http.get(`/api/v1/runtime/runs/${res.body.id}/steps?type=tool_call`).set(auth)).body.items;
			expect(steps[0].output).toEqual({ result: 42 });
		} finally {
			await llm.close();
		}
	});

	test("bad input gets 400 and creates nothing; the contract's refusals hold", async () => {
		const agent = await activeAgent({ name: "refusals", model: "mock-echo" });
		const before = (await app.http.get("/api/v1/runtime/runs").set(auth)).body.total;
		const bad = await app.http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: agent.id, input: "", mode: "fast", max_cost_usd: -1 });
		expect(bad.status).toBe(400);
		expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(["input", "max_cost_usd", "mode"]);
		expect((await app.http.get("/api/v1/runtime/runs").set(auth)).body.total).toBe(before);
		expect((await app.http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: "agt_nope", input: "x" })).status).toBe(404);

		const draft = (await app.http.post("/api/v1/agents").set(auth).send({ name: "a-draft", model: "mock-echo" })).body;
		const refused = await app.http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: draft.id, input: "x" });
		expect(refused.status).toBe(409);
		expect(refused.body.error.code).toBe("AGENT_NOT_RUNNABLE");
		const test = await app.http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: draft.id, input: "draft says hi", mode: "test", wait: true });
		expect(test.body).toMatchObject({ status: "completed", mode: "test", output: "draft says hi" });

		await app.http.post(`/api/v1/lifecycle/${agent.id}/promote`).set(auth).send({ target_state: "suspended" }).expect(200);
		const suspended = await app.http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: agent.id, input: "x" });
		expect(suspended.status).toBe(409);
		expect(suspended.body.error.code).toBe("AGENT_NOT_RUNNABLE");
		expect((await app.http.get("/api/v1/runtime/runs").set(auth)).body.total).toBe(before + 1);
	});

	test("a rest_api tool called from a run sends the tool_call step's id as Idempotency-Key, and the call is audited naming that step", async () => {
		const tool = await app.http.post("/api/v1/tools").set(auth).send({
			name: "city_weather",
			description: "Weather of a city",
			type: "rest_api",
			endpoint: `${weatherUrl}/weather/{city}`,
			input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
			safety_level: "moderate"
		});
		const agent = await activeAgent({ name: "idempotent-caller", model: "mock-tools", tools: [tool.body.id] });
		const res = await app.http.post("/api/v1/runtime/execute").set(auth).send({ agent_id: agent.id, input: 'CALL city_weather {"city":"Oslo"}' });
		expect(res.body.status).toBe("completed");
		const steps = (await app.http.get(`/api/v1/runtime/runs/${res.body.id}/steps?type=tool_call`).set(auth)).body.items;
		expect(steps).toHaveLength(1);
		expect(steps[0].id).toMatch(/^stp_/);
		expect(weatherCalls.at(-1)).toMatchObject({ city: "Oslo", idem: steps[0].id });
		const invocations = (await app.http.get(`/api/v1/tools/${tool.body.id}/invocations`).set(auth)).body.items;
		expect(invocations.map((i: any) => [i.run_id, i.step_id])).toEqual([[res.body.id, steps[0].id]]);
		const audited = (await app.http.get(`/api/v1/audit/logs?action=tool.invoke&resource_id=${tool.body.id}`).set(auth)).body.items;
		expect(audited.map((e: any) => [e.outcome, e.details.step_id, e.details.tool_name])).toEqual([["success", steps[0].id, "city_weather"]]);
	});

	test("invalid run bodies answer 400 naming every bad field and start nothing", async () => {
		const agent = await activeAgent({ name: "strict-runs", model: "mock-echo" });
		const bad = await app.http.post("/api/v1/runtime/runs").set(auth).send({
			agent_id: agent.id,
			input: "",
			mode: "live",
			agent_version: 0,
			session_id: "",
			metadata: { blob: "x".repeat(17 * 1024) },
			max_cost_usd: 0,
			wait: "yes",
			timeout_seconds: 301
		});
		expect(bad.status).toBe(400);
		expect(bad.body.error.code).toBe("VALIDATION_ERROR");
		expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(["agent_version", "input", "max_cost_usd", "metadata", "mode", "session_id", "timeout_seconds", "wait"]);
		const missing = await app.http.post("/api/v1/runtime/execute").set(auth).send({ metadata: [] });
		expect(missing.body.error.details.map((d: any) => d.field).sort()).toEqual(["agent_id", "input", "metadata"]);
		expect((await app.http.get(`/api/v1/runtime/runs?agent_id=${agent.id}`).set(auth)).body.total).toBe(0);
	});

	test("cancel, retry and idempotency keys", async () => {
		const agent = await activeAgent({ name: "slowpoke", model: "mock-echo" });
		const run = (await app.http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: agent.id, input: "SLEEP 5000\nslow" })).body;
		await new Promise(r => setTimeout(r, 200));
		const cancelled = await app.http.post(`/api/v1/runtime/runs/${run.id}/cancel`).set(auth).send({ reason: "changed my mind" });
		expect(cancelled.status).toBe(200);
		expect(cancelled.body).toMatchObject({ status: "cancelled", error: { code: "CANCELLED", message: "changed my mind" } });
		const again = await app.http.post(`/api/v1/runtime/runs/${run.id}/cancel`).set(auth).send({});
		expect(again.status).toBe(409);
		expect(again.body.error).toMatchObject({ code: "INVALID_STATE_TRANSITION", details: { current: "cancelled", requested: "cancelled" } });
		await new Promise(r => setTimeout(r, 300));
		expect((await app.http.get(`/api/v1/runtime/runs/${run.id}`).set(auth)).body.status).toBe("cancelled");

		const retried = await app.http.post(`/api/v1/runtime/runs/${run.id}/retry`).set(auth).send();
		expect(retried.status).toBe(202);
		expect(retried.body).toMatchObject({ parent_run_id: run.id, input: run.input, status: "queued" });
		await app.http.post(`/api/v1/runtime/runs/${retried.body.id}/cancel`).set(auth).send({}).expect(200);

		const key = { "Idempotency-Key": "order-42" };
		const first = await app.http.post("/api/v1/runtime/runs").set(auth).set(key).send({ agent_id: agent.id, input: "once" });
		const second = await app.http.post("/api/v1/runtime/runs").set(auth).set(key).send({ agent_id: agent.id, input: "once" });
		expect(second.status).toBe(first.status);
		expect(second.body.id).toBe(first.body.id);
		expect(second.headers["idempotent-replayed"]).toBe("true");
		const reused = await app.http.post("/api/v1/runtime/runs").set(auth).set(key).send({ agent_id: agent.id, input: "other" });
		expect(reused.status).toBe(409);
		expect(reused.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
	});

	test("a failing provider fails the run with PROVIDER_ERROR; max_steps is enforced", async () => {
		const agent = await activeAgent({ name: "failing", model: "mock-echo" });
		const failed = await app.http.post("/api/v1/runtime/execute").set(auth).send({ agent_id: agent.id, input: "FAIL" });
		expect(failed.body).toMatchObject({ status: "failed", error: { code: "PROVIDER_ERROR" } });

		const tool = await app.http.post("/api/v1/tools").set(auth).send({ name: "echo_tool", description: "Echo", type: "function", config: { function: "echo" }, safety_level: "safe" });
		const looping = await activeAgent({ name: "looping", model: "mock-tools", tools: [tool.body.id], max_steps: 1 });
		const res = await app.http.post("/api/v1/runtime/execute").set(auth).send({ agent_id: looping.id, input: 'CALL echo_tool {"a":1}' });
		expect(res.body).toMatchObject({ status: "failed", error: { code: "MAX_STEPS_EXCEEDED" } });
	});

	test("time waiting for an approval does not count toward the agent's timeout", async () => {
		const tool = await app.http.post("/api/v1/tools").set(auth).send({ name: "wipe_cache", description: "Wipe", type: "function", config: { function: "echo" }, safety_level: "dangerous" });
		const agent = await activeAgent({ name: "patient", model: "mock-tools", tools: [tool.body.id], timeout_seconds: 10 });
		const run = (await app.http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: agent.id, input: 'SLEEP 300\nCALL wipe_cache {"all":true}' })).body;
		let approval: any;
		for (let i = 0; i < 50 && !approval; i++) {
			approval = (await app.http.get(`/api/v1/governance/approvals?run_id=${run.id}`).set(auth)).body.items[0];
			if (!approval) await new Promise(r => setTimeout(r, 50));
		}
		expect((await app.http.get(`/api/v1/runtime/runs/${run.id}`).set(auth)).body.status).toBe("awaiting_approval");
		await new Promise(r => setTimeout(r, 10_500));
		await app.http.post(`/api/v1/governance/approvals/${approval.id}/approve`).set(auth).send({}).expect(200);
		let done: any;
		for (let i = 0; i < 100; i++) {
			done = (await app.http.get(`/api/v1/runtime/runs/${run.id}`).set(auth)).body;
			if (["completed", "failed"].includes(done.status)) break;
			await new Promise(r => setTimeout(r, 50));
		}
		expect(done).toMatchObject({ status: "completed" });
		expect(done.output).toContain("TOOL_RESULT wipe_cache");
	}, 30_000);

	test("/metrics lists every metric of §0.17 and counts the runs", async () => {
		const res = await app.http.get("/metrics");
		for (const name of [
			"fluxgate_http_requests_total", "fluxgate_http_request_duration_seconds", "fluxgate_runs_total", "fluxgate_runs_queued", "fluxgate_run_duration_seconds",
			"fluxgate_llm_tokens_total", "fluxgate_llm_cost_usd_total", "fluxgate_tool_calls_total", "fluxgate_auth_failures_total"
		]) {
			expect(res.text).toContain(`# TYPE ${name} `);
		}
		const completed = /^fluxgate_runs_total\{[^}]*status="completed"[^}]*\} (\d+)/m.exec(res.text);
		expect(Number(completed?.[1])).toBeGreaterThan(0);
		expect(res.text).toMatch(/^fluxgate_tool_calls_total\{[^}]*status="success"[^}]*\} [1-9]/m);
	});
});

describe("Runtime logs", () => {
	test("a run with a provider key and a secret tool header logs neither value, even at debug level", async () => {
		const output = captureOutput();
		const llm = await startFakeOpenAI([{ tool_calls: [{ id: "c1", name: "lookup", arguments: { q: "x" } }] }, { content: "done" }]);
		const upstream = http.createServer((req, res) => res.end(JSON.stringify({ seen: req.headers["x-token"] })));
		await new Promise<void>(r => upstream.listen(0, "127.0.0.1", r));
		const app = await startApp({ allowPrivateNetwork: true, logLevel: "debug" });
		try {
			const auth = bearer(app.ownerKey);
			await app.http.post("/api/v1/secrets").set(auth).send({ name: "LOOKUP_TOKEN", value: "tok-VERY-secret-777", type: "token" }).expect(201);
			await app.http.post("/api/v1/providers").set(auth).send({ name: "p", provider: "openai", api_key: "sk-log-test-999", base_url: llm.baseUrl }).expect(201);
			const tool = await app.http.post("/api/v1/tools").set(auth).send({
				name: "lookup",
				description: "Lookup",
				type: "rest_api",
				endpoint: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`,
				headers: { "X-Token": "{{secrets.LOOKUP_TOKEN}}" },
				safety_level: "safe"
			});
			const agent = (await app.http.post("/api/v1/agents").set(auth).send({ name: "logged", model: "gpt-4o", tools: [tool.body.id] })).body;
			for (const target_state of ["testing", "active"]) await app.http.post(`/api/v1/lifecycle/${agent.id}/promote`).set(auth).send({ target_state });
			const run = await app.http.post("/api/v1/runtime/execute").set(auth).send({ agent_id: agent.id, input: "go" });
			expect(run.body).toMatchObject({ status: "completed", output: "done" });
			const steps = await app.http.get(`/api/v1/runtime/runs/${run.body.id}/steps`).set(auth);
			expect(JSON.stringify(steps.body)).toContain('"seen":"****"');
		} finally {
			await app.stop();
			await llm.close();
			await new Promise(r => upstream.close(r));
			output.restore();
		}
		const logs = output.text();
		expect(logs).toContain('"level":20');
		expect(logs).not.toContain("tok-VERY-secret-777");
		expect(logs).not.toContain("sk-log-test-999");
	});
});
