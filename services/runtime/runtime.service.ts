import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import { IDEMPOTENCY_INDEXES } from "../../lib/idempotency";
import * as errors from "../../lib/errors";
import type { Schema } from "../../lib/schema";
import type { Filter } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { LIST_QUERY, listOptions, query } from "../../lib/validation";
import { StoreMixin } from "../../mixins/platform.mixin";
import { actorActions } from "./actor-actions";
import { FairDispatcher } from "./dispatcher";
import { runtimeMethods } from "./methods";
import { RunMetrics } from "./metrics";
import { actorName, LEASE_MS, RUN_INPUT, SWEEP_INTERVAL_MS, type Ctx, type RuntimeThis } from "./model";
import { moduleActions } from "./module-actions";
import { ACTIVE_STATUSES, presentRun, presentStep, RUN_QUERY, RUN_SCHEMA, runFilter, STEP_SCHEMA, TERMINAL } from "./runs";
import { answerAsEventStream, RunHub } from "./stream";

export { actorName, LEASE_MS };

const RuntimeService: Schema<RuntimeThis> = {
	name: "runtime",
	mixins: [StoreMixin({
		runs: [{ fields: ["agent_id"] }, { fields: ["status"] }, { fields: ["created_at"] }, { fields: ["completed_at"] }],
		steps: [{ fields: ["run_id", "index"], unique: true }, { fields: ["run_id"] }],
		idempotency: IDEMPOTENCY_INDEXES
	})],
	settings: { rest: "/runtime" },
	metadata: { schemas: { Run: RUN_SCHEMA, Step: STEP_SCHEMA } },

	actions: {
		createRun: {
			rest: "POST /runs",
			access: ["runtime:execute"],
			audit: { action: "run.create" },
			openapi: { summary: "Start a run of an agent", status: 202, response: "Run" },
			params: { ...RUN_INPUT, wait: { type: "boolean", optional: true }, timeout_seconds: { type: "number", integer: true, min: 1, max: 300, optional: true } },
			handler(this: RuntimeThis, ctx: Ctx) {
				return this.withIdempotency(ctx, () => this.acceptAndMaybeWait(ctx, !!ctx.params.wait));
			}
		},

		execute: {
			rest: "POST /execute",
			access: ["runtime:execute"],
			audit: { action: "run.create" },
			openapi: { summary: "Run an agent and wait for the result", status: 200, response: "Run" },
			params: { ...RUN_INPUT, timeout_seconds: { type: "number", integer: true, min: 1, max: 300, optional: true } },
			handler(this: RuntimeThis, ctx: Ctx) {
				return this.withIdempotency(ctx, () => this.acceptAndMaybeWait(ctx, true));
			}
		},

		listRuns: {
			rest: "GET /runs",
			access: ["runtime:read"],
			openapi: { summary: "List runs", response: "List:Run" },
			params: { ...LIST_QUERY, agent_id: query({ type: "string", max: 64 }), ...RUN_QUERY },
			async handler(this: RuntimeThis, ctx: Ctx) {
				const page = await this.repos.runs.forOrg(ctx.meta.principal.org_id).list(runFilter(ctx.params), listOptions(ctx.params));
				return { ...page, items: page.items.map(presentRun) };
			}
		},

		getRun: {
			rest: "GET /runs/:run_id",
			access: ["runtime:read"],
			openapi: { summary: "Get a run", response: "Run" },
			params: { run_id: "string" },
			async handler(this: RuntimeThis, ctx: Ctx) {
				return presentRun(await this.requireRun(ctx.meta.principal.org_id, ctx.params.run_id));
			}
		},

		listSteps: {
			rest: "GET /runs/:run_id/steps",
			access: ["runtime:read"],
			openapi: { summary: "Steps of a run, index ascending", response: "List:Step" },
			params: {
				run_id: "string",
				limit: LIST_QUERY.limit,
				offset: LIST_QUERY.offset,
				type: query({ type: "enum", values: ["llm_call", "tool_call", "policy_check", "approval", "memory", "message", "retrieval"] })
			},
			async handler(this: RuntimeThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				await this.requireRun(orgId, ctx.params.run_id);
				const filter: Filter = { run_id: ctx.params.run_id };
				if (ctx.params.type) filter.type = ctx.params.type;
				const page = await this.repos.steps.forOrg(orgId).list(filter, { ...listOptions(ctx.params), sort: { index: 1 } });
				return { ...page, items: page.items.map(presentStep) };
			}
		},

		cancel: {
			rest: "POST /runs/:run_id/cancel",
			access: ["runtime:execute"],
			audit: { action: "run.cancel" },
			openapi: { summary: "Cancel a queued, running or paused run", response: "Run" },
			params: { run_id: "string", reason: { type: "string", max: 500, optional: true } },
			async handler(this: RuntimeThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const run = await this.requireRun(orgId, ctx.params.run_id);
				if (TERMINAL.has(run.status)) throw errors.invalidStateTransition(run.status, "cancelled");
				const cancelled = await this.finish(run, "cancelled", { error: { code: "CANCELLED", message: ctx.params.reason || "cancelled by request" } }, ACTIVE_STATUSES);
				if (!cancelled) throw errors.invalidStateTransition((await this.requireRun(orgId, run.id)).status, "cancelled");
				await this.repos.steps.forOrg(orgId).updateMany(
					{ run_id: run.id, status: "awaiting" },
					{ $set: { status: "failed", error: { code: "CANCELLED", message: "The run was cancelled" }, completed_at: nowIso(), updated_at: nowIso() } }
				);
				await callIfPresent(this.broker, "governance.cancelForRun", { org_id: orgId, run_id: run.id }, null, ctx);
				return presentRun(cancelled);
			}
		},

		stream: {
			rest: "GET /runs/:run_id/stream",
			access: ["runtime:read"],
			openapi: { summary: "Live run events (SSE)", produces: "text/event-stream" },
			params: { run_id: "string" },
			async handler(this: RuntimeThis, ctx: Ctx) {
				const run = await this.requireRun(ctx.meta.principal.org_id, ctx.params.run_id);
				answerAsEventStream(ctx.meta);
				return this.openStream(run);
			}
		},

		retry: {
			rest: "POST /runs/:run_id/retry",
			access: ["runtime:execute"],
			audit: { action: "run.retry" },
			openapi: { summary: "Run a failed, cancelled or blocked run again", status: 202, response: "Run" },
			params: { run_id: "string" },
			async handler(this: RuntimeThis, ctx: Ctx) {
				const original = await this.requireRun(ctx.meta.principal.org_id, ctx.params.run_id);
				if (!["failed", "cancelled", "blocked"].includes(original.status)) throw errors.invalidStateTransition(original.status, "queued");
				const run = await this.accept(ctx, ctx.meta.principal.org_id, ctx.meta.principal.id, {
					agent_id: original.agent_id,
					input: original.input,
					mode: original.mode,
					agent_version: original.pinned_version ? original.agent_version : undefined,
					session_id: original.session_id,
					end_user_id: original.end_user_id,
					customer_id: original.customer_id,
					metadata: original.metadata,
					max_cost_usd: original.max_cost_usd,
					parent_run_id: original.id
				});
				return presentRun(run);
			}
		},

		replay: {
			rest: "POST /runs/:run_id/replay",
			access: ["runtime:execute"],
			audit: { action: "run.replay" },
			openapi: { summary: "Replay a finished run against another agent version", status: 202, response: "Run" },
			params: { run_id: "string", agent_version: { type: "number", integer: true, min: 1, optional: true }, replay_tool_outputs: { type: "boolean", optional: true } },
			async handler(this: RuntimeThis, ctx: Ctx) {
				const original = await this.requireRun(ctx.meta.principal.org_id, ctx.params.run_id);
				if (!TERMINAL.has(original.status)) throw errors.invalidStateTransition(original.status, "queued");
				const run = await this.accept(ctx, ctx.meta.principal.org_id, ctx.meta.principal.id, {
					agent_id: original.agent_id,
					input: original.input,
					mode: "test",
					forceTest: true,
					agent_version: ctx.params.agent_version,
					session_id: original.session_id,
					end_user_id: original.end_user_id,
					customer_id: original.customer_id,
					metadata: original.metadata,
					max_cost_usd: original.max_cost_usd,
					parent_run_id: original.id,
					replay_of: original.id,
					replay_tool_outputs: ctx.params.replay_tool_outputs ?? true
				});
				return presentRun(run);
			}
		},
		...moduleActions,
		...actorActions
	},

	events: {
		"runtime.run.event"(this: RuntimeThis, ctx: Context<{ run_id: string; event: string; data: unknown }>) {
			this.hub.publish(ctx.params.run_id, { event: ctx.params.event, data: ctx.params.data });
		},
		// A runtime node joined: runs waiting for an actor may have one now.
		"$node.connected"(this: RuntimeThis) {
			setTimeout(() => this.sweep().catch(() => undefined), 1000).unref();
		}
	},

	methods: runtimeMethods,

	created(this: RuntimeThis) {
		this.hub = new RunHub();
		this.runMetrics = new RunMetrics(this.broker);
		this.sweepTimer = null;
		this.dispatchedAt = new Map();
		const limits = new Map<string, { value: number; at: number }>();
		this.dispatcher = new FairDispatcher(
			async orgId => {
				const cached = limits.get(orgId);
				if (cached && Date.now() - cached.at < 5000) return cached.value;
				const org: any = await callIfPresent(this.broker, "admin.getOrg", { id: orgId }, null);
				const value = org?.limits?.max_concurrent_runs ?? 20;
				limits.set(orgId, { value, at: Date.now() });
				return value;
			},
			q => this.dispatchRun(q),
			q => callIfPresent(this.broker, "budgets.throttle", { org_id: q.org_id, agent_id: q.agent_id }, null)
		);
	},

	async started(this: RuntimeThis) {
		const active = await this.repos.runs.platformWide().find({ status: { $in: ["running", "awaiting_approval"] } });
		for (const run of active) this.dispatcher.markInFlight(run.org_id, run.id);
		this.runMetrics.queued(await this.repos.runs.platformWide().count({ status: "queued" }));
		this.sweepTimer = setInterval(() => this.sweep().catch((err: unknown) => this.logger.warn({ err }, "Run sweep failed")), SWEEP_INTERVAL_MS);
		this.sweepTimer.unref();
	},

	stopped(this: RuntimeThis) {
		if (this.sweepTimer) clearInterval(this.sweepTimer);
	}
};

export default RuntimeService;
