import { fieldError } from "../../lib/errors";
import { parseIsoDateTime } from "../../lib/time";
import { fromMicros, hourOf, quantile, sumRollups, type RollupDoc, type Totals } from "./rollups";

export const METRICS = ["runs", "completed_runs", "failed_runs", "cost", "tokens", "latency_avg", "latency_p95", "error_rate"] as const;
export type Metric = (typeof METRICS)[number];
export const INTERVALS = ["hour", "day"] as const;
export const TOP_BY = ["runs", "cost", "tokens", "errors", "latency"] as const;
export const TRIGGERS = ["api", "schedule", "event", "chat", "workflow", "coordination", "public"] as const;
export const MAX_BUCKETS = 1000;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** `start` (default 7 days before `end`) and `end` (default now) of §16/§17 reads; `start` ≥ `end` → 400. */
export function reportWindow(q: { start?: string; end?: string }, now = new Date()): { start: string; end: string } {
	const end = q.end ? (parseIsoDateTime(q.end) as Date) : now;
	const start = q.start ? (parseIsoDateTime(q.start) as Date) : new Date(end.getTime() - 7 * DAY_MS);
	if (start.getTime() >= end.getTime()) throw fieldError("start", "must be before end");
	return { start: start.toISOString(), end: end.toISOString() };
}

const round4 = (n: number) => Math.round(n * 10000) / 10000;
const num = (t: Totals, f: string) => t.n[f] ?? 0;

/** completed / (completed + failed + blocked), 0 when none (§17). */
export function successRate(t: Totals): number {
	const terminal = num(t, "completed") + num(t, "failed") + num(t, "blocked");
	return terminal ? round4(num(t, "completed") / terminal) : 0;
}

/** failed / (completed + failed + blocked); null when no such run ended. */
export function errorRate(t: Totals): number | null {
	const terminal = num(t, "completed") + num(t, "failed") + num(t, "blocked");
	return terminal ? round4(num(t, "failed") / terminal) : null;
}

export const avgLatency = (t: Totals): number | null => (num(t, "latency_count") ? Math.round(num(t, "latency_sum") / num(t, "latency_count")) : null);

/** The run figures shared by the dashboard and the per-agent view. */
export function runFigures(t: Totals) {
	return {
		runs: num(t, "runs"),
		completed: num(t, "completed"),
		failed: num(t, "failed"),
		blocked: num(t, "blocked"),
		cancelled: num(t, "cancelled"),
		success_rate: successRate(t),
		tokens_input: num(t, "tokens_input"),
		tokens_output: num(t, "tokens_output"),
		cost_usd: fromMicros(num(t, "cost_micros")),
		savings_usd: fromMicros(num(t, "savings_micros")),
		avg_latency_ms: avgLatency(t) ?? 0,
		p95_latency_ms: quantile(t.h, 0.95) ?? 0,
		tool_calls: num(t, "tool_calls")
	};
}

/** One metric's value for the runs of a bucket: 0 for empty counts/cost/tokens, null for latency and rates. */
export function metricValue(metric: Metric, t: Totals): number | null {
	switch (metric) {
		case "runs":
			return num(t, "runs");
		case "completed_runs":
			return num(t, "completed");
		case "failed_runs":
			return num(t, "failed");
		case "cost":
			return fromMicros(num(t, "cost_micros"));
		case "tokens":
			return num(t, "tokens_input") + num(t, "tokens_output");
		case "latency_avg":
			return avgLatency(t);
		case "latency_p95":
			return quantile(t.h, 0.95);
		case "error_rate":
			return errorRate(t);
	}
}

export const bucketStart = (interval: "hour" | "day", iso: string): string => (interval === "hour" ? hourOf(iso) : `${iso.slice(0, 10)}T00:00:00.000Z`);

/** Bucket starts from the bucket holding `start` up to (excluding) `end`; 400 beyond MAX_BUCKETS. */
export function bucketStarts(interval: "hour" | "day", start: string, end: string): string[] {
	const step = interval === "hour" ? HOUR_MS : DAY_MS;
	const first = Date.parse(bucketStart(interval, start));
	const last = Date.parse(end);
	const count = Math.ceil((last - first) / step);
	if (count > MAX_BUCKETS) throw fieldError("interval", `the window holds ${count} ${interval} buckets; at most ${MAX_BUCKETS} are allowed: narrow start/end or use a larger interval`);
	return Array.from({ length: count }, (_, i) => new Date(first + i * step).toISOString());
}

export function timeseries(metric: Metric, interval: "hour" | "day", start: string, end: string, docs: RollupDoc[]) {
	const starts = bucketStarts(interval, start, end);
	const groups = new Map<string, RollupDoc[]>(starts.map(s => [s, []]));
	for (const doc of docs) groups.get(bucketStart(interval, doc.hour))?.push(doc);
	return {
		metric,
		interval,
		start,
		end,
		points: starts.map(timestamp => ({ timestamp, value: metricValue(metric, sumRollups(groups.get(timestamp) ?? [])) }))
	};
}

/** Rollups grouped by a field and summed. */
export function groupTotals(docs: RollupDoc[], by: (doc: RollupDoc) => string): Map<string, { totals: Totals; sample: RollupDoc }> {
	const groups = new Map<string, RollupDoc[]>();
	for (const doc of docs) {
		const key = by(doc);
		const list = groups.get(key);
		if (list) list.push(doc);
		else groups.set(key, [doc]);
	}
	return new Map([...groups].map(([key, list]) => [key, { totals: sumRollups(list), sample: list[0] }]));
}

/** The value an agent is ranked by in top-agents; null leaves it out (no finished run to average). */
export function topValue(by: (typeof TOP_BY)[number], t: Totals): number | null {
	switch (by) {
		case "runs":
			return num(t, "runs");
		case "cost":
			return fromMicros(num(t, "cost_micros"));
		case "tokens":
			return num(t, "tokens_input") + num(t, "tokens_output");
		case "errors":
			return num(t, "failed");
		case "latency":
			return avgLatency(t);
	}
}

export function modelItems(docs: RollupDoc[]) {
	return [...groupTotals(docs, d => d.key)]
		.map(([model, { totals: t, sample }]) => ({
			model,
			provider: sample.label,
			calls: num(t, "calls"),
			tokens_input: num(t, "tokens_input"),
			tokens_output: num(t, "tokens_output"),
			cost_usd: fromMicros(num(t, "cost_micros")),
			avg_latency_ms: num(t, "calls") ? Math.round(num(t, "latency_sum") / num(t, "calls")) : 0,
			error_rate: num(t, "calls") ? round4(num(t, "errors") / num(t, "calls")) : 0
		}))
		.sort((a, b) => b.calls - a.calls || a.model.localeCompare(b.model));
}

export function toolItems(docs: RollupDoc[]) {
	return [...groupTotals(docs, d => d.key)]
		.map(([key, { totals: t, sample }]) => ({
			tool_id: key.startsWith("name:") ? null : key,
			tool_name: sample.label ?? key,
			calls: num(t, "calls"),
			errors: num(t, "errors"),
			error_rate: num(t, "calls") ? round4(num(t, "errors") / num(t, "calls")) : 0,
			denied: num(t, "denied"),
			approvals_requested: num(t, "approvals"),
			avg_latency_ms: num(t, "latency_count") ? Math.round(num(t, "latency_sum") / num(t, "latency_count")) : 0
		}))
		.sort((a, b) => b.calls - a.calls || a.tool_name.localeCompare(b.tool_name));
}

/** Per agent and hour: what anomaly detection and insights read (§16). */
export function agentHours(docs: RollupDoc[]) {
	return [...groupTotals(docs, d => `${d.org_id}\u0000${d.agent_id}\u0000${d.hour}`)].map(([, { totals: t, sample }]) => ({
		org_id: sample.org_id,
		agent_id: sample.agent_id,
		hour: sample.hour,
		runs: num(t, "runs"),
		completed: num(t, "completed"),
		failed: num(t, "failed"),
		blocked: num(t, "blocked"),
		cancelled: num(t, "cancelled"),
		cost_usd: fromMicros(num(t, "cost_micros")),
		tokens: num(t, "tokens_input") + num(t, "tokens_output"),
		tokens_input: num(t, "tokens_input"),
		latency_count: num(t, "latency_count"),
		latency_sum: num(t, "latency_sum"),
		errors_by_code: t.e
	}));
}
