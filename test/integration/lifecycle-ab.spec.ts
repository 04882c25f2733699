import type { Context } from "moleculer";
import { startApp, type TestApp } from "../helpers/app";
import { auditEntries, roleHeaders, sleep, uid } from "../helpers/platform";

const LIFECYCLE = "/api/v1/lifecycle";
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ZERO = { runs: 0, completed: 0, failed: 0, success_rate: 0, error_rate: 0, avg_latency_ms: 0, avg_cost_usd: 0, avg_tokens: 0, avg_quality_score: null };

describe("Lifecycle rollback and A/B tests (§5 rows 5, 7–10)", () => {
	let app: TestApp;
	let owner: Record<string, string>;
	let viewer: Record<string, string>;
	let operator: Record<string, string>;
	let other: Record<string, string>;
	let ownerKeyId: string;
	const events: { name: string; params: any }[] = [];

	beforeAll(async () => {
		app = await startApp();
		({ owner, viewer, operator, other, ownerKeyId } = await roleHeaders(app));
		app.broker.createService({
			name: "lifecycle-ab-spec-probe",
			events: {
				"lifecycle.rolled_back"(ctx: Context<any>) {
					events.push({ name: ctx.eventName as string, params: ctx.params });
				},
				"ab_test.*"(ctx: Context<any>) {
					events.push({ name: ctx.eventName as string, params: ctx.params });
				}
			}
		});
		await app.broker.waitForServices(["lifecycle-ab-spec-probe"]);
	});
	afterAll(() => app.stop());

	const eventsFor = (name: string, key: string, id: string) => events.filter(e => e.name === name && e.params[key] === id).map(e => e.params);

	const createAgent = async (body: Record<string, unknown> = {}) => {
		const res = await app.http.post("/api/v1/agents").set(owner).send({ name: `ab-${uid()}`, model: "mock-echo", ...body });
		expect(res.status).toBe(201);
		return res.body;
	};
	const update = async (id: string, body: Record<string, unknown>) => {
		const res = await app.http.put(`/api/v1/agents/${id}`).set(owner).send(body);
		expect(res.status).toBe(200);
		return res.body;
	};
	const promote = async (id: string, ...states: string[]) => {
		for (const target_state of states) expect((await app.http.post(`${LIFECYCLE}/${id}/promote`).set(owner).send({ target_state })).status).toBe(200);
	};
	const rollback = (id: string, body: unknown, auth = owner) => app.http.post(`${LIFECYCLE}/${id}/rollback`).set(auth).send(body as object);
	const versions = async (id: string) => (await app.http.get(`${LIFECYCLE}/${id}/versions`).set(owner)).body;
	const history = async (id: string, kind?: string) =>
		(await app.http.get(`${LIFECYCLE}/${id}/history`).query(kind ? { kind } : {}).set(owner)).body.items;
	const createTest = (agentId: string, body: unknown, auth = owner) => app.http.post(`${LIFECYCLE}/${agentId}/ab-tests`).set(auth).send(body as object);
	const getTest = (testId: string, auth = owner) => app.http.get(`${LIFECYCLE}/ab-tests/${testId}`).set(auth);
	const stop = (testId: string, body: unknown = {}, auth = owner) => app.http.post(`${LIFECYCLE}/ab-tests/${testId}/stop`).set(auth).send(body as object);
	/** A testing agent with two versions (v1 description "one", v2 description "two"). */
	const twoVersionAgent = async (state = "testing") => {
		const agent = await createAgent({ description: "one" });
		await update(agent.id, { description: "two" });
		if (state !== "draft") await promote(agent.id, ...(state === "active" ? ["testing", "active"] : state === "suspended" ? ["testing", "active", "suspended"] : [state]));
		return agent;
	};

	describe("rollback (row 5)", () => {
		it("appends a version equal to the target's config, keeps the status, writes history, emits and audits", async () => {
			const agent = await createAgent({ description: "v1", system_prompt: "first" });
			await update(agent.id, { description: "v2" });
			await update(agent.id, { system_prompt: "third", max_steps: 3 });
			await promote(agent.id, "testing");
			const res = await rollback(agent.id, { version: 1 });
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ id: agent.id, version: 4, status: "testing", description: "v1", system_prompt: "first", max_steps: 10 });
			const list = await versions(agent.id);
			expect(list.items.map((v: any) => [v.version, v.source])).toEqual([
				[4, "rollback"],
				[3, "update"],
				[2, "update"],
				[1, "create"]
			]);
			expect(list.items[0].config).toEqual(list.items[3].config);
			expect(list.items[0].changed_fields.sort()).toEqual(["description", "max_steps", "system_prompt"]);
			expect(list.items[0].created_by).toBe(ownerKeyId);
			const [entry] = await history(agent.id, "rollback");
			expect(entry).toMatchObject({ kind: "rollback", agent_id: agent.id, version: 4, actor_id: ownerKeyId, from_state: null, to_state: null, ab_test_id: null });
			expect(entry.reason).toContain("1");
			expect(eventsFor("lifecycle.rolled_back", "agent_id", agent.id)).toEqual([{ org_id: agent.org_id, agent_id: agent.id, target_version: 1, new_version: 4 }]);
			const audit = await auditEntries(app, app.ownerKey, { action: "lifecycle.rollback", resource_id: agent.id });
			expect(audit.map(e => [e.resource_type, e.outcome, e.status_code])).toEqual([["lifecycle", "success", 200]]);
			expect((await app.http.get(`/api/v1/agents/${agent.id}`).set(owner)).body).toMatchObject({ version: 4, description: "v1", status: "testing" });
		});

		it("appends a version even when the target's config equals the current one", async () => {
			const agent = await createAgent({ description: "same" });
			await update(agent.id, { description: "other" });
			await update(agent.id, { description: "same" });
			const res = await rollback(agent.id, { version: 1 });
			expect(res.status).toBe(200);
			expect(res.body.version).toBe(4);
			const list = await versions(agent.id);
			expect(list.items[0]).toMatchObject({ version: 4, source: "rollback", changed_fields: [] });
		});

		it("drops tools that no longer exist from the new version", async () => {
			const tool = async () => {
				const res = await app.http.post("/api/v1/tools").set(owner).send({ name: `t-${uid()}`, description: "x", type: "function", config: { function: "echo" } });
				expect(res.status).toBe(201);
				return res.body.id as string;
			};
			const [kept, deleted] = [await tool(), await tool()];
			const agent = await createAgent({ tools: [deleted, kept], description: "with tools" });
			await update(agent.id, { tools: [], description: "without" });
			expect((await app.http.delete(`/api/v1/tools/${deleted}`).set(owner)).status).toBe(204);
			const res = await rollback(agent.id, { version: 1 });
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ version: 3, tools: [kept], description: "with tools" });
			expect((await versions(agent.id)).items[0].config.tools).toEqual([kept]);
		});

		it("answers 400 for the current version and invalid bodies, changing nothing", async () => {
			const agent = await twoVersionAgent();
			for (const body of [{ version: 2 }, {}, { version: "1" }, { version: 1.5 }, { version: null }]) {
				const res = await rollback(agent.id, body);
				expect(res.status).toBe(400);
				expect(res.body.error.code).toBe("VALIDATION_ERROR");
			}
			expect((await versions(agent.id)).total).toBe(2);
			expect(await history(agent.id, "rollback")).toEqual([]);
		});

		it("answers 404 for unknown versions and agents, foreign agents; 403 for viewers; 409 for archived agents; operators may roll back", async () => {
			const agent = await twoVersionAgent();
			for (const version of [3, 0, -1]) {
				const res = await rollback(agent.id, { version });
				expect(res.status).toBe(404);
				expect(res.body.error.code).toBe("NOT_FOUND");
			}
			expect((await rollback("agt_missing", { version: 1 })).status).toBe(404);
			expect((await rollback(agent.id, { version: 1 }, other)).status).toBe(404);
			const denied = await rollback(agent.id, { version: 1 }, viewer);
			expect(denied.status).toBe(403);
			expect(denied.body.error.details).toEqual({ required: ["lifecycle:write"] });
			expect((await versions(agent.id)).total).toBe(2);
			expect((await rollback(agent.id, { version: 1 }, operator)).status).toBe(200);
			await promote(agent.id, "archived");
			const archived = await rollback(agent.id, { version: 2 });
			expect(archived.status).toBe(409);
			expect(archived.body.error.code).toBe("AGENT_ARCHIVED");
			expect((await versions(agent.id)).total).toBe(3);
		});
	});

	describe("create (row 7)", () => {
		it("starts a test with the defaults, shows it on the lifecycle state, writes history, emits and audits", async () => {
			const agent = await twoVersionAgent();
			const res = await createTest(agent.id, { version_b: 1 });
			expect(res.status).toBe(201);
			const test = res.body;
			expect(test).toEqual({
				id: expect.any(String),
				org_id: agent.org_id,
				agent_id: agent.id,
				name: null,
				version_a: 2,
				version_b: 1,
				traffic_split: 50,
				status: "running",
				winner: null,
				auto_rollback: { enabled: false, error_rate_threshold: 0.2, min_runs: 20 },
				metrics: { a: { version: 2, ...ZERO }, b: { version: 1, ...ZERO } },
				started_at: expect.stringMatching(ISO),
				ended_at: null,
				created_at: expect.stringMatching(ISO),
				updated_at: expect.stringMatching(ISO)
			});
			expect((await app.http.get(`${LIFECYCLE}/${agent.id}`).set(viewer)).body.active_ab_test_id).toBe(test.id);
			const [entry] = await history(agent.id, "ab_test_started");
			expect(entry).toMatchObject({ kind: "ab_test_started", ab_test_id: test.id, actor_id: ownerKeyId });
			expect(eventsFor("ab_test.started", "ab_test_id", test.id)).toEqual([
				{ org_id: agent.org_id, ab_test_id: test.id, agent_id: agent.id, version_a: 2, version_b: 1, winner: null, error_rate_b: 0 }
			]);
			const audit = await auditEntries(app, app.ownerKey, { action: "ab_test.create" });
			expect(audit.find(e => e.resource_id === test.id)).toMatchObject({ resource_type: "ab_test", outcome: "success", status_code: 201 });
		});

		it("takes explicit versions, split, name and a partial auto_rollback (the rest defaulted)", async () => {
			const agent = await twoVersionAgent("active");
			await update(agent.id, { description: "three" });
			const res = await createTest(agent.id, { version_a: 1, version_b: 2, traffic_split: 10, name: "Shorter prompt", auto_rollback: { enabled: true, min_runs: 5 } });
			expect(res.status).toBe(201);
			expect(res.body).toMatchObject({
				version_a: 1,
				version_b: 2,
				traffic_split: 10,
				name: "Shorter prompt",
				auto_rollback: { enabled: true, error_rate_threshold: 0.2, min_runs: 5 }
			});
		});

		it("answers 400 for invalid bodies and equal versions, creating nothing", async () => {
			const agent = await twoVersionAgent();
			const bad = [
				{},
				{ version_b: "1" },
				{ version_b: 0 },
				{ version_b: 2 },
				{ version_a: 1, version_b: 1 },
				{ version_b: 1, traffic_split: 0 },
				{ version_b: 1, traffic_split: 100 },
				{ version_b: 1, traffic_split: 12.5 },
				{ version_b: 1, name: "   " },
				{ version_b: 1, auto_rollback: "on" },
				{ version_b: 1, auto_rollback: { enabled: "yes" } },
				{ version_b: 1, auto_rollback: { error_rate_threshold: 0 } },
				{ version_b: 1, auto_rollback: { error_rate_threshold: 1.5 } },
				{ version_b: 1, auto_rollback: { min_runs: 0 } }
			];
			for (const body of bad) {
				const res = await createTest(agent.id, body);
				expect([JSON.stringify(body), res.status, res.body.error?.code]).toEqual([JSON.stringify(body), 400, "VALIDATION_ERROR"]);
			}
			const nested = await createTest(agent.id, { version_b: 1, auto_rollback: { min_runs: 0 } });
			expect(nested.body.error.details[0].field).toBe("auto_rollback.min_runs");
			expect((await createTest(agent.id, { version_b: 1, auto_rollback: { error_rate_threshold: 1 } })).status).toBe(201);
			expect((await app.http.get(`${LIFECYCLE}/${agent.id}/ab-tests`).set(owner)).body.total).toBe(1);
		});

		it("answers 404 for unknown versions and agents, foreign agents; 403 for viewers", async () => {
			const agent = await twoVersionAgent();
			const missingB = await createTest(agent.id, { version_b: 7 });
			expect(missingB.status).toBe(404);
			expect(missingB.body.error.details).toEqual([{ field: "version_b", message: expect.any(String) }]);
			const missingA = await createTest(agent.id, { version_a: 9, version_b: 1 });
			expect(missingA.status).toBe(404);
			expect(missingA.body.error.details[0].field).toBe("version_a");
			expect((await createTest("agt_missing", { version_b: 1 })).status).toBe(404);
			expect((await createTest(agent.id, { version_b: 1 }, other)).status).toBe(404);
			const denied = await createTest(agent.id, { version_b: 1 }, viewer);
			expect(denied.status).toBe(403);
			expect(denied.body.error.details).toEqual({ required: ["lifecycle:write"] });
			expect((await app.http.get(`${LIFECYCLE}/${agent.id}/ab-tests`).set(owner)).body.total).toBe(0);
		});

		it.each(["draft", "suspended", "archived"])("answers 409 AGENT_NOT_RUNNABLE for a %s agent", async state => {
			const agent = await twoVersionAgent(state);
			const res = await createTest(agent.id, { version_b: 1 });
			expect(res.status).toBe(409);
			expect(res.body.error.code).toBe("AGENT_NOT_RUNNABLE");
		});

		it("answers 409 AB_TEST_ALREADY_RUNNING while a test runs, and allows a new one after it stopped", async () => {
			const agent = await twoVersionAgent();
			const first = (await createTest(agent.id, { version_b: 1 })).body;
			const again = await createTest(agent.id, { version_b: 1, traffic_split: 20 });
			expect(again.status).toBe(409);
			expect(again.body.error.code).toBe("AB_TEST_ALREADY_RUNNING");
			expect((await stop(first.id)).status).toBe(200);
			expect((await createTest(agent.id, { version_b: 1 })).status).toBe(201);
		});

		it("lets one of many concurrent creations win", async () => {
			const agent = await twoVersionAgent();
			const results = await Promise.all(Array.from({ length: 5 }, () => createTest(agent.id, { version_b: 1 })));
			expect(results.map(r => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
			expect((await app.http.get(`${LIFECYCLE}/${agent.id}/ab-tests`).query({ status: "running" }).set(owner)).body.total).toBe(1);
		});
	});

	describe("list and get (rows 8, 9)", () => {
		it("lists an agent's tests newest first, filtered by status; gets one", async () => {
			const agent = await twoVersionAgent();
			const first = (await createTest(agent.id, { version_b: 1 })).body;
			await stop(first.id);
			const second = (await createTest(agent.id, { version_b: 1, name: "second" })).body;
			const all = await app.http.get(`${LIFECYCLE}/${agent.id}/ab-tests`).set(viewer);
			expect(all.status).toBe(200);
			expect(all.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
			expect(all.body.items.map((t: any) => t.id)).toEqual([second.id, first.id]);
			expect(all.body.items[0].metrics.a).toMatchObject({ version: 2, runs: 0 });
			const running = await app.http.get(`${LIFECYCLE}/${agent.id}/ab-tests`).query({ status: "running" }).set(owner);
			expect(running.body.items.map((t: any) => t.id)).toEqual([second.id]);
			const completed = await app.http.get(`${LIFECYCLE}/${agent.id}/ab-tests`).query({ status: "completed" }).set(owner);
			expect(completed.body.items.map((t: any) => t.id)).toEqual([first.id]);
			const one = await getTest(second.id, viewer);
			expect(one.status).toBe(200);
			expect(one.body).toEqual(all.body.items[0]);
		});

		it("answers 400 for an unknown status filter, 404 for unknown and foreign agents and tests", async () => {
			const agent = await twoVersionAgent();
			const test = (await createTest(agent.id, { version_b: 1 })).body;
			expect((await app.http.get(`${LIFECYCLE}/${agent.id}/ab-tests`).query({ status: "paused" }).set(owner)).status).toBe(400);
			expect((await app.http.get(`${LIFECYCLE}/${agent.id}/ab-tests`).query({ limit: 0 }).set(owner)).status).toBe(400);
			expect((await app.http.get(`${LIFECYCLE}/agt_missing/ab-tests`).set(owner)).status).toBe(404);
			expect((await app.http.get(`${LIFECYCLE}/${agent.id}/ab-tests`).set(other)).status).toBe(404);
			expect((await getTest("abt_missing")).status).toBe(404);
			const foreign = await getTest(test.id, other);
			expect(foreign.status).toBe(404);
			expect(foreign.body.error.code).toBe("NOT_FOUND");
		});
	});

	describe("stop (row 10)", () => {
		it("without a winner: completed, no config change, history, event, audit", async () => {
			const agent = await twoVersionAgent();
			const test = (await createTest(agent.id, { version_b: 1 })).body;
			const res = await stop(test.id);
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ id: test.id, status: "completed", winner: null, ended_at: expect.stringMatching(ISO) });
			expect((await app.http.get(`/api/v1/agents/${agent.id}`).set(owner)).body.version).toBe(2);
			expect((await app.http.get(`${LIFECYCLE}/${agent.id}`).set(owner)).body.active_ab_test_id).toBeNull();
			const [entry] = await history(agent.id, "ab_test_completed");
			expect(entry).toMatchObject({ ab_test_id: test.id, version: null, actor_id: ownerKeyId });
			expect(eventsFor("ab_test.completed", "ab_test_id", test.id)).toEqual([
				{ org_id: agent.org_id, ab_test_id: test.id, agent_id: agent.id, version_a: 2, version_b: 1, winner: null, error_rate_b: 0 }
			]);
			const again = await stop(test.id, { winner: "b" });
			expect(again.status).toBe(409);
			expect(again.body.error).toMatchObject({ code: "INVALID_STATE_TRANSITION", details: { current: "completed", requested: "completed" } });
			expect((await versions(agent.id)).total).toBe(2);
			const audit = await auditEntries(app, app.ownerKey, { action: "ab_test.stop", resource_id: test.id });
			expect(audit.map(e => [e.resource_type, e.outcome, e.status_code])).toEqual([
				["ab_test", "failure", 409],
				["ab_test", "success", 200]
			]);
		});

		it("winner b appends a version equal to version_b (source ab_test_winner)", async () => {
			const agent = await twoVersionAgent("active");
			const test = (await createTest(agent.id, { version_b: 1 })).body;
			const res = await stop(test.id, { winner: "b" });
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ status: "completed", winner: "b" });
			const list = await versions(agent.id);
			expect(list.items[0]).toMatchObject({ version: 3, source: "ab_test_winner", config: list.items[2].config });
			expect((await app.http.get(`/api/v1/agents/${agent.id}`).set(owner)).body).toMatchObject({ version: 3, description: "one", status: "active" });
			const [entry] = await history(agent.id, "ab_test_completed");
			expect(entry).toMatchObject({ ab_test_id: test.id, version: 3 });
			expect(eventsFor("ab_test.completed", "ab_test_id", test.id)[0].winner).toBe("b");
		});

		it("winner a changes no configuration", async () => {
			const agent = await twoVersionAgent();
			const test = (await createTest(agent.id, { version_b: 1 })).body;
			const res = await stop(test.id, { winner: "a" });
			expect(res.status).toBe(200);
			expect(res.body.winner).toBe("a");
			expect((await versions(agent.id)).total).toBe(2);
		});

		it("answers 400 for an unknown winner, 404 for unknown and foreign tests, 403 for viewers, changing nothing", async () => {
			const agent = await twoVersionAgent();
			const test = (await createTest(agent.id, { version_b: 1 })).body;
			expect((await stop(test.id, { winner: "c" })).status).toBe(400);
			expect((await stop(test.id, { winner: 1 })).status).toBe(400);
			expect((await stop("abt_missing")).status).toBe(404);
			expect((await stop(test.id, {}, other)).status).toBe(404);
			const denied = await stop(test.id, {}, viewer);
			expect(denied.status).toBe(403);
			expect(denied.body.error.details).toEqual({ required: ["lifecycle:write"] });
			expect((await getTest(test.id)).body.status).toBe("running");
			expect((await stop(test.id, {}, operator)).status).toBe(200);
		});
	});

	describe("agent lifecycle effects", () => {
		it("archival ends a running test (completed, no winner)", async () => {
			const agent = await twoVersionAgent("active");
			const test = (await createTest(agent.id, { version_b: 1 })).body;
			await promote(agent.id, "archived");
			expect((await getTest(test.id)).body).toMatchObject({ status: "completed", winner: null, ended_at: expect.stringMatching(ISO) });
			const [entry] = await history(agent.id, "ab_test_completed");
			expect(entry).toMatchObject({ ab_test_id: test.id, version: null });
			expect(entry.reason).toMatch(/archived/);
			expect(eventsFor("ab_test.completed", "ab_test_id", test.id)).toHaveLength(1);
			expect((await app.http.get(`${LIFECYCLE}/${agent.id}`).set(owner)).body.active_ab_test_id).toBeNull();
		});

		it("deleting the agent deletes its tests", async () => {
			const agent = await twoVersionAgent();
			const test = (await createTest(agent.id, { version_b: 1 })).body;
			expect((await app.http.delete(`/api/v1/agents/${agent.id}`).set(owner)).status).toBe(204);
			expect((await getTest(test.id)).status).toBe(404);
		});
	});

	describe("routing and metrics through runs", () => {
		const run = (agentId: string, extra: Record<string, unknown> = {}) =>
			app.http.post("/api/v1/runtime/runs").set(owner).send({ agent_id: agentId, input: "hello", ...extra });

		it("routes about traffic_split percent of runs to B, recording the variant and its version; metrics count them", async () => {
			const agent = await createAgent({ system_prompt: "a" });
			await update(agent.id, { system_prompt: "b" });
			await promote(agent.id, "testing");
			const test = (await createTest(agent.id, { version_a: 1, version_b: 2 })).body;
			const runs: any[] = [];
			for (let i = 0; i < 100; i++) {
				const res = await run(agent.id);
				expect(res.status).toBe(202);
				runs.push(res.body);
			}
			const b = runs.filter(r => r.ab_variant === "b");
			const a = runs.filter(r => r.ab_variant === "a");
			expect(a.length + b.length).toBe(100);
			// 50/50 over 100 runs: outside 25..75 has a probability below 1e-6.
			expect(b.length).toBeGreaterThanOrEqual(25);
			expect(b.length).toBeLessThanOrEqual(75);
			expect(runs.every(r => r.ab_test_id === test.id && r.agent_version === (r.ab_variant === "a" ? 1 : 2))).toBe(true);
			const pinned = await run(agent.id, { agent_version: 1 });
			expect(pinned.body).toMatchObject({ agent_version: 1, ab_test_id: null, ab_variant: null });
			const metrics = (await getTest(test.id)).body.metrics;
			expect([metrics.a.runs, metrics.b.runs]).toEqual([a.length, b.length]);
			expect([metrics.a.version, metrics.b.version]).toEqual([1, 2]);
			await stop(test.id);
			expect((await run(agent.id)).body).toMatchObject({ ab_test_id: null, ab_variant: null, agent_version: 2 });
		});

		it("keeps a session on the variant of its first routed run", async () => {
			const agent = await twoVersionAgent();
			const test = (await createTest(agent.id, { version_b: 1 })).body;
			for (const session of ["s-1", "s-2", "s-3"]) {
				const variants = new Set<string>();
				for (let i = 0; i < 12; i++) variants.add((await run(agent.id, { session_id: session })).body.ab_variant);
				expect(variants.size).toBe(1);
			}
			const unsessioned = new Set<string>();
			for (let i = 0; i < 40 && unsessioned.size < 2; i++) unsessioned.add((await run(agent.id)).body.ab_variant);
			expect([...unsessioned].sort()).toEqual(["a", "b"]);
			await stop(test.id);
		});

		/** v1 mock-echo, v2 a model without a provider (its runs fail), v3 = rollback to v1 (current). */
		const failingCandidateAgent = async () => {
			const agent = await createAgent({ model: "mock-echo" });
			await update(agent.id, { model: "gpt-4o" });
			expect((await rollback(agent.id, { version: 1 })).body).toMatchObject({ version: 3, model: "mock-echo" });
			await promote(agent.id, "testing");
			return agent;
		};
		const waitForStatus = async (testId: string, status: string) => {
			for (let i = 0; i < 50; i++) {
				const body = (await getTest(testId)).body;
				if (body.status === status) return body;
				await sleep(20);
			}
			return (await getTest(testId)).body;
		};

		it("rolls a test back automatically when the candidate fails more than the threshold, and the history shows it", async () => {
			const agent = await failingCandidateAgent();
			const test = (await createTest(agent.id, { version_b: 2, traffic_split: 50, auto_rollback: { enabled: true, error_rate_threshold: 0.5, min_runs: 4 } })).body;
			expect(test.version_a).toBe(3);
			const seen = { a: 0, b: 0 };
			for (let i = 0; i < 60; i++) {
				const res = await run(agent.id, { wait: true });
				expect(res.status).toBe(200);
				if (!res.body.ab_variant) break;
				seen[res.body.ab_variant as "a" | "b"]++;
				expect(res.body.status).toBe(res.body.ab_variant === "a" ? "completed" : "failed");
				if (res.body.ab_variant === "b") expect(res.body.error.code).toBe("PROVIDER_NOT_CONFIGURED");
				if (seen.b >= 4) break;
			}
			expect(seen.b).toBe(4);
			const ended = await waitForStatus(test.id, "rolled_back");
			expect(ended).toMatchObject({ status: "rolled_back", winner: "a", ended_at: expect.stringMatching(ISO) });
			expect(ended.metrics.b).toMatchObject({ version: 2, runs: 4, completed: 0, failed: 4, error_rate: 1, success_rate: 0 });
			expect(ended.metrics.a).toMatchObject({ version: 3, failed: 0, completed: seen.a, error_rate: 0, success_rate: seen.a ? 1 : 0 });
			const entries = await history(agent.id, "ab_test_rolled_back");
			expect(entries).toHaveLength(1);
			expect(entries[0]).toMatchObject({ kind: "ab_test_rolled_back", ab_test_id: test.id, actor_id: null });
			expect(entries[0].reason).toContain("1");
			expect(entries[0].reason).toContain("0.5");
			expect(eventsFor("ab_test.rolled_back", "ab_test_id", test.id)).toEqual([
				{ org_id: agent.org_id, ab_test_id: test.id, agent_id: agent.id, version_a: 3, version_b: 2, winner: "a", error_rate_b: 1 }
			]);
			expect((await app.http.get(`${LIFECYCLE}/${agent.id}`).set(owner)).body.active_ab_test_id).toBeNull();
			// Later runs use the agent's current version.
			const later = await run(agent.id, { wait: true });
			expect(later.body).toMatchObject({ status: "completed", agent_version: 3, ab_test_id: null, ab_variant: null });
			const stopped = await stop(test.id);
			expect(stopped.status).toBe(409);
			expect(stopped.body.error.details).toEqual({ current: "rolled_back", requested: "completed" });
		});

		it("does not roll back below min_runs or when auto_rollback is disabled", async () => {
			const agent = await failingCandidateAgent();
			const test = (await createTest(agent.id, { version_b: 2, traffic_split: 99, auto_rollback: { enabled: false, error_rate_threshold: 0.1, min_runs: 1 } })).body;
			for (let i = 0; i < 4; i++) await run(agent.id, { wait: true });
			await sleep(50);
			const body = (await getTest(test.id)).body;
			expect(body.status).toBe("running");
			expect(body.metrics.b.failed).toBeGreaterThan(0);
			await stop(test.id);
			const guarded = (await createTest(agent.id, { version_b: 2, traffic_split: 99, auto_rollback: { enabled: true, error_rate_threshold: 0.1, min_runs: 50 } })).body;
			for (let i = 0; i < 4; i++) await run(agent.id, { wait: true });
			await sleep(50);
			expect((await getTest(guarded.id)).body.status).toBe("running");
			expect(await history(agent.id, "ab_test_rolled_back")).toEqual([]);
		});
	});
});
