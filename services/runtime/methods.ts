import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import { withIdempotency } from "../../lib/idempotency";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Schema } from "../../lib/schema";
import { nowIso } from "../../lib/time";
import type { QueuedRun } from "./dispatcher";
import { capPayload, presentRun, presentStep, resolveMode, resolveReplayMode, TERMINAL, type RunDoc, type RunMode, type RunStatus, type StepDoc, type Trigger } from "./runs";
import { SseStream, type RunEvent } from "./stream";
import { actorName, chatSessionOf, DISPATCH_TIMEOUT_MS, LEASE_MS, REDISPATCH_MS, SWEEP_INTERVAL_MS, UNDISPATCHABLE_MS, type Ctx, type RuntimeThis } from "./model";

/** The runtime service's methods: acceptance, dispatch, claims, steps, finishing, streams and the recovery sweep. */
export const runtimeMethods: NonNullable<Schema<RuntimeThis>["methods"]> = {
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
};
