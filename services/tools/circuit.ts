import type { Scope } from "../../lib/store";
import { CIRCUIT_THRESHOLD, CIRCUIT_WINDOW_MS, circuitStateOf, type ToolDoc } from "./model";

export type Admission = "pass" | "trial" | "open";

const CLOSED = { circuit_state: "closed", circuit_opened_at: null, circuit_failures: 0, circuit_window_start: null, circuit_trial_at: null };

/**
 * Circuit breaker of run invocations (§3, extension): 5 consecutive failures within 60 s open the
 * circuit for 30 s; then one trial call is let through (half-open): success closes, failure reopens.
 * State lives on the tool document, so every node sees the same circuit.
 */
export class CircuitBreaker {
	constructor(private readonly tools: Scope<ToolDoc>) {}

	/** Whether a run call may go ahead now; in half-open state only one caller gets the trial. */
	async admit(tool: ToolDoc, now = Date.now()): Promise<Admission> {
		const state = circuitStateOf(tool, now);
		if (state === "closed") return "pass";
		if (state === "open") return "open";
		// A trial that never reported back (node lost mid-call) is given up after the tool's timeout.
		const staleBefore = now - (tool.timeout_seconds * 1000 + 10_000);
		const claimed = await this.tools.updateWhere(
			{ id: tool.id, circuit_state: "open", circuit_opened_at: tool.circuit_opened_at, $or: [{ circuit_trial_at: null }, { circuit_trial_at: { $lt: staleBefore } }] },
			{ $set: { circuit_trial_at: now } }
		);
		return claimed ? "trial" : "open";
	}

	/** Records the outcome of an admitted call; answers true when this call opened the circuit. */
	async record(tool: ToolDoc, failed: boolean, trial: boolean, now = Date.now()): Promise<boolean> {
		if (trial) {
			if (!failed) {
				await this.tools.updateWhere({ id: tool.id }, { $set: CLOSED });
				return false;
			}
			await this.tools.updateWhere({ id: tool.id }, { $set: { circuit_state: "open", circuit_opened_at: now, circuit_failures: 0, circuit_window_start: null, circuit_trial_at: null } });
			return true;
		}
		if (!failed) {
			if (tool.circuit_failures > 0) await this.tools.updateWhere({ id: tool.id, circuit_state: "closed" }, { $set: { circuit_failures: 0, circuit_window_start: null } });
			return false;
		}
		const current = (await this.tools.get(tool.id)) ?? tool;
		if (current.circuit_state !== "closed") return false;
		const windowStart = current.circuit_window_start;
		let updated: ToolDoc | null;
		if (!current.circuit_failures || windowStart === null || now - windowStart > CIRCUIT_WINDOW_MS) {
			updated = await this.tools.updateWhere({ id: tool.id, circuit_state: "closed" }, { $set: { circuit_failures: 1, circuit_window_start: now } });
		} else {
			updated = await this.tools.updateWhere({ id: tool.id, circuit_state: "closed" }, { $inc: { circuit_failures: 1 } });
		}
		if (!updated || updated.circuit_failures < CIRCUIT_THRESHOLD) return false;
		const opened = await this.tools.updateWhere(
			{ id: tool.id, circuit_state: "closed" },
			{ $set: { circuit_state: "open", circuit_opened_at: now, circuit_failures: 0, circuit_window_start: null, circuit_trial_at: null } }
		);
		return !!opened;
	}

	/** Gives the half-open trial back when the admitted call never reached the tool (e.g. invalid input). */
	async release(tool: ToolDoc): Promise<void> {
		await this.tools.updateWhere({ id: tool.id, circuit_state: "open" }, { $set: { circuit_trial_at: null } });
	}

	/** Closes the circuit (§3 row 8). */
	reset(id: string): Promise<ToolDoc | null> {
		return this.tools.update(id, CLOSED as Partial<ToolDoc>);
	}
}
