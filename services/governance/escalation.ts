import { createHash } from "node:crypto";
import type { PolicyView } from "./evaluate";
import type { Condition, EscalationRule } from "./rules";

/** What `governance.afterStep` knows about the run. */
export interface RunSnapshot {
	status: string;
	cost_usd?: number | null;
	tokens_input?: number | null;
	tokens_output?: number | null;
	input?: string | null;
	output?: string | null;
	error?: unknown;
}

/** The step just recorded, when the runtime passes it. */
export interface StepSnapshot {
	type: string;
	name?: string | null;
	status?: string | null;
}

export interface FiredCondition {
	policy: PolicyView;
	rule: EscalationRule;
	condition: Condition;
	/** Identifies the condition within its policy, so it fires at most once per run. */
	key: string;
	reason: string;
}

/** Stable identity of a condition of a policy (its content, not its position). */
export function conditionKey(policyId: string, condition: Condition): string {
	const canonical = JSON.stringify(Object.keys(condition).sort().map(k => [k, (condition as any)[k]]));
	return `${policyId}:${createHash("sha256").update(canonical).digest("hex").slice(0, 24)}`;
}

/** Why the condition holds for this run and step, or null when it does not. */
export function conditionHolds(condition: Condition, run: RunSnapshot, step?: StepSnapshot | null): string | null {
	switch (condition.on) {
		case "run_failed":
			return run.status === "failed" ? "the run failed" : null;
		case "cost_above": {
			const cost = run.cost_usd ?? 0;
			return cost > condition.threshold_usd ? `the run cost ${cost} USD, above ${condition.threshold_usd} USD` : null;
		}
		case "tokens_above": {
			const tokens = (run.tokens_input ?? 0) + (run.tokens_output ?? 0);
			return tokens > condition.threshold ? `the run used ${tokens} tokens, above ${condition.threshold}` : null;
		}
		case "pattern": {
			const needle = condition.pattern.toLowerCase();
			if ((run.input ?? "").toLowerCase().includes(needle)) return `the input contains ${JSON.stringify(condition.pattern)}`;
			if ((run.output ?? "").toLowerCase().includes(needle)) return `the output contains ${JSON.stringify(condition.pattern)}`;
			return null;
		}
		case "tool_called":
			return step?.type === "tool_call" && step.name === condition.tool ? `the tool ${condition.tool} was called` : null;
		default:
			return null;
	}
}

/** Every escalation condition of the policies that holds now and has not fired yet for this run. */
export function conditionsToFire(policies: PolicyView[], run: RunSnapshot, step: StepSnapshot | null | undefined, fired: Set<string>): FiredCondition[] {
	const out: FiredCondition[] = [];
	for (const policy of policies) {
		for (const rule of policy.rules) {
			if (rule.type !== "escalation") continue;
			for (const condition of rule.conditions) {
				const key = conditionKey(policy.id, condition);
				if (fired.has(key) || out.some(f => f.key === key)) continue;
				const why = conditionHolds(condition, run, step);
				if (why) out.push({ policy, rule, condition, key, reason: `Escalation (policy "${policy.name}"): ${why}` });
			}
		}
	}
	return out;
}

export const hasEscalations = (policies: PolicyView[]) => policies.some(p => p.rules.some(r => r.type === "escalation"));

/** Tools named by `tool_called` conditions of the policies. */
export function watchedTools(policies: PolicyView[]): Set<string> {
	const names = new Set<string>();
	for (const policy of policies) {
		for (const rule of policy.rules) {
			if (rule.type === "escalation") for (const c of rule.conditions) if (c.on === "tool_called") names.add(c.tool);
		}
	}
	return names;
}
