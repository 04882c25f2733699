import { fieldError } from "../../lib/errors";
import { parseIsoDateTime } from "../../lib/time";

/** Cost buckets (§1 row 9): whole UTC days or calendar months, `start` inclusive, `end` exclusive. */
export type Granularity = "day" | "month";

export const MAX_BUCKETS = 400;
const DAY_MS = 86_400_000;

export interface CostBucket {
	period_start: string;
	cost_usd: number;
	runs: number;
	tokens_input: number;
	tokens_output: number;
}

const asDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

/** Start of the bucket containing `at` (00:00Z of its day, or the 1st of its month at 00:00Z). */
export function bucketStartOf(granularity: Granularity, at: Date | string): Date {
	const d = asDate(at);
	return granularity === "day"
		? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()))
		: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

function nextBucket(granularity: Granularity, bucket: Date): Date {
	return granularity === "day"
		? new Date(bucket.getTime() + DAY_MS)
		: new Date(Date.UTC(bucket.getUTCFullYear(), bucket.getUTCMonth() + 1, 1));
}

/** How many buckets [start, end) spans, computed without listing them. */
export function bucketCount(granularity: Granularity, start: Date | string, end: Date | string): number {
	const first = bucketStartOf(granularity, start);
	const last = bucketStartOf(granularity, new Date(asDate(end).getTime() - 1));
	if (last < first) return 0;
	if (granularity === "day") return Math.round((last.getTime() - first.getTime()) / DAY_MS) + 1;
	return (last.getUTCFullYear() - first.getUTCFullYear()) * 12 + (last.getUTCMonth() - first.getUTCMonth()) + 1;
}

/** ISO starts of every bucket from the one containing `start` to the one containing the last instant before `end`, ascending. */
export function bucketStarts(granularity: Granularity, start: Date | string, end: Date | string): string[] {
	const out: string[] = [];
	const lastInstant = asDate(end).getTime() - 1;
	for (let b = bucketStartOf(granularity, start); b.getTime() <= lastInstant; b = nextBucket(granularity, b)) out.push(b.toISOString());
	return out;
}

export const emptyBuckets = (granularity: Granularity, start: Date | string, end: Date | string): CostBucket[] =>
	bucketStarts(granularity, start, end).map(period_start => ({ period_start, cost_usd: 0, runs: 0, tokens_input: 0, tokens_output: 0 }));

/** Every bucket of the window, filled from sparse sums keyed by `period_start` (missing buckets are zero). */
export function fillBuckets(granularity: Granularity, start: Date | string, end: Date | string, sums: Record<string, Partial<CostBucket>> = {}): CostBucket[] {
	return emptyBuckets(granularity, start, end).map(b => ({ ...b, ...(sums[b.period_start] ?? {}), period_start: b.period_start }));
}

/** Resolves the query's defaults (30 days or 12 months before `end`, `end` = now) and checks the range; 400 on a bad one. */
export function costWindow(query: { granularity?: Granularity; start?: string; end?: string }, now = new Date()) {
	const granularity: Granularity = query.granularity ?? "day";
	const end = query.end ? (parseIsoDateTime(query.end) as Date) : now;
	let start: Date;
	if (query.start) start = parseIsoDateTime(query.start) as Date;
	else if (granularity === "day") start = new Date(end.getTime() - 30 * DAY_MS);
	else {
		start = new Date(end.getTime());
		start.setUTCMonth(start.getUTCMonth() - 12);
	}
	if (start.getTime() >= end.getTime()) throw fieldError("start", "must be before end");
	if (bucketCount(granularity, start, end) > MAX_BUCKETS) throw fieldError("start", `the range spans more than ${MAX_BUCKETS} ${granularity} buckets`);
	return { granularity, start: start.toISOString(), end: end.toISOString() };
}
