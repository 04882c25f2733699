import { bearer, startApp, type TestApp } from "../helpers/app";
import { until } from "../helpers/cluster";
import { createOrgWithOwner, expectFieldProblems, keyWithRoles } from "../helpers/platform";
import { LATENCY_BOUNDS, latencyBucket } from "../../services/analytics/rollups";

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
const round4 = (n: number) => Math.round(n * 1e4) / 1e4;

describe("Analytics through HTTP", () => {
	let app: TestApp;
	let auth: Record<string, string>;
	let echo: any;
	let tooling: any;
	let capped: any;
	let runs: any[] = [];

	async function activeAgent(body: Record<string, unknown>) {
		const created = await app.http.post("/api/v1/agents").set(auth).send(body);
		expect(created.status).toBe(201);
		for (const target_state of ["testing", "active"]) await app.http.post(`/api/v1/lifecycle/${created.body.id}/promote`).set(auth).send({ target_state }).expect(200);
		return created.body;
	}

	const get = (path: string, headers = auth) => app.http.get(`/api/v1/analytics${path}`).set(headers);
	const allRuns = async () => (await app.http.get("/api/v1/runtime/runs?limit=200").set(auth)).body.items as any[];
	const stepsOf = async (runId: string) => (await app.http.get(`/api/v1/runtime/runs/${runId}/steps?limit=200`).set(auth)).body.items as any[];

	beforeAll(async () => {
		app = await startApp({ allowPrivateNetwork: true });
		auth = bearer(app.ownerKey);
		// Runs cost money only with prices: the mock model gets an org price.
		await app.http.put("/api/v1/providers/models/mock-echo").set(auth).send({ input_price_per_1k_usd: 1, output_price_per_1k_usd: 2 }).expect(200);
		echo = await activeAgent({ name: "echo-stats", model: "mock-echo" });
		const tool = (await app.http.post("/api/v1/tools").set(auth).send({ name: "echo_tool", description: "Echo", type: "function", config: { function: "echo" }, safety_level: "safe" })).body;
		tooling = await activeAgent({ name: "tool-stats", model: "mock-tools", tools: [tool.id] });
		capped = await activeAgent({ name: "capped-stats", model: "mock-echo" });

		const execute = (agent_id: string, input: string) => app.http.post("/api/v1/runtime/execute").set(auth).send({ agent_id, input });
		for (const input of ["hello analytics world", "SLEEP 120\na slower answer with more words", "SLEEP 40\nthird", "FAIL"]) await execute(echo.id, input);
		await execute(tooling.id, 'CALL echo_tool {"a":1}');
		await execute(tooling.id, 'CALL missing_tool {"a":1}');
		// A test-mode run, and a run cancelled while it sleeps.
		await app.http.post("/api/v1/runtime/execute").set(auth).send({ agent_id: echo.id, input: "test mode run", mode: "test" }).expect(200);
		const slow = (await app.http.post("/api/v1/runtime/runs").set(auth).send({ agent_id: echo.id, input: "SLEEP 5000\nzzz" })).body;
		await until(async () => (await app.http.get(`/api/v1/runtime/runs/${slow.id}`).set(auth)).body.status === "running", 10_000, "the slow run to start");
		await app.http.post(`/api/v1/runtime/runs/${slow.id}/cancel`).set(auth).send({}).expect(200);
		// A budget that the first run exhausts: the next run is refused and stored blocked.
		await app.http.post("/api/v1/budgets").set(auth).send({ name: "tiny", agent_id: capped.id, period: "daily", limit_usd: 0.00001, action_on_exceed: "block" }).expect(201);
		await execute(capped.id, "spend it all at once please");
		await execute(capped.id, "refused");

		runs = await allRuns();
		expect(runs.map(r => r.status).sort()).toEqual(expect.arrayContaining(["blocked", "cancelled", "completed", "failed"]));
		await until(async () => (await get("/dashboard")).body.total_runs === runs.length && (await get("/dashboard")).body.cancelled_runs === 1, 15_000, "the rollups to hold every run");
	});

	afterAll(() => app.stop());

	test("dashboard figures equal the runs' own figures", async () => {
		const res = await get("/dashboard");
		expect(res.status).toBe(200);
		const by = (s: string) => runs.filter(r => r.status === s).length;
		const finished = runs.filter(r => r.status === "completed" || r.status === "failed");
		const latencies = finished.map(r => r.latency_ms).sort((a, b) => a - b);
		const trueP95 = latencies[Math.ceil(0.95 * latencies.length) - 1];
		expect(res.body).toMatchObject({
			total_agents: 3,
			active_agents: 3,
			total_runs: runs.length,
			completed_runs: by("completed"),
			failed_runs: by("failed"),
			blocked_runs: by("blocked"),
			cancelled_runs: by("cancelled"),
			success_rate: round4(by("completed") / (by("completed") + by("failed") + by("blocked"))),
			tokens_input: runs.reduce((s, r) => s + r.tokens_input, 0),
			tokens_output: runs.reduce((s, r) => s + r.tokens_output, 0),
			total_cost_usd: round6(runs.reduce((s, r) => s + r.cost_usd, 0)),
			total_savings_usd: 0,
			avg_latency_ms: Math.round(latencies.reduce((s, l) => s + l, 0) / latencies.length),
			pending_approvals: 0
		});
		expect(res.body.total_cost_usd).toBeGreaterThan(0);
		// p95 comes from the histogram: inside the bucket that holds the exact p95.
		const bucket = latencyBucket(trueP95);
		expect(res.body.p95_latency_ms).toBeGreaterThanOrEqual(bucket === 0 ? 0 : LATENCY_BOUNDS[bucket - 1]);
		expect(res.body.p95_latency_ms).toBeLessThanOrEqual(LATENCY_BOUNDS[bucket]);
		expect(Date.parse(res.body.period_end) - Date.parse(res.body.period_start)).toBe(7 * 86_400_000);

		const testOnly = await get("/dashboard?mode=test");
		expect(testOnly.body).toMatchObject({ total_runs: 1, completed_runs: 1 });
		const oneAgent = await get(`/dashboard?agent_id=${tooling.id}`);
		expect(oneAgent.body).toMatchObject({ total_agents: 1, total_runs: 2, completed_runs: 2 });
		const past = await get("/dashboard?start=2020-01-01T00:00:00Z&end=2020-01-02T00:00:00Z");
		expect(past.body).toMatchObject({ total_runs: 0, success_rate: 0, avg_latency_ms: 0, p95_latency_ms: 0, total_cost_usd: 0 });
	});

	test("per-agent figures, triggers and tool calls; unknown and foreign agents answer 404", async () => {
		const mine = runs.filter(r => r.agent_id === echo.id);
		const res = await get(`/agents/${echo.id}`);
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({
			agent_id: echo.id,
			runs: mine.length,
			completed: mine.filter(r => r.status === "completed").length,
			failed: 1,
			cancelled: 1,
			blocked: 0,
			tokens_input: mine.reduce((s, r) => s + r.tokens_input, 0),
			cost_usd: round6(mine.reduce((s, r) => s + r.cost_usd, 0)),
			tool_calls: 0,
			avg_quality_score: null,
			by_trigger: { api: mine.length, schedule: 0, event: 0, chat: 0, workflow: 0, coordination: 0, public: 0 }
		});
		expect((await get(`/agents/${tooling.id}`)).body).toMatchObject({ runs: 2, tool_calls: 2, success_rate: 1 });
		expect((await get(`/agents/${tooling.id}?mode=test`)).body).toMatchObject({ runs: 0, success_rate: 0 });
		expect((await get("/agents/agt_doesnotexist")).body.error.code).toBe("NOT_FOUND");
		const other = await createOrgWithOwner(app);
		expect((await get(`/agents/${echo.id}`, bearer(other.ownerKey))).status).toBe(404);
	});

	test("timeseries: one point per bucket, zeros and nulls for empty buckets, at most 1,000 buckets", async () => {
		const end = new Date();
		const start = new Date(end.getTime() - 3 * 3_600_000);
		const q = (metric: string, extra = "") => get(`/timeseries?metric=${metric}&interval=hour&start=${start.toISOString()}&end=${end.toISOString()}${extra}`);
		const res = await q("runs");
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ metric: "runs", interval: "hour", start: start.toISOString(), end: end.toISOString() });
		const hourOf = (iso: string) => `${iso.slice(0, 13)}:00:00.000Z`;
		expect(res.body.points.map((p: any) => p.timestamp)).toEqual(
			Array.from({ length: res.body.points.length }, (_, i) => new Date(Date.parse(hourOf(start.toISOString())) + i * 3_600_000).toISOString())
		);
		expect(res.body.points.length).toBe(Math.ceil((end.getTime() - Date.parse(hourOf(start.toISOString()))) / 3_600_000));
		const byHour = new Map<string, number>();
		for (const r of runs) byHour.set(hourOf(r.created_at), (byHour.get(hourOf(r.created_at)) ?? 0) + 1);
		for (const p of res.body.points) expect(p.value).toBe(byHour.get(p.timestamp) ?? 0);

		const latency = await q("latency_avg");
		const empty = latency.body.points.filter((p: any) => !byHour.has(p.timestamp));
		expect(empty.length).toBeGreaterThan(0);
		expect(empty.every((p: any) => p.value === null)).toBe(true);
		expect((await q("cost")).body.points.filter((p: any) => !byHour.has(p.timestamp)).every((p: any) => p.value === 0)).toBe(true);
		const failed = runs.filter(r => r.status === "failed").length;
		const terminal = runs.filter(r => ["completed", "failed", "blocked"].includes(r.status)).length;
		const rates = (await q("error_rate")).body.points.filter((p: any) => p.value !== null);
		if (rates.length === 1) expect(rates[0].value).toBe(round4(failed / terminal));
		const tools = await q("runs", "&model=mock-tools");
		expect(tools.body.points.reduce((s: number, p: any) => s + p.value, 0)).toBe(2);

		const day = await get("/timeseries?metric=tokens");
		expect(day.body.interval).toBe("day");
		expect(day.body.points.reduce((s: number, p: any) => s + p.value, 0)).toBe(runs.reduce((s, r) => s + r.tokens_input + r.tokens_output, 0));

		const tooMany = await get("/timeseries?metric=runs&interval=hour&start=2026-01-01T00:00:00Z&end=2026-03-01T00:00:00Z");
		expect(tooMany.status).toBe(400);
		expect(tooMany.body.error.code).toBe("VALIDATION_ERROR");
		expect((await get("/timeseries?metric=runs&interval=hour&start=2026-01-01T00:00:00Z&end=2026-02-11T16:00:00Z")).status).toBe(200);
		expectFieldProblems(await get("/timeseries?interval=week&mode=prod&start=yesterday"), null, ["metric", "interval", "mode", "start"]);
	});

	test("top agents, models and tools", async () => {
		const top = await get("/top-agents");
		expect(top.body.by).toBe("runs");
		expect(top.body.items[0]).toEqual({ agent_id: echo.id, agent_name: "echo-stats", value: runs.filter(r => r.agent_id === echo.id).length });
		expect(top.body.items.map((i: any) => i.value)).toEqual([...top.body.items.map((i: any) => i.value)].sort((a: number, b: number) => b - a));
		const errorsTop = await get("/top-agents?by=errors&limit=1");
		expect(errorsTop.body).toEqual({ by: "errors", items: [{ agent_id: echo.id, agent_name: "echo-stats", value: 1 }] });
		const cost = await get("/top-agents?by=cost");
		expect(cost.body.items.find((i: any) => i.agent_id === tooling.id).value).toBe(0);
		for (const bad of ["limit=0", "limit=51", "by=money"]) expect((await get(`/top-agents?${bad}`)).status).toBe(400);

		const llmSteps = (await Promise.all(runs.map(r => stepsOf(r.id)))).flat().filter(s => s.type === "llm_call");
		const echoCalls = llmSteps.filter(s => s.model === "mock-echo");
		const models = await get("/models");
		const echoRow = models.body.items.find((i: any) => i.model === "mock-echo");
		expect(echoRow).toMatchObject({
			provider: "mock",
			calls: echoCalls.length,
			tokens_input: echoCalls.reduce((s, c) => s + c.tokens_input, 0),
			tokens_output: echoCalls.reduce((s, c) => s + c.tokens_output, 0),
			cost_usd: round6(echoCalls.reduce((s, c) => s + c.cost_usd, 0)),
			error_rate: round4(echoCalls.filter(c => c.status === "failed").length / echoCalls.length)
		});
		expect(models.body.items.find((i: any) => i.model === "mock-tools").calls).toBe(4);

		const tools = await get("/tools");
		expect(tools.body.items).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ tool_name: "echo_tool", calls: 1, errors: 0, error_rate: 0, denied: 0, approvals_requested: 0 }),
				expect.objectContaining({ tool_id: null, tool_name: "missing_tool", calls: 1, errors: 1, error_rate: 1 })
			])
		);
		expect((await get(`/tools?agent_id=${echo.id}`)).body.items).toEqual([]);
	});

	test("a run event delivered twice is counted once", async () => {
		const before = (await get("/dashboard")).body;
		const done = runs.find(r => r.status === "completed" && r.agent_id === echo.id);
		app.broker.broadcast("run.completed", { org_id: done.org_id, run: done });
		app.broker.broadcast("run.completed", { org_id: done.org_id, run: done });
		// A run of an earlier hour, first seen through two copies of its end event.
		const earlier = { ...done, id: `run_dup${Date.now()}`, created_at: new Date(Date.now() - 2 * 3_600_000).toISOString(), latency_ms: 777, cost_usd: 0.5 };
		app.broker.broadcast("run.completed", { org_id: done.org_id, run: earlier });
		app.broker.broadcast("run.completed", { org_id: done.org_id, run: earlier });
		await until(async () => (await get("/dashboard")).body.total_runs === before.total_runs + 1, 10_000, "the extra run");
		await new Promise(r => setTimeout(r, 300));
		const after = (await get("/dashboard")).body;
		expect(after).toMatchObject({ total_runs: before.total_runs + 1, completed_runs: before.completed_runs + 1, total_cost_usd: round6(before.total_cost_usd + 0.5) });
	});

	test("validation, permissions and tenant isolation", async () => {
		const bad = await get("/dashboard?start=2026-13-01&end=soon&mode=live");
		expectFieldProblems(bad, null, ["start", "end", "mode"]);
		const reversed = await get("/dashboard?start=2026-02-01T00:00:00Z&end=2026-01-01T00:00:00Z");
		expect(reversed.status).toBe(400);
		expect(reversed.body.error.details).toEqual([{ field: "start", message: "must be before end" }]);

		const viewer = bearer((await keyWithRoles(app, app.ownerKey, ["viewer"])).key);
		expect((await get("/dashboard", viewer)).status).toBe(200);
		const outsider = bearer((await keyWithRoles(app, app.ownerKey, [], { permissions: ["agents:read"] })).key);
		const denied = await get("/models", outsider);
		expect(denied.status).toBe(403);
		expect(denied.body.error.details).toEqual({ required: ["analytics:read"] });

		const other = bearer((await createOrgWithOwner(app)).ownerKey);
		expect((await get("/dashboard", other)).body).toMatchObject({ total_runs: 0, total_agents: 0, total_cost_usd: 0 });
		expect((await get(`/dashboard?agent_id=${echo.id}`, other)).body).toMatchObject({ total_runs: 0, total_agents: 0 });
		expect((await get("/top-agents", other)).body.items).toEqual([]);
		expect((await get("/models", other)).body.items).toEqual([]);
		expect((await get("/tools", other)).body.items).toEqual([]);
	});
});
