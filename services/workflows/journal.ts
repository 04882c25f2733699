import type { Repository, Update } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { presentExecution, STEP_DONE, TERMINAL, type ExecutionDoc, type ExecutionStatus, type StepState } from "./model";

/** A workflow-run actor whose node stopped renewing its lease this long ago is replaced by another node's. */
export const LEASE_MS = 15_000;

export type StreamEvent = { event: string; data: unknown };

export interface JournalHooks {
	/** Events of the execution stream (§21 row 10), in order. */
	stream(executionId: string, events: StreamEvent[]): void;
	/** Platform event of the catalogue (§9): `workflow.started`, `.completed`, `.failed`, `.cancelled`. */
	announce(doc: ExecutionDoc, event: string): void;
	/** Stops an agent run that a step no longer waits for. */
	cancelRun(orgId: string, runId: string): Promise<void>;
}

export interface StepTotals {
	tokens_input: number;
	tokens_output: number;
	cost_usd: number;
}

const statusEvent = (doc: ExecutionDoc): StreamEvent => ({ event: "execution.status", data: { execution_id: doc.id, status: doc.status } });
export const stepEvent = (executionId: string, s: StepState): StreamEvent => ({
	event: "step.status",
	data: { execution_id: executionId, step_id: s.step_id, status: s.status, run_id: s.run_id }
});
export const terminalEvent = (doc: ExecutionDoc): StreamEvent => ({
	event: doc.status === "completed" ? "execution.completed" : "execution.failed",
	data: presentExecution(doc)
});

/**
 * The durable record of executions, written only by the data-owning workflows service. Every write
 * of a step is conditional on the execution still running under the writer's lease, so an actor that
 * lost its lease (its node was presumed dead) or an execution that was cancelled changes nothing.
 */
export class ExecutionJournal {
	constructor(
		private readonly repo: Repository<ExecutionDoc>,
		private readonly hooks: JournalHooks
	) {}

	/** Takes the execution for `nodeId`: a queued one starts; a running one is taken over once its lease expired. */
	async claim(executionId: string, nodeId: string): Promise<ExecutionDoc | null> {
		const all = this.repo.platformWide();
		const doc = await all.get(executionId);
		if (!doc || TERMINAL.has(doc.status)) return null;
		const now = nowIso();
		const lease = new Date(Date.now() + LEASE_MS).toISOString();
		if (doc.status === "queued") {
			const started = await all.updateWhere(
				{ id: executionId, status: "queued" },
				{ $set: { status: "running", started_at: now, lease_owner: nodeId, lease_expires_at: lease, updated_at: now } }
			);
			if (started) {
				this.hooks.stream(started.id, [statusEvent(started)]);
				this.hooks.announce(started, "workflow.started");
			}
			return started;
		}
		if (doc.lease_owner !== nodeId && doc.lease_expires_at && doc.lease_expires_at >= now) return null;
		return all.updateWhere(
			{ id: executionId, status: "running", lease_owner: doc.lease_owner },
			{ $set: { lease_owner: nodeId, lease_expires_at: lease, updated_at: now } }
		);
	}

	renew(nodeId: string, executionIds: string[]): Promise<number> {
		if (!executionIds.length) return Promise.resolve(0);
		return this.repo.platformWide().updateMany(
			{ id: { $in: executionIds }, status: "running", lease_owner: nodeId },
			{ $set: { lease_expires_at: new Date(Date.now() + LEASE_MS).toISOString() } }
		);
	}

	/** A node shutting down gives its executions up at once, so another node re-homes them at the next sweep. */
	release(nodeId: string, executionIds: string[]): Promise<number> {
		if (!executionIds.length) return Promise.resolve(0);
		return this.repo.platformWide().updateMany(
			{ id: { $in: executionIds }, status: "running", lease_owner: nodeId },
			{ $set: { lease_expires_at: new Date(Date.now() - 1).toISOString() } }
		);
	}

	/** Journals one step's state (merged into what is stored); null when the writer no longer holds the execution. */
	async recordStep(orgId: string, executionId: string, nodeId: string, patch: Partial<StepState> & { step_id: string }, totals?: StepTotals): Promise<ExecutionDoc | null> {
		const set: Record<string, unknown> = { updated_at: nowIso() };
		for (const [field, value] of Object.entries(patch)) if (field !== "step_id" && value !== undefined) set[`states.${patch.step_id}.${field}`] = value;
		const update: Update = { $set: set };
		if (totals) update.$inc = { tokens_input: totals.tokens_input, tokens_output: totals.tokens_output, cost_usd: totals.cost_usd };
		const saved = await this.repo.forOrg(orgId).updateWhere({ id: executionId, status: "running", lease_owner: nodeId }, update);
		if (saved && (patch.status !== undefined || patch.run_id !== undefined)) this.hooks.stream(executionId, [stepEvent(executionId, saved.states[patch.step_id])]);
		return saved;
	}

	/**
	 * Ends the execution once (only from `from`, and only for the lease holder when `nodeId` is given):
	 * running steps are cancelled with their runs, pending ones skipped. Null when it had already ended.
	 */
	async finish(
		doc: ExecutionDoc,
		status: Exclude<ExecutionStatus, "queued" | "running">,
		fields: Pick<Partial<ExecutionDoc>, "output" | "error">,
		from: ExecutionStatus[],
		nodeId?: string
	): Promise<ExecutionDoc | null> {
		const now = nowIso();
		const changed: StepState[] = [];
		const set: Record<string, unknown> = {};
		for (const step of doc.definition) {
			const state = doc.states[step.id];
			if (!state || STEP_DONE.has(state.status)) continue;
			const next: StepState =
				state.status === "running"
					? { ...state, status: "cancelled", completed_at: now, error: state.error ?? { code: "CANCELLED", message: status === "cancelled" ? "The execution was cancelled" : "Another step failed the execution" } }
					: { ...state, status: "skipped" };
			set[`states.${step.id}`] = next;
			changed.push(next);
		}
		const where: Record<string, unknown> = { id: doc.id, status: { $in: from } };
		if (nodeId) where.lease_owner = nodeId;
		const done = await this.repo.forOrg(doc.org_id).updateWhere(where, {
			$set: { ...set, ...fields, status, completed_at: now, lease_owner: null, lease_expires_at: null, updated_at: now }
		});
		if (!done) return null;
		for (const state of changed) if (state.status === "cancelled" && state.run_id) await this.hooks.cancelRun(doc.org_id, state.run_id);
		this.hooks.stream(done.id, [...changed.map(s => stepEvent(done.id, s)), statusEvent(done), terminalEvent(done)]);
		this.hooks.announce(done, `workflow.${status}`);
		return done;
	}
}
