import type { ServiceBroker } from "moleculer";
import { nowIso } from "../../lib/time";
import type { StepTotals } from "./journal";
import type { ErrorInfo, ExecutionDoc, StepState, WorkflowStep } from "./model";
import { cancelStepRun } from "./step-runs";
import { render } from "./template";

/** At most this many steps of one execution run at once (§21). */
export const MAX_PARALLEL_STEPS = 10;
/** One wait for a step's run; the walk re-checks cancellation and the step timeout between waits. */
const AWAIT_SLICE_MS = 20_000;
const RUN_TERMINAL = new Set(["completed", "failed", "cancelled", "blocked"]);

interface RunView {
	id: string;
	status: string;
	output: string | null;
	error: ErrorInfo | null;
	metadata?: Record<string, unknown>;
	tokens_input: number;
	tokens_output: number;
	cost_usd: number;
}

/** The actor lost the execution (cancelled, finished elsewhere, or its lease taken over): stop without writing. */
class Stopped extends Error {}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Walks one execution's DAG from its journal: steps whose dependencies are done start (up to 10 at
 * once), each as an agent run through the runtime (trigger `workflow`), and every step is journalled
 * through the workflows service before its run starts, when the run is accepted and when it ends.
 * Steps the journal shows as finished are never run again; a step that was running when the previous
 * node died is re-attached to its run instead of starting another one.
 */
export class ExecutionWalker {
	private doc!: ExecutionDoc;
	private readonly states = new Map<string, StepState>();
	private readonly active = new Map<string, Promise<void>>();
	private stopped = false;
	private wake: () => void = () => undefined;

	constructor(
		private readonly broker: ServiceBroker,
		private readonly nodeId: string,
		readonly executionId: string,
		private readonly onError: (err: unknown) => void
	) {}

	/** Steps running right now (the actor's `status`). */
	get running(): string[] {
		return [...this.active.keys()];
	}

	stop(): void {
		this.stopped = true;
		this.wake();
	}

	/** Claims the execution and walks it to its end; never rejects (an interrupted walk is re-homed from the journal). */
	async run(): Promise<void> {
		try {
			const claimed = (await this.broker.call("workflows.claimExecution", { execution_id: this.executionId, node_id: this.nodeId })) as ExecutionDoc | null;
			if (!claimed) return;
			this.doc = claimed;
			for (const step of claimed.definition) this.states.set(step.id, claimed.states[step.id]);
			await this.walk();
		} catch (err) {
			if (!(err instanceof Stopped)) this.onError(err);
		} finally {
			this.stop();
		}
	}

	private async walk(): Promise<void> {
		const steps = this.doc.definition;
		for (const step of steps) if (this.states.get(step.id)?.status === "running") this.launch(step);
		for (;;) {
			if (this.stopped) throw new Stopped();
			const failed = steps.find(s => s.on_failure === "fail" && this.states.get(s.id)?.status === "failed");
			if (failed) return this.finish("failed", undefined, { ...(this.states.get(failed.id)!.error as ErrorInfo), step_id: failed.id });
			for (const step of steps) {
				if (this.active.size >= MAX_PARALLEL_STEPS) break;
				if (this.states.get(step.id)?.status === "pending" && !this.active.has(step.id) && this.ready(step)) this.launch(step);
			}
			if (!this.active.size) break;
			await new Promise<void>(resolve => {
				this.wake = resolve;
				for (const p of this.active.values()) p.then(resolve, resolve);
			});
		}
		if (this.stopped) throw new Stopped();
		if (steps.some(s => this.states.get(s.id)?.status === "pending")) {
			return this.finish("failed", undefined, { code: "INTERNAL_ERROR", message: "Some steps could never start", step_id: null });
		}
		const dependedOn = new Set(steps.flatMap(s => s.depends_on));
		const output = Object.fromEntries(steps.filter(s => !dependedOn.has(s.id)).map(s => [s.id, this.states.get(s.id)?.status === "completed" ? this.states.get(s.id)!.output : null]));
		return this.finish("completed", output);
	}

	private ready(step: WorkflowStep): boolean {
		return step.depends_on.every(id => {
			const dep = this.doc.definition.find(s => s.id === id);
			const status = this.states.get(id)?.status;
			return status === "completed" || (status === "failed" && dep?.on_failure === "continue");
		});
	}

	private launch(step: WorkflowStep): void {
		const work = this.runStep(step)
			.catch(err => {
				// Anything unexpected (the data node unreachable, say) ends this walk: the lease lapses and the
				// execution is re-homed from its journal, which re-attaches this step to its run.
				if (!(err instanceof Stopped)) this.onError(err);
				this.stop();
			})
			.finally(() => this.active.delete(step.id));
		this.active.set(step.id, work);
	}

	private async journal(patch: Partial<StepState> & { step_id: string }, totals?: StepTotals): Promise<void> {
		const ok = await this.broker.call("workflows.recordStep", { org_id: this.doc.org_id, execution_id: this.doc.id, node_id: this.nodeId, state: patch, totals });
		if (!ok) throw new Stopped();
		this.states.set(patch.step_id, { ...(this.states.get(patch.step_id) as StepState), ...patch });
	}

	private async runStep(step: WorkflowStep): Promise<void> {
		const state = this.states.get(step.id) as StepState;
		let runId = state.status === "running" ? state.run_id ?? (await this.findOrphanRun(step)) : null;
		const startedAt = state.status === "running" && state.started_at ? state.started_at : nowIso();
		if (!runId) {
			await this.journal({ step_id: step.id, status: "running", started_at: startedAt, run_id: null, error: null });
			try {
				runId = await this.startRun(step);
			} catch (err: any) {
				// A refused run (4xx) fails the step with the refusal code, a budget refusal naming its blocked run;
				// anything else interrupts the walk, and the re-homed walk finds the run if it was accepted after all.
				if (!(typeof err?.code === "number" && err.code >= 400 && err.code < 500)) throw err;
				const refusal = { code: err?.type ?? "INTERNAL_ERROR", message: err?.message ?? "The run was refused" };
				return this.journal({ step_id: step.id, status: "failed", run_id: err?.data?.run_id ?? null, error: refusal, completed_at: nowIso() });
			}
			try {
				await this.journal({ step_id: step.id, run_id: runId });
			} catch (err) {
				await this.cancelRun(runId);
				throw err;
			}
		} else if (!state.run_id) await this.journal({ step_id: step.id, run_id: runId });
		const run = await this.awaitRun(runId, step, startedAt);
		const totals = { tokens_input: run.tokens_input, tokens_output: run.tokens_output, cost_usd: run.cost_usd };
		if (run.status === "completed") return this.journal({ step_id: step.id, status: "completed", output: run.output ?? "", error: null, completed_at: nowIso() }, totals);
		const error = run.error ?? { code: run.status === "cancelled" ? "CANCELLED" : "INTERNAL_ERROR", message: `The step's run ended ${run.status}` };
		return this.journal({ step_id: step.id, status: "failed", error, completed_at: nowIso() }, totals);
	}

	private startRun(step: WorkflowStep): Promise<string> {
		const context = {
			input: this.doc.input,
			steps: Object.fromEntries(step.depends_on.map(id => [id, { output: this.states.get(id)?.status === "completed" ? this.states.get(id)!.output ?? "" : "" }]))
		};
		return this.broker
			.call("runtime.startRun", {
				org_id: this.doc.org_id,
				agent_id: step.agent_id,
				input: render(step.input_template, context),
				trigger: "workflow",
				trigger_ref: this.doc.id,
				created_by: null,
				metadata: { workflow_id: this.doc.workflow_id, execution_id: this.doc.id, step_id: step.id }
			})
			.then((run: any) => run.id as string);
	}

	/** A step journalled as running without a run id: the previous node may have started its run just before it died. */
	private async findOrphanRun(step: WorkflowStep): Promise<string | null> {
		const found: any = await this.broker.call("runtime.findRuns", { org_id: this.doc.org_id, filter: { trigger: "workflow", trigger_ref: this.doc.id }, limit: 200, order: "desc" });
		const run = (found.items as RunView[]).find(r => r.metadata?.step_id === step.id);
		return run?.id ?? null;
	}

	/** The run once it ended; a step's own timeout cancels it and fails the step with TIMEOUT. */
	private async awaitRun(runId: string, step: WorkflowStep, startedAt: string): Promise<RunView> {
		const deadline = step.timeout_seconds != null ? Date.parse(startedAt) + step.timeout_seconds * 1000 : Infinity;
		for (;;) {
			if (this.stopped) throw new Stopped();
			const left = deadline - Date.now();
			if (left <= 0) {
				await this.cancelRun(runId);
				// The cancelled run's spend still counts toward the execution's totals.
				const ended = (await this.broker.call("runtime.awaitRun", { org_id: this.doc.org_id, run_id: runId, timeout_ms: 2000 }).catch(() => null)) as RunView | null;
				const spent = { tokens_input: ended?.tokens_input ?? 0, tokens_output: ended?.tokens_output ?? 0, cost_usd: ended?.cost_usd ?? 0 };
				return { id: runId, status: "failed", output: null, error: { code: "TIMEOUT", message: `The step did not finish within ${step.timeout_seconds} s` }, ...spent };
			}
			const slice = Math.min(AWAIT_SLICE_MS, left);
			let run: RunView | null;
			try {
				run = (await this.broker.call("runtime.awaitRun", { org_id: this.doc.org_id, run_id: runId, timeout_ms: Math.max(1, Math.floor(slice)) }, { timeout: slice + 10_000 })) as RunView | null;
			} catch {
				// The data node is briefly unreachable: try again (the lease decides whether this node still owns the step).
				await sleep(1000);
				continue;
			}
			if (!run) return { id: runId, status: "failed", output: null, error: { code: "INTERNAL_ERROR", message: "The step's run no longer exists" }, tokens_input: 0, tokens_output: 0, cost_usd: 0 };
			if (RUN_TERMINAL.has(run.status)) return run;
		}
	}

	private async cancelRun(runId: string): Promise<void> {
		// Best effort: if the runtime is unreachable the run ends by its own timeout, and the step is failed regardless.
		await cancelStepRun(this.broker, this.doc.org_id, runId).catch(() => undefined);
	}

	private async finish(status: "completed" | "failed", output?: Record<string, string | null>, error?: ErrorInfo & { step_id: string | null }): Promise<void> {
		// Steps still in flight are cancelled by the journal together with their runs.
		await this.broker.call("workflows.finishExecution", { org_id: this.doc.org_id, execution_id: this.doc.id, node_id: this.nodeId, status, output, error });
		this.stop();
	}
}
