import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Schema } from "../../lib/schema";
import type { Page } from "../../lib/store";
import { UniqueViolation } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { LIST_QUERY, listOptions, query } from "../../lib/validation";
import { StoreMixin } from "../../mixins/platform.mixin";
import { AGENT_STATUSES, HISTORY_KINDS } from "../agents/model";
import { AB_STATUSES, AB_TEST_SCHEMA, AUTO_ROLLBACK_DEFAULTS, CREATE_PARAMS, DEFAULT_TRAFFIC_SPLIT, errorRate, eventPayload, pickVariant, presentAbTest, versionOf, type AbTestDoc, type Variant } from "./ab-tests";
import { canTransition } from "./state-machine";
import { AB_RUNNABLE, type AgentState, type Ctx, LIFECYCLE_STATE_SCHEMA, type LifecycleThis, VERSION_NUMBER } from "./service-model";
import { lifecycleMethods } from "./methods";

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

	methods: lifecycleMethods
};

export default LifecycleService;
