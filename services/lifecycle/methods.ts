import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Schema } from "../../lib/schema";
import type { Scope } from "../../lib/store";
import { UniqueViolation } from "../../lib/store";
import { nowIso } from "../../lib/time";
import type { AgentConfig } from "../agents/model";
import { errorRate, eventPayload, pickVariant, rollbackReason, type AbTestDoc, type Variant } from "./ab-tests";
import { withoutMissingReferences } from "./references";
import { allowedTransitions } from "./state-machine";
import type { AbMetrics, AgentState, Ctx, LifecycleThis } from "./service-model";

/** The lifecycle service's methods: lookups, A/B test bookkeeping (metrics, ending, reopening, session variants, automatic rollback) and the state view. */
export const lifecycleMethods: NonNullable<Schema<LifecycleThis>["methods"]> = {
	testsOf(this: LifecycleThis, orgId: string): Scope<AbTestDoc> {
		return this.repos.ab_tests.forOrg(orgId);
	},

	async requireState(this: LifecycleThis, ctx: Ctx, agentId: string): Promise<AgentState> {
		const state = await ctx.call<AgentState | null, any>("agents.stateOf", { org_id: ctx.meta.principal.org_id, agent_id: agentId });
		if (!state) throw errors.notFound("Agent");
		return state;
	},

	async requireAgent(this: LifecycleThis, ctx: Ctx, agentId: string): Promise<any> {
		const agent = await ctx.call("agents.get", { org_id: ctx.meta.principal.org_id, agent_id: agentId });
		if (!agent) throw errors.notFound("Agent");
		return agent;
	},

	async requireTest(this: LifecycleThis, orgId: string, testId: string): Promise<AbTestDoc> {
		const doc = await this.testsOf(orgId).get(testId);
		if (!doc) throw errors.notFound("A/B test");
		return doc;
	},

	/** A version's configuration without references that no longer exist; 404 when the version does not. */
	async configOf(this: LifecycleThis, ctx: Ctx, orgId: string, agentId: string, version: number): Promise<AgentConfig> {
		const found: any = await ctx.call("agents.getVersion", { org_id: orgId, agent_id: agentId, version });
		if (!found) throw errors.referenceNotFound("version", `Version ${version} of the agent`);
		return withoutMissingReferences(this.broker, ctx, orgId, found.config);
	},

	equalVersions(this: LifecycleThis, version: number) {
		return errors.fieldError("version_b", `must differ from version_a (both are ${version})`);
	},

	alreadyRunning(this: LifecycleThis, agentId: string) {
		return errors.conflict("AB_TEST_ALREADY_RUNNING", "The agent already has a running A/B test: stop it first", { agent_id: agentId });
	},

	async metricsOf(this: LifecycleThis, ctx: Context, doc: AbTestDoc): Promise<AbMetrics> {
		const ids = { org_id: doc.org_id, ab_test_id: doc.id };
		const [runs, scores] = await Promise.all([
			callIfPresent<AbMetrics>(this.broker, "runtime.abMetrics", ids, null, ctx),
			callIfPresent<{ a: number | null; b: number | null } | null>(this.broker, "intelligence.abScores", ids, null, ctx)
		]);
		if (!runs || !scores) return runs;
		return { ...runs, a: { ...runs.a, avg_quality_score: scores.a }, b: { ...runs.b, avg_quality_score: scores.b } } as AbMetrics;
	},

	/** running → `status` (compare-and-set); the ended test, or null when it was no longer running. */
	endTest(this: LifecycleThis, orgId: string, testId: string, status: "completed" | "rolled_back", winner: Variant | null): Promise<AbTestDoc | null> {
		const now = nowIso();
		return this.testsOf(orgId).updateWhere(
			{ id: testId, status: "running" },
			{ $set: { status, winner, ended_at: now, updated_at: now }, $unset: { running_agent: true } }
		);
	},

	/** Undoes `endTest` when the winner's configuration could not be applied. */
	async reopenTest(this: LifecycleThis, orgId: string, doc: AbTestDoc) {
		try {
			await this.testsOf(orgId).updateWhere(
				{ id: doc.id, status: doc.status },
				{ $set: { status: "running", winner: null, ended_at: null, running_agent: doc.agent_id, updated_at: nowIso() } }
			);
		} catch (err) {
			this.logger.warn({ err, ab_test_id: doc.id }, "Could not reopen the A/B test");
		}
	},

	/** History entry and platform event of an ended test. */
	async afterEnd(
		this: LifecycleThis,
		ctx: Context,
		doc: AbTestDoc,
		opts: { kind: string; event: string; version: number | null; reason: string; actorId: string | null; errorRateB: number }
	) {
		await ctx.call("agents.recordHistory", {
			org_id: doc.org_id,
			agent_id: doc.agent_id,
			kind: opts.kind,
			version: opts.version,
			ab_test_id: doc.id,
			reason: opts.reason,
			actor_id: opts.actorId
		});
		ctx.broadcast(opts.event, eventPayload(doc, doc.winner, opts.errorRateB));
	},

	/** §5: archival ends a running test (`completed`, no winner). */
	async endRunningTestOnArchival(this: LifecycleThis, ctx: Ctx, orgId: string, agentId: string, actorId: string) {
		const running = await this.testsOf(orgId).findOne({ agent_id: agentId, status: "running" });
		if (!running) return;
		const ended = await this.endTest(orgId, running.id, "completed", null);
		if (!ended) return;
		const metrics = await this.metricsOf(ctx, ended);
		await this.afterEnd(ctx, ended, {
			kind: "ab_test_completed",
			event: "ab_test.completed",
			version: null,
			reason: "Ended without a winner: the agent was archived",
			actorId,
			errorRateB: errorRate(metrics?.b ?? { completed: 0, failed: 0 })
		});
	},

	/** The session's first variant of this test; concurrent first runs of a session agree through the unique index. */
	async sessionVariant(this: LifecycleThis, test: AbTestDoc, sessionId: string): Promise<Variant> {
		const sessions = this.repos.ab_sessions.forOrg(test.org_id);
		const existing = await sessions.findOne({ ab_test_id: test.id, session_id: sessionId });
		if (existing) return existing.variant;
		const variant = pickVariant(test.traffic_split);
		try {
			await sessions.insert({ id: newId("abs"), ab_test_id: test.id, session_id: sessionId, variant });
			return variant;
		} catch (err) {
			if (!(err instanceof UniqueViolation)) throw err;
			const winner = await sessions.findOne({ ab_test_id: test.id, session_id: sessionId });
			return winner ? winner.variant : variant;
		}
	},

	/** §5 auto-rollback, after each terminal run of variant B. */
	async checkAutoRollback(this: LifecycleThis, ctx: Context<{ org_id: string; run: any }>) {
		const { org_id: orgId, run } = ctx.params;
		if (!orgId || !run?.ab_test_id || run.ab_variant !== "b") return;
		try {
			const test = await this.testsOf(orgId).get(run.ab_test_id);
			if (!test || test.status !== "running" || !test.auto_rollback?.enabled) return;
			const metrics: AbMetrics = await this.metricsOf(ctx, test);
			if (!metrics) return;
			const finished = metrics.b.completed + metrics.b.failed;
			const rate = errorRate(metrics.b);
			const { min_runs, error_rate_threshold } = test.auto_rollback;
			if (finished < min_runs || rate <= error_rate_threshold) return;
			const ended = await this.endTest(orgId, test.id, "rolled_back", "a");
			if (!ended) return;
			await this.afterEnd(ctx, ended, {
				kind: "ab_test_rolled_back",
				event: "ab_test.rolled_back",
				version: null,
				reason: rollbackReason(rate, error_rate_threshold, finished),
				actorId: null,
				errorRateB: rate
			});
		} catch (err) {
			this.logger.error({ err, ab_test_id: run.ab_test_id }, "A/B auto-rollback check failed");
		}
	},

	async present(this: LifecycleThis, orgId: string, state: AgentState) {
		const running = await this.testsOf(orgId).findOne({ agent_id: state.agent_id, status: "running" });
		return {
			agent_id: state.agent_id,
			status: state.status,
			version: state.version,
			allowed_transitions: allowedTransitions(state.status),
			active_ab_test_id: running ? running.id : null,
			last_transition_at: state.last_transition_at,
			created_at: state.created_at,
			updated_at: state.updated_at
		};
	}
};
