import type { Context } from "moleculer";
import { startApp, type TestApp } from "../helpers/app";
import { auditEntries, roleHeaders, uid } from "../helpers/platform";

const LIFECYCLE = "/api/v1/lifecycle";
const STATES = ["draft", "testing", "active", "suspended", "archived"] as const;
type State = (typeof STATES)[number];

const ALLOWED: Record<State, State[]> = {
	draft: ["testing", "archived"],
	testing: ["active", "draft", "archived"],
	active: ["suspended", "archived"],
	suspended: ["active", "archived"],
	archived: []
};
/** A path of allowed promotions from draft to each state. */
const PATH_TO: Record<State, State[]> = {
	draft: [],
	testing: ["testing"],
	active: ["testing", "active"],
	suspended: ["testing", "active", "suspended"],
	archived: ["archived"]
};

describe("Lifecycle (§5 rows 1–4, 6)", () => {
	let app: TestApp;
	let owner: Record<string, string>;
	let viewer: Record<string, string>;
	let operator: Record<string, string>;
	let other: Record<string, string>;
	let ownerKeyId: string;
	const promoted: any[] = [];

	beforeAll(async () => {
		app = await startApp();
		({ owner, viewer, operator, other, ownerKeyId } = await roleHeaders(app));
		app.broker.createService({
			name: "lifecycle-spec-probe",
			events: {
				"lifecycle.promoted"(ctx: Context<any>) {
					promoted.push(ctx.params);
				}
			}
		});
		await app.broker.waitForServices(["lifecycle-spec-probe"]);
	});
	afterAll(() => app.stop());

	const createAgent = async (body: Record<string, unknown> = {}) => {
		const res = await app.http.post("/api/v1/agents").set(owner).send({ name: `lc-${uid()}`, model: "mock-echo", ...body });
		expect(res.status).toBe(201);
		return res.body;
	};
	const promote = (id: string, target_state: unknown, extra: Record<string, unknown> = {}, auth = owner) =>
		app.http.post(`${LIFECYCLE}/${id}/promote`).set(auth).send({ target_state, ...extra });
	const agentIn = async (state: State) => {
		const agent = await createAgent();
		for (const step of PATH_TO[state]) expect((await promote(agent.id, step)).status).toBe(200);
		return agent;
	};

	describe("state", () => {
		it("shows a new agent as draft with its allowed transitions", async () => {
			const agent = await createAgent();
			const res = await app.http.get(`${LIFECYCLE}/${agent.id}`).set(viewer);
			expect(res.status).toBe(200);
			expect(res.body).toEqual({
				agent_id: agent.id,
				status: "draft",
				version: 1,
				allowed_transitions: ["testing", "archived"],
				active_ab_test_id: null,
				last_transition_at: null,
				created_at: agent.created_at,
				updated_at: agent.updated_at
			});
		});

		it("answers 404 for unknown and foreign agents", async () => {
			const agent = await createAgent();
			expect((await app.http.get(`${LIFECYCLE}/agt_missing`).set(owner)).status).toBe(404);
			const foreign = await app.http.get(`${LIFECYCLE}/${agent.id}`).set(other);
			expect(foreign.status).toBe(404);
			expect(foreign.body.error.code).toBe("NOT_FOUND");
		});
	});

	describe("promote", () => {
		it.each(STATES.flatMap(from => STATES.map(to => [from, to] as const)))("%s → %s follows the state machine", async (from, to) => {
			const agent = await agentIn(from);
			const res = await promote(agent.id, to);
			const state = (await app.http.get(`${LIFECYCLE}/${agent.id}`).set(owner)).body;
			if (ALLOWED[from].includes(to)) {
				expect(res.status).toBe(200);
				expect(res.body).toMatchObject({ agent_id: agent.id, status: to, allowed_transitions: ALLOWED[to] });
				expect(state.status).toBe(to);
			} else {
				expect(res.status).toBe(409);
				expect(res.body.error).toMatchObject({ code: "INVALID_STATE_TRANSITION", details: { current: from, requested: to } });
				expect(state.status).toBe(from);
			}
		});

		it("sets last_transition_at, changes the agent's status and emits lifecycle.promoted", async () => {
			const agent = await createAgent();
			promoted.length = 0;
			const res = await promote(agent.id, "testing", { reason: "ready for QA" });
			expect(res.status).toBe(200);
			expect(res.body.last_transition_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
			expect(res.body.updated_at).toBe(res.body.last_transition_at);
			expect((await app.http.get(`/api/v1/agents/${agent.id}`).set(owner)).body.status).toBe("testing");
			expect(promoted).toEqual([{ org_id: agent.org_id, agent_id: agent.id, from_state: "draft", to_state: "testing", reason: "ready for QA" }]);
		});

		it("answers 400 for a missing or unknown target and a long reason, changing nothing", async () => {
			const agent = await createAgent();
			for (const body of [{}, { target_state: "live" }, { target_state: 1 }, { target_state: "testing", reason: "x".repeat(501) }]) {
				const res = await app.http.post(`${LIFECYCLE}/${agent.id}/promote`).set(owner).send(body);
				expect(res.status).toBe(400);
				expect(res.body.error.code).toBe("VALIDATION_ERROR");
			}
			expect((await app.http.get(`${LIFECYCLE}/${agent.id}`).set(owner)).body.status).toBe("draft");
			expect((await app.http.get(`${LIFECYCLE}/${agent.id}/history`).set(owner)).body.total).toBe(0);
		});

		it("answers 404 for unknown and foreign agents, 403 for viewers; operators may promote", async () => {
			const agent = await createAgent();
			expect((await promote("agt_missing", "testing")).status).toBe(404);
			expect((await promote(agent.id, "testing", {}, other)).status).toBe(404);
			const denied = await promote(agent.id, "testing", {}, viewer);
			expect(denied.status).toBe(403);
			expect(denied.body.error.details).toEqual({ required: ["lifecycle:write"] });
			expect((await app.http.get(`${LIFECYCLE}/${agent.id}`).set(owner)).body.status).toBe("draft");
			expect((await promote(agent.id, "testing", {}, operator)).status).toBe(200);
		});

		it("audits lifecycle.promote with the agent as resource, refusals included", async () => {
			const agent = await createAgent();
			await promote(agent.id, "active");
			await promote(agent.id, "testing");
			const entries = await auditEntries(app, app.ownerKey, { action: "lifecycle.promote", resource_id: agent.id });
			expect(entries.map(e => [e.resource_type, e.outcome, e.status_code])).toEqual([
				["lifecycle", "success", 200],
				["lifecycle", "failure", 409]
			]);
		});
	});

	describe("versions", () => {
		it("lists versions newest first and gets one by number", async () => {
			const agent = await createAgent({ description: "v1" });
			await app.http.put(`/api/v1/agents/${agent.id}`).set(owner).send({ description: "v2" });
			await app.http.put(`/api/v1/agents/${agent.id}`).set(owner).send({ description: "v3", max_steps: 3 });
			const res = await app.http.get(`${LIFECYCLE}/${agent.id}/versions`).set(viewer);
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
			expect(res.body.items.map((v: any) => [v.version, v.config.description])).toEqual([
				[3, "v3"],
				[2, "v2"],
				[1, "v1"]
			]);
			expect(res.body.items[0]).toMatchObject({ agent_id: agent.id, source: "update", created_by: ownerKeyId });
			expect(res.body.items[0].changed_fields.sort()).toEqual(["description", "max_steps"]);
			const paged = await app.http.get(`${LIFECYCLE}/${agent.id}/versions`).query({ limit: 1, offset: 1 }).set(owner);
			expect(paged.body.items.map((v: any) => v.version)).toEqual([2]);
			const asc = await app.http.get(`${LIFECYCLE}/${agent.id}/versions`).query({ order: "asc" }).set(owner);
			expect(asc.body.items.map((v: any) => v.version)).toEqual([1, 2, 3]);
			const one = await app.http.get(`${LIFECYCLE}/${agent.id}/versions/2`).set(viewer);
			expect(one.status).toBe(200);
			expect(one.body).toEqual(res.body.items[1]);
		});

		it("answers 404 for unknown versions and agents, foreign agents, and 400 for bad paging", async () => {
			const agent = await createAgent();
			for (const v of ["2", "0", "abc", "1.0", "-1"]) expect((await app.http.get(`${LIFECYCLE}/${agent.id}/versions/${v}`).set(owner)).status).toBe(404);
			expect((await app.http.get(`${LIFECYCLE}/agt_missing/versions`).set(owner)).status).toBe(404);
			expect((await app.http.get(`${LIFECYCLE}/agt_missing/versions/1`).set(owner)).status).toBe(404);
			expect((await app.http.get(`${LIFECYCLE}/${agent.id}/versions`).set(other)).status).toBe(404);
			expect((await app.http.get(`${LIFECYCLE}/${agent.id}/versions/1`).set(other)).status).toBe(404);
			expect((await app.http.get(`${LIFECYCLE}/${agent.id}/versions`).query({ limit: "0" }).set(owner)).status).toBe(400);
		});
	});

	describe("history", () => {
		it("records one transition entry per promotion, newest first, filterable by kind", async () => {
			const agent = await createAgent();
			await promote(agent.id, "testing", { reason: "qa" });
			await promote(agent.id, "active");
			await promote(agent.id, "draft");
			const res = await app.http.get(`${LIFECYCLE}/${agent.id}/history`).set(viewer);
			expect(res.status).toBe(200);
			expect(res.body.total).toBe(2);
			expect(res.body.items.map((e: any) => [e.kind, e.from_state, e.to_state, e.reason])).toEqual([
				["transition", "testing", "active", null],
				["transition", "draft", "testing", "qa"]
			]);
			expect(res.body.items[0]).toMatchObject({ agent_id: agent.id, actor_id: ownerKeyId, version: null, ab_test_id: null });
			const asc = await app.http.get(`${LIFECYCLE}/${agent.id}/history`).query({ order: "asc" }).set(owner);
			expect(asc.body.items.map((e: any) => e.to_state)).toEqual(["testing", "active"]);
			const transitions = await app.http.get(`${LIFECYCLE}/${agent.id}/history`).query({ kind: "transition" }).set(owner);
			expect(transitions.body.total).toBe(2);
			const rollbacks = await app.http.get(`${LIFECYCLE}/${agent.id}/history`).query({ kind: "rollback" }).set(owner);
			expect(rollbacks.body).toMatchObject({ items: [], total: 0 });
		});

		it("answers 400 for an unknown kind, 404 for unknown and foreign agents", async () => {
			const agent = await createAgent();
			expect((await app.http.get(`${LIFECYCLE}/${agent.id}/history`).query({ kind: "promotion" }).set(owner)).status).toBe(400);
			expect((await app.http.get(`${LIFECYCLE}/agt_missing/history`).set(owner)).status).toBe(404);
			expect((await app.http.get(`${LIFECYCLE}/${agent.id}/history`).set(other)).status).toBe(404);
		});
	});
});
