import { fieldError } from "../../lib/errors";
import { parseIsoDateTime } from "../../lib/time";
import { fromMicros, toMicros } from "../budgets/money";

/** One completed `llm_call` step, as `runtime.costRows` answers it. */
export interface CostRow {
	run_id: string;
	agent_id: string;
	step_index: number;
	model: string;
	provider: string;
	original_model: string | null;
	cost_rule_id: string | null;
	cost_usd: number;
	savings_usd: number;
	tokens_input: number;
	tokens_output: number;
	created_at: string;
}

export type SavingsGroup = "rule" | "agent" | "day";
export type SummaryGroup = "agent" | "model" | "provider" | "day";

const DAY_MS = 86_400_000;
export const REPORT_WINDOW_DAYS = 30;

/** The report window: `end` defaults to now, `start` to 30 days before `end`; 400 unless start < end. */
export function reportWindow(q: { start?: string; end?: string }, now = new Date()): { start: string; end: string } {
	const end = q.end ? (parseIsoDateTime(q.end) as Date) : now;
	const start = q.start ? (parseIsoDateTime(q.start) as Date) : new Date(end.getTime() - REPORT_WINDOW_DAYS * DAY_MS);
	if (start.getTime() >= end.getTime()) throw fieldError("start", "must be before end");
	return { start: start.toISOString(), end: end.toISOString() };
}

const keyOf = (row: CostRow, group: SavingsGroup | SummaryGroup): string => {
	switch (group) {
		case "rule":
			return row.cost_rule_id as string;
		case "agent":
			return row.agent_id;
		case "model":
			return row.model;
		case "provider":
			return row.provider;
		case "day":
			return row.created_at.slice(0, 10);
	}
};

/** Days ascending; other groups by amount descending, then key. */
function ordered<T extends { key: string }>(items: T[], group: string, amount: (t: T) => number): T[] {
	return items.sort((a, b) => (group === "day" ? a.key.localeCompare(b.key) : amount(b) - amount(a) || a.key.localeCompare(b.key)));
}

export function savingsReport(rows: CostRow[], group: SavingsGroup, label: (key: string) => string) {
	const routed = rows.filter(r => r.cost_rule_id);
	const groups = new Map<string, { micros: number; calls: number }>();
	let total = 0;
	for (const row of routed) {
		const key = keyOf(row, group);
		const g = groups.get(key) ?? { micros: 0, calls: 0 };
		const micros = toMicros(row.savings_usd);
		g.micros += micros;
		g.calls += 1;
		total += micros;
		groups.set(key, g);
	}
	const items = [...groups].map(([key, g]) => ({ key, label: label(key), savings_usd: fromMicros(g.micros), routed_calls: g.calls }));
	return { total_savings_usd: fromMicros(total), routed_calls: routed.length, items: ordered(items, group, i => i.savings_usd) };
}

export function costSummary(rows: CostRow[], group: SummaryGroup, label: (key: string) => string) {
	const groups = new Map<string, { micros: number; runs: Set<string>; tokens_input: number; tokens_output: number }>();
	let total = 0;
	for (const row of rows) {
		const key = keyOf(row, group);
		const g = groups.get(key) ?? { micros: 0, runs: new Set<string>(), tokens_input: 0, tokens_output: 0 };
		const micros = toMicros(row.cost_usd);
		g.micros += micros;
		g.runs.add(row.run_id);
		g.tokens_input += row.tokens_input;
		g.tokens_output += row.tokens_output;
		total += micros;
		groups.set(key, g);
	}
	const items = [...groups].map(([key, g]) => ({
		key,
		label: label(key),
		cost_usd: fromMicros(g.micros),
		runs: g.runs.size,
		tokens_input: g.tokens_input,
		tokens_output: g.tokens_output
	}));
	return { total_cost_usd: fromMicros(total), items: ordered(items, group, i => i.cost_usd) };
}

export interface PricedModel {
	id: string;
	provider: string;
	type: string;
	input_price_per_1k_usd: number;
	output_price_per_1k_usd: number;
	supports_tools: boolean;
}

export interface AgentUsage {
	agent_id: string;
	model: string;
	needs_tools: boolean;
	runs: number;
	tokens_input: number;
	tokens_output: number;
}

export const MIN_RUNS = 20;
export const MAX_AVG_INPUT_TOKENS = 1000;

/** Per agent: runs, and the tokens of its calls (those made with its configured model when there are any). */
export function usageByAgent(rows: CostRow[], agents: Map<string, { model: string; needs_tools: boolean }>): AgentUsage[] {
	const out: AgentUsage[] = [];
	for (const [agentId, agent] of agents) {
		const mine = rows.filter(r => r.agent_id === agentId);
		const onModel = mine.filter(r => r.model === agent.model);
		const basis = onModel.length ? onModel : mine;
		out.push({
			agent_id: agentId,
			model: agent.model,
			needs_tools: agent.needs_tools,
			runs: new Set(mine.map(r => r.run_id)).size,
			tokens_input: basis.reduce((s, r) => s + r.tokens_input, 0),
			tokens_output: basis.reduce((s, r) => s + r.tokens_output, 0)
		});
	}
	return out;
}

const priceOf = (m: PricedModel, tokensIn: number, tokensOut: number) => (tokensIn * m.input_price_per_1k_usd + tokensOut * m.output_price_per_1k_usd) / 1000;

/**
 * A cheaper chat model of the same provider for an agent with at least 20 runs in the window whose
 * average input is under 1,000 tokens; the saving is what its window's tokens would have cost less
 * (the window is 30 days, so that is the monthly estimate). Null when nothing qualifies.
 */
export function recommend(usage: AgentUsage, current: PricedModel | null, candidates: PricedModel[]) {
	if (!current || usage.runs < MIN_RUNS) return null;
	const avgInput = usage.tokens_input / usage.runs;
	if (avgInput >= MAX_AVG_INPUT_TOKENS) return null;
	const currentCost = priceOf(current, usage.tokens_input, usage.tokens_output);
	let best: { model: PricedModel; cost: number } | null = null;
	for (const m of candidates) {
		if (m.id === current.id || m.provider !== current.provider || m.type !== "chat" || (usage.needs_tools && !m.supports_tools)) continue;
		const cost = priceOf(m, usage.tokens_input, usage.tokens_output);
		if (cost < currentCost && (!best || cost < best.cost)) best = { model: m, cost };
	}
	if (!best) return null;
	const saving = fromMicros(toMicros(currentCost - best.cost));
	if (saving <= 0) return null;
	return {
		suggested_model: best.model.id,
		estimated_monthly_savings_usd: saving,
		reason:
			`${usage.runs} runs in the last ${REPORT_WINDOW_DAYS} days averaged ${Math.round(avgInput)} input tokens; ` +
			`${best.model.id} (same provider) would have cost ${fromMicros(toMicros(best.cost))} USD instead of ${fromMicros(toMicros(currentCost))} USD for the same tokens`
	};
}

/** The recommendation's reason with the agent's average quality score over the same window, when it has evaluations. */
export function withQuality(reason: string, averageScore: number | null): string {
	if (averageScore === null) return reason;
	return `${reason}; its evaluated runs average a quality score of ${averageScore.toFixed(2)}: compare it on the suggested model (an A/B test) before switching`;
}
