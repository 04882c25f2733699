import type { Context, ServiceSchema } from "moleculer";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import { LIST_QUERY, listOptions, query } from "../../lib/validation";
import { answerAsEventStream, SseStream, type RunEvent } from "../runtime/stream";
import { withIdempotency } from "../../lib/idempotency";
import { cancelStepRun } from "./step-runs";
import { stepEvent, terminalEvent, type StepTotals, type StreamEvent } from "./journal";
import { ACTIVE, EXECUTION_STATUSES, MAX_INPUT, pendingState, presentExecution, TERMINAL, type ExecutionDoc, type StepState, type WorkflowStep } from "./model";
import type { Ctx, WorkflowsThis } from "./workflows.service";

const SWEEP_INTERVAL_MS = 5_000;
/** An execution handed to a runner but not started this long after (its node died) is handed out again. */
const REDISPATCH_MS = 30_000;
/** An execution no runtime node could take for this long fails with WORKER_LOST. */
const UNDISPATCHABLE_MS = 60_000;
const DISPATCH_TIMEOUT_MS = 3_000;
const HOST_ACTION = "workflow-runner.host";

const isTerminalEvent = (e: RunEvent) => e.event === "execution.completed" || e.event === "execution.failed";

/** Execution endpoints, the internal actions workflow-run actors journal through, and re-homing. */
export const ExecutionActions: Partial<ServiceSchema<any, Record<string, any>, any>> = {
	actions: {
		execute: {
			rest: "POST /:workflow_id/execute",
			access: ["runtime:execute"],
			audit: { action: "workflow.execute" },
			openapi: { summary: "Start an execution of a workflow", status: 202, response: "Execution" },
			params: {
				workflow_id: "string",
				input: { type: "string", max: MAX_INPUT, optional: true },
				wait: { type: "boolean", optional: true },
				timeout_seconds: { type: "number", integer: true, min: 1, max: 300, optional: true }
			},
			async handler(this: WorkflowsThis, ctx: Ctx) {
				const principal = ctx.meta.principal;
				const workflow = await this.requireWorkflow(principal.org_id, ctx.params.workflow_id);
				return withIdempotency(this.repos.workflow_idempotency, ctx, async () => {
					const doc = await this.repos.executions.forOrg(principal.org_id).insert({
						id: newId("exe"),
						workflow_id: workflow.id,
						workflow_version: workflow.version,
						status: "queued",
						input: ctx.params.input ?? "",
						output: null,
						states: Object.fromEntries(workflow.steps.map((s: WorkflowStep) => [s.id, pendingState(s.id)])),
						error: null,
						trigger: "api",
						tokens_input: 0,
						tokens_output: 0,
						cost_usd: 0,
						started_at: null,
						completed_at: null,
						definition: workflow.steps,
						created_by: principal.id,
						lease_owner: null,
						lease_expires_at: null
					});
					void this.dispatch(doc);
					if (!ctx.params.wait) {
						ctx.meta.$statusCode = 202;
						return presentExecution(doc);
					}
					const done = await this.waitForTerminal(doc, (ctx.params.timeout_seconds ?? 60) * 1000);
					ctx.meta.$statusCode = TERMINAL.has(done.status) ? 200 : 202;
					return presentExecution(done);
				});
			}
		},

		listExecutions: {
			rest: "GET /:workflow_id/executions",
			access: ["workflows:read"],
			openapi: { summary: "Executions of a workflow", response: "List:Execution" },
			params: { workflow_id: "string", ...LIST_QUERY, status: query({ type: "enum", values: EXECUTION_STATUSES }) },
			async handler(this: WorkflowsThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const workflow = await this.requireWorkflow(orgId, ctx.params.workflow_id);
				const filter: Record<string, unknown> = { workflow_id: workflow.id };
				if (ctx.params.status !== undefined) filter.status = ctx.params.status;
				const page = await this.repos.executions.forOrg(orgId).list(filter, listOptions(ctx.params));
				return { ...page, items: page.items.map(presentExecution) };
			}
		},

		getExecution: {
			rest: "GET /executions/:execution_id",
			access: ["workflows:read"],
			openapi: { summary: "Get an execution", response: "Execution" },
			params: { execution_id: "string" },
			async handler(this: WorkflowsThis, ctx: Ctx) {
				return presentExecution(await this.requireExecution(ctx.meta.principal.org_id, ctx.params.execution_id));
			}
		},

		cancelExecution: {
			rest: "POST /executions/:execution_id/cancel",
			access: ["runtime:execute"],
			audit: { action: "execution.cancel" },
			openapi: { summary: "Cancel a queued or running execution and its step runs", response: "Execution" },
			params: { execution_id: "string" },
			async handler(this: WorkflowsThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const doc = await this.requireExecution(orgId, ctx.params.execution_id);
				if (TERMINAL.has(doc.status)) throw errors.invalidStateTransition(doc.status, "cancelled");
				const error = { code: "CANCELLED", message: "cancelled by request", step_id: null };
				const cancelled = await this.journal.finish(doc, "cancelled", { error }, ACTIVE);
				if (!cancelled) throw errors.invalidStateTransition((await this.requireExecution(orgId, doc.id)).status, "cancelled");
				this.broker.broadcast("workflows.execution.stop", { execution_id: doc.id });
				return presentExecution(cancelled);
			}
		},

		streamExecution: {
			rest: "GET /executions/:execution_id/stream",
			access: ["workflows:read"],
			openapi: { summary: "Live execution events (SSE)", produces: "text/event-stream" },
			params: { execution_id: "string" },
			async handler(this: WorkflowsThis, ctx: Ctx) {
				const doc = await this.requireExecution(ctx.meta.principal.org_id, ctx.params.execution_id);
				answerAsEventStream(ctx.meta);
				return this.openStream(doc);
			}
		},

		// Internal actions: workflow-run actors on runtime nodes drive executions through these.

		claimExecution: {
			visibility: "public",
			params: { execution_id: "string", node_id: "string" },
			handler(this: WorkflowsThis, ctx: Context<{ execution_id: string; node_id: string }>) {
				this.dispatchedAt.delete(ctx.params.execution_id);
				return this.journal.claim(ctx.params.execution_id, ctx.params.node_id);
			}
		},

		recordStep: {
			visibility: "public",
			params: { org_id: "string", execution_id: "string", node_id: "string", state: "object", totals: { type: "object", optional: true } },
			async handler(this: WorkflowsThis, ctx: Context<{ org_id: string; execution_id: string; node_id: string; state: StepState; totals?: StepTotals }>) {
				const { org_id, execution_id, node_id, state, totals } = ctx.params;
				return !!(await this.journal.recordStep(org_id, execution_id, node_id, state, totals));
			}
		},

		finishExecution: {
			visibility: "public",
			params: {
				org_id: "string",
				execution_id: "string",
				node_id: "string",
				status: { type: "enum", values: ["completed", "failed"] },
				output: { type: "object", optional: true },
				error: { type: "object", optional: true }
			},
			async handler(this: WorkflowsThis, ctx: Context<any>) {
				const { org_id, execution_id, node_id, status, output, error } = ctx.params;
				const doc = await this.repos.executions.forOrg(org_id).get(execution_id);
				if (!doc) return false;
				return !!(await this.journal.finish(doc, status, { output: output ?? null, error: error ?? null }, ["running"], node_id));
			}
		},

		renewLeases: {
			visibility: "public",
			params: { node_id: "string", execution_ids: { type: "array", items: "string" } },
			handler(this: WorkflowsThis, ctx: Context<{ node_id: string; execution_ids: string[] }>) {
				return this.journal.renew(ctx.params.node_id, ctx.params.execution_ids);
			}
		},

		releaseLeases: {
			visibility: "public",
			params: { node_id: "string", execution_ids: { type: "array", items: "string" } },
			handler(this: WorkflowsThis, ctx: Context<{ node_id: string; execution_ids: string[] }>) {
				return this.journal.release(ctx.params.node_id, ctx.params.execution_ids);
			}
		}
	},

	events: {
		"workflows.execution.event"(this: WorkflowsThis, ctx: Context<{ execution_id: string; events: StreamEvent[] }>) {
			for (const e of ctx.params.events) this.hub.publish(ctx.params.execution_id, e);
		},
		// A runtime node joined: executions waiting for a runner may have one now.
		"$node.connected"(this: WorkflowsThis) {
			setTimeout(() => this.sweep().catch(() => undefined), 1000).unref();
		}
	},

	methods: {
		async requireExecution(this: WorkflowsThis, orgId: string, id: string): Promise<ExecutionDoc> {
			const doc = await this.repos.executions.forOrg(orgId).get(id);
			if (!doc) throw errors.notFound("Execution");
			return doc;
		},

		/** Hands the execution to a runtime node, which creates its workflow-run actor. */
		async dispatch(this: WorkflowsThis, doc: ExecutionDoc): Promise<boolean> {
			if (!(this.broker.registry as any).actions.isAvailable(HOST_ACTION)) return false;
			try {
				await this.broker.call(HOST_ACTION, { execution_id: doc.id, org_id: doc.org_id }, { timeout: DISPATCH_TIMEOUT_MS });
				this.dispatchedAt.set(doc.id, Date.now());
				return true;
			} catch (err) {
				this.logger.warn({ err, execution_id: doc.id }, "Execution dispatch failed; the sweeper retries");
				return false;
			}
		},

		async cancelRun(this: WorkflowsThis, orgId: string, runId: string) {
			await cancelStepRun(this.broker, orgId, runId).catch((err: unknown) => this.logger.warn({ err, run_id: runId }, "Cancelling a step run failed"));
		},

		waitForTerminal(this: WorkflowsThis, doc: ExecutionDoc, timeoutMs: number): Promise<ExecutionDoc> {
			return new Promise(resolve => {
				let settled = false;
				const read = () => this.repos.executions.forOrg(doc.org_id).get(doc.id).then(d => d ?? doc, () => doc);
				const finish = (value: ExecutionDoc) => {
					if (settled) return;
					settled = true;
					clearTimeout(timer);
					unsubscribe();
					resolve(value);
				};
				const unsubscribe = this.hub.subscribe(doc.id, e => {
					if (isTerminalEvent(e)) read().then(finish);
				});
				const timer = setTimeout(() => read().then(finish), timeoutMs);
				// It may have ended before we subscribed.
				read().then(current => TERMINAL.has(current.status) && finish(current));
			});
		},

		/** §0.13: the current state (status, then every step), then live events; terminal → the terminal event and close. */
		async openStream(this: WorkflowsThis, doc: ExecutionDoc) {
			const sse = new SseStream();
			const buffered: RunEvent[] = [];
			let replayed = false;
			const deliver = (e: RunEvent) => {
				sse.send(e.event, e.data);
				if (isTerminalEvent(e)) setImmediate(() => sse.close());
			};
			const unsubscribe = this.hub.subscribe(doc.id, e => (replayed ? deliver(e) : buffered.push(e)));
			sse.whenClosed(unsubscribe);
			// Read after subscribing: nothing that happens in between is lost (events already reflected in the read are sent twice at worst).
			const current = (await this.repos.executions.forOrg(doc.org_id).get(doc.id)) ?? doc;
			sse.send("execution.status", { execution_id: current.id, status: current.status });
			for (const step of current.definition) {
				const state = current.states[step.id];
				if (state && state.status !== "pending") sse.send("step.status", stepEvent(current.id, state).data);
			}
			if (TERMINAL.has(current.status)) {
				deliver(terminalEvent(current));
				return sse.body;
			}
			replayed = true;
			for (const e of buffered) deliver(e);
			return sse.body;
		},

		startSweeper(this: WorkflowsThis) {
			this.sweepTimer = setInterval(() => this.sweep().catch((err: unknown) => this.logger.warn({ err }, "Execution sweep failed")), SWEEP_INTERVAL_MS);
			this.sweepTimer.unref();
		},

		async sweep(this: WorkflowsThis) {
			if (this.sweeping) return;
			this.sweeping = true;
			try {
				await this.sweepOnce();
			} finally {
				this.sweeping = false;
			}
		},

		/** Re-homing: executions whose actor's node stopped renewing the lease, and queued ones nobody took, go to a runner again. */
		async sweepOnce(this: WorkflowsThis) {
			const all = this.repos.executions.platformWide();
			const now = Date.now();
			const lost = { code: "WORKER_LOST", message: "No runtime node could run this execution", step_id: null };
			for (const doc of await all.find({ status: "running", lease_expires_at: { $lt: nowIso() } })) {
				if (!(await this.dispatch(doc)) && now - Date.parse(doc.lease_expires_at as string) > UNDISPATCHABLE_MS) {
					await this.journal.finish(doc, "failed", { error: lost }, ["running"]);
				}
			}
			const stale = new Date(now - SWEEP_INTERVAL_MS).toISOString();
			for (const doc of await all.find({ status: "queued", created_at: { $lt: stale } }, { sort: { created_at: 1 }, limit: 500 })) {
				const dispatched = this.dispatchedAt.get(doc.id);
				if (dispatched && now - dispatched < REDISPATCH_MS) continue;
				if (!(await this.dispatch(doc)) && now - Date.parse(doc.created_at) > UNDISPATCHABLE_MS) {
					await this.journal.finish(doc, "failed", { error: lost }, ["queued"]);
				}
			}
		}
	}
};
