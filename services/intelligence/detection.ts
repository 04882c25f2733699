import type { AnomalyMetric } from "./model";

/** What analytics answers per agent and hour (`analytics.agentHours`). */
export interface AgentHour {
	org_id: string;
	agent_id: string;
	hour: string;
	runs: number;
	completed: number;
	failed: number;
	blocked: number;
	cancelled: number;
	cost_usd: number;
	tokens: number;
	tokens_input: number;
	latency_count: number;
	latency_sum: number;
	errors_by_code: Record<string, number>;
}

export const HOUR_MS = 3_600_000;
export const BASELINE_HOURS = 7 * 24;
export const MIN_RUNS = 10;
export const MIN_BASELINE_HOURS = 3;
/** A standard deviation is never taken below this (a flat history would make any rise infinitely many σ). */
const SIGMA_FLOOR: Record<AnomalyMetric, number> = { cost: 0.000001, tokens: 1, latency: 1, error_rate: 0.01 };
const SIGMA_FLOOR_SHARE = 0.05;

/**
 * The value of a metric in one hour, or null when the hour has nothing to measure. `cost` and `tokens`
 * are totals of the hour (an hour without runs is 0); `latency` is the mean of finished runs and
 * `error_rate` failed / (completed + failed + blocked), both undefined without such runs.
 */
export function metricOf(metric: AnomalyMetric, h: AgentHour | undefined): number | null {
	switch (metric) {
		case "cost":
			return h ? h.cost_usd : 0;
		case "tokens":
			return h ? h.tokens : 0;
		case "latency":
			return h && h.latency_count ? h.latency_sum / h.latency_count : null;
		case "error_rate": {
			const terminal = h ? h.completed + h.failed + h.blocked : 0;
			return h && terminal ? h.failed / terminal : null;
		}
	}
}

export interface Verdict {
	anomalous: boolean;
	observed: number;
	expected: number;
	deviation: number;
}

/**
 * The last hour of one agent against the hourly mean and standard deviation of the 7 days before
 * (§16): anomalous when it has at least 10 runs and its value is above mean + 3σ. null when there is
 * nothing to judge (no value this hour, or fewer than 3 baseline hours with a value).
 */
export function judgeHour(metric: AnomalyMetric, hour: AgentHour | undefined, baseline: (AgentHour | undefined)[]): Verdict | null {
	const observed = metricOf(metric, hour);
	if (observed === null) return null;
	const values = baseline.map(h => metricOf(metric, h)).filter((v): v is number => v !== null);
	if (values.length < MIN_BASELINE_HOURS) return null;
	const mean = values.reduce((s, v) => s + v, 0) / values.length;
	const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
	const sigma = Math.max(std, Math.abs(mean) * SIGMA_FLOOR_SHARE, SIGMA_FLOOR[metric]);
	const deviation = (observed - mean) / sigma;
	return {
		anomalous: (hour?.runs ?? 0) >= MIN_RUNS && deviation > 3,
		observed: round6(observed),
		expected: round6(mean),
		deviation: Math.round(deviation * 100) / 100
	};
}

export const severityOf = (deviation: number): "low" | "medium" | "high" => (deviation < 4 ? "low" : deviation < 6 ? "medium" : "high");

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** The 168 hour starts before `hourStart`, oldest first. */
export function baselineHours(hourStart: number): string[] {
	return Array.from({ length: BASELINE_HOURS }, (_, i) => new Date(hourStart - (BASELINE_HOURS - i) * HOUR_MS).toISOString());
}
