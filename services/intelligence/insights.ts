import type { AgentHour } from "./detection";
import type { Dimensions, InsightDoc, RecommendationDoc } from "./model";
import { DIMENSIONS } from "./model";

type InsightDraft = Omit<InsightDoc, "id" | "org_id" | "created_at" | "updated_at">;
type RecommendationDraft = Omit<RecommendationDoc, "id" | "org_id" | "created_at" | "updated_at">;

export interface AgentWeek {
	agent_id: string;
	name: string | null;
	config: { max_steps?: number; timeout_seconds?: number; max_tokens?: number; max_cost_usd_per_run?: number | null } | null;
	/** Last 7 days and the 7 days before. */
	current: AgentHour[];
	previous: AgentHour[];
	quality: { evaluated_runs: number; avg_score: number | null; dimensions: Dimensions | null };
}

const round4 = (n: number) => Math.round(n * 10000) / 10000;
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
const pct = (n: number) => Math.round(n * 1000) / 10;

function sum(hours: AgentHour[]) {
	const s = { runs: 0, completed: 0, failed: 0, blocked: 0, cost_usd: 0, tokens: 0, latency_count: 0, latency_sum: 0, errors: {} as Record<string, number> };
	for (const h of hours) {
		s.runs += h.runs;
		s.completed += h.completed;
		s.failed += h.failed;
		s.blocked += h.blocked;
		s.cost_usd += h.cost_usd;
		s.tokens += h.tokens;
		s.latency_count += h.latency_count;
		s.latency_sum += h.latency_sum;
		for (const [code, n] of Object.entries(h.errors_by_code ?? {})) s.errors[code] = (s.errors[code] ?? 0) + n;
	}
	return s;
}

/**
 * The daily rule set (§16), over the last 7 days against the 7 before:
 * - trend: an agent's run count changed by ≥ 50% with ≥ 10 runs in one of the weeks (info);
 * - usage: one agent made ≥ 50% of the org's cost, with ≥ 2 agents spending (info, org-wide);
 * - quality: average score < 0.6 over ≥ 3 evaluated runs (warning; < 0.4 critical);
 * - reliability: error rate ≥ 10% over ≥ 10 terminal runs (warning; ≥ 25% critical).
 */
export function insightsFor(agents: AgentWeek[]): InsightDraft[] {
	const out: InsightDraft[] = [];
	const costs = agents.map(a => ({ a, cost: sum(a.current).cost_usd }));
	const orgCost = costs.reduce((s, c) => s + c.cost, 0);
	for (const agent of agents) {
		const label = agent.name ?? agent.agent_id;
		const now = sum(agent.current);
		const before = sum(agent.previous);
		if (Math.max(now.runs, before.runs) >= 10 && before.runs > 0 && Math.abs(now.runs - before.runs) / before.runs >= 0.5) {
			const change = (now.runs - before.runs) / before.runs;
			out.push({
				agent_id: agent.agent_id,
				type: "trend",
				severity: "info",
				title: `${label}: runs ${change > 0 ? "up" : "down"} ${Math.abs(pct(change))}% week over week`,
				description: `${now.runs} runs in the last 7 days against ${before.runs} in the 7 days before.`,
				data: { runs: now.runs, previous_runs: before.runs, change_rate: round4(change) }
			});
		}
		const terminal = now.completed + now.failed + now.blocked;
		if (terminal >= 10 && now.failed / terminal >= 0.1) {
			const rate = now.failed / terminal;
			out.push({
				agent_id: agent.agent_id,
				type: "reliability",
				severity: rate >= 0.25 ? "critical" : "warning",
				title: `${label}: ${pct(rate)}% of runs failed in the last 7 days`,
				description: `${now.failed} of ${terminal} finished runs failed.`,
				data: { failed: now.failed, terminal_runs: terminal, error_rate: round4(rate), errors_by_code: now.errors }
			});
		}
		const q = agent.quality;
		if (q.avg_score !== null && q.evaluated_runs >= 3 && q.avg_score < 0.6) {
			out.push({
				agent_id: agent.agent_id,
				type: "quality",
				severity: q.avg_score < 0.4 ? "critical" : "warning",
				title: `${label}: average quality score ${q.avg_score}`,
				description: `Over ${q.evaluated_runs} evaluated runs in the last 7 days the average score was below 0.6.`,
				data: { evaluated_runs: q.evaluated_runs, avg_score: q.avg_score, dimensions: q.dimensions }
			});
		}
	}
	const spenders = costs.filter(c => c.cost > 0).sort((x, y) => y.cost - x.cost);
	if (spenders.length >= 2 && spenders[0].cost / orgCost >= 0.5) {
		const top = spenders[0];
		out.push({
			agent_id: null,
			type: "usage",
			severity: "info",
			title: `${top.a.name ?? top.a.agent_id} made ${pct(top.cost / orgCost)}% of the spend in the last 7 days`,
			description: `${round6(top.cost)} USD of ${round6(orgCost)} USD across ${spenders.length} agents.`,
			data: { agent_id: top.a.agent_id, cost_usd: round6(top.cost), org_cost_usd: round6(orgCost), share: round4(top.cost / orgCost) }
		});
	}
	return out;
}

/**
 * Recommendations per agent, over the last 7 days:
 * - reliability: ≥ 10% failed runs (≥ 10 terminal): TIMEOUT most common → double `timeout_seconds`;
 *   MAX_STEPS_EXCEEDED → `max_steps` + 5; otherwise review the most common error code;
 * - performance: average latency ≥ 10 s over ≥ 10 finished runs → `max_tokens` down by a quarter;
 * - cost: average cost per run ≥ 0.01 USD and no `max_cost_usd_per_run` → cap at twice the average;
 * - quality: average score < 0.6 over ≥ 3 evaluated runs → revise the system prompt for the weakest dimension;
 * - safety: average safety < 1 over ≥ 3 evaluated runs → add a content-filter policy.
 */
export function recommendationsFor(agents: AgentWeek[]): RecommendationDraft[] {
	const out: RecommendationDraft[] = [];
	for (const agent of agents) {
		const label = agent.name ?? agent.agent_id;
		const s = sum(agent.current);
		const config = agent.config ?? {};
		const terminal = s.completed + s.failed + s.blocked;
		if (terminal >= 10 && s.failed / terminal >= 0.1) {
			const [code] = Object.entries(s.errors).sort((a, b) => b[1] - a[1])[0] ?? ["UNKNOWN"];
			const change =
				code === "TIMEOUT" ? { timeout_seconds: (config.timeout_seconds ?? 120) * 2 }
				: code === "MAX_STEPS_EXCEEDED" ? { max_steps: (config.max_steps ?? 10) + 5 }
				: { review_error_code: code };
			out.push({
				agent_id: agent.agent_id,
				category: "reliability",
				title: `Reduce ${label}'s failures (${code})`,
				description: `${s.failed} of ${terminal} finished runs failed in the last 7 days; the most common error is ${code}.`,
				suggested_change: change
			});
		}
		if (s.latency_count >= 10 && s.latency_sum / s.latency_count >= 10_000 && config.max_tokens) {
			out.push({
				agent_id: agent.agent_id,
				category: "performance",
				title: `Shorten ${label}'s answers`,
				description: `Runs took ${Math.round(s.latency_sum / s.latency_count)} ms on average in the last 7 days.`,
				suggested_change: { max_tokens: Math.max(1, Math.floor(config.max_tokens * 0.75)) }
			});
		}
		if (s.runs > 0 && terminal > 0 && s.cost_usd / terminal >= 0.01 && config.max_cost_usd_per_run == null) {
			out.push({
				agent_id: agent.agent_id,
				category: "cost",
				title: `Cap ${label}'s cost per run`,
				description: `Runs cost ${round6(s.cost_usd / terminal)} USD on average in the last 7 days and have no per-run cap.`,
				suggested_change: { max_cost_usd_per_run: round6((s.cost_usd / terminal) * 2) }
			});
		}
		const q = agent.quality;
		if (q.dimensions && q.evaluated_runs >= 3) {
			if (q.avg_score !== null && q.avg_score < 0.6) {
				const weakest = DIMENSIONS.reduce((w, d) => ((q.dimensions as Dimensions)[d] < (q.dimensions as Dimensions)[w] ? d : w), DIMENSIONS[0]);
				out.push({
					agent_id: agent.agent_id,
					category: "quality",
					title: `Improve ${label}'s ${weakest}`,
					description: `Average score ${q.avg_score} over ${q.evaluated_runs} evaluated runs; the weakest dimension is ${weakest} (${q.dimensions[weakest]}).`,
					suggested_change: { field: "system_prompt", dimension: weakest }
				});
			}
			if (q.dimensions.safety < 1) {
				out.push({
					agent_id: agent.agent_id,
					category: "safety",
					title: `Add a content filter to ${label}`,
					description: `Evaluated runs had governance violations (average safety ${q.dimensions.safety}).`,
					suggested_change: { policy_rule: "content_filter" }
				});
			}
		}
	}
	return out;
}
