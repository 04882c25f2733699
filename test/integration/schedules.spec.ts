import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { bearer, startApp, storeOf, type TestApp } from "../helpers/app";
import { until } from "../helpers/cluster";
import { auditEntries, createOrgWithOwner, keyWithRoles, sleep, uid } from "../helpers/platform";

let app: TestApp;
let owner: Record<string, string>;
let viewer: Record<string, string>;
let operator: Record<string, string>;
let other: Record<string, string>;
let orgId: string;
let activeAgent: any;
const events: { name: string; params: any }[] = [];

type Method = "get" | "post" | "put" | "delete";
function req(method: Method, path: string, body?: unknown, auth = owner) {
	const r = app.http[method](`/api/v1${path}`).set(auth);
	return body === undefined ? r : r.send(body as object);
}

async function createAgent(states: string[] = ["testing", "active"], auth = owner): Promise<any> {
	const res = await req("post", "/agents", { name: `sched-${uid()}`, model: "mock-echo", memory_enabled: false }, auth);
	if (res.status !== 201) throw new Error(`agent create answered ${res.status} ${res.text}`);
	for (const target_state of states) expect((await req("post", `/lifecycle/${res.body.id}/promote`, { target_state }, auth)).status).toBe(200);
	return res.body;
}

async function createSchedule(body: Record<string, unknown> = {}, auth = owner): Promise<any> {
	const timing = "cron_expression" in body ? {} : { interval_seconds: 3600 };
	const res = await req("post", "/schedules", { agent_id: activeAgent.id, name: `Schedule ${uid()}`, ...timing, ...body }, auth);
	if (res.status !== 201) throw new Error(`schedule create answered ${res.status} ${res.text}`);
	return res.body;
}

const total = async (q = "") => (await req("get", `/schedules${q}`)).body.total as number;
const getSchedule = async (id: string) => (await req("get", `/schedules/${id}`)).body;
const eventsFor = (name: string, scheduleId: string) => events.filter(e => e.name === name && e.params.schedule_id === scheduleId);

/** Moves a schedule's next tick to `ms` from now and tells the schedulers, instead of waiting for it. */
async function tickIn(schedule: any, ms: number) {
	const repo = await storeOf(app.broker).repository("schedules");
	const next_run_at = new Date(Date.now() + ms).toISOString();
	const doc: any = await repo.forOrg(schedule.org_id).update(schedule.id, { next_run_at });
	app.broker.broadcast("schedules.changed", { id: doc.id, armed: { id: doc.id, org_id: doc.org_id, next_run_at, cron_expression: doc.cron_expression, interval_seconds: doc.interval_seconds, timezone: doc.timezone } });
	return next_run_at;
}

async function runsOf(scheduleId: string, q = ""): Promise<any[]> {
	const res = await req("get", `/schedules/${scheduleId}/runs${q}`);
	expect(res.status).toBe(200);
	return res.body.items;
}

beforeAll(async () => {
	app = await startApp({}, { FLUXGATE_RATE_LIMIT: "100000" });
	owner = bearer(app.ownerKey);
	viewer = bearer((await keyWithRoles(app, app.ownerKey, ["viewer"])).key);
	operator = bearer((await keyWithRoles(app, app.ownerKey, ["operator"])).key);
	other = bearer((await createOrgWithOwner(app)).ownerKey);
	app.broker.createService({
		name: "schedule-event-probe",
		events: { "schedule.*"(ctx: any) { events.push({ name: ctx.eventName, params: ctx.params }); } }
	});
	activeAgent = await createAgent();
	orgId = activeAgent.org_id;
}, 60_000);

afterAll(() => app?.stop());

describe("create", () => {
	it("stores an interval schedule with the contract's defaults; the first tick is created_at + interval", async () => {
		const res = await req("post", "/schedules", { agent_id: activeAgent.id, name: "Nightly digest", interval_seconds: 60 });
		expect(res.status).toBe(201);
		expect(res.body).toEqual({
			id: expect.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
			org_id: orgId,
			agent_id: activeAgent.id,
			name: "Nightly digest",
			description: "",
			cron_expression: null,
			interval_seconds: 60,
			timezone: "UTC",
			input: "",
			enabled: true,
			next_run_at: new Date(Date.parse(res.body.created_at) + 60_000).toISOString(),
			last_run_at: null,
			last_status: null,
			last_run_id: null,
			run_count: 0,
			created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
			updated_at: res.body.created_at
		});
		expect(await getSchedule(res.body.id)).toEqual(res.body);
	});

	it("a cron schedule's next_run_at is the first match in its zone, equal to the preview's first time", async () => {
		const body = { cron_expression: "30 9 * * 1-5", timezone: "Asia/Kolkata" };
		const created = await createSchedule({ ...body, input: "daily report", description: "weekdays" });
		const preview = await req("post", "/schedules/preview", { ...body, count: 1 });
		expect(created).toMatchObject({ ...body, interval_seconds: null, input: "daily report", description: "weekdays" });
		expect(created.next_run_at).toBe(preview.body.next_run_times[0]);
		// 09:30 in Kolkata is 04:00 UTC.
		expect(created.next_run_at).toMatch(/T04:00:00\.000Z$/);
	});

	it("a disabled schedule has no next_run_at", async () => {
		const created = await createSchedule({ enabled: false });
		expect(created).toMatchObject({ enabled: false, next_run_at: null });
	});

	it.each([
		[{ cron_expression: "61 * * * *" }, ["cron_expression"]],
		[{ cron_expression: "* * * *" }, ["cron_expression"]],
		[{ cron_expression: "0 9 * * MON" }, ["cron_expression"]],
		[{ cron_expression: "0 0 31 2 *" }, ["cron_expression"]],
		[{ cron_expression: 5 }, ["cron_expression"]],
		[{ interval_seconds: 9 }, ["interval_seconds"]],
		[{ interval_seconds: 31_536_001 }, ["interval_seconds"]],
		[{ interval_seconds: 10.5 }, ["interval_seconds"]],
		[{ interval_seconds: "60" }, ["interval_seconds"]],
		[{ interval_seconds: 60, timezone: "Mars/Olympus" }, ["timezone"]],
		[{ interval_seconds: 60, timezone: "+02:00" }, ["timezone"]],
		[{ cron_expression: "* * * * *", interval_seconds: 60 }, ["cron_expression", "interval_seconds"]],
		[{}, ["cron_expression", "interval_seconds"]],
		[{ cron_expression: null, interval_seconds: null }, ["cron_expression", "interval_seconds"]],
		[{ interval_seconds: 60, name: "" }, ["name"]],
		[{ interval_seconds: 60, name: "   " }, ["name"]],
		[{ interval_seconds: 60, agent_id: 7, enabled: "yes", input: "x".repeat(100_001) }, ["agent_id", "enabled", "input"]],
		[{ interval_seconds: 9, timezone: "Nowhere/Land", cron_expression: "bad" }, ["cron_expression", "interval_seconds", "timezone"]]
	])("400 for bad body #%#, naming every bad field, and nothing is stored", async (patch: Record<string, unknown>, fields: string[]) => {
		const before = await total();
		const res = await req("post", "/schedules", { agent_id: activeAgent.id, name: `Bad ${uid()}`, ...patch });
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe("VALIDATION_ERROR");
		expect([...new Set(res.body.error.details.map((d: any) => d.field))].sort()).toEqual([...fields].sort());
		expect(await total()).toBe(before);
	});

	it("404 for an unknown agent or another org's agent; 409 for a taken name (per org)", async () => {
		const theirAgent = await createAgent([], other);
		for (const agent_id of ["agt_nope", theirAgent.id]) {
			const res = await req("post", "/schedules", { agent_id, name: `x ${uid()}`, interval_seconds: 60 });
			expect(res.status).toBe(404);
			expect(res.body.error).toMatchObject({ code: "NOT_FOUND", details: [{ field: "agent_id" }] });
		}
		const first = await createSchedule({ name: "Taken name" });
		const dup = await req("post", "/schedules", { agent_id: activeAgent.id, name: "Taken name", interval_seconds: 60 });
		expect(dup.status).toBe(409);
		expect(dup.body.error).toMatchObject({ code: "ALREADY_EXISTS", details: { field: "name" } });
		expect((await req("post", "/schedules", { agent_id: theirAgent.id, name: "Taken name", interval_seconds: 60 }, other)).status).toBe(201);
		expect(first.name).toBe("Taken name");
	});
});

describe("list, get, tenant isolation", () => {
	it("lists with the envelope, filters by agent_id and enabled, pages and orders", async () => {
		const agent = await createAgent();
		const a = await createSchedule({ agent_id: agent.id });
		const b = await createSchedule({ agent_id: agent.id, enabled: false });
		const c = await createSchedule({ agent_id: agent.id });
		const all = (await req("get", `/schedules?agent_id=${agent.id}`)).body;
		expect(all).toMatchObject({ total: 3, limit: 50, offset: 0 });
		expect(all.items.map((s: any) => s.id)).toEqual([c.id, b.id, a.id]);
		expect((await req("get", `/schedules?agent_id=${agent.id}&order=asc&limit=2&offset=1`)).body.items.map((s: any) => s.id)).toEqual([b.id, c.id]);
		expect((await req("get", `/schedules?agent_id=${agent.id}&enabled=false`)).body.items.map((s: any) => s.id)).toEqual([b.id]);
		expect((await req("get", `/schedules?agent_id=${agent.id}&enabled=true`)).body.total).toBe(2);
		expect((await req("get", "/schedules?agent_id=agt_unknown")).body).toMatchObject({ total: 0, items: [] });
		for (const q of ["limit=0", "limit=201", "offset=-1", "limit=abc", "order=up", "enabled=maybe"]) {
			expect((await req("get", `/schedules?${q}`)).status).toBe(400);
		}
	});

	it("another org sees none of it: list, get, put, delete, trigger and runs answer 404", async () => {
		const mine = await createSchedule();
		const theirs = (await req("get", "/schedules", undefined, other)).body;
		expect(theirs.items.some((s: any) => s.org_id === orgId)).toBe(false);
		for (const [method, path, body] of [
			["get", `/schedules/${mine.id}`],
			["put", `/schedules/${mine.id}`, { name: "stolen" }],
			["delete", `/schedules/${mine.id}`],
			["post", `/schedules/${mine.id}/trigger`],
			["get", `/schedules/${mine.id}/runs`]
		] as [Method, string, unknown][]) {
			const res = await req(method, path, body, other);
			expect(res.status).toBe(404);
			expect(res.body.error.code).toBe("NOT_FOUND");
		}
		expect(await getSchedule(mine.id)).toMatchObject({ name: mine.name, run_count: 0 });
		expect((await req("get", "/schedules/sch_missing")).status).toBe(404);
	});
});

describe("update and delete", () => {
	it("PUT is partial; {} changes nothing; disabling clears next_run_at, re-enabling counts from now", async () => {
		const s = await createSchedule({ interval_seconds: 600 });
		const same = await req("put", `/schedules/${s.id}`, {});
		expect(same.status).toBe(200);
		expect({ ...same.body, updated_at: s.updated_at }).toEqual(s);
		const renamed = (await req("put", `/schedules/${s.id}`, { name: "Renamed", description: "d", input: "go", timezone: "Europe/Paris" })).body;
		// The zone does not move an interval schedule's grid.
		expect(renamed).toMatchObject({ name: "Renamed", description: "d", input: "go", timezone: "Europe/Paris", interval_seconds: 600, next_run_at: s.next_run_at });
		const off = (await req("put", `/schedules/${s.id}`, { enabled: false })).body;
		expect(off).toMatchObject({ enabled: false, next_run_at: null });
		const before = Date.now();
		const on = (await req("put", `/schedules/${s.id}`, { enabled: true })).body;
		const next = Date.parse(on.next_run_at);
		expect(next).toBeGreaterThanOrEqual(before + 600_000);
		expect(next).toBeLessThanOrEqual(Date.now() + 600_000);
	});

	it("switching between cron and interval needs null for the other; otherwise 400 and nothing changes", async () => {
		const s = await createSchedule({ interval_seconds: 120 });
		const both = await req("put", `/schedules/${s.id}`, { cron_expression: "0 * * * *" });
		expect(both.status).toBe(400);
		expect(both.body.error.details.map((d: any) => d.field).sort()).toEqual(["cron_expression", "interval_seconds"]);
		const neither = await req("put", `/schedules/${s.id}`, { interval_seconds: null });
		expect(neither.status).toBe(400);
		expect(await getSchedule(s.id)).toMatchObject({ interval_seconds: 120, cron_expression: null });

		const cron = (await req("put", `/schedules/${s.id}`, { cron_expression: "15 6 * * *", interval_seconds: null, timezone: "America/New_York" })).body;
		expect(cron).toMatchObject({ cron_expression: "15 6 * * *", interval_seconds: null, timezone: "America/New_York" });
		const preview = (await req("post", "/schedules/preview", { cron_expression: "15 6 * * *", timezone: "America/New_York", count: 1 })).body;
		expect(cron.next_run_at).toBe(preview.next_run_times[0]);
		// A cron schedule's zone moves its next tick.
		const tokyo = (await req("put", `/schedules/${s.id}`, { timezone: "Asia/Tokyo" })).body;
		expect(tokyo.next_run_at).toBe((await req("post", "/schedules/preview", { cron_expression: "15 6 * * *", timezone: "Asia/Tokyo", count: 1 })).body.next_run_times[0]);
		expect(tokyo.next_run_at).toMatch(/T21:15:00\.000Z$/);
		const back = (await req("put", `/schedules/${s.id}`, { interval_seconds: 30, cron_expression: null })).body;
		expect(back).toMatchObject({ cron_expression: null, interval_seconds: 30 });
		expect(Date.parse(back.next_run_at) - Date.parse(back.updated_at)).toBeGreaterThanOrEqual(29_000);
	});

	it("PUT validates every field: bad values, null on non-nullable fields, unknown agent, taken name", async () => {
		const s = await createSchedule();
		const bad = await req("put", `/schedules/${s.id}`, { cron_expression: "* * * * 9", timezone: "Atlantis/Deep", name: "", enabled: null });
		expect(bad.status).toBe(400);
		expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(expect.arrayContaining(["cron_expression", "enabled", "name", "timezone"]));
		expect((await req("put", `/schedules/${s.id}`, { timezone: null })).status).toBe(400);
		expect((await req("put", `/schedules/${s.id}`, { interval_seconds: 5 })).status).toBe(400);
		const unknownAgent = await req("put", `/schedules/${s.id}`, { agent_id: "agt_nope" });
		expect(unknownAgent.status).toBe(404);
		const taken = await createSchedule();
		const dup = await req("put", `/schedules/${s.id}`, { name: taken.name });
		expect(dup.status).toBe(409);
		expect(dup.body.error.code).toBe("ALREADY_EXISTS");
		expect(await getSchedule(s.id)).toMatchObject({ name: s.name, timezone: "UTC", enabled: true, agent_id: activeAgent.id });
		const agent = await createAgent();
		expect((await req("put", `/schedules/${s.id}`, { agent_id: agent.id })).body.agent_id).toBe(agent.id);
	});

	it("DELETE answers 204, then 404", async () => {
		const s = await createSchedule();
		const del = await req("delete", `/schedules/${s.id}`);
		expect(del.status).toBe(204);
		expect(del.text).toBe("");
		expect((await req("get", `/schedules/${s.id}`)).status).toBe(404);
		expect((await req("delete", `/schedules/${s.id}`)).status).toBe(404);
	});
});

describe("preview", () => {
	it("defaults to 5 times; count is 1–20; intervals step from now", async () => {
		const before = Date.now();
		const res = await req("post", "/schedules/preview", { interval_seconds: 90 });
		expect(res.status).toBe(200);
		const times = res.body.next_run_times.map((t: string) => Date.parse(t));
		expect(times).toHaveLength(5);
		expect(times[0]).toBeGreaterThanOrEqual(before + 90_000);
		for (let i = 1; i < 5; i++) expect(times[i] - times[i - 1]).toBe(90_000);
		expect((await req("post", "/schedules/preview", { cron_expression: "* * * * *", count: 20 })).body.next_run_times).toHaveLength(20);
		expect((await req("post", "/schedules/preview", { cron_expression: "* * * * *", count: 1 })).body.next_run_times).toHaveLength(1);
		for (const count of [0, 21, 2.5, "3"]) {
			const bad = await req("post", "/schedules/preview", { cron_expression: "* * * * *", count });
			expect(bad.status).toBe(400);
			expect(bad.body.error.details.map((d: any) => d.field)).toEqual(["count"]);
		}
		for (const body of [{}, { cron_expression: "* * * * *", interval_seconds: 60 }, { cron_expression: "* * *" }, { interval_seconds: 3 }, { cron_expression: "* * * * *", timezone: "Nope/Nope" }]) {
			expect((await req("post", "/schedules/preview", body)).status).toBe(400);
		}
	});

	it("reads cron fields in the zone and keeps the wall-clock time across the next DST change", async () => {
		// Europe/Berlin moves to summer time on the last Sunday of March: 09:00 is 08:00Z before, 07:00Z after.
		const now = new Date();
		const year = now.getUTCMonth() >= 2 ? now.getUTCFullYear() + 1 : now.getUTCFullYear();
		const lastSunday = 31 - new Date(Date.UTC(year, 2, 31)).getUTCDay();
		const res = await req("post", "/schedules/preview", { cron_expression: "0 9 25-31 3 *", timezone: "Europe/Berlin", count: 7 });
		expect(res.status).toBe(200);
		const expected = [25, 26, 27, 28, 29, 30, 31].map(day => `${year}-03-${day}T${day < lastSunday ? "08" : "07"}:00:00.000Z`);
		expect(res.body.next_run_times).toEqual(expected);
	});

	it("either day field matching suffices when both are restricted", async () => {
		const res = await req("post", "/schedules/preview", { cron_expression: "0 12 1 * 1", count: 20 });
		const days = res.body.next_run_times.map((t: string) => new Date(t));
		expect(days.every((d: Date) => d.getUTCDate() === 1 || d.getUTCDay() === 1)).toBe(true);
		expect(days.some((d: Date) => d.getUTCDate() === 1 && d.getUTCDay() !== 1)).toBe(true);
		expect(days.some((d: Date) => d.getUTCDay() === 1 && d.getUTCDate() !== 1)).toBe(true);
	});
});

describe("manual trigger and runs", () => {
	it("starts a run (202, trigger schedule) even while disabled, keeps next_run_at, records the run and its end", async () => {
		const s = await createSchedule({ input: "hello from the schedule" });
		const disabled = (await req("put", `/schedules/${s.id}`, { enabled: false })).body;
		const res = await req("post", `/schedules/${s.id}/trigger`);
		expect(res.status).toBe(202);
		expect(res.body).toMatchObject({ agent_id: activeAgent.id, trigger: "schedule", trigger_ref: s.id, input: "hello from the schedule", mode: "production", created_by: null });
		const after = await getSchedule(s.id);
		expect(after).toMatchObject({ enabled: false, next_run_at: disabled.next_run_at, last_run_id: res.body.id, run_count: 1 });
		expect(Date.parse(after.last_run_at)).toBeGreaterThanOrEqual(Date.parse(res.body.created_at));
		const done = await until(async () => (await getSchedule(s.id)).last_status === "completed", 20_000, "last_status completed");
		expect(done).toBe(true);
		const run = (await req("get", `/runtime/runs/${res.body.id}`)).body;
		expect(run).toMatchObject({ status: "completed", output: "hello from the schedule" });
		expect(eventsFor("schedule.triggered", s.id)).toEqual([
			{ name: "schedule.triggered", params: { org_id: orgId, schedule_id: s.id, agent_id: activeAgent.id, run_id: res.body.id, reason: "manual" } }
		]);

		// The default input is empty: the run gets it as it is.
		const enabled = await createSchedule({ interval_seconds: 600 });
		const emptyRun = (await req("post", `/schedules/${enabled.id}/trigger`).expect(202)).body;
		expect(emptyRun.input).toBe("");
		expect((await getSchedule(enabled.id)).next_run_at).toBe(enabled.next_run_at);
		await until(async () => (await getSchedule(enabled.id)).last_status === "completed", 20_000, "the empty-input run completed");
	});

	it("lists the schedule's runs (newest first, status filter); 404 for an unknown schedule; 400 for a bad status", async () => {
		const s = await createSchedule({ input: "run me" });
		const first = (await req("post", `/schedules/${s.id}/trigger`)).body;
		const second = (await req("post", `/schedules/${s.id}/trigger`)).body;
		await req("post", "/runtime/runs", { agent_id: activeAgent.id, input: "not from the schedule" }).expect(202);
		await until(async () => (await runsOf(s.id, "?status=completed")).length === 2, 20_000, "both runs completed");
		const runs = await runsOf(s.id);
		expect(runs.map(r => r.id)).toEqual([second.id, first.id]);
		expect((await req("get", `/schedules/${s.id}/runs?order=asc&limit=1`)).body).toMatchObject({ total: 2, limit: 1, offset: 0, items: [{ id: first.id }] });
		expect(await runsOf(s.id, "?status=failed")).toEqual([]);
		expect((await req("get", `/schedules/${s.id}/runs?status=done`)).status).toBe(400);
		expect((await req("get", "/schedules/sch_missing/runs")).status).toBe(404);
		expect((await getSchedule(s.id)).run_count).toBe(2);
	});

	it("last_status follows the last run as it moves: running, then failed", async () => {
		const s = await createSchedule({ input: "SLEEP 1500\nFAIL" });
		const run = (await req("post", `/schedules/${s.id}/trigger`)).body;
		expect(run.status).toBe("queued");
		await until(async () => (await getSchedule(s.id)).last_status === "running", 10_000, "last_status running");
		await until(async () => (await getSchedule(s.id)).last_status === "failed", 20_000, "last_status failed");
		expect((await req("get", `/runtime/runs/${run.id}`)).body).toMatchObject({ status: "failed", error: { code: "PROVIDER_ERROR" } });
		// An older run ending later does not overwrite the status of the schedule's last run.
		const slow = (await req("post", `/schedules/${s.id}/trigger`)).body;
		await req("put", `/schedules/${s.id}`, { input: "quick" }).expect(200);
		const quick = (await req("post", `/schedules/${s.id}/trigger`)).body;
		await until(async () => (await req("get", `/runtime/runs/${slow.id}`)).body.status === "failed", 20_000, "the older run failed");
		expect(await getSchedule(s.id)).toMatchObject({ last_run_id: quick.id, last_status: "completed", run_count: 3 });
	}, 60_000);

	it("a suspended agent answers 409 AGENT_NOT_RUNNABLE and changes nothing", async () => {
		const agent = await createAgent(["testing", "active", "suspended"]);
		const s = await createSchedule({ agent_id: agent.id });
		const res = await req("post", `/schedules/${s.id}/trigger`);
		expect(res.status).toBe(409);
		expect(res.body.error.code).toBe("AGENT_NOT_RUNNABLE");
		expect(await getSchedule(s.id)).toMatchObject({ run_count: 0, last_run_id: null, last_status: null });
	});

	it("a budget refusal answers 409 BUDGET_EXCEEDED and the blocked run is stored and recorded", async () => {
		const agent = await createAgent();
		const budget = await req("post", "/budgets", { name: `Cap ${uid()}`, agent_id: agent.id, period: "daily", limit_usd: 0.01 });
		expect(budget.status).toBe(201);
		const r: any = await app.broker.call("budgets.reserve", { org_id: orgId, agent_id: agent.id, run_id: `run_${uid()}`, amount_usd: 0.01 });
		await app.broker.call("budgets.settle", { org_id: orgId, reservation_id: r.reservation_id, actual_usd: 0.01 });
		const s = await createSchedule({ agent_id: agent.id, input: "spend" });
		const res = await req("post", `/schedules/${s.id}/trigger`);
		expect(res.status).toBe(409);
		expect(res.body.error.code).toBe("BUDGET_EXCEEDED");
		const runId = res.body.error.details.run_id;
		expect((await req("get", `/runtime/runs/${runId}`)).body).toMatchObject({ status: "blocked", trigger: "schedule", trigger_ref: s.id });
		expect(await getSchedule(s.id)).toMatchObject({ last_run_id: runId, last_status: "blocked", run_count: 1 });
		expect(eventsFor("schedule.triggered", s.id).map(e => e.params.run_id)).toEqual([runId]);

		// A tick meets the same refusal: a stored blocked run, no error anywhere.
		await tickIn(s, 200);
		await until(async () => (await getSchedule(s.id)).run_count === 2, 10_000, "the tick's blocked run");
		const latest = await getSchedule(s.id);
		expect(latest.last_status).toBe("blocked");
		expect((await runsOf(s.id, "?status=blocked")).length).toBe(2);
	});
});

describe("ticks", () => {
	it("an interval schedule fires at created_at + interval_seconds by itself, once, and moves next_run_at on", async () => {
		const s = await createSchedule({ interval_seconds: 10, input: "tick" });
		const fired = await until(async () => ((await getSchedule(s.id)).run_count >= 1 ? getSchedule(s.id) : null), 25_000, "the first tick");
		const runs = await runsOf(s.id);
		expect(runs).toHaveLength(1);
		expect(Date.parse(runs[0].created_at)).toBeGreaterThanOrEqual(Date.parse(s.next_run_at));
		expect(fired.next_run_at).toBe(new Date(Date.parse(s.next_run_at) + 10_000).toISOString());
		expect(eventsFor("schedule.triggered", s.id).map(e => e.params)).toEqual([
			{ org_id: orgId, schedule_id: s.id, agent_id: activeAgent.id, run_id: runs[0].id, reason: "scheduled" }
		]);
		await until(async () => (await getSchedule(s.id)).last_status === "completed", 15_000, "last_status completed");
		await req("put", `/schedules/${s.id}`, { enabled: false }).expect(200);
	}, 60_000);

	it("a tick of a draft, suspended or archived agent creates no run, sets last_status skipped and emits schedule.skipped", async () => {
		const cases: [string[], string][] = [[[], "agent_draft"], [["testing", "active", "suspended"], "agent_suspended"]];
		for (const [states, reason] of cases) {
			const agent = await createAgent(states);
			const s = await createSchedule({ agent_id: agent.id });
			await tickIn(s, 200);
			await until(async () => eventsFor("schedule.skipped", s.id).length === 1, 10_000, `schedule.skipped (${reason})`);
			expect(eventsFor("schedule.skipped", s.id)[0].params).toMatchObject({ org_id: orgId, schedule_id: s.id, agent_id: agent.id, run_id: null, reason });
			const after = await getSchedule(s.id);
			expect(after).toMatchObject({ last_status: "skipped", run_count: 0, last_run_id: null });
			expect(Date.parse(after.next_run_at)).toBeGreaterThan(Date.now());
			expect(await runsOf(s.id)).toEqual([]);
		}
	});

	it("a testing agent's tick runs in test mode", async () => {
		const agent = await createAgent(["testing"]);
		const s = await createSchedule({ agent_id: agent.id, input: "in test" });
		await tickIn(s, 200);
		await until(async () => (await getSchedule(s.id)).run_count === 1, 10_000, "the tick's run");
		expect((await runsOf(s.id))[0]).toMatchObject({ mode: "test", trigger: "schedule", trigger_ref: s.id });
	});

	it("a tick found far in the past was missed: skipped, not replayed; next_run_at moves to the next future tick on the grid", async () => {
		const s = await createSchedule({ interval_seconds: 10 });
		const missedTick = await tickIn(s, -95_000);
		await until(async () => eventsFor("schedule.skipped", s.id).length === 1, 10_000, "the missed tick");
		const after = await getSchedule(s.id);
		expect(eventsFor("schedule.skipped", s.id)[0].params).toMatchObject({ reason: "missed", run_id: null });
		expect(after).toMatchObject({ run_count: 0, last_status: null });
		const next = Date.parse(after.next_run_at);
		expect(next).toBeGreaterThan(Date.now() - 1000);
		expect((next - Date.parse(missedTick)) % 10_000).toBe(0);
		expect(await runsOf(s.id)).toEqual([]);
		await req("put", `/schedules/${s.id}`, { enabled: false }).expect(200);
	});

	it("ticks during maintenance are skipped", async () => {
		const s = await createSchedule();
		expect((await req("post", "/admin/maintenance", { enabled: true })).status).toBe(200);
		try {
			await tickIn(s, 200);
			await until(async () => eventsFor("schedule.skipped", s.id).length === 1, 10_000, "the tick in maintenance");
		} finally {
			expect((await req("post", "/admin/maintenance", { enabled: false })).status).toBe(200);
		}
		expect(eventsFor("schedule.skipped", s.id)[0].params.reason).toBe("maintenance");
		expect(await getSchedule(s.id)).toMatchObject({ run_count: 0 });
	});

	it("ticks of a suspended org are skipped until it is active again", async () => {
		const theirs = await createOrgWithOwner(app);
		const theirAuth = bearer(theirs.ownerKey);
		const agent = await createAgent(["testing", "active"], theirAuth);
		const s = await createSchedule({ agent_id: agent.id }, theirAuth);
		expect((await req("put", `/admin/orgs/${theirs.org.id}`, { status: "suspended" })).status).toBe(200);
		try {
			await tickIn(s, 200);
			await until(async () => eventsFor("schedule.skipped", s.id).length === 1, 10_000, "the suspended org's tick skipped");
			expect(eventsFor("schedule.skipped", s.id)[0].params).toMatchObject({ org_id: theirs.org.id, reason: "org_suspended" });
		} finally {
			expect((await req("put", `/admin/orgs/${theirs.org.id}`, { status: "active" })).status).toBe(200);
		}
		await tickIn(s, 200);
		await until(async () => eventsFor("schedule.triggered", s.id).length === 1, 10_000, "the tick after reactivation");
		expect((await req("get", `/schedules/${s.id}`, undefined, theirAuth)).body.run_count).toBe(1);
	});

	it("archiving the agent disables its schedules; deleting it removes them", async () => {
		const agent = await createAgent(["testing"]);
		const s = await createSchedule({ agent_id: agent.id });
		await req("post", `/lifecycle/${agent.id}/promote`, { target_state: "archived" }).expect(200);
		await until(async () => (await getSchedule(s.id)).enabled === false, 5_000, "the schedule disabled");
		expect(await getSchedule(s.id)).toMatchObject({ enabled: false, next_run_at: null });
		await req("delete", `/agents/${agent.id}`).expect(204);
		await until(async () => (await req("get", `/schedules/${s.id}`)).status === 404, 5_000, "the schedule removed");
	});

	it("a deleted or disabled schedule's armed tick does not fire", async () => {
		const s = await createSchedule();
		const t = await createSchedule();
		await tickIn(s, 600);
		await tickIn(t, 600);
		await req("delete", `/schedules/${s.id}`).expect(204);
		await req("put", `/schedules/${t.id}`, { enabled: false }).expect(200);
		await sleep(1500);
		expect(await runsOf(t.id)).toEqual([]);
		expect(events.filter(e => [s.id, t.id].includes(e.params.schedule_id))).toEqual([]);
	});
});

describe("permissions and audit", () => {
	it("viewers read and preview but cannot write or trigger; operators can", async () => {
		const s = await createSchedule();
		expect((await req("get", "/schedules", undefined, viewer)).status).toBe(200);
		expect((await req("get", `/schedules/${s.id}`, undefined, viewer)).status).toBe(200);
		expect((await req("get", `/schedules/${s.id}/runs`, undefined, viewer)).status).toBe(200);
		expect((await req("post", "/schedules/preview", { interval_seconds: 60 }, viewer)).status).toBe(200);
		for (const [method, path, body] of [
			["post", "/schedules", { agent_id: activeAgent.id, name: "v", interval_seconds: 60 }],
			["put", `/schedules/${s.id}`, { name: "v" }],
			["delete", `/schedules/${s.id}`],
			["post", `/schedules/${s.id}/trigger`]
		] as [Method, string, unknown][]) {
			const res = await req(method, path, body, viewer);
			expect(res.status).toBe(403);
			expect(res.body.error).toMatchObject({ code: "PERMISSION_DENIED", details: { required: ["schedules:write"] } });
		}
		expect((await req("put", `/schedules/${s.id}`, { description: "by operator" }, operator)).status).toBe(200);
		expect((await req("post", `/schedules/${s.id}/trigger`, undefined, operator)).status).toBe(202);
	});

	it("every mutation is audited with the §18 action names", async () => {
		const s = await createSchedule();
		await req("put", `/schedules/${s.id}`, { description: "audited" }).expect(200);
		await req("post", `/schedules/${s.id}/trigger`).expect(202);
		await req("delete", `/schedules/${s.id}`).expect(204);
		const entries = await auditEntries(app, app.ownerKey, { resource_id: s.id });
		expect(entries.map(e => e.action).sort()).toEqual(["schedule.create", "schedule.delete", "schedule.trigger", "schedule.update"]);
	});
});

describe("restart", () => {
	it("ticks missed while the platform was down are skipped, not replayed: next_run_at moves to the next future tick", async () => {
		const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fluxgate-schedules-"));
		let first: TestApp | null = await startApp({ storeKind: "nedb", dataDir });
		let second: TestApp | null = null;
		try {
			const auth = bearer(first.ownerKey);
			const agent = (await first.http.post("/api/v1/agents").set(auth).send({ name: "restart-agent", model: "mock-echo" }).expect(201)).body;
			const s = (await first.http.post("/api/v1/schedules").set(auth).send({ agent_id: agent.id, name: "While down", interval_seconds: 10 }).expect(201)).body;
			// The platform goes down right after a tick was due five minutes ago.
			const repo = await storeOf(first.broker).repository("schedules");
			const missed = new Date(Date.parse(s.next_run_at) - 300_000).toISOString();
			await repo.forOrg(s.org_id).update(s.id, { next_run_at: missed });
			await first.stop();
			first = null;

			second = await startApp({ storeKind: "nedb", dataDir });
			const after = (await second.http.get(`/api/v1/schedules/${s.id}`).set(bearer(second.ownerKey)).expect(200)).body;
			const next = Date.parse(after.next_run_at);
			expect(next).toBeGreaterThan(Date.now() - 1000);
			expect(next - Date.now()).toBeLessThanOrEqual(10_000);
			expect((next - Date.parse(missed)) % 10_000).toBe(0);
			expect(after).toMatchObject({ run_count: 0, last_status: null, last_run_id: null });
			expect((await second.http.get(`/api/v1/schedules/${s.id}/runs`).set(bearer(second.ownerKey))).body.total).toBe(0);
		} finally {
			await first?.stop();
			await second?.stop();
			fs.rmSync(dataDir, { recursive: true, force: true });
		}
	}, 60_000);
});
