import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import { IDEMPOTENCY_INDEXES, withIdempotency, type IdempotencyDoc } from "../../lib/idempotency";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import type { Filter, Repository } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { LIST_QUERY, listOptions, metadata, query } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { bucketStartOf, fillBuckets, type CostBucket } from "../agents/costs";
import { FairDispatcher, type QueuedRun } from "./dispatcher";
import { RunMetrics } from "./metrics";
import {
	ACTIVE_STATUSES, capPayload, isChatRun, presentRun, presentStep, resolveMode, round6, RUN_QUERY, RUN_SCHEMA, runFilter, STEP_SCHEMA, TERMINAL,
	type RunDoc, type RunMode, type RunStatus, type StepDoc, type Trigger
} from "./runs";
import { answerAsEventStream, RunHub, SseStream, type RunEvent } from "./stream";

interface RuntimeThis extends PlatformThis {
	repos: { runs: Repository<RunDoc>; steps: Repository<StepDoc>; idempotency: Repository<IdempotencyDoc> };
	hub: RunHub;
	dispatcher: FairDispatcher;
	runMetrics: RunMetrics;
	sweepTimer: NodeJS.Timeout | null;
	/** When this node handed each queued run to an actor (in memory: the sweeper's hint). */
	dispatchedAt: Map<string, number>;
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal; idempotencyKey?: string; $statusCode?: number; $responseType?: string; $responseHeaders?: Record<string, string> }>;

/** A run whose node stopped renewing its lease this long ago is taken over by another node. */
export const LEASE_MS = 15_000;
const SWEEP_INTERVAL_MS = 5_000;
/** A queued run not picked up by any actor for this long is failed with WORKER_LOST. */
const UNDISPATCHABLE_MS = 60_000;
/** A run handed to an actor but not claimed this long after (its node died) is dispatched again. */
const REDISPATCH_MS = 30_000;
const DISPATCH_TIMEOUT_MS = 3_000;

const RUN_INPUT = {
	agent_id: { type: "string", min: 1, max: 64 },
	input: { type: "string", min: 1, max: 100000 },
	mode: { type: "enum", values: ["production", "test"], optional: true },
	agent_version: { type: "number", integer: true, min: 1, optional: true },
	session_id: { type: "string", min: 1, max: 128, optional: true, nullable: true },
	end_user_id: { type: "string", min: 1, max: 128, optional: true, nullable: true },
	customer_id: { type: "string", min: 1, max: 64, optional: true, nullable: true },
	metadata: metadata({ optional: true }),
	max_cost_usd: { type: "number", positive: true, optional: true, nullable: true }
};

export const actorName = (agentId: string) => `agent-actor.${agentId}`;

/** A chat run is dispatched with its session, so the actor keeps the session's runs in order (§19). */
const chatSessionOf = (run: RunDoc) => (isChatRun(run) && run.session_id ? { session_id: run.session_id } : {});

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

		// Internal actions for other modules (schedules, events, coordination, workflows, chat).

		/**
		 * Starts a run on behalf of a module, under every acceptance rule of a run started through the
		 * API (§2). A budget refusal stores the `blocked` run and throws BUDGET_EXCEEDED with its id.
		 */
		startRun: {
			visibility: "public",
			params: {
				org_id: "string",
				...RUN_INPUT,
				// A schedule's input may be empty (§7).
				input: { type: "string", max: 100000 },
				trigger: { type: "enum", values: ["api", "schedule", "event", "chat", "workflow", "coordination", "public"] },
				trigger_ref: { type: "string", optional: true, nullable: true },
				parent_run_id: { type: "string", optional: true, nullable: true },
				created_by: { type: "string", optional: true, nullable: true },
				wait: { type: "boolean", optional: true },
				timeout_ms: { type: "number", integer: true, min: 1, optional: true }
			},
			async handler(this: RuntimeThis, ctx: Context<any>) {
				const p = ctx.params;
				const run = await this.accept(ctx, p.org_id, p.created_by ?? null, p);
				if (!p.wait) return presentRun(run);
				return presentRun((await this.waitForTerminal(run, p.timeout_ms ?? 60_000)) ?? run);
			}
		},

		/** The run once it is terminal, or as it is when `timeout_ms` passes first. */
		awaitRun: {
			visibility: "public",
			params: { org_id: "string", run_id: "string", timeout_ms: { type: "number", integer: true, min: 1, optional: true } },
			async handler(this: RuntimeThis, ctx: Context<{ org_id: string; run_id: string; timeout_ms?: number }>) {
				const run = await this.repos.runs.forOrg(ctx.params.org_id).get(ctx.params.run_id);
				if (!run) return null;
				if (TERMINAL.has(run.status)) return presentRun(run);
				return presentRun((await this.waitForTerminal(run, ctx.params.timeout_ms ?? 60_000)) ?? run);
			}
		},

		/** Runs of one org by the run-list filters (§2), e.g. a schedule's runs by trigger and trigger_ref. */
		findRuns: {
			visibility: "public",
			params: { org_id: "string", filter: "object", limit: { type: "number", optional: true }, offset: { type: "number", optional: true }, order: { type: "string", optional: true } },
			async handler(this: RuntimeThis, ctx: Context<any>) {
				const { org_id, filter, ...page } = ctx.params;
				const { trigger_ref, ...rest } = filter;
				const where: Filter = { ...runFilter(rest), ...(trigger_ref !== undefined ? { trigger_ref } : {}) };
				const found = await this.repos.runs.forOrg(org_id).list(where, listOptions(page));
				return { ...found, items: found.items.map(presentRun) };
			}
		},

		// Internal actions: agent actors on runtime nodes drive runs through these.

		claimRun: {
			visibility: "public",
			params: { run_id: "string", node_id: "string" },
			async handler(this: RuntimeThis, ctx: Context<{ run_id: string; node_id: string }>) {
				return this.claim(ctx.params.run_id, ctx.params.node_id);
			}
		},

		recordStep: {
			visibility: "public",
			params: { run_id: "string", org_id: "string", step: "object" },
			async handler(this: RuntimeThis, ctx: Context<{ run_id: string; org_id: string; step: Partial<StepDoc> & { index: number } }>) {
				return this.saveStep(ctx.params.org_id, ctx.params.run_id, ctx.params.step);
			}
		},

		finishRun: {
			visibility: "public",
			params: { run_id: "string", org_id: "string", status: { type: "enum", values: ["completed", "failed", "cancelled", "blocked"] }, node_id: { type: "string", optional: true } },
			async handler(this: RuntimeThis, ctx: Context<any>) {
				const { run_id, org_id, status, output, error, totals } = ctx.params;
				const run = await this.repos.runs.forOrg(org_id).get(run_id);
				if (!run) return null;
				const done = await this.finish(run, status, { output: output ?? null, error: error ?? null, ...(totals ?? {}) }, ["running", "awaiting_approval", "queued"]);
				return done ? presentRun(done) : presentRun((await this.repos.runs.forOrg(org_id).get(run_id)) as RunDoc);
			}
		},

		renewLeases: {
			visibility: "public",
			params: { node_id: "string", run_ids: { type: "array", items: "string" } },
			async handler(this: RuntimeThis, ctx: Context<{ node_id: string; run_ids: string[] }>) {
				if (!ctx.params.run_ids.length) return 0;
				return this.repos.runs.platformWide().updateMany(
					{ id: { $in: ctx.params.run_ids }, lease_owner: ctx.params.node_id, status: { $in: ["running", "awaiting_approval"] } },
					{ $set: { lease_expires_at: new Date(Date.now() + LEASE_MS).toISOString() } }
				);
			}
		},

		/** The run waits for a human decision: out of `running`, no lease, no actor holding it. */
		park: {
			visibility: "public",
			params: { run_id: "string", org_id: "string", node_id: "string" },
			async handler(this: RuntimeThis, ctx: Context<{ run_id: string; org_id: string; node_id: string }>) {
				const { run_id, org_id, node_id } = ctx.params;
				const parked = await this.repos.runs.forOrg(org_id).updateWhere(
					{ id: run_id, status: "running", lease_owner: node_id },
					{ $set: { status: "awaiting_approval", resumable: false, parked_at: nowIso(), lease_owner: null, lease_expires_at: null, updated_at: nowIso() } }
				);
				if (parked) {
					this.announceStatus(parked, "running");
					this.dispatcher.finished(org_id, run_id);
				}
				return !!parked;
			}
		},

		/** Governance decided (or expired) an approval of a run: resume it or end it (§12). */
		approvalDecided: {
			visibility: "public",
			params: {
				org_id: "string",
				run_id: "string",
				approval_id: "string",
				kind: { type: "enum", values: ["approval", "escalation"] },
				decision: { type: "enum", values: ["approved", "rejected", "expired"] }
			},
			async handler(this: RuntimeThis, ctx: Context<any>) {
				const { org_id, run_id, approval_id, kind, decision } = ctx.params;
				const step = await this.repos.steps.forOrg(org_id).findOne({ run_id, approval_id, status: "awaiting" });
				const run = await this.repos.runs.forOrg(org_id).get(run_id);
				if (!step || !run) return false;
				const code = decision === "expired" ? "APPROVAL_EXPIRED" : kind === "escalation" ? "ESCALATION_REJECTED" : "APPROVAL_REJECTED";
				const error = decision === "approved" ? null : { code, message: decision === "expired" ? "The approval expired before anyone decided" : `The ${kind} was rejected` };
				await this.saveStep(org_id, run_id, {
					index: step.index,
					status: decision === "approved" ? "completed" : decision === "expired" ? "failed" : "denied",
					error,
					output: { decision },
					completed_at: nowIso(),
					latency_ms: Date.now() - Date.parse(step.started_at)
				});
				if (decision !== "approved") {
					await this.finish(run, "failed", { error }, ["awaiting_approval"]);
					return true;
				}
				const resumable = await this.repos.runs.forOrg(org_id).updateWhere({ id: run_id, status: "awaiting_approval" }, { $set: { resumable: true, updated_at: nowIso() } });
				if (resumable) this.dispatcher.enqueue({ run_id, org_id, agent_id: run.agent_id });
				return true;
			}
		},

		abMetrics: {
			visibility: "public",
			params: { org_id: "string", ab_test_id: "string" },
			async handler(this: RuntimeThis, ctx: Context<{ org_id: string; ab_test_id: string }>) {
				const runs = await this.repos.runs.forOrg(ctx.params.org_id).find({ ab_test_id: ctx.params.ab_test_id });
				const of = (variant: "a" | "b") => {
					const mine = runs.filter(r => r.ab_variant === variant);
					const done = mine.filter(r => r.status === "completed" || r.status === "failed");
					const avg = (f: (r: RunDoc) => number) => (done.length ? done.reduce((sum, r) => sum + f(r), 0) / done.length : 0);
					return {
						runs: mine.length,
						completed: done.filter(r => r.status === "completed").length,
						failed: done.filter(r => r.status === "failed").length,
						avg_latency_ms: Math.round(avg(r => r.latency_ms)),
						avg_cost_usd: round6(avg(r => r.cost_usd)),
						avg_tokens: Math.round(avg(r => r.tokens_input + r.tokens_output))
					};
				};
				return { a: of("a"), b: of("b") };
			}
		},

		/** A run and its steps (index ascending), or null: read once per finished run by analytics and intelligence. */
		runDetail: {
			visibility: "public",
			params: { org_id: "string", run_id: "string" },
			async handler(this: RuntimeThis, ctx: Context<{ org_id: string; run_id: string }>) {
				const run = await this.repos.runs.forOrg(ctx.params.org_id).get(ctx.params.run_id);
				if (!run) return null;
				const steps = await this.repos.steps.forOrg(run.org_id).find({ run_id: run.id }, { sort: { index: 1 } });
				return { run: presentRun(run), steps: steps.map(presentStep) };
			}
		},

		/** The same for an operator (the REPL's `run` command): finds the run in any org, and names the node that executes it. */
		operatorRunDetail: {
			visibility: "public",
			params: { run_id: "string" },
			async handler(this: RuntimeThis, ctx: Context<{ run_id: string }>) {
				const run = await this.repos.runs.platformWide().get(ctx.params.run_id);
				if (!run) return null;
				const steps = await this.repos.steps.forOrg(run.org_id).find({ run_id: run.id }, { sort: { index: 1 } });
				return { run: presentRun(run), node_id: run.lease_owner, steps: steps.map(presentStep) };
			}
		},

		/** Runs of every org that ended in [since, until), oldest first: analytics catches up on missed run events. */
		finishedBetween: {
			visibility: "public",
			params: { since: "string", until: "string", limit: { type: "number", integer: true, min: 1, max: 5000, optional: true } },
			async handler(this: RuntimeThis, ctx: Context<{ since: string; until: string; limit?: number }>) {
				const { since, until, limit } = ctx.params;
				const runs = await this.repos.runs.platformWide().find({ completed_at: { $gte: since, $lt: until } }, { sort: { completed_at: 1, id: 1 }, limit: limit ?? 1000 });
				return runs.map(presentRun);
			}
		},

		/** One row per completed model call, for cost reports (§11). */
		costRows: {
			visibility: "public",
			params: { org_id: "string", start: "string", end: "string", agent_id: { type: "string", optional: true } },
			async handler(this: RuntimeThis, ctx: Context<{ org_id: string; start: string; end: string; agent_id?: string }>) {
				const { org_id, start, end, agent_id } = ctx.params;
				const filter: Filter = { created_at: { $gte: start, $lt: end } };
				if (agent_id) filter.agent_id = agent_id;
				const runs = await this.repos.runs.forOrg(org_id).find(filter);
				if (!runs.length) return [];
				const byId = new Map(runs.map(r => [r.id, r]));
				const steps = await this.repos.steps.forOrg(org_id).find({ run_id: { $in: [...byId.keys()] }, type: "llm_call", status: "completed" });
				return steps.map(step => {
					const input = (step.input ?? {}) as Record<string, any>;
					const run = byId.get(step.run_id) as RunDoc;
					return {
						run_id: step.run_id,
						agent_id: run.agent_id,
						step_index: step.index,
						model: step.model ?? step.name,
						provider: input.provider ?? null,
						original_model: input.original_model ?? null,
						cost_rule_id: input.cost_rule_id ?? null,
						cost_usd: step.cost_usd,
						savings_usd: input.savings_usd ?? 0,
						tokens_input: step.tokens_input,
						tokens_output: step.tokens_output,
						created_at: step.created_at
					};
				});
			}
		},

		cancelQueuedForAgent: {
			visibility: "public",
			params: { org_id: "string", agent_id: "string", code: { type: "string", optional: true } },
			async handler(this: RuntimeThis, ctx: Context<{ org_id: string; agent_id: string; code?: string }>) {
				const queued = await this.repos.runs.forOrg(ctx.params.org_id).find({ agent_id: ctx.params.agent_id, status: "queued" });
				const code = ctx.params.code ?? "CANCELLED";
				for (const run of queued) await this.finish(run, "cancelled", { error: { code, message: code === "AGENT_ARCHIVED" ? "The agent was archived" : "cancelled" } }, ["queued"]);
				return queued.length;
			}
		},

		costBuckets: {
			visibility: "public",
			params: { org_id: "string", agent_id: "string", granularity: { type: "enum", values: ["day", "month"] }, start: "string", end: "string" },
			async handler(this: RuntimeThis, ctx: Context<any>) {
				const { org_id, agent_id, granularity, start, end } = ctx.params;
				const runs = await this.repos.runs.forOrg(org_id).find({ agent_id, created_at: { $gte: start, $lt: end } });
				const sums: Record<string, CostBucket> = {};
				for (const run of runs) {
					const key = bucketStartOf(granularity, run.created_at).toISOString();
					const b = (sums[key] ??= { period_start: key, cost_usd: 0, runs: 0, tokens_input: 0, tokens_output: 0 });
					b.cost_usd = round6(b.cost_usd + run.cost_usd);
					b.runs += 1;
					b.tokens_input += run.tokens_input;
					b.tokens_output += run.tokens_output;
				}
				const total = round6(runs.reduce((sum, r) => sum + r.cost_usd, 0));
				return { total_cost_usd: total, items: fillBuckets(granularity, start, end, sums) };
			}
		},

		/** Per agent: queued and running runs, and the p99 latency of runs that ended in the last 5 minutes (§15 metrics). */
		agentLoad: {
			visibility: "public",
			params: { org_id: { type: "string", optional: true } },
			async handler(this: RuntimeThis, ctx: Context<{ org_id?: string }>) {
				const runs = ctx.params.org_id ? this.repos.runs.forOrg(ctx.params.org_id) : this.repos.runs.platformWide();
				const since = new Date(Date.now() - 5 * 60 * 1000).toISOString();
				const [active, recent] = await Promise.all([
					runs.find({ status: { $in: ["queued", "running"] } }),
					runs.find({ status: { $in: ["completed", "failed"] }, completed_at: { $gte: since } })
				]);
				const load: Record<string, { org_id: string; queued: number; running: number; latency_p99: number | null }> = {};
				const of = (r: RunDoc) => (load[r.agent_id] ??= { org_id: r.org_id, queued: 0, running: 0, latency_p99: null });
				for (const run of active) of(run)[run.status === "queued" ? "queued" : "running"] += 1;
				const latencies = new Map<string, { run: RunDoc; values: number[] }>();
				for (const run of recent) {
					const entry = latencies.get(run.agent_id);
					if (entry) entry.values.push(run.latency_ms);
					else latencies.set(run.agent_id, { run, values: [run.latency_ms] });
				}
				for (const { run, values } of latencies.values()) {
					values.sort((a, b) => a - b);
					of(run).latency_p99 = values[Math.min(values.length - 1, Math.ceil(values.length * 0.99) - 1)];
				}
				return load;
			}
		},

		stats: {
			visibility: "public",
			async handler(this: RuntimeThis) {
				const runs = this.repos.runs.platformWide();
				const since = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
				const recent = await runs.find({ created_at: { $gte: since } });
				return {
					runs_total: await runs.count(),
					runs_last_24h: recent.length,
					runs_running: await runs.count({ status: "running" }),
					runs_queued: await runs.count({ status: "queued" }),
					tokens_last_24h: recent.reduce((s, r) => s + r.tokens_input + r.tokens_output, 0),
					cost_usd_last_24h: round6(recent.reduce((s, r) => s + r.cost_usd, 0))
				};
			}
		}
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

	methods: {
		async requireRun(this: RuntimeThis, orgId: string, runId: string): Promise<RunDoc> {
			const run = await this.repos.runs.forOrg(orgId).get(runId);
			if (!run) throw errors.notFound("Run");
			return run;
		},

		/** Accept a run (§2 acceptance rules), persist it `queued`, hand it to the dispatcher. */
		async accept(this: RuntimeThis, ctx: Context<any>, orgId: string, createdBy: string | null, input: Record<string, any>): Promise<RunDoc> {
			const found: any = await ctx.call("agents.getForRun", { org_id: orgId, agent_id: input.agent_id, version: input.agent_version });
			if (!found) {
				if (input.agent_version && (await ctx.call("agents.exists", { org_id: orgId, agent_id: input.agent_id }))) {
					throw errors.referenceNotFound("agent_version", `Version ${input.agent_version} of the agent`);
				}
				throw errors.referenceNotFound("agent_id", "Agent");
			}
			const mode: RunMode = input.forceTest ? resolveReplayMode(found.agent.status) : resolveMode(found.agent.status, input.mode);
			const routed =
				input.agent_version == null && !input.replay_of
					? await callIfPresent<{ ab_test_id: string; variant: "a" | "b"; version: number } | null>(this.broker, "lifecycle.routeRun", { org_id: orgId, agent_id: input.agent_id, session_id: input.session_id ?? null }, null, ctx)
					: null;
			const config = routed && routed.version !== found.version ? ((await ctx.call("agents.getForRun", { org_id: orgId, agent_id: input.agent_id, version: routed.version })) as any)?.config ?? found.config : found.config;
			// Acceptance rule 3 (§2): the billing customer is active and within a hard plan limit.
			const refusal = input.customer_id
				? await callIfPresent<{ code: string; message: string; details?: Record<string, unknown> } | null>(this.broker, "billing.checkAcceptance", { org_id: orgId, customer_id: input.customer_id }, null, ctx)
				: null;
			if (refusal?.code === "CUSTOMER_SUSPENDED") throw errors.conflict(refusal.code, refusal.message);
			const exhausted = refusal ? null : await callIfPresent<{ budget_id: string; budget_name: string; resets_at: string } | null>(
				this.broker,
				"budgets.checkAcceptance",
				{ org_id: orgId, agent_id: input.agent_id },
				null,
				ctx
			);
			const now = nowIso();
			const run: RunDoc = {
				id: newId("run"),
				org_id: orgId,
				agent_id: input.agent_id,
				agent_version: routed?.version ?? found.version,
				pinned_version: input.agent_version != null,
				status: exhausted || refusal ? "blocked" : "queued",
				mode,
				trigger: (input.trigger ?? "api") as Trigger,
				trigger_ref: input.trigger_ref ?? null,
				parent_run_id: input.parent_run_id ?? null,
				replay_of: input.replay_of ?? null,
				replay_tool_outputs: !!input.replay_tool_outputs,
				input: input.input,
				output: null,
				error: refusal
					? { code: refusal.code, message: refusal.message }
					: exhausted
						? { code: "BUDGET_EXCEEDED", message: `Budget ${exhausted.budget_name} is exhausted until ${exhausted.resets_at}` }
						: null,
				session_id: input.session_id ?? null,
				end_user_id: input.end_user_id ?? null,
				customer_id: input.customer_id ?? null,
				metadata: input.metadata ?? {},
				model: config.model,
				tokens_input: 0,
				tokens_output: 0,
				cost_usd: 0,
				savings_usd: 0,
				latency_ms: 0,
				max_cost_usd: input.max_cost_usd ?? config.max_cost_usd_per_run ?? null,
				ab_test_id: routed?.ab_test_id ?? null,
				ab_variant: routed?.variant ?? null,
				created_by: createdBy,
				started_at: null,
				completed_at: exhausted || refusal ? now : null,
				lease_owner: null,
				lease_expires_at: null,
				created_at: now,
				updated_at: now
			};
			await this.repos.runs.forOrg(orgId).insert(run);
			if (refusal) {
				// Like a budget refusal, the refused run is kept as the record of what the plan stopped (§24).
				this.runMetrics.finished(run);
				this.announce(run, "run.blocked");
				throw errors.conflict(refusal.code, refusal.message, { run_id: run.id, ...refusal.details });
			}
			if (exhausted) {
				// The refused run is kept (§2 acceptance rule 4): it is the record of what the budget stopped.
				this.runMetrics.finished(run);
				this.announce(run, "run.blocked");
				throw errors.conflict("BUDGET_EXCEEDED", `Budget ${exhausted.budget_name} is exhausted until ${exhausted.resets_at}`, { run_id: run.id, ...exhausted });
			}
			this.runMetrics.queued(+1);
			this.announce(run, "run.queued");
			this.dispatcher.enqueue({ run_id: run.id, org_id: orgId, agent_id: run.agent_id, ...chatSessionOf(run) });
			return run;
		},

		async acceptAndMaybeWait(this: RuntimeThis, ctx: Ctx, wait: boolean) {
			const run = await this.accept(ctx, ctx.meta.principal.org_id, ctx.meta.principal.id, ctx.params);
			if (!wait) {
				ctx.meta.$statusCode = 202;
				return presentRun(run);
			}
			const done = await this.waitForTerminal(run, (ctx.params.timeout_seconds ?? 60) * 1000);
			ctx.meta.$statusCode = done && TERMINAL.has(done.status) ? 200 : 202;
			return presentRun(done ?? run);
		},

		waitForTerminal(this: RuntimeThis, run: RunDoc, timeoutMs: number): Promise<RunDoc | null> {
			return new Promise(resolve => {
				let settled = false;
				const finish = (value: RunDoc | null) => {
					if (settled) return;
					settled = true;
					clearTimeout(timer);
					unsubscribe();
					resolve(value);
				};
				const unsubscribe = this.hub.subscribe(run.id, (e: RunEvent) => {
					if (e.event === "run.completed" || e.event === "run.failed") finish(e.data as RunDoc);
				});
				const timer = setTimeout(() => this.repos.runs.forOrg(run.org_id).get(run.id).then(finish, () => finish(null)), timeoutMs);
				// The run may have ended before we subscribed.
				this.repos.runs.forOrg(run.org_id).get(run.id).then(current => {
					if (current && TERMINAL.has(current.status)) finish(presentRun(current) as unknown as RunDoc);
				});
			});
		},

		/** §0.12: same key and body → the original answer; same key, other body → 409. */
		withIdempotency(this: RuntimeThis, ctx: Ctx, work: () => Promise<unknown>) {
			return withIdempotency(this.repos.idempotency, ctx, work);
		},

		async hasActors(this: RuntimeThis, orgId: string, agentId: string): Promise<boolean> {
			const state: any = await callIfPresent(this.broker, "agents.stateOf", { org_id: orgId, agent_id: agentId }, null);
			return state?.status === "testing" || state?.status === "active";
		},

		/** Hands a queued run to an actor of its agent (or a transient one for drafts). */
		async dispatchRun(this: RuntimeThis, q: QueuedRun): Promise<boolean> {
			try {
				const actor = `${actorName(q.agent_id)}.${q.session_id ? "chat" : "run"}`;
				// Chat runs wait for an agent actor: only its session mailbox keeps a session in order.
				const target = (this.broker.registry as any).actions.isAvailable(actor) || q.session_id ? actor : "actors.execute";
				if (!(this.broker.registry as any).actions.isAvailable(target)) return false;
				// The transient executor is for agents that have no actors (drafts). A runnable agent's run waits for
				// its actor (being placed or moved right now): the transient one would ignore the agent's replicas.
				if (target === "actors.execute" && (await this.hasActors(q.org_id, q.agent_id))) return false;
				// The actor only enqueues: a slow answer means a dead node the registry has not dropped yet.
				await this.broker.call(target, { run_id: q.run_id, org_id: q.org_id, agent_id: q.agent_id, session_id: q.session_id }, { timeout: DISPATCH_TIMEOUT_MS });
				this.dispatchedAt.set(q.run_id, Date.now());
				return true;
			} catch (err) {
				this.logger.warn({ err, run_id: q.run_id }, "Dispatch failed; the run stays queued");
				return false;
			}
		},

		async claim(this: RuntimeThis, runId: string, nodeId: string) {
			const runs = this.repos.runs.platformWide();
			const run = await runs.get(runId);
			if (!run || TERMINAL.has(run.status)) return null;
			const now = nowIso();
			const lease = new Date(Date.now() + LEASE_MS).toISOString();
			let claimed: RunDoc | null = null;
			if (run.status === "queued") {
				claimed = await runs.updateWhere(
					{ id: runId, status: "queued" },
					{ $set: { status: "running", started_at: run.started_at ?? now, lease_owner: nodeId, lease_expires_at: lease, updated_at: now } }
				);
				if (claimed) {
					this.dispatchedAt.delete(runId);
					this.runMetrics.queued(-1);
					this.announceStatus(claimed, "queued");
					this.announce(claimed, "run.started");
				}
			} else if (run.status === "awaiting_approval") {
				// Parked for a human; claimable once approvalDecided marked it resumable.
				if (!run.resumable) return null;
				claimed = await runs.updateWhere(
					{ id: runId, status: "awaiting_approval", resumable: true },
					{
						$set: { status: "running", resumable: false, lease_owner: nodeId, lease_expires_at: lease, updated_at: now },
						// The agent's timeout counts only time in `running` (§2): remember how long the run waited.
						$inc: { paused_ms: run.parked_at ? Math.max(0, Date.now() - Date.parse(run.parked_at)) : 0 }
					}
				);
				if (claimed) this.announceStatus(claimed, "awaiting_approval");
			} else if (run.lease_owner === nodeId || !run.lease_expires_at || run.lease_expires_at < now) {
				claimed = await runs.updateWhere(
					{ id: runId, status: run.status, lease_owner: run.lease_owner },
					{ $set: { lease_owner: nodeId, lease_expires_at: lease, updated_at: now } }
				);
			}
			if (!claimed) return null;
			const steps = await this.repos.steps.forOrg(run.org_id).find({ run_id: runId }, { sort: { index: 1 } });
			const replay_steps = claimed.replay_of && claimed.replay_tool_outputs ? await this.repos.steps.forOrg(run.org_id).find({ run_id: claimed.replay_of, type: "tool_call" }, { sort: { index: 1 } }) : [];
			return { run: claimed, steps, replay_steps };
		},

		async saveStep(this: RuntimeThis, orgId: string, runId: string, step: Partial<StepDoc> & { index: number }) {
			const run = await this.repos.runs.forOrg(orgId).get(runId);
			if (!run || TERMINAL.has(run.status)) return { stopped: true };
			const steps = this.repos.steps.forOrg(orgId);
			const fields: Partial<StepDoc> = { ...step };
			if ("input" in step) fields.input = capPayload(step.input);
			if ("output" in step) fields.output = capPayload(step.output);
			let saved = await steps.updateWhere({ run_id: runId, index: step.index }, { $set: { ...fields, updated_at: nowIso() } });
			if (!saved) {
				saved = await steps.insert({
					id: newId("stp"),
					run_id: runId,
					name: "",
					status: "running",
					error: null,
					tokens_input: 0,
					tokens_output: 0,
					cost_usd: 0,
					latency_ms: 0,
					model: null,
					tool_id: null,
					approval_id: null,
					started_at: nowIso(),
					completed_at: null,
					...fields
				} as StepDoc);
			}
			this.emitRunEvent(runId, "step", presentStep(saved));
			return { stopped: false, step: presentStep(saved) };
		},

		/** Moves a run to a terminal status once (only from `from`), then tells everyone. */
		async finish(this: RuntimeThis, run: RunDoc, status: RunStatus, fields: Partial<RunDoc>, from: RunStatus[]): Promise<RunDoc | null> {
			const now = nowIso();
			const latency = run.started_at ? Date.now() - Date.parse(run.started_at) : 0;
			const done = await this.repos.runs.forOrg(run.org_id).updateWhere(
				{ id: run.id, status: { $in: from } },
				{ $set: { ...fields, status, completed_at: now, latency_ms: latency, lease_owner: null, lease_expires_at: null, updated_at: now } }
			);
			if (!done) return null;
			this.dispatchedAt.delete(run.id);
			if (run.status === "queued") this.runMetrics.queued(-1);
			this.runMetrics.finished(done);
			this.dispatcher.finished(run.org_id, run.id);
			this.announceStatus(done, run.status);
			if (status === "cancelled") this.broker.broadcast("runtime.run.cancelled", { run_id: run.id });
			this.announce(done, `run.${status}`);
			this.emitRunEvent(run.id, status === "completed" ? "run.completed" : "run.failed", presentRun(done));
			return done;
		},

		announceStatus(this: RuntimeThis, run: RunDoc, previous: RunStatus) {
			this.emitRunEvent(run.id, "run.status", { run_id: run.id, status: run.status, previous_status: previous });
			if (run.status === "awaiting_approval") this.announce(run, "run.awaiting_approval");
		},

		/** Platform event on the bus (§0.16). */
		announce(this: RuntimeThis, run: RunDoc, event: string) {
			this.broker.broadcast(event, { org_id: run.org_id, run: presentRun(run) });
		},

		emitRunEvent(this: RuntimeThis, runId: string, event: string, data: unknown) {
			this.broker.broadcast("runtime.run.event", { run_id: runId, event, data }, { groups: ["runtime"] });
		},

		async openStream(this: RuntimeThis, run: RunDoc) {
			const sse = new SseStream();
			const unsubscribe = this.hub.subscribe(run.id, (e: RunEvent) => {
				sse.send(e.event, e.data);
				if (e.event === "run.completed" || e.event === "run.failed") setImmediate(() => sse.close());
			});
			sse.whenClosed(unsubscribe);
			sse.send("run.status", { run_id: run.id, status: run.status, previous_status: null });
			const steps = await this.repos.steps.forOrg(run.org_id).find({ run_id: run.id }, { sort: { index: 1 } });
			for (const step of steps) sse.send("step", presentStep(step));
			const stored = new Set(steps.map(step => step.index));
			for (const { index, step } of this.hub.openStepsOf(run.id)) if (!stored.has(index)) sse.send("step", step);
			if (TERMINAL.has(run.status)) {
				sse.send(run.status === "completed" ? "run.completed" : "run.failed", presentRun(run));
				setImmediate(() => sse.close());
			}
			return sse.body;
		},

		/** Recovery: expired leases are resumed elsewhere; queued runs are dispatched again; hopeless ones fail. */
		async sweep(this: RuntimeThis) {
			if (this.sweeping) return;
			this.sweeping = true;
			try {
				await this.sweepOnce();
			} finally {
				this.sweeping = false;
			}
		},

		async sweepOnce(this: RuntimeThis) {
			const runs = this.repos.runs.platformWide();
			const now = Date.now();
			const expired = await runs.find({ status: { $in: ["running"] }, lease_expires_at: { $lt: new Date(now).toISOString() } });
			for (const run of expired) {
				if (!(await this.dispatchRun({ run_id: run.id, org_id: run.org_id, agent_id: run.agent_id })) && now - Date.parse(run.lease_expires_at as string) > UNDISPATCHABLE_MS) {
					await this.finish(run, "failed", { error: { code: "WORKER_LOST", message: "The node running this run stopped and no runtime node could resume it" } }, ["running"]);
				}
			}
			const stale = new Date(now - SWEEP_INTERVAL_MS).toISOString();
			const waiting = await runs.find({ status: "queued", created_at: { $lt: stale } }, { sort: { created_at: 1 }, limit: 500 });
			for (const run of waiting) {
				const dispatched = this.dispatchedAt.get(run.id);
				// Handed to an actor a moment ago and still in its mailbox: leave it there.
				if (dispatched && now - dispatched < REDISPATCH_MS) continue;
				if (dispatched) this.dispatcher.finished(run.org_id, run.id);
				if (now - Date.parse(run.created_at) > UNDISPATCHABLE_MS && !(this.broker.registry as any).actions.isAvailable(`${actorName(run.agent_id)}.run`) && !(this.broker.registry as any).actions.isAvailable("actors.execute")) {
					await this.finish(run, "failed", { error: { code: "WORKER_LOST", message: "No runtime node could take this run" } }, ["queued"]);
					continue;
				}
				this.dispatcher.enqueue({ run_id: run.id, org_id: run.org_id, agent_id: run.agent_id, ...chatSessionOf(run) });
			}
		}
	},

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

/** Replays always run in test mode; suspended and archived agents still refuse. */
function resolveReplayMode(status: string): RunMode {
	resolveMode(status, "test");
	return "test";
}

export default RuntimeService;
