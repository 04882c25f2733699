import http from "node:http";
import { bearer, startApp, storeOf, type TestApp } from "../helpers/app";
import { auditEntries, expectFieldProblems, keyWithRoles, roleHeaders, sleep, uid } from "../helpers/platform";
import { until } from "../helpers/cluster";

type Headers = Record<string, string>;
type SseEvent = { id: number; event: string; data: any };

/** Reads an SSE stream until the server closes it. */
function readSse(url: string, token: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; events: SseEvent[]; raw: string }> {
	return new Promise((resolve, reject) => {
		http.get(url, { headers: { Authorization: `Bearer ${token}` } }, res => {
			let raw = "";
			res.setEncoding("utf8");
			res.on("data", chunk => (raw += chunk));
			res.on("end", () => {
				const events = raw
					.split("\n\n")
					.filter(block => block.startsWith("id:"))
					.map(block => {
						const lines = Object.fromEntries(block.split("\n").map(l => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]));
						return { id: Number(lines.id), event: lines.event, data: JSON.parse(lines.data) };
					});
				resolve({ status: res.statusCode as number, headers: res.headers, events, raw });
			});
		}).on("error", reject);
	});
}

describe("Workflows through HTTP", () => {
	let app: TestApp;
	let owner: Headers;
	let viewer: Headers;
	let operator: Headers;
	let developer: Headers;
	let other: Headers;
	let otherAgent: string;
	let echo: string;
	let echo2: string;
	let draft: string;
	const platformEvents: { name: string; params: any }[] = [];

	const api = (method: "get" | "post" | "put" | "delete", path: string, auth: Headers, body?: unknown) => {
		const req = app.http[method](`/api/v1${path}`).set(auth);
		return body === undefined ? req : req.send(body as object);
	};

	async function agent(name: string, auth: Headers = owner, states = ["testing", "active"]): Promise<string> {
		const created = await api("post", "/agents", auth, { name: `${name}-${uid(3)}`, model: "mock-echo" });
		expect(created.status).toBe(201);
		for (const target_state of states) expect((await api("post", `/lifecycle/${created.body.id}/promote`, auth, { target_state })).status).toBe(200);
		return created.body.id;
	}

	async function workflow(steps: unknown[], extra: Record<string, unknown> = {}) {
		const res = await api("post", "/workflows", owner, { name: `wf-${uid()}`, steps, ...extra });
		if (res.status !== 201) throw new Error(`create answered ${res.status} ${res.text}`);
		return res.body;
	}

	const execution = async (id: string) => (await api("get", `/workflows/executions/${id}`, owner)).body;
	const terminal = (id: string) => until(async () => {
		const e = await execution(id);
		return ["completed", "failed", "cancelled"].includes(e.status) ? e : null;
	}, 30_000, `execution ${id} to end`);
	const stateOf = (e: any, stepId: string) => e.step_states.find((s: any) => s.step_id === stepId);
	const run = async (id: string) => (await api("get", `/runtime/runs/${id}`, owner)).body;

	const diamond = (a = "{{input}}", sleepMs = 0) => {
		const pause = sleepMs ? `SLEEP ${sleepMs}\n` : "";
		return [
			{ id: "a", agent_id: echo, input_template: a },
			{ id: "b", agent_id: echo, depends_on: ["a"], input_template: `${pause}B got {{steps.a.output}}` },
			{ id: "c", agent_id: echo2, depends_on: ["a"], input_template: `${pause}C got {{ steps.a.output }}` },
			{ id: "d", agent_id: echo, depends_on: ["b", "c"], input_template: "D: {{steps.b.output}} + {{steps.c.output}}" }
		];
	};

	beforeAll(async () => {
		app = await startApp();
		const roles = await roleHeaders(app);
		({ owner, viewer, operator, other } = roles);
		developer = bearer((await keyWithRoles(app, app.ownerKey, ["developer"])).key);
		app.broker.createService({
			name: "workflow-event-probe",
			events: {
				"workflow.*"(ctx: any) {
					platformEvents.push({ name: ctx.eventName, params: ctx.params });
				}
			}
		});
		[echo, echo2, draft] = await Promise.all([agent("echo"), agent("echo-two"), agent("draft", owner, [])]);
		otherAgent = await agent("foreign", other);
	}, 60_000);

	afterAll(() => app.stop());

	describe("definitions", () => {
		test("create fills the defaults and answers 201 with the workflow", async () => {
			const res = await api("post", "/workflows", developer, { name: `defaults-${uid()}`, steps: [{ id: "only", agent_id: echo }] });
			expect(res.status).toBe(201);
			expect(res.body).toMatchObject({
				description: "",
				version: 1,
				steps: [{ id: "only", agent_id: echo, input_template: "{{input}}", depends_on: [], on_failure: "fail", timeout_seconds: null }]
			});
			expect(res.body.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
			expect(res.body.org_id).toBeTruthy();
			expect(res.body.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
			expect(Object.keys(res.body).sort()).toEqual(["created_at", "description", "id", "name", "org_id", "steps", "updated_at", "version"]);
			expect((await api("get", `/workflows/${res.body.id}`, viewer)).body).toEqual(res.body);
		});

		test("field problems answer 400 VALIDATION_ERROR naming every field, and create nothing", async () => {
			const before = (await api("get", "/workflows", owner)).body.total;
			const body = {
				name: "Not A Slug",
				description: 5,
				steps: [
					{ id: "Bad Id", agent_id: echo },
					{ id: "ok", on_failure: "retry", timeout_seconds: 0, depends_on: "a" },
					{ id: "x", agent_id: echo, input_template: 7 }
				]
			};
			const res = await api("post", "/workflows", owner, body);
			expectFieldProblems(res, body, ["name", "description", "steps[0].id", "steps[1].agent_id", "steps[1].on_failure", "steps[1].timeout_seconds", "steps[1].depends_on", "steps[2].input_template"]);
			for (const steps of [[], Array.from({ length: 51 }, (_, i) => ({ id: `s${i}`, agent_id: echo })), "steps"]) {
				expectFieldProblems(await api("post", "/workflows", owner, { name: `n-${uid()}`, steps }), steps, ["steps"]);
			}
			expectFieldProblems(await api("post", "/workflows", owner, {}), {}, ["name", "steps"]);
			expect((await api("get", "/workflows", owner)).body.total).toBe(before);
		});

		test.each([
			["duplicate step ids", [{ id: "a", agent_id: "$E" }, { id: "a", agent_id: "$E" }], [["steps[1].id", /duplicate step id "a"/]]],
			["a dependency on an unknown step", [{ id: "a", agent_id: "$E", depends_on: ["ghost"] }], [["steps[0].depends_on", /unknown step "ghost"/]]],
			["a dependency on itself", [{ id: "a", agent_id: "$E", depends_on: ["a"] }], [["steps[0].depends_on", /depends on itself/]]],
			[
				"a cycle, named",
				[{ id: "a", agent_id: "$E", depends_on: ["b"] }, { id: "b", agent_id: "$E", depends_on: ["a"] }],
				[["steps[0].depends_on", /cycle: a -> b -> a/]]
			],
			[
				"a three-step cycle and the step stuck behind it",
				[
					{ id: "root", agent_id: "$E" },
					{ id: "x", agent_id: "$E", depends_on: ["z", "root"] },
					{ id: "y", agent_id: "$E", depends_on: ["x"] },
					{ id: "z", agent_id: "$E", depends_on: ["y"] },
					{ id: "after", agent_id: "$E", depends_on: ["z"] }
				],
				[["steps[1].depends_on", /cycle: x -> y -> z -> x/], ["steps[4].depends_on", /"after" is unreachable/]]
			],
			[
				"a placeholder naming a step that is not a dependency",
				[{ id: "a", agent_id: "$E" }, { id: "b", agent_id: "$E", input_template: "{{steps.a.output}} {{steps.nobody.output}}" }],
				[["steps[1].input_template", /steps\.a\.output.*does not depend on "a"/], ["steps[1].input_template", /no step has the id "nobody"/]]
			]
		])("%s → 400 WORKFLOW_INVALID with every problem in details", async (_name, rawSteps, expected) => {
			const steps = (rawSteps as any[]).map(s => ({ ...s, agent_id: echo }));
			const res = await api("post", "/workflows", owner, { name: `bad-${uid()}`, steps });
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe("WORKFLOW_INVALID");
			const details = res.body.error.details as { field: string; message: string }[];
			expect(details).toHaveLength((expected as any[]).length);
			(expected as [string, RegExp][]).forEach(([field, message], i) => {
				expect(details[i].field).toBe(field);
				expect(details[i].message).toMatch(message);
			});
			const validated = await api("post", "/workflows/validate", viewer, { steps });
			expect(validated.status).toBe(200);
			expect(validated.body).toEqual({ valid: false, errors: details, levels: [] });
		});

		test("unknown agents and other orgs' agents → 404 naming steps[i].agent_id; validate reports them as errors", async () => {
			const steps = [{ id: "a", agent_id: echo }, { id: "b", agent_id: "agt_nonexistent" }, { id: "c", agent_id: otherAgent }];
			const res = await api("post", "/workflows", owner, { name: `missing-${uid()}`, steps });
			expect(res.status).toBe(404);
			expect(res.body.error.code).toBe("NOT_FOUND");
			expect(res.body.error.details.map((d: any) => d.field)).toEqual(["steps[1].agent_id", "steps[2].agent_id"]);
			const validated = await api("post", "/workflows/validate", owner, { steps });
			expect(validated.status).toBe(200);
			expect(validated.body.valid).toBe(false);
			expect(validated.body.errors.map((d: any) => d.field)).toEqual(["steps[1].agent_id", "steps[2].agent_id"]);
		});

		test("validate answers the parallel layers of a valid graph, field problems of a malformed one, 400 without an array", async () => {
			const ok = await api("post", "/workflows/validate", viewer, { steps: diamond() });
			expect(ok.status).toBe(200);
			expect(ok.body).toEqual({ valid: true, errors: [], levels: [["a"], ["b", "c"], ["d"]] });
			const malformed = await api("post", "/workflows/validate", viewer, { steps: [{ id: "A!" }, { id: "b", agent_id: echo, depends_on: ["A!"] }] });
			expect(malformed.body.valid).toBe(false);
			expect(malformed.body.errors.map((e: any) => e.field)).toEqual(expect.arrayContaining(["steps[0].id", "steps[0].agent_id"]));
			expect(malformed.body.levels).toEqual([]);
			expectFieldProblems(await api("post", "/workflows/validate", viewer, { steps: { a: 1 } }), { a: 1 }, ["steps"]);
			expectFieldProblems(await api("post", "/workflows/validate", viewer, {}), {}, ["steps"]);
		});

		test("names are unique per org: 409 ALREADY_EXISTS in the same org, fine in another", async () => {
			const name = `unique-${uid()}`;
			await api("post", "/workflows", owner, { name, steps: [{ id: "a", agent_id: echo }] }).expect(201);
			const dup = await api("post", "/workflows", owner, { name, steps: [{ id: "a", agent_id: echo }] });
			expect(dup.status).toBe(409);
			expect(dup.body.error).toMatchObject({ code: "ALREADY_EXISTS", details: { field: "name" } });
			await api("post", "/workflows", other, { name, steps: [{ id: "a", agent_id: otherAgent }] }).expect(201);
		});

		test("list: envelope, search, agent_id, order and paging checks", async () => {
			const tag = uid();
			const first = await workflow([{ id: "a", agent_id: echo }], { name: `list-${tag}-one`, description: "First of the list" });
			const second = await workflow([{ id: "a", agent_id: echo2 }], { name: `list-${tag}-two`, description: "needle in here" });
			const bySearch = await api("get", `/workflows?search=${tag}`, viewer);
			expect(bySearch.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
			expect(bySearch.body.items.map((w: any) => w.id)).toEqual([second.id, first.id]);
			expect((await api("get", `/workflows?search=${tag}&order=asc`, viewer)).body.items.map((w: any) => w.id)).toEqual([first.id, second.id]);
			expect((await api("get", "/workflows?search=NEEDLE", viewer)).body.items.map((w: any) => w.id)).toContain(second.id);
			const byAgent = (await api("get", `/workflows?agent_id=${echo2}&limit=200`, viewer)).body.items.map((w: any) => w.id);
			expect(byAgent).toContain(second.id);
			expect(byAgent).not.toContain(first.id);
			expect((await api("get", `/workflows?agent_id=${otherAgent}`, owner)).body.total).toBe(0);
			const paged = await api("get", `/workflows?search=${tag}&limit=1&offset=1`, viewer);
			expect(paged.body).toMatchObject({ total: 2, limit: 1, offset: 1, items: [{ id: first.id }] });
			for (const q of ["limit=0", "limit=201", "offset=-1", "limit=abc", "order=up"]) expect((await api("get", `/workflows?${q}`, viewer)).status).toBe(400);
		});

		test("PUT is a partial update; version grows only when the steps change", async () => {
			const wf = await workflow([{ id: "a", agent_id: echo }]);
			const described = await api("put", `/workflows/${wf.id}`, owner, { description: "now described" });
			expect(described.status).toBe(200);
			expect(described.body).toMatchObject({ name: wf.name, description: "now described", version: 1 });
			expect((await api("put", `/workflows/${wf.id}`, owner, {})).body).toMatchObject({ version: 1, description: "now described" });
			const same = await api("put", `/workflows/${wf.id}`, owner, { steps: [{ id: "a", agent_id: echo, input_template: "{{input}}" }] });
			expect(same.body.version).toBe(1);
			const changed = await api("put", `/workflows/${wf.id}`, owner, { steps: [{ id: "a", agent_id: echo }, { id: "b", agent_id: echo2, depends_on: ["a"] }] });
			expect(changed.status).toBe(200);
			expect(changed.body.version).toBe(2);
			expect(changed.body.steps.map((s: any) => s.id)).toEqual(["a", "b"]);
			expect((await api("get", `/workflows?agent_id=${echo2}&limit=200`, owner)).body.items.map((w: any) => w.id)).toContain(wf.id);

			const invalid = await api("put", `/workflows/${wf.id}`, owner, { steps: [{ id: "a", agent_id: echo, depends_on: ["a"] }] });
			expect(invalid.body.error.code).toBe("WORKFLOW_INVALID");
			expectFieldProblems(await api("put", `/workflows/${wf.id}`, owner, { name: null, description: null }), { name: null }, ["name", "description"]);
			const taken = await workflow([{ id: "a", agent_id: echo }]);
			expect((await api("put", `/workflows/${wf.id}`, owner, { name: taken.name })).status).toBe(409);
			expect((await api("put", `/workflows/${wf.id}`, owner, { steps: [{ id: "a", agent_id: "agt_missing" }] })).status).toBe(404);
			expect((await api("get", `/workflows/${wf.id}`, owner)).body).toMatchObject({ name: wf.name, version: 2, description: "now described" });
		});

		test("another org's ids and malformed ids answer 404 on every id route", async () => {
			const wf = await workflow([{ id: "a", agent_id: echo }]);
			const exe = (await api("post", `/workflows/${wf.id}/execute`, owner, { input: "hi", wait: true })).body;
			const routes: ["get" | "post" | "put" | "delete", string][] = [
				["get", `/workflows/${wf.id}`],
				["put", `/workflows/${wf.id}`],
				["delete", `/workflows/${wf.id}`],
				["post", `/workflows/${wf.id}/execute`],
				["get", `/workflows/${wf.id}/executions`],
				["get", `/workflows/executions/${exe.id}`],
				["post", `/workflows/executions/${exe.id}/cancel`],
				["get", `/workflows/executions/${exe.id}/stream`]
			];
			for (const [method, path] of routes) {
				const res = await api(method, path, other, method === "get" || method === "delete" ? undefined : {});
				expect({ path, status: res.status, code: res.body.error?.code }).toEqual({ path, status: 404, code: "NOT_FOUND" });
			}
			expect((await api("get", "/workflows/no*such*id", owner)).status).toBe(404);
			expect((await api("get", `/workflows/${wf.id}`, owner)).status).toBe(200);
		});

		test("permissions: viewers read, developers write, operators execute but do not write", async () => {
			const body = { name: `perm-${uid()}`, steps: [{ id: "a", agent_id: echo }] };
			const denied = await api("post", "/workflows", viewer, body);
			expect(denied.status).toBe(403);
			expect(denied.body.error.details).toEqual({ required: ["workflows:write"] });
			expect((await api("post", "/workflows", operator, body)).status).toBe(403);
			const wf = (await api("post", "/workflows", developer, body).expect(201)).body;
			const viewerRun = await api("post", `/workflows/${wf.id}/execute`, viewer, {});
			expect(viewerRun.body.error.details).toEqual({ required: ["runtime:execute"] });
			const exe = await api("post", `/workflows/${wf.id}/execute`, operator, { input: "by operator", wait: true });
			expect(exe.status).toBe(200);
			expect((await api("post", `/workflows/executions/${exe.body.id}/cancel`, viewer, {})).status).toBe(403);
			expect((await api("get", `/workflows/executions/${exe.body.id}`, viewer)).status).toBe(200);
			expect((await api("put", `/workflows/${wf.id}`, operator, { description: "x" })).status).toBe(403);
			expect((await api("delete", `/workflows/${wf.id}`, viewer)).status).toBe(403);
		});
	});

	describe("executions", () => {
		test("a diamond runs its middle steps in parallel and passes outputs through the templates", async () => {
			const wf = await workflow(diamond("{{input}}", 1200));
			const res = await api("post", `/workflows/${wf.id}/execute`, owner, { input: "hello", wait: true, timeout_seconds: 60 });
			expect(res.status).toBe(200);
			const exe = res.body;
			expect(exe).toMatchObject({ workflow_id: wf.id, workflow_version: 1, status: "completed", input: "hello", trigger: "api", error: null });
			expect(exe.output).toEqual({ d: "D: B got hello + C got hello" });
			expect(exe.step_states.map((s: any) => [s.step_id, s.status])).toEqual([["a", "completed"], ["b", "completed"], ["c", "completed"], ["d", "completed"]]);
			expect(stateOf(exe, "b").output).toBe("B got hello");
			const runs = await Promise.all(exe.step_states.map((s: any) => run(s.run_id)));
			for (const r of runs) expect(r).toMatchObject({ trigger: "workflow", trigger_ref: exe.id, status: "completed", created_by: null });
			expect(runs.map(r => r.agent_id)).toEqual([echo, echo, echo2, echo]);
			// b and c overlap in time; d starts after both ended.
			const [, b, c, d] = runs;
			expect(Date.parse(b.started_at)).toBeLessThan(Date.parse(c.completed_at));
			expect(Date.parse(c.started_at)).toBeLessThan(Date.parse(b.completed_at));
			expect(Date.parse(d.started_at)).toBeGreaterThanOrEqual(Math.max(Date.parse(b.completed_at), Date.parse(c.completed_at)));
			expect(exe.tokens_input).toBe(runs.reduce((sum, r) => sum + r.tokens_input, 0));
			expect(exe.tokens_output).toBe(runs.reduce((sum, r) => sum + r.tokens_output, 0));
			expect(exe.tokens_input).toBeGreaterThan(0);
			expect(exe.started_at && exe.completed_at).toBeTruthy();
			const names = platformEvents.filter(e => e.params.execution_id === exe.id).map(e => e.name);
			expect(names).toEqual(["workflow.started", "workflow.completed"]);
			expect(platformEvents.find(e => e.name === "workflow.completed" && e.params.execution_id === exe.id)!.params).toMatchObject({
				org_id: exe.org_id, workflow_id: wf.id, status: "completed", error: null
			});
		});

		test("at most 10 steps of one execution run at once", async () => {
			const wide = await workflow(Array.from({ length: 12 }, (_, i) => ({ id: `w${i}`, agent_id: i % 2 ? echo : echo2, input_template: `SLEEP 1000\nw${i}` })));
			const exe = (await api("post", `/workflows/${wide.id}/execute`, owner, { input: "x", wait: true })).body;
			expect(exe.status).toBe("completed");
			expect(Object.keys(exe.output)).toHaveLength(12);
			const spans = exe.step_states.map((s: any) => [Date.parse(s.started_at), Date.parse(s.completed_at)]);
			const overlapAt = (t: number) => spans.filter(([from, to]: number[]) => from <= t && t < to).length;
			const peak = Math.max(...spans.map(([from]: number[]) => overlapAt(from)));
			expect(peak).toBe(10);
		});

		test("execute without wait answers 202 with the queued execution as persisted", async () => {
			const wf = await workflow([{ id: "only", agent_id: echo, input_template: "SLEEP 300\n{{input}}!" }]);
			const res = await api("post", `/workflows/${wf.id}/execute`, owner, { input: "async" });
			expect(res.status).toBe(202);
			expect(res.body).toMatchObject({ status: "queued", output: null, started_at: null, tokens_input: 0, cost_usd: 0 });
			expect(res.body.step_states).toEqual([{ step_id: "only", status: "pending", run_id: null, output: null, error: null, started_at: null, completed_at: null }]);
			expect((await api("get", `/workflows/executions/${res.body.id}`, owner)).status).toBe(200);
			const done = await terminal(res.body.id);
			expect(done.output).toEqual({ only: "async!" });
			const slow = await workflow([{ id: "only", agent_id: echo }]);
			const waited = await api("post", `/workflows/${slow.id}/execute`, owner, { input: "SLEEP 3000", wait: true, timeout_seconds: 1 });
			expect(waited.status).toBe(202);
			expect(["queued", "running"]).toContain(waited.body.status);
		});

		test("execute: bad fields → 400 naming each; the default input is the empty string", async () => {
			const wf = await workflow([{ id: "only", agent_id: echo, input_template: "fixed text [{{input}}]" }]);
			const body = { input: 5, wait: "yes", timeout_seconds: 301 };
			expectFieldProblems(await api("post", `/workflows/${wf.id}/execute`, owner, body), body, ["input", "wait", "timeout_seconds"]);
			expectFieldProblems(await api("post", `/workflows/${wf.id}/execute`, owner, { input: "x".repeat(100_001) }), {}, ["input"]);
			expect((await api("get", `/workflows/${wf.id}/executions`, owner)).body.total).toBe(0);
			const res = await api("post", `/workflows/${wf.id}/execute`, owner, { wait: true });
			expect(res.body).toMatchObject({ status: "completed", input: "", output: { only: "fixed text []" } });
			expect((await api("post", "/workflows/wf_unknown/execute", owner, {})).status).toBe(404);
		});

		test("Idempotency-Key: a repeat answers the original execution; another body → 409", async () => {
			const wf = await workflow([{ id: "only", agent_id: echo }]);
			const key = `idem-${uid()}`;
			const first = await api("post", `/workflows/${wf.id}/execute`, owner, { input: "once" }).set("Idempotency-Key", key);
			expect(first.status).toBe(202);
			const again = await api("post", `/workflows/${wf.id}/execute`, owner, { input: "once" }).set("Idempotency-Key", key);
			expect(again.status).toBe(202);
			expect(again.headers["idempotent-replayed"]).toBe("true");
			expect(again.body).toEqual(first.body);
			const reused = await api("post", `/workflows/${wf.id}/execute`, owner, { input: "twice" }).set("Idempotency-Key", key);
			expect(reused.status).toBe(409);
			expect(reused.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
			const tooLong = await api("post", `/workflows/${wf.id}/execute`, owner, { input: "once" }).set("Idempotency-Key", "k".repeat(256));
			expect(tooLong.status).toBe(400);
			expect(tooLong.body.error.details).toEqual([{ field: "Idempotency-Key", message: "must be 1–255 printable ASCII characters" }]);
			await terminal(first.body.id);
			expect((await api("get", `/workflows/${wf.id}/executions`, owner)).body.total).toBe(1);
		});

		test("a failing step fails the execution: the parallel step's run is cancelled, the rest skipped", async () => {
			const wf = await workflow([
				{ id: "boom", agent_id: echo, input_template: "FAIL" },
				{ id: "slow", agent_id: echo2, input_template: "SLEEP 20000\nslow" },
				{ id: "after", agent_id: echo, depends_on: ["boom", "slow"] }
			]);
			const exe = (await api("post", `/workflows/${wf.id}/execute`, owner, { input: "x", wait: true })).body;
			expect(exe.status).toBe("failed");
			expect(exe.error).toMatchObject({ code: "PROVIDER_ERROR", step_id: "boom" });
			expect(exe.output).toBeNull();
			expect(exe.step_states.map((s: any) => [s.step_id, s.status])).toEqual([["boom", "failed"], ["slow", "cancelled"], ["after", "skipped"]]);
			expect(stateOf(exe, "boom").error.code).toBe("PROVIDER_ERROR");
			const slowRun = await until(async () => {
				const r = await run(stateOf(exe, "slow").run_id);
				return r.status === "cancelled" ? r : null;
			}, 10_000, "the slow step's run to be cancelled");
			expect(slowRun.error.code).toBe("CANCELLED");
			expect(platformEvents.filter(e => e.params.execution_id === exe.id).map(e => e.name)).toEqual(["workflow.started", "workflow.failed"]);
		});

		test("on_failure continue: the failed step's output renders as an empty string and the execution completes", async () => {
			const wf = await workflow([
				{ id: "flaky", agent_id: echo, input_template: "FAIL", on_failure: "continue" },
				{ id: "next", agent_id: echo, depends_on: ["flaky"], input_template: "got [{{steps.flaky.output}}] and {{missing.path}}|{{input}}" }
			]);
			const exe = (await api("post", `/workflows/${wf.id}/execute`, owner, { input: "in", wait: true })).body;
			expect(exe.status).toBe("completed");
			expect(exe.output).toEqual({ next: "got [] and |in" });
			expect(stateOf(exe, "flaky")).toMatchObject({ status: "failed", error: { code: "PROVIDER_ERROR" } });
		});

		test("a refused run fails its step with the refusal code; a step's own timeout fails it with TIMEOUT", async () => {
			const refused = await workflow([{ id: "draft", agent_id: draft }]);
			const exe = (await api("post", `/workflows/${refused.id}/execute`, owner, { input: "x", wait: true })).body;
			expect(exe).toMatchObject({ status: "failed", error: { code: "AGENT_NOT_RUNNABLE", step_id: "draft" } });
			const timed = await workflow([{ id: "slow", agent_id: echo, input_template: "SLEEP 20000\n{{input}}", timeout_seconds: 1 }]);
			const late = (await api("post", `/workflows/${timed.id}/execute`, owner, { input: "x", wait: true })).body;
			expect(late).toMatchObject({ status: "failed", error: { code: "TIMEOUT", step_id: "slow" } });
			await until(async () => (await run(stateOf(late, "slow").run_id)).status === "cancelled", 10_000, "the timed-out run to be cancelled");
		});

		test("cancel: running steps and their runs are cancelled, pending ones skipped; a second cancel → 409", async () => {
			const wf = await workflow([
				{ id: "long", agent_id: echo, input_template: "SLEEP 20000\nlong" },
				{ id: "then", agent_id: echo, depends_on: ["long"] }
			]);
			const started = (await api("post", `/workflows/${wf.id}/execute`, owner, { input: "x" })).body;
			const running = await until(async () => {
				const e = await execution(started.id);
				return stateOf(e, "long").run_id ? e : null;
			}, 10_000, "the long step's run");
			expect(running.status).toBe("running");
			expect((await api("delete", `/workflows/${wf.id}`, owner)).body.error).toMatchObject({ code: "RESOURCE_IN_USE", details: { execution_ids: [started.id] } });
			const res = await api("post", `/workflows/executions/${started.id}/cancel`, operator);
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ status: "cancelled", error: { code: "CANCELLED", step_id: null } });
			expect(res.body.step_states.map((s: any) => [s.step_id, s.status])).toEqual([["long", "cancelled"], ["then", "skipped"]]);
			expect((await run(stateOf(running, "long").run_id)).status).toBe("cancelled");
			const again = await api("post", `/workflows/executions/${started.id}/cancel`, owner, {});
			expect(again.status).toBe(409);
			expect(again.body.error).toMatchObject({ code: "INVALID_STATE_TRANSITION", details: { current: "cancelled", requested: "cancelled" } });
			await sleep(300);
			expect((await execution(started.id)).status).toBe("cancelled");
			expect(platformEvents.filter(e => e.params.execution_id === started.id).map(e => e.name)).toEqual(["workflow.started", "workflow.cancelled"]);
			const entries = await auditEntries(app, app.ownerKey, { action: "execution.cancel" });
			expect(entries.some(e => e.resource_id === started.id)).toBe(true);
			expect((await api("delete", `/workflows/${wf.id}`, owner)).status).toBe(204);
			expect((await api("get", `/workflows/${wf.id}`, owner)).status).toBe(404);
			expect((await execution(started.id)).id).toBe(started.id);
		});

		test("executions list: envelope, status filter, 404 for an unknown workflow", async () => {
			const wf = await workflow([{ id: "only", agent_id: echo, input_template: "{{input}}" }]);
			const ok = (await api("post", `/workflows/${wf.id}/execute`, owner, { input: "fine", wait: true })).body;
			const bad = (await api("post", `/workflows/${wf.id}/execute`, owner, { input: "FAIL", wait: true })).body;
			expect(bad.status).toBe("failed");
			const all = await api("get", `/workflows/${wf.id}/executions`, viewer);
			expect(all.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
			expect(all.body.items.map((e: any) => e.id)).toEqual([bad.id, ok.id]);
			expect((await api("get", `/workflows/${wf.id}/executions?status=completed`, viewer)).body.items.map((e: any) => e.id)).toEqual([ok.id]);
			expect((await api("get", `/workflows/${wf.id}/executions?status=done`, viewer)).status).toBe(400);
			expect((await api("get", "/workflows/wf_nope/executions", viewer)).status).toBe(404);
			const audit = await auditEntries(app, app.ownerKey, { action: "workflow.execute" });
			expect(audit.some(e => e.resource_id === wf.id)).toBe(true);
		});

		test("running executions keep the version they started with", async () => {
			const wf = await workflow([{ id: "a", agent_id: echo, input_template: "SLEEP 800\nv1 {{input}}" }]);
			const started = (await api("post", `/workflows/${wf.id}/execute`, owner, { input: "x" })).body;
			await api("put", `/workflows/${wf.id}`, owner, { steps: [{ id: "z", agent_id: echo, input_template: "v2" }] }).expect(200);
			const done = await terminal(started.id);
			expect(done).toMatchObject({ workflow_version: 1, output: { a: "v1 x" } });
			expect(done.step_states.map((s: any) => s.step_id)).toEqual(["a"]);
			const next = (await api("post", `/workflows/${wf.id}/execute`, owner, { input: "x", wait: true })).body;
			expect(next).toMatchObject({ workflow_version: 2, output: { z: "v2" } });
		});

		test("an agent used by a workflow cannot be deleted", async () => {
			const testing = await agent("in-use", owner, ["testing"]);
			const wf = await workflow([{ id: "a", agent_id: testing }]);
			const res = await api("delete", `/agents/${testing}`, owner);
			expect(res.status).toBe(409);
			expect(res.body.error).toMatchObject({ code: "RESOURCE_IN_USE", details: { workflow_ids: [wf.id] } });
			await api("delete", `/workflows/${wf.id}`, owner).expect(204);
			expect((await api("delete", `/agents/${testing}`, owner)).status).toBe(204);
		});
	});

	describe("recovery from the journal", () => {
		test("an execution whose node stopped renewing its lease is re-homed: finished steps stay, a started run is adopted", async () => {
			const wf = await workflow([
				{ id: "a", agent_id: echo },
				{ id: "b", agent_id: echo, depends_on: ["a"], input_template: "b saw {{steps.a.output}}" },
				{ id: "c", agent_id: echo2, depends_on: ["b"], input_template: "c saw {{steps.b.output}}" }
			]);
			const orgId = (await api("get", "/auth/me", owner)).body.user?.org_id ?? wf.org_id;
			// The journal a node left behind when it died: "a" finished, "b" started its run but never wrote the run id.
			const id = `exe_recovery${uid(4)}`;
			const now = new Date().toISOString();
			const orphan: any = await app.broker.call("runtime.startRun", {
				org_id: orgId, agent_id: echo, input: "b saw journalled A", trigger: "workflow", trigger_ref: id, created_by: null, metadata: { workflow_id: wf.id, execution_id: id, step_id: "b" }
			});
			const executions = await storeOf(app.broker).repository("executions");
			const pending = (step: string) => ({ step_id: step, status: "pending", run_id: null, output: null, error: null, started_at: null, completed_at: null });
			await executions.forOrg(orgId).insert({
				id, workflow_id: wf.id, workflow_version: 1, status: "running", input: "in", output: null, error: null, trigger: "api",
				tokens_input: 0, tokens_output: 0, cost_usd: 0, started_at: now, completed_at: null, definition: wf.steps, created_by: null,
				states: {
					a: { ...pending("a"), status: "completed", run_id: "run_from_before", output: "journalled A", started_at: now, completed_at: now },
					b: { ...pending("b"), status: "running", started_at: now },
					c: pending("c")
				},
				lease_owner: "a-node-that-died", lease_expires_at: new Date(Date.now() + 60_000).toISOString()
			});
			// While the lease holds nobody else may take the execution.
			expect(await app.broker.call("workflows.claimExecution", { execution_id: id, node_id: "intruder" })).toBeNull();
			await executions.forOrg(orgId).update(id, { lease_expires_at: new Date(Date.now() - 1000).toISOString() });
			await (app.broker.getLocalService("workflows") as any).sweepOnce();
			const done = await terminal(id);
			expect(done.status).toBe("completed");
			expect(stateOf(done, "a")).toMatchObject({ run_id: "run_from_before", output: "journalled A" });
			expect(stateOf(done, "b")).toMatchObject({ status: "completed", run_id: orphan.id, output: "b saw journalled A" });
			expect(done.output).toEqual({ c: "c saw b saw journalled A" });
			const runs: any = await app.broker.call("runtime.findRuns", { org_id: orgId, filter: { trigger: "workflow", trigger_ref: id }, limit: 50 });
			expect(runs.items.map((r: any) => r.metadata.step_id).sort()).toEqual(["b", "c"]);
		});
	});

	describe("the execution stream", () => {
		test("live: status, every step's status with its run, then execution.completed, numbered from 1", async () => {
			const wf = await workflow(diamond("SLEEP 500\n{{input}}"));
			const started = (await api("post", `/workflows/${wf.id}/execute`, owner, { input: "live" })).body;
			const stream = await readSse(`${app.url}/api/v1/workflows/executions/${started.id}/stream`, app.ownerKey);
			expect(stream.status).toBe(200);
			expect(stream.headers["content-type"]).toMatch(/^text\/event-stream/);
			expect(stream.headers["cache-control"]).toBe("no-cache");
			expect(stream.headers["x-request-id"]).toBeTruthy();
			expect(stream.events.map(e => e.id)).toEqual(stream.events.map((_, i) => i + 1));
			expect(stream.events[0].event).toBe("execution.status");
			const last = stream.events[stream.events.length - 1];
			expect(last.event).toBe("execution.completed");
			expect(last.data).toMatchObject({ id: started.id, status: "completed", output: { d: "D: B got live + C got live" } });
			const completedSteps = stream.events.filter(e => e.event === "step.status" && e.data.status === "completed").map(e => e.data.step_id);
			expect(completedSteps.sort()).toEqual(["a", "b", "c", "d"]);
			for (const e of stream.events.filter(e => e.event === "step.status")) {
				expect(Object.keys(e.data).sort()).toEqual(["execution_id", "run_id", "status", "step_id"]);
				if (e.data.status === "completed") expect(e.data.run_id).toMatch(/^run_/);
			}
			const dIndex = stream.events.findIndex(e => e.event === "step.status" && e.data.step_id === "d" && e.data.status === "running");
			const bDone = stream.events.findIndex(e => e.event === "step.status" && e.data.step_id === "b" && e.data.status === "completed");
			expect(dIndex).toBeGreaterThan(bDone);
		});

		test("on a finished execution: the replay, then the terminal event, then the stream closes; cancelled → execution.failed", async () => {
			const wf = await workflow([{ id: "a", agent_id: echo }, { id: "b", agent_id: echo, depends_on: ["a"] }]);
			const exe = (await api("post", `/workflows/${wf.id}/execute`, owner, { input: "done", wait: true })).body;
			const stream = await readSse(`${app.url}/api/v1/workflows/executions/${exe.id}/stream?access_token=${app.ownerKey}`, app.ownerKey);
			expect(stream.events.map(e => [e.event, e.data.status])).toEqual([
				["execution.status", "completed"],
				["step.status", "completed"],
				["step.status", "completed"],
				["execution.completed", "completed"]
			]);
			expect(stream.events[1].data).toEqual({ execution_id: exe.id, step_id: "a", status: "completed", run_id: stateOf(exe, "a").run_id });
			expect(stream.events[3].data).toEqual(exe);

			const long = await workflow([{ id: "long", agent_id: echo, input_template: "SLEEP 20000\nx" }]);
			const started = (await api("post", `/workflows/${long.id}/execute`, owner, { input: "x" })).body;
			const live = readSse(`${app.url}/api/v1/workflows/executions/${started.id}/stream`, app.ownerKey);
			await until(async () => stateOf(await execution(started.id), "long").run_id, 10_000, "the step's run");
			await api("post", `/workflows/executions/${started.id}/cancel`, owner).expect(200);
			const events = (await live).events;
			expect(events[events.length - 1]).toMatchObject({ event: "execution.failed", data: { id: started.id, status: "cancelled" } });
			expect(events.some(e => e.event === "step.status" && e.data.status === "cancelled")).toBe(true);
		});
	});
});
