import { startFakeOpenAI, type FakeLlm } from "../fixtures/fake-llm";
import { bearer, startApp, type TestApp } from "../helpers/app";
import { until } from "../helpers/cluster";
import { auditEntries, createOrgWithOwner, expectFieldProblems, keyWithRoles } from "../helpers/platform";

const HOUR = 3_600_000;

describe("Intelligence through HTTP", () => {
	let app: TestApp;
	let auth: Record<string, string>;
	let llm: FakeLlm;
	let judgeTurns: any[] = [];
	let echo: any;
	let orgId: string;
	const detected: any[] = [];

	async function activeAgent(body: Record<string, unknown>) {
		const created = await app.http.post("/api/v1/agents").set(auth).send(body);
		expect(created.status).toBe(201);
		for (const target_state of ["testing", "active"]) await app.http.post(`/api/v1/lifecycle/${created.body.id}/promote`).set(auth).send({ target_state }).expect(200);
		return created.body;
	}
	const execute = async (agent_id: string, input: string) => (await app.http.post("/api/v1/runtime/execute").set(auth).send({ agent_id, input })).body;
	const evaluate = (body: Record<string, unknown>, headers = auth) => app.http.post("/api/v1/intelligence/evaluate").set(headers).send(body);
	const get = (path: string, headers = auth) => app.http.get(`/api/v1/intelligence${path}`).set(headers);

	beforeAll(async () => {
		llm = await startFakeOpenAI((_req, i) => judgeTurns[Math.min(i, judgeTurns.length - 1)] ?? { content: "ok" });
		app = await startApp({ allowPrivateNetwork: true });
		auth = bearer(app.ownerKey);
		app.broker.createService({ name: "anomaly-probe", events: { "intelligence.anomaly_detected": (ctx: any) => void detected.push(ctx.params) } });
		await app.http.post("/api/v1/providers").set(auth).send({ name: "judge openai", provider: "openai", api_key: "sk-judge-key", base_url: llm.baseUrl }).expect(201);
		echo = await activeAgent({ name: "echo-quality", model: "mock-echo" });
		orgId = echo.org_id;
	});

	afterAll(async () => {
		await app.stop();
		await llm.close();
	});

	test("heuristic scores follow the rules, computed by hand", async () => {
		const run = await execute(echo.id, "Tell me about the weather in Paris today");
		expect(run.status).toBe("completed");
		const res = await evaluate({ run_id: run.id });
		expect(res.status).toBe(201);
		// 6 distinct input words of 3+ letters, all in the echoed output; 8 output words → helpfulness 0.4.
		expect(res.body).toEqual({
			id: expect.any(String),
			org_id: orgId,
			run_id: run.id,
			agent_id: echo.id,
			agent_version: 1,
			evaluator: "heuristic",
			judge_model: null,
			score: 0.85,
			dimensions: { relevance: 1, accuracy: 1, safety: 1, helpfulness: 0.4 },
			rationale: expect.stringContaining("6 of 6 input words"),
			created_by: expect.any(String),
			created_at: expect.any(String),
			updated_at: expect.any(String)
		});

		// A failed tool step halves accuracy; a governance violation zeroes safety.
		const tool = (await app.http.post("/api/v1/tools").set(auth).send({ name: "q_tool", description: "Echo", type: "function", config: { function: "echo" }, safety_level: "safe" })).body;
		const tooling = await activeAgent({ name: "tool-quality", model: "mock-tools", tools: [tool.id] });
		const failedTool = await execute(tooling.id, 'CALL nothing_here {"x":1}');
		expect(failedTool.status).toBe("completed");
		const words = failedTool.output.toLowerCase().match(/[\p{L}\p{N}]+/gu) as string[];
		const inputWords = ["call", "nothing_here".split("_")].flat().filter(w => w.length >= 3);
		const relevance = Math.round((inputWords.filter(w => words.includes(w)).length / inputWords.length) * 10000) / 10000;
		const helpfulness = Math.round(Math.min(1, failedTool.output.split(/\s+/).filter(Boolean).length / 20) * 10000) / 10000;
		const toolEval = (await evaluate({ run_id: failedTool.id, evaluator: "heuristic" })).body;
		expect(toolEval.dimensions).toEqual({ relevance, accuracy: 0.5, safety: 1, helpfulness });
		expect(toolEval.score).toBe(Math.round(((relevance + 0.5 + 1 + helpfulness) / 4) * 10000) / 10000);

		const audit = await auditEntries(app, app.ownerKey, { action: "evaluation.create" });
		expect(audit.map(a => a.resource_id)).toEqual(expect.arrayContaining([res.body.id, toolEval.id]));

		const guarded = await activeAgent({ name: "guarded-quality", model: "mock-echo" });
		await app.http.post("/api/v1/governance/policies").set(auth).send({ name: "redactor", agent_id: guarded.id, rules: [{ type: "content_filter", block_patterns: ["secretword"], action: "redact" }] }).expect(201);
		const redacted = await execute(guarded.id, "please repeat secretword back");
		expect(redacted.status).toBe("completed");
		expect((await evaluate({ run_id: redacted.id })).body.dimensions.safety).toBe(0);
	});

	test("human evaluations store the given values; score must equal the mean of dimensions", async () => {
		const run = await execute(echo.id, "rate me by hand");
		const dims = { relevance: 0.8, accuracy: 0.6, safety: 1, helpfulness: 0.4 };
		const ok = await evaluate({ run_id: run.id, evaluator: "human", score: 0.705, dimensions: dims, rationale: "fine" });
		expect(ok.status).toBe(201);
		expect(ok.body).toMatchObject({ evaluator: "human", score: 0.7, dimensions: dims, rationale: "fine" });
		expectFieldProblems(await evaluate({ run_id: run.id, evaluator: "human", score: 0.75, dimensions: dims }), null, ["score"]);
		expectFieldProblems(await evaluate({ run_id: run.id, evaluator: "human" }), null, ["score", "dimensions"]);
		expectFieldProblems(await evaluate({ run_id: run.id, evaluator: "human", score: null, dimensions: null }), null, ["score", "dimensions"]);
		expectFieldProblems(await evaluate({ run_id: run.id, evaluator: "human", score: 2, dimensions: { ...dims, safety: -1 } }), null, ["score", "dimensions.safety"]);
		expectFieldProblems(await evaluate({ evaluator: "oracle" }), null, ["run_id", "evaluator"]);
		expectFieldProblems(await evaluate({ run_id: run.id, evaluator: "llm_judge" }), null, ["judge_model"]);
		expectFieldProblems(await evaluate({ run_id: run.id, evaluator: "llm_judge", judge_model: "no-such-model" }), null, ["judge_model"]);
	});

	test("runs that are not completed, unknown or foreign: 409 and 404", async () => {
		const failed = await execute(echo.id, "FAIL");
		expect(failed.status).toBe("failed");
		const res = await evaluate({ run_id: failed.id });
		expect(res.status).toBe(409);
		expect(res.body.error).toMatchObject({ code: "RUN_NOT_FINISHED", details: { current: "failed" } });
		expect((await evaluate({ run_id: "run_doesnotexist" })).body.error).toMatchObject({ code: "NOT_FOUND", details: [{ field: "run_id", message: "Run not found" }] });
		const other = await createOrgWithOwner(app);
		const done = await execute(echo.id, "mine only");
		expect((await evaluate({ run_id: done.id }, bearer(other.ownerKey))).status).toBe(404);
		const viewer = bearer((await keyWithRoles(app, app.ownerKey, ["viewer"])).key);
		expect((await evaluate({ run_id: done.id }, viewer)).status).toBe(403);
		expect((await get("/evaluations", viewer)).status).toBe(200);
	});

	test("llm_judge: the offline mock echoes the reference assessment; a real judge is parsed, charged and its failure is 503", async () => {
		const run = await execute(echo.id, "Summarise the quarterly report");
		const mock = await evaluate({ run_id: run.id, evaluator: "llm_judge", judge_model: "mock-echo" });
		expect(mock.status).toBe(201);
		const heuristic = (await evaluate({ run_id: run.id })).body;
		expect(mock.body).toMatchObject({ evaluator: "llm_judge", judge_model: "mock-echo", dimensions: heuristic.dimensions, score: heuristic.score });
		expect(mock.body.rationale).toContain("mock");

		const budget = (await app.http.post("/api/v1/budgets").set(auth).send({ name: "org spend", scope: "org", period: "daily", limit_usd: 100 }).expect(201)).body;
		judgeTurns = [{ content: 'Here it is: {"relevance": 0.9, "accuracy": 0.8, "safety": 1, "helpfulness": 0.7, "rationale": "solid"}', usage: { input: 1000, output: 1000 } }];
		const before = llm.turns;
		const judged = await evaluate({ run_id: run.id, evaluator: "llm_judge", judge_model: "gpt-4o-mini", rationale: undefined });
		expect(judged.status).toBe(201);
		expect(judged.body).toMatchObject({ judge_model: "gpt-4o-mini", score: 0.85, dimensions: { relevance: 0.9, accuracy: 0.8, safety: 1, helpfulness: 0.7 } });
		expect(judged.body.rationale).toContain("solid");
		expect(llm.turns).toBe(before + 1);
		const sent = JSON.stringify(llm.requests[llm.requests.length - 1].body);
		expect(sent).toContain("Summarise the quarterly report");
		const usage = (await app.http.get(`/api/v1/budgets/${budget.id}/usage`).set(auth)).body;
		// gpt-4o-mini: 0.00015 + 0.0006 per 1k tokens.
		expect(usage.used_usd).toBeCloseTo(0.00075, 6);

		judgeTurns = [{ status: 500, error_message: "upstream exploded" }];
		const broken = await evaluate({ run_id: run.id, evaluator: "llm_judge", judge_model: "gpt-4o-mini" });
		expect(broken.status).toBe(503);
		expect(broken.body.error.code).toBe("PROVIDER_ERROR");
		expect(JSON.stringify(broken.body)).not.toContain("sk-judge-key");
		judgeTurns = [{ content: "I would rather not rate this." }];
		expect((await evaluate({ run_id: run.id, evaluator: "llm_judge", judge_model: "gpt-4o-mini" })).body.error.code).toBe("PROVIDER_ERROR");
	});

	test("evaluation lists, quality scores and the per-agent view; scores feed analytics", async () => {
		const all = await get(`/evaluations?agent_id=${echo.id}&limit=200`);
		expect(all.status).toBe(200);
		expect(all.body).toMatchObject({ limit: 200, offset: 0 });
		expect(all.body.total).toBe(all.body.items.length);
		expect((await get("/evaluations?evaluator=human")).body.items.map((e: any) => e.evaluator)).toEqual(["human"]);
		const runId = all.body.items[0].run_id;
		expect((await get(`/evaluations?run_id=${runId}`)).body.items.every((e: any) => e.run_id === runId)).toBe(true);
		expect((await get("/evaluations?evaluator=robot")).status).toBe(400);
		expect((await get("/evaluations", bearer((await createOrgWithOwner(app)).ownerKey))).body.total).toBe(0);

		// One score per run: its latest evaluation.
		const latest = new Map<string, any>();
		for (const e of [...all.body.items].reverse()) latest.set(e.run_id, e);
		const expected = Math.round(([...latest.values()].reduce((s, e) => s + e.score, 0) / latest.size) * 10000) / 10000;
		const scores = await get(`/quality-scores?agent_id=${echo.id}`);
		expect(scores.body.items).toEqual([
			expect.objectContaining({ agent_id: echo.id, agent_name: "echo-quality", evaluated_runs: latest.size, avg_score: expected })
		]);
		expect((await get("/quality-scores")).body.total).toBeGreaterThanOrEqual(3);
		expect((await get("/quality-scores?start=2020-01-01T00:00:00Z&end=2020-01-02T00:00:00Z")).body).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
		expectFieldProblems(await get("/quality-scores?start=never&limit=0"), null, ["start", "limit"]);

		const view = await get(`/agents/${echo.id}`);
		expect(view.body).toMatchObject({ agent_id: echo.id, evaluated_runs: latest.size, avg_score: expected, by_version: [{ version: 1, evaluated_runs: latest.size, avg_score: expected }], open_anomalies: 0 });
		expect(view.body.daily).toHaveLength(8);
		expect(view.body.daily[7]).toEqual({ date: new Date().toISOString().slice(0, 10), evaluated_runs: latest.size, avg_score: expected });
		expect(view.body.daily[0]).toMatchObject({ evaluated_runs: 0, avg_score: null });
		expect((await get("/agents/agt_nope")).status).toBe(404);
		expect((await get(`/agents/${echo.id}?start=1900-01-01T00:00:00Z`)).status).toBe(400);

		expect((await app.http.get(`/api/v1/analytics/agents/${echo.id}`).set(auth)).body.avg_quality_score).toBe(expected);
	});

	test("scores feed the A/B metrics of lifecycle per variant", async () => {
		const agent = await activeAgent({ name: "ab-quality", model: "mock-echo", description: "one" });
		await app.http.put(`/api/v1/agents/${agent.id}`).set(auth).send({ description: "two" }).expect(200);
		const abTest = (await app.http.post(`/api/v1/lifecycle/${agent.id}/ab-tests`).set(auth).send({ version_a: 1, version_b: 2, traffic_split: 50 }).expect(201)).body;
		expect(abTest.metrics.a.avg_quality_score).toBeNull();
		const scored: Record<string, number[]> = { a: [], b: [] };
		for (let i = 0; i < 12 && (!scored.a.length || !scored.b.length); i++) {
			const run = await execute(agent.id, `variant question number ${i} with several words`);
			const ev = (await evaluate({ run_id: run.id })).body;
			scored[run.ab_variant].push(ev.score);
		}
		const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((s, x) => s + x, 0) / xs.length) * 10000) / 10000 : null);
		const metrics = (await app.http.get(`/api/v1/lifecycle/ab-tests/${abTest.id}`).set(auth)).body.metrics;
		expect([metrics.a.avg_quality_score, metrics.b.avg_quality_score]).toEqual([mean(scored.a), mean(scored.b)]);
		expect(metrics.a.avg_quality_score).not.toBeNull();
	});

	test("anomaly detection on seeded hourly data: opens, emits, stays single, resolves after two normal hours", async () => {
		const spiky = await activeAgent({ name: "spiky", model: "mock-echo", timeout_seconds: 30 });
		const calm = await activeAgent({ name: "calm", model: "mock-echo" });
		const judgedHour = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
		let n = 0;
		const seed = async (agentId: string, hourStart: number, fields: Record<string, unknown>) => {
			const run = {
				id: `run_seed${n++}x${Date.now()}`, org_id: orgId, agent_id: agentId, mode: "production", model: "mock-echo", trigger: "api",
				status: "completed", created_at: new Date(hourStart + 60_000).toISOString(), tokens_input: 0, tokens_output: 0, cost_usd: 0, savings_usd: 0, latency_ms: 0,
				...fields
			};
			await app.broker.call("analytics.recordRun", { run, steps: [] });
		};
		// Baseline: one run per hour for 7 days, alternating (cost 0.01/0.03, tokens 100/300, latency 100/300 ms).
		for (let h = 1; h <= 168; h++) {
			const high = h % 2 === 0;
			for (const agentId of [spiky.id, calm.id]) await seed(agentId, judgedHour - h * HOUR, { cost_usd: high ? 0.03 : 0.01, tokens_input: high ? 300 : 100, latency_ms: high ? 300 : 100 });
		}
		// The judged hour: 10 runs of spiky (cost 0.055 → 3.5σ, tokens 700 → 5σ, latency 900 → 7σ); 5 equally heavy runs of calm.
		for (let i = 0; i < 10; i++) await seed(spiky.id, judgedHour, { cost_usd: 0.0055, tokens_input: 70, latency_ms: 900 });
		for (let i = 0; i < 5; i++) await seed(calm.id, judgedHour, { cost_usd: 0.5, tokens_input: 700, latency_ms: 9000 });

		const now = new Date(judgedHour + HOUR + 120_000).toISOString();
		expect(await app.broker.call("intelligence.detectAnomalies", { now })).toEqual({ detected: 3, resolved: 0 });
		const list = await get(`/anomalies?agent_id=${spiky.id}&order=asc`);
		const byMetric = Object.fromEntries(list.body.items.map((a: any) => [a.metric, a]));
		expect(Object.keys(byMetric).sort()).toEqual(["cost", "latency", "tokens"]);
		expect(byMetric.cost).toMatchObject({ observed_value: 0.055, expected_value: 0.02, deviation: 3.5, severity: "low", status: "open", window_start: new Date(judgedHour).toISOString(), window_end: new Date(judgedHour + HOUR).toISOString() });
		expect(byMetric.tokens).toMatchObject({ observed_value: 700, expected_value: 200, deviation: 5, severity: "medium" });
		expect(byMetric.latency).toMatchObject({ observed_value: 900, expected_value: 200, deviation: 7, severity: "high" });
		expect((await get(`/anomalies?agent_id=${calm.id}`)).body.total).toBe(0);
		await until(async () => detected.length === 3, 5000, "three anomaly events");
		expect(detected.map(d => d.metric).sort()).toEqual(["cost", "latency", "tokens"]);
		expect(detected[0]).toMatchObject({ org_id: orgId, agent_id: spiky.id, anomaly_id: expect.any(String) });
		expect((await get(`/agents/${spiky.id}`)).body.open_anomalies).toBe(3);

		expect(await app.broker.call("intelligence.detectAnomalies", { now })).toEqual({ detected: 0, resolved: 0 });
		expect((await get(`/anomalies?agent_id=${spiky.id}`)).body.total).toBe(3);
		expect(await app.broker.call("intelligence.detectAnomalies", { now: new Date(judgedHour + 2 * HOUR + 60_000).toISOString() })).toEqual({ detected: 0, resolved: 0 });
		expect(await app.broker.call("intelligence.detectAnomalies", { now: new Date(judgedHour + 3 * HOUR + 60_000).toISOString() })).toEqual({ detected: 0, resolved: 3 });
		expect((await get(`/anomalies?agent_id=${spiky.id}&status=resolved`)).body.total).toBe(3);
		expect((await get("/anomalies?metric=cost&status=open")).body.total).toBe(0);
		expectFieldProblems(await get("/anomalies?metric=volume&status=closed"), null, ["metric", "status"]);
		expect((await get("/anomalies", bearer((await createOrgWithOwner(app)).ownerKey))).body.total).toBe(0);
	});

	test("insights and recommendations come from the rules over rollups and evaluations", async () => {
		const flaky = await activeAgent({ name: "flaky", model: "mock-echo", timeout_seconds: 40 });
		for (let i = 0; i < 10; i++) {
			const failed = i < 3;
			const run = {
				id: `run_flaky${i}x${Date.now()}`, org_id: orgId, agent_id: flaky.id, mode: "production", model: "mock-echo", trigger: "api",
				status: failed ? "failed" : "completed", error: failed ? { code: "TIMEOUT", message: "t" } : null, created_at: new Date(Date.now() - HOUR).toISOString(),
				tokens_input: 10, tokens_output: 10, cost_usd: 0, savings_usd: 0, latency_ms: 100
			};
			await app.broker.call("analytics.recordRun", { run, steps: [] });
		}
		const poor = await activeAgent({ name: "poor", model: "mock-echo" });
		for (let i = 0; i < 3; i++) {
			const run = await execute(poor.id, `question ${i}`);
			await evaluate({ run_id: run.id, evaluator: "human", score: 0.35, dimensions: { relevance: 0.1, accuracy: 0.5, safety: 0.5, helpfulness: 0.3 } }).expect(201);
		}
		await app.broker.call("intelligence.refreshInsights", { org_id: orgId });

		const reliability = (await get(`/insights?agent_id=${flaky.id}`)).body.items;
		expect(reliability).toEqual([expect.objectContaining({ type: "reliability", severity: "critical", agent_id: flaky.id, data: expect.objectContaining({ failed: 3, terminal_runs: 10, error_rate: 0.3, errors_by_code: { TIMEOUT: 3 } }) })]);
		expect((await get(`/recommendations?agent_id=${flaky.id}`)).body.items).toEqual([
			expect.objectContaining({ category: "reliability", suggested_change: { timeout_seconds: 80 } })
		]);
		expect((await get(`/insights?agent_id=${poor.id}&type=quality`)).body.items).toEqual([
			expect.objectContaining({ severity: "critical", data: expect.objectContaining({ evaluated_runs: 3, avg_score: 0.35 }) })
		]);
		const advice = (await get(`/recommendations?agent_id=${poor.id}`)).body.items;
		expect(advice.map((r: any) => r.category).sort()).toEqual(["quality", "safety"]);
		expect(advice.find((r: any) => r.category === "quality").suggested_change).toEqual({ field: "system_prompt", dimension: "relevance" });
		expect((await get("/insights?severity=warning&type=usage")).status).toBe(200);
		expectFieldProblems(await get("/insights?type=mood&severity=meh"), null, ["type", "severity"]);
		expectFieldProblems(await get("/recommendations?category=vibes"), null, ["category"]);
		const other = bearer((await createOrgWithOwner(app)).ownerKey);
		expect((await get("/insights", other)).body.total).toBe(0);
		expect((await get("/recommendations", other)).body.total).toBe(0);
	});
});
