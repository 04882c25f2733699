import type { Context, Service, ServiceBroker } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import type { Repository } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { armedOf, TERMINAL_RUN_STATUSES, type ArmedSchedule, type LastStatus, type ScheduleDoc } from "./model";
import { LATE_TICK_GRACE_MS, nextFutureTick } from "./timing";

type Run = { id: string; org_id: string; status: LastStatus; trigger?: string; trigger_ref?: string | null };

/** Why a tick created no run (the `reason` of `schedule.skipped`). */
export type SkipReason = "agent_draft" | "agent_suspended" | "agent_archived" | "agent_not_found" | "agent_not_runnable" | "maintenance" | "org_suspended" | "missed";

export interface TickOutcome {
	outcome: "fired" | "skipped" | "stale" | "failed";
	reason?: SkipReason;
	run_id?: string;
	/** The schedule as schedulers should arm it now (null: nothing to arm). */
	armed: ArmedSchedule | null;
}

const NOT_RUNNABLE_STATES = new Set(["draft", "suspended", "archived"]);
/** Run statuses seen on the bus whose schedule record was not written yet (bounded). */
const PENDING_STATUS_LIMIT = 1000;

const rank = (status: string | null | undefined) => (status == null ? -1 : TERMINAL_RUN_STATUSES.includes(status) ? 2 : status === "queued" ? 0 : 1);

/**
 * Turns ticks and manual triggers into runs and keeps each schedule's `last_*` fields current. Lives
 * with the data-owning schedules service; the conditional update of `next_run_at` here is the
 * store-side guard that lets each tick through once, whichever scheduler claimed it.
 */
export class Firing {
	private readonly pendingStatus = new Map<string, LastStatus>();

	constructor(
		private readonly schedules: Repository<ScheduleDoc>,
		private readonly broker: ServiceBroker,
		private readonly logger: Service["logger"]
	) {}

	/** Announces a schedule's arming state to every scheduler. */
	changed(id: string, doc: ScheduleDoc | null): void {
		this.broker.broadcast("schedules.changed", { id, armed: doc ? armedOf(doc) : null });
	}

	/** Handles one tick of one schedule: at most once per (schedule, tick), however many schedulers ask. */
	async fireTick(ctx: Context, orgId: string, scheduleId: string, tick: string): Promise<TickOutcome> {
		const repo = this.schedules.forOrg(orgId);
		const doc = await repo.get(scheduleId);
		if (!doc || !doc.enabled || doc.next_run_at !== tick) return { outcome: "stale", armed: doc ? armedOf(doc) : null };
		const now = new Date();
		const next = nextFutureTick(doc, new Date(tick), now).toISOString();
		const claimed = await repo.updateWhere({ id: scheduleId, enabled: true, next_run_at: tick }, { $set: { next_run_at: next } });
		if (!claimed) return { outcome: "stale", armed: armedOf((await repo.get(scheduleId)) ?? doc) };
		this.changed(claimed.id, claimed);
		const armed = armedOf(claimed);

		// Skips for the agent's sake show on the schedule (`last_status: skipped`); platform-wide ones are logged.
		const skip = async (reason: SkipReason, asLastStatus: boolean): Promise<TickOutcome> => {
			if (asLastStatus) await repo.updateWhere({ id: scheduleId }, { $set: { last_status: "skipped", updated_at: nowIso() } });
			else this.logger.info(`Schedule ${scheduleId}: tick ${tick} skipped (${reason}), next at ${next}`);
			this.broker.broadcast("schedule.skipped", { org_id: orgId, schedule_id: scheduleId, agent_id: doc.agent_id, run_id: null, reason, tick });
			return { outcome: "skipped", reason, armed };
		};

		if (now.getTime() - Date.parse(tick) > LATE_TICK_GRACE_MS) return skip("missed", false);
		const [settings, org, agent] = await Promise.all([
			callIfPresent<{ maintenance_mode?: boolean } | null>(this.broker, "admin.currentSettings", {}, null, ctx),
			callIfPresent<{ status?: string } | null>(this.broker, "admin.getOrg", { id: orgId }, null, ctx),
			callIfPresent<{ status: string } | null>(this.broker, "agents.get", { org_id: orgId, agent_id: doc.agent_id }, null, ctx)
		]);
		if (settings?.maintenance_mode) return skip("maintenance", false);
		if (org?.status === "suspended") return skip("org_suspended", false);
		if (!agent) return skip("agent_not_found", true);
		if (NOT_RUNNABLE_STATES.has(agent.status)) return skip(`agent_${agent.status}` as SkipReason, true);

		try {
			const run = await this.startRun(ctx, doc, "scheduled");
			return { outcome: "fired", run_id: run.id, armed };
		} catch (err: any) {
			if (err?.type === "BUDGET_EXCEEDED") return { outcome: "fired", run_id: err.data?.run_id, armed };
			if (err?.type === "AGENT_NOT_RUNNABLE") return skip("agent_not_runnable", true);
			this.logger.warn(`Schedule ${scheduleId}: tick ${tick} could not start a run: ${err?.message ?? err}`);
			return { outcome: "failed", armed };
		}
	}

	/**
	 * Starts a run of the schedule (tick or manual trigger) and records it on the schedule. A budget
	 * refusal stores a `blocked` run (§2): it is recorded too, then the refusal is rethrown.
	 */
	async startRun(ctx: Context, doc: ScheduleDoc, reason: "scheduled" | "manual"): Promise<Run> {
		let run: Run;
		try {
			run = await ctx.call("runtime.startRun", {
				org_id: doc.org_id,
				agent_id: doc.agent_id,
				input: doc.input ?? "",
				trigger: "schedule",
				trigger_ref: doc.id
			});
		} catch (err: any) {
			if (err?.type === "BUDGET_EXCEEDED" && err.data?.run_id) await this.recordRun(doc, { id: err.data.run_id, org_id: doc.org_id, status: "blocked" }, reason);
			throw err;
		}
		await this.recordRun(doc, run, reason);
		return run;
	}

	private async recordRun(doc: ScheduleDoc, run: Run, reason: "scheduled" | "manual"): Promise<void> {
		const now = nowIso();
		const updated = await this.schedules
			.forOrg(doc.org_id)
			.updateWhere({ id: doc.id }, { $set: { last_run_at: now, last_run_id: run.id, last_status: run.status, updated_at: now }, $inc: { run_count: 1 } });
		this.broker.broadcast("schedule.triggered", { org_id: doc.org_id, schedule_id: doc.id, agent_id: doc.agent_id, run_id: run.id, reason });
		// The run may have moved on before its schedule named it as the last run.
		const seen = this.pendingStatus.get(run.id);
		this.pendingStatus.delete(run.id);
		if (updated && seen && rank(seen) >= rank(run.status)) await this.applyStatus(doc.org_id, doc.id, run.id, seen);
	}

	/** A run status change on the bus: keeps `last_status` current for the schedule's last run. */
	async onRunStatus(run: Run): Promise<void> {
		if (run.trigger !== "schedule" || !run.trigger_ref) return;
		const applied = await this.applyStatus(run.org_id, run.trigger_ref, run.id, run.status);
		if (applied) return;
		if (this.pendingStatus.size >= PENDING_STATUS_LIMIT) this.pendingStatus.delete(this.pendingStatus.keys().next().value as string);
		if (rank(run.status) >= rank(this.pendingStatus.get(run.id))) this.pendingStatus.set(run.id, run.status);
	}

	private async applyStatus(orgId: string, scheduleId: string, runId: string, status: LastStatus): Promise<boolean> {
		const filter: Record<string, unknown> = { id: scheduleId, last_run_id: runId };
		// A late non-terminal event never overwrites the end of the run.
		if (rank(status) < 2) filter.last_status = { $nin: [...TERMINAL_RUN_STATUSES] };
		const updated = await this.schedules.forOrg(orgId).updateWhere(filter, { $set: { last_status: status } });
		return !!updated;
	}

	/**
	 * Ticks missed while no scheduler ran (platform down): skipped, not replayed; `next_run_at` moves
	 * to the next future tick and `schedule.skipped` says so (reason `missed`).
	 */
	async skipMissedTicks(): Promise<number> {
		const all = this.schedules.platformWide();
		const now = new Date();
		const overdue = await all.find({ enabled: true, next_run_at: { $lt: new Date(now.getTime() - LATE_TICK_GRACE_MS).toISOString() } });
		let moved = 0;
		for (const doc of overdue) {
			const next = nextFutureTick(doc, new Date(doc.next_run_at as string), now).toISOString();
			const updated = await all.updateWhere({ id: doc.id, next_run_at: doc.next_run_at }, { $set: { next_run_at: next } });
			if (!updated) continue;
			moved++;
			this.logger.info(`Schedule ${doc.id}: ticks since ${doc.next_run_at} were missed while down; next at ${next}`);
			this.broker.broadcast("schedule.skipped", { org_id: doc.org_id, schedule_id: doc.id, agent_id: doc.agent_id, run_id: null, reason: "missed", tick: doc.next_run_at });
			this.changed(doc.id, updated);
		}
		return moved;
	}
}
