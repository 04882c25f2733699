import { fromMicros, round6, sumUsd } from "../budgets/money";
import type { Month } from "./periods";

export interface PlanTerms {
	base_fee_usd: number;
	included_runs: number | null;
	included_tokens: number | null;
	price_per_run_usd: number;
	price_per_1k_tokens_usd: number;
	llm_cost_multiplier: number;
	hard_limit: boolean;
}

/** What one customer used in one period (sums over its metered runs). */
export interface UsageTotals {
	runs: number;
	tokens_input: number;
	tokens_output: number;
	llm_cost_micros: number;
}

export interface LineItem {
	description: string;
	quantity: number;
	unit_price_usd: number;
	amount_usd: number;
}

export const NO_USAGE: UsageTotals = { runs: 0, tokens_input: 0, tokens_output: 0, llm_cost_micros: 0 };

const overage = (used: number, included: number | null) => (included === null ? 0 : Math.max(0, used - included));
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** The invoice lines of a period (§24): the base fee always, other lines only when they cost something. */
export function lineItems(plan: PlanTerms, usage: UsageTotals): LineItem[] {
	const tokens = usage.tokens_input + usage.tokens_output;
	const overRuns = overage(usage.runs, plan.included_runs);
	const overTokens = round3(overage(tokens, plan.included_tokens) / 1000);
	const llmCost = fromMicros(usage.llm_cost_micros);
	const items: LineItem[] = [
		{ description: "Base fee", quantity: 1, unit_price_usd: plan.base_fee_usd, amount_usd: round6(plan.base_fee_usd) },
		{ description: "Runs beyond the included runs", quantity: overRuns, unit_price_usd: plan.price_per_run_usd, amount_usd: round6(overRuns * plan.price_per_run_usd) },
		{ description: "Tokens beyond the included tokens (per 1,000)", quantity: overTokens, unit_price_usd: plan.price_per_1k_tokens_usd, amount_usd: round6(overTokens * plan.price_per_1k_tokens_usd) },
		{ description: `LLM usage (cost × ${plan.llm_cost_multiplier})`, quantity: llmCost, unit_price_usd: plan.llm_cost_multiplier, amount_usd: round6(llmCost * plan.llm_cost_multiplier) }
	];
	return items.filter((item, i) => i === 0 || item.amount_usd > 0);
}

export const totalOf = (items: LineItem[]) => sumUsd(items.map(item => item.amount_usd));

/** With a hard limit, a non-null quota that is used up stops new runs until the next period. */
export function hardLimitReached(plan: PlanTerms, usage: UsageTotals): boolean {
	if (!plan.hard_limit) return false;
	const tokens = usage.tokens_input + usage.tokens_output;
	return (plan.included_runs !== null && usage.runs >= plan.included_runs) || (plan.included_tokens !== null && tokens >= plan.included_tokens);
}

/** The Usage report of §24. */
export function usageReport(customerId: string, month: Month, plan: PlanTerms, usage: UsageTotals) {
	const tokens = usage.tokens_input + usage.tokens_output;
	return {
		customer_id: customerId,
		period_start: month.start,
		period_end: month.end,
		runs: usage.runs,
		tokens_input: usage.tokens_input,
		tokens_output: usage.tokens_output,
		llm_cost_usd: fromMicros(usage.llm_cost_micros),
		included_runs: plan.included_runs,
		included_tokens: plan.included_tokens,
		overage_runs: overage(usage.runs, plan.included_runs),
		overage_tokens: overage(tokens, plan.included_tokens),
		amount_due_usd: totalOf(lineItems(plan, usage)),
		hard_limit_reached: hardLimitReached(plan, usage)
	};
}
