import type { ServiceBroker } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import type { CheckResult } from "../governance/service-model";

export type GovernanceDecision = CheckResult;

export type Reservation = { ok: true; reservation_id: string } | { ok: false; budget_id: string; budget_name: string; resets_at: string };

const ALLOW: GovernanceDecision = { applies: false, action: "allow", code: null, message: null, checks: null };

/**
 * The policy services a run consults (governance, budgets, cost). Each is optional: when a module is
 * not deployed its guard allows everything, so the runtime never depends on it to work.
 */
export class Guards {
	constructor(
		private readonly broker: ServiceBroker,
		private readonly orgId: string,
		private readonly agentId: string,
		private readonly runId: string
	) {}

	private has(action: string): boolean {
		return (this.broker.registry as any).actions.isAvailable(action);
	}

	get governed(): boolean {
		return this.has("governance.check");
	}

	check(params: Record<string, unknown>): Promise<GovernanceDecision> {
		return callIfPresent(this.broker, "governance.check", { org_id: this.orgId, agent_id: this.agentId, run_id: this.runId, ...params }, ALLOW);
	}

	afterStep(params: Record<string, unknown>): Promise<{ pause: boolean; approval_id: string | null }> {
		return callIfPresent(this.broker, "governance.afterStep", { org_id: this.orgId, agent_id: this.agentId, run_id: this.runId, ...params }, { pause: false, approval_id: null });
	}

	throttle(): Promise<{ key: string; concurrency: number; model: string | null } | null> {
		return callIfPresent(this.broker, "budgets.throttle", { org_id: this.orgId, agent_id: this.agentId }, null);
	}

	selectModel(model: string, estimatedInputTokens: number): Promise<{ model: string; rule_id: string; fallback_model: string | null } | null> {
		return callIfPresent(this.broker, "cost.selectModel", { org_id: this.orgId, agent_id: this.agentId, model, estimated_input_tokens: estimatedInputTokens }, null);
	}

	reserve(amountUsd: number): Promise<Reservation | null> {
		return callIfPresent(this.broker, "budgets.reserve", { org_id: this.orgId, agent_id: this.agentId, run_id: this.runId, amount_usd: amountUsd }, null);
	}

	async settle(reservationId: string | null, actualUsd: number): Promise<void> {
		if (reservationId) await this.broker.call("budgets.settle", { org_id: this.orgId, reservation_id: reservationId, actual_usd: actualUsd });
	}

	async release(reservationId: string | null): Promise<void> {
		if (reservationId) await this.broker.call("budgets.release", { org_id: this.orgId, reservation_id: reservationId }).catch(() => undefined);
	}

	async recordSavings(ruleId: string, savingsUsd: number): Promise<void> {
		await callIfPresent(this.broker, "cost.recordSavings", { org_id: this.orgId, rule_id: ruleId, savings_usd: savingsUsd }, null);
	}
}
