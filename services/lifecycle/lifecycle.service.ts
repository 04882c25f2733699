import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import type { Page, Repository, Scope } from "../../lib/store";
import { UniqueViolation } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { LIST_QUERY, listOptions, query } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { AGENT_STATUSES, HISTORY_KINDS, type AgentConfig, type AgentStatus } from "../agents/model";
import {
	AB_STATUSES,
	AB_TEST_SCHEMA,
	AUTO_ROLLBACK_DEFAULTS,
	CREATE_PARAMS,
	DEFAULT_TRAFFIC_SPLIT,
	errorRate,
	eventPayload,
	pickVariant,
	presentAbTest,
	rollbackReason,
	versionOf,
	type AbSessionDoc,
	type AbTestDoc,
	type RawMetrics,
	type Variant
} from "./ab-tests";
import { withoutMissingReferences } from "./references";
import { allowedTransitions, canTransition } from "./state-machine";

interface LifecycleThis extends PlatformThis {
	repos: { ab_tests: Repository<AbTestDoc>; ab_sessions: Repository<AbSessionDoc> };
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal; auditResourceId?: string }>;

interface AgentState {
	agent_id: string;
	status: AgentStatus;
	version: number;
	last_transition_at: string | null;
	created_at: string;
	updated_at: string;
}

type AbMetrics = { a: RawMetrics; b: RawMetrics } | null;

const VERSION_NUMBER = /^[1-9][0-9]{0,8}$/;
const AB_RUNNABLE: AgentStatus[] = ["testing", "active"];

const LIFECYCLE_STATE_SCHEMA = {
	type: "object",
	properties: {
		agent_id: { type: "string" },
		status: { enum: [...AGENT_STATUSES] },
		version: { type: "integer" },
		allowed_transitions: { type: "array", items: { enum: [...AGENT_STATUSES] } },
		active_ab_test_id: { type: ["string", "null"] },
		last_transition_at: { type: ["string", "null"], format: "date-time" },
		created_at: { type: "string", format: "date-time" },
		updated_at: { type: "string", format: "date-time" }
	}
};

const LifecycleService: Schema<LifecycleThis> = {
	name: "lifecycle",
	mixins: [
		StoreMixin({
			ab_tests: [{ fields: ["org_id", "agent_id"] }, { fields: ["running_agent"], unique: true, sparse: true }],
			ab_sessions: [{ fields: ["ab_test_id", "session_id"], unique: true }]
		})
	],
	settings: { rest: "/lifecycle" },
	metadata: { schemas: { LifecycleState: LIFECYCLE_STATE_SCHEMA, ABTest: AB_TEST_SCHEMA } },

	actions: {
		getAbTest: {
			rest: "GET /ab-tests/:test_id",
			access: ["lifecycle:read"],
			openapi: { summary: "An A/B test with live metrics", response: "ABTest" },
			params: { test_id: "string" },
			async handler(this: LifecycleThis, ctx: Ctx) {
				const doc = await this.requireTest(ctx.meta.principal.org_id, ctx.params.test_id);
				return presentAbTest(doc, await this.metricsOf(ctx, doc));
			}
		},

		stopAbTest: {
			rest: "POST /ab-tests/:test_id/stop",
			access: ["lifecycle:write"],
			audit: { action: "ab_test.stop" },
			openapi: { summary: "Stop a running A/B test, optionally naming the winner", response: "ABTest" },
			params: { test_id: "string", winner: { type: "enum", values: ["a", "b"], optional: true, nullable: true } },
			async handler(this: LifecycleThis, ctx: Ctx) {
				const principal = ctx.meta.principal;
				const orgId = principal.org_id;
				const winner: Variant | null = ctx.params.winner ?? null;
				const doc = await this.requireTest(orgId, ctx.params.test_id);
				if (doc.status !== "running") throw errors.invalidStateTransition(doc.status, "completed");
				const winnerConfig = winner === "b" ? await this.configOf(ctx, orgId, doc.agent_id, doc.version_b) : null;
				const ended = await this.endTest(orgId, doc.id, "completed", winner);
				if (!ended) throw errors.invalidStateTransition((await this.requireTest(orgId, doc.id)).status, "completed");
				let newVersion: number | null = null;
				if (winnerConfig) {
					try {
						const agent: any = await ctx.call("agents.applyConfig", {
							org_id: orgId,
							agent_id: doc.agent_id,
							config: winnerConfig,
							source: "ab_test_winner",
							actor_id: principal.id,
							force_version: true
						});
						newVersion = agent.version;
					} catch (err) {
						await this.reopenTest(orgId, ended);
						throw err;
					}
				}
				const metrics = await this.metricsOf(ctx, ended);
				await this.afterEnd(ctx, ended, {
					kind: "ab_test_completed",
					event: "ab_test.completed",
					version: newVersion,
					reason: winner ? `Stopped with winner ${winner}` : "Stopped without a winner",
					actorId: principal.id,
					errorRateB: errorRate(metrics?.b ?? { completed: 0, failed: 0 })
				});
				return presentAbTest(ended, metrics);
			}
		},

		getState: {
			rest: "GET /:agent_id",
			access: ["lifecycle:read"],
			openapi: { summary: "Lifecycle state of an agent", response: "LifecycleState" },
			params: { agent_id: "string" },
			async handler(this: LifecycleThis, ctx: Ctx) {
				return this.present(ctx.meta.principal.org_id, await this.requireState(ctx, ctx.params.agent_id));
			}
		},

		promote: {
			rest: "POST /:agent_id/promote",
			access: ["lifecycle:write"],
			audit: { action: "lifecycle.promote" },
			openapi: { summary: "Move an agent to another state", response: "LifecycleState" },
			params: {
				agent_id: "string",
				target_state: { type: "enum", values: [...AGENT_STATUSES] },
				reason: { type: "string", max: 500, optional: true, nullable: true }
			},
			async handler(this: LifecycleThis, ctx: Ctx) {
				const principal = ctx.meta.principal;
				const orgId = principal.org_id;
				const { target_state: to } = ctx.params;
				const reason: string | null = ctx.params.reason ?? null;
				const current = await this.requireState(ctx, ctx.params.agent_id);
				if (!canTransition(current.status, to)) throw errors.invalidStateTransition(current.status, to);
				const { state } = await ctx.call<{ state: AgentState }, any>("agents.setStatus", {
					org_id: orgId,
					agent_id: current.agent_id,
					from: current.status,
					to,
					reason,
					actor_id: principal.id
				});
				ctx.broadcast("lifecycle.promoted", { org_id: orgId, agent_id: current.agent_id, from_state: current.status, to_state: to, reason });
				if (to === "archived") {
					await callIfPresent(this.broker, "runtime.cancelQueuedForAgent", { org_id: orgId, agent_id: current.agent_id, code: "AGENT_ARCHIVED" }, null, ctx);
					await this.endRunningTestOnArchival(ctx, orgId, current.agent_id, principal.id);
				}
				return this.present(orgId, state);
			}
		},

		listVersions: {
			rest: "GET /:agent_id/versions",
			access: ["lifecycle:read"],
			openapi: { summary: "Configuration versions of an agent, newest first", response: "List:AgentVersion" },
			params: { agent_id: "string", ...LIST_QUERY },
			async handler(this: LifecycleThis, ctx: Ctx) {
				const page = await ctx.call<Page<unknown> | null, any>("agents.listVersions", {
					org_id: ctx.meta.principal.org_id,
					agent_id: ctx.params.agent_id,
					...listOptions(ctx.params)
				});
				if (!page) throw errors.notFound("Agent");
				return page;
			}
		},

		getVersion: {
			rest: "GET /:agent_id/versions/:version",
			access: ["lifecycle:read"],
			openapi: { summary: "One configuration version of an agent", response: "AgentVersion" },
			params: { agent_id: "string", version: "string" },
			async handler(this: LifecycleThis, ctx: Ctx) {
				const { agent_id, version } = ctx.params;
				if (!VERSION_NUMBER.test(version)) throw errors.notFound("Version");
				const doc = await ctx.call("agents.getVersion", { org_id: ctx.meta.principal.org_id, agent_id, version: Number(version) });
				if (!doc) throw errors.notFound("Version");
				return doc;
			}
		},

		rollback: {
			rest: "POST /:agent_id/rollback",
			access: ["lifecycle:write"],
			audit: { action: "lifecycle.rollback" },
			openapi: { summary: "Append a version equal to an earlier one", response: "Agent" },
			params: { agent_id: "string", version: { type: "number", integer: true } },
			async handler(this: LifecycleThis, ctx: Ctx) {
				const principal = ctx.meta.principal;
				const orgId = principal.org_id;
				const target: number = ctx.params.version;
				const agent = await this.requireAgent(ctx, ctx.params.agent_id);
				if (target === agent.version) throw errors.fieldError("version", `version ${target} is already the current version`);
				const config = await this.configOf(ctx, orgId, agent.id, target);
				// An archived agent: applyConfig answers 409 AGENT_ARCHIVED.
				const updated: any = await ctx.call("agents.applyConfig", {
					org_id: orgId,
					agent_id: agent.id,
					config,
					source: "rollback",
					actor_id: principal.id,
					force_version: true
				});
				await ctx.call("agents.recordHistory", {
					org_id: orgId,
					agent_id: agent.id,
					kind: "rollback",
					version: updated.version,
					reason: `Rolled back to version ${target}`,
					actor_id: principal.id
				});
				ctx.broadcast("lifecycle.rolled_back", { org_id: orgId, agent_id: agent.id, target_version: target, new_version: updated.version });
				return updated;
			}
		},

		listHistory: {
			rest: "GET /:agent_id/history",
			access: ["lifecycle:read"],
			openapi: { summary: "Lifecycle history of an agent", response: "List:HistoryEntry" },
			params: { agent_id: "string", ...LIST_QUERY, kind: query({ type: "enum", values: [...HISTORY_KINDS] }) },
			async handler(this: LifecycleThis, ctx: Ctx) {
				const page = await ctx.call<Page<unknown> | null, any>("agents.listHistory", {
					org_id: ctx.meta.principal.org_id,
					agent_id: ctx.params.agent_id,
					kind: ctx.params.kind,
					...listOptions(ctx.params)
				});
				if (!page) throw errors.notFound("Agent");
				return page;
			}
		},

		createAbTest: {
			rest: "POST /:agent_id/ab-tests",
			access: ["lifecycle:write"],
			audit: { action: "ab_test.create", resource: null },
			openapi: { summary: "Start an A/B test between two versions of an agent", status: 201, response: "ABTest" },
			params: { agent_id: "string", ...CREATE_PARAMS },
			async handler(this: LifecycleThis, ctx: Ctx) {
				const principal = ctx.meta.principal;
				const orgId = principal.org_id;
				const p = ctx.params;
				if (p.version_a !== undefined && p.version_a === p.version_b) throw this.equalVersions(p.version_b);
				const agent = await this.requireAgent(ctx, p.agent_id);
				const versionA: number = p.version_a ?? agent.version;
				if (versionA === p.version_b) throw this.equalVersions(p.version_b);
				for (const [field, version] of [["version_a", versionA], ["version_b", p.version_b]] as const) {
					const exists = await ctx.call("agents.getVersion", { org_id: orgId, agent_id: agent.id, version });
					if (!exists) throw errors.referenceNotFound(field, `Version ${version} of the agent`);
				}
				if (!AB_RUNNABLE.includes(agent.status)) {
					throw errors.conflict("AGENT_NOT_RUNNABLE", `Agent ${agent.name} is ${agent.status}: A/B tests need a testing or active agent`, { status: agent.status });
				}
				const now = nowIso();
				const doc: AbTestDoc = {
					id: newId("abt"),
					org_id: orgId,
					agent_id: agent.id,
					name: p.name ?? null,
					version_a: versionA,
					version_b: p.version_b,
					traffic_split: p.traffic_split ?? DEFAULT_TRAFFIC_SPLIT,
					status: "running",
					winner: null,
					auto_rollback: {
						enabled: p.auto_rollback?.enabled ?? AUTO_ROLLBACK_DEFAULTS.enabled,
						error_rate_threshold: p.auto_rollback?.error_rate_threshold ?? AUTO_ROLLBACK_DEFAULTS.error_rate_threshold,
						min_runs: p.auto_rollback?.min_runs ?? AUTO_ROLLBACK_DEFAULTS.min_runs
					},
					started_at: now,
					ended_at: null,
					running_agent: agent.id,
					created_by: principal.id,
					created_at: now,
					updated_at: now
				};
				try {
					await this.testsOf(orgId).insert(doc);
				} catch (err) {
					if (err instanceof UniqueViolation) throw this.alreadyRunning(agent.id);
					throw err;
				}
				await ctx.call("agents.recordHistory", {
					org_id: orgId,
					agent_id: agent.id,
					kind: "ab_test_started",
					ab_test_id: doc.id,
					reason: `Version ${doc.version_a} against version ${doc.version_b}, ${doc.traffic_split}% of runs to B`,
					actor_id: principal.id
				});
				ctx.broadcast("ab_test.started", eventPayload(doc, null, 0));
				ctx.meta.auditResourceId = doc.id;
				return presentAbTest(doc, await this.metricsOf(ctx, doc));
			}
		},

		listAbTests: {
			rest: "GET /:agent_id/ab-tests",
			access: ["lifecycle:read"],
			openapi: { summary: "A/B tests of an agent", response: "List:ABTest" },
			params: { agent_id: "string", ...LIST_QUERY, status: query({ type: "enum", values: [...AB_STATUSES] }) },
			async handler(this: LifecycleThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const agent = await this.requireAgent(ctx, ctx.params.agent_id);
				const filter: Record<string, unknown> = { agent_id: agent.id };
				if (ctx.params.status) filter.status = ctx.params.status;
				const page = await this.testsOf(orgId).list(filter, listOptions(ctx.params));
				const items = await Promise.all(page.items.map(async (doc: AbTestDoc) => presentAbTest(doc, await this.metricsOf(ctx, doc))));
				return { ...page, items };
			}
		},

		// Internal actions (runtime, agents).

		/** §5 A/B routing of a new run: null when the agent has no running test; sticky per session. */
		routeRun: {
			visibility: "public",
			params: { org_id: "string", agent_id: "string", session_id: { type: "string", optional: true, nullable: true } },
			async handler(this: LifecycleThis, ctx: Context<{ org_id: string; agent_id: string; session_id?: string | null }>) {
				const { org_id, agent_id, session_id } = ctx.params;
				const test = await this.testsOf(org_id).findOne({ agent_id, status: "running" });
				if (!test) return null;
				const variant: Variant = session_id ? await this.sessionVariant(test, session_id) : pickVariant(test.traffic_split);
				return { ab_test_id: test.id, variant, version: versionOf(test, variant) };
			}
		},

		/** The agent is being deleted: its A/B tests and their session assignments go with it. */
		purgeAgent: {
			visibility: "public",
			params: { org_id: "string", agent_id: "string" },
			async handler(this: LifecycleThis, ctx: Context<{ org_id: string; agent_id: string }>) {
				const { org_id, agent_id } = ctx.params;
				const tests = await this.testsOf(org_id).find({ agent_id });
				if (tests.length) await this.repos.ab_sessions.forOrg(org_id).deleteMany({ ab_test_id: { $in: tests.map((t: AbTestDoc) => t.id) } });
				return { deleted: await this.testsOf(org_id).deleteMany({ agent_id }) };
			}
		}
	},

	events: {
		"run.completed"(this: LifecycleThis, ctx: Context<{ org_id: string; run: any }>) {
			return this.checkAutoRollback(ctx);
		},
		"run.failed"(this: LifecycleThis, ctx: Context<{ org_id: string; run: any }>) {
			return this.checkAutoRollback(ctx);
		}
	},

	methods: {
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
	}
};

export default LifecycleService;
