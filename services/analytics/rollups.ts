import { createHash } from "node:crypto";

/**
 * Rollups of runs (§17). One document per org × bucket × agent × mode × key, where the key is the
 * run's model (`run` rollups), the model of an LLM call (`model`) or a tool (`tool`); each run adds
 * to its hour's bucket and to its day's. Counters are integers (cost in micro-USD) so that sums
 * never drift; a read adds up the day documents of the whole days of its window and the hour
 * documents of the hours at its edges.
 */

export type RollupKind = "run" | "model" | "tool";
export type Span = "hour" | "day";

export interface RollupDoc {
	id: string;
	org_id: string;
	kind: RollupKind;
	span: Span;
	/** Start of the UTC hour (or day, for `day` documents) in which the run was created. */
	hour: string;
	agent_id: string;
	mode: string;
	/** Run model, call model, or tool id (tool name when the call named no attached tool). */
	key: string;
	/** `provider` of a model rollup, tool name of a tool rollup. */
	label: string | null;
	n: Record<string, number>;
	/** Latency histogram: bucket index → count (see LATENCY_BOUNDS). */
	h: Record<string, number>;
	/** Runs by trigger. */
	t: Record<string, number>;
	/** Failed runs by error code. */
	e: Record<string, number>;
	created_at: string;
	updated_at: string;
}

export interface RunLike {
	id: string;
	org_id: string;
	agent_id: string;
	mode: string;
	model: string;
	trigger: string;
	status: string;
	created_at: string;
	tokens_input: number;
	tokens_output: number;
	cost_usd: number;
	savings_usd: number;
	latency_ms: number;
	error?: { code: string } | null;
}

export interface StepLike {
	type: string;
	name: string;
	status: string;
	model?: string | null;
	tool_id?: string | null;
	input?: any;
	tokens_input?: number;
	tokens_output?: number;
	cost_usd?: number;
	latency_ms?: number;
}

/**
 * Upper bounds (ms, inclusive) of the latency buckets: 0–10 ms, then each bound 25% above the last,
 * up to about 1 h; a last open bucket holds anything longer. A p95 read from them is off by at most
 * one bucket's width (≤ 25% of the value), less after interpolation inside the bucket.
 */
export const LATENCY_BOUNDS: number[] = (() => {
	const bounds = [10];
	while (bounds[bounds.length - 1] < 3_600_000) bounds.push(Math.ceil(bounds[bounds.length - 1] * 1.25));
	return bounds;
})();

export function latencyBucket(ms: number): number {
	for (let i = 0; i < LATENCY_BOUNDS.length; i++) if (ms <= LATENCY_BOUNDS[i]) return i;
	return LATENCY_BOUNDS.length;
}

/** Nearest-rank p-quantile of a histogram, interpolated linearly inside its bucket; null when empty. */
export function quantile(histogram: Record<string, number>, p: number): number | null {
	const entries = Object.entries(histogram)
		.map(([k, c]) => [Number(k), c] as const)
		.filter(([, c]) => c > 0)
		.sort((a, b) => a[0] - b[0]);
	const total = entries.reduce((s, [, c]) => s + c, 0);
	if (!total) return null;
	const rank = Math.max(1, Math.ceil(p * total));
	let seen = 0;
	for (const [bucket, count] of entries) {
		if (seen + count >= rank) {
			const lo = bucket === 0 ? 0 : LATENCY_BOUNDS[bucket - 1];
			const hi = LATENCY_BOUNDS[bucket] ?? lo;
			return Math.round(lo + ((hi - lo) * (rank - seen)) / count);
		}
		seen += count;
	}
	return null;
}

export const TERMINAL_STATUSES = new Set(["completed", "failed", "cancelled", "blocked"]);
export const toMicros = (usd: number) => Math.round((usd ?? 0) * 1_000_000);
export const fromMicros = (micros: number) => Math.round(micros) / 1_000_000;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export const hourOf = (iso: string): string => new Date(Math.floor(Date.parse(iso) / HOUR_MS) * HOUR_MS).toISOString();
export const dayOf = (iso: string): string => new Date(Math.floor(Date.parse(iso) / DAY_MS) * DAY_MS).toISOString();

const rollupId = (orgId: string, kind: RollupKind, span: Span, bucket: string, agentId: string, mode: string, key: string) =>
	"rlp_" + createHash("sha1").update([orgId, kind, span, bucket, agentId, mode, key].join("\u0000")).digest("base64url").slice(0, 24);

/** One query of a read: documents of `span` whose bucket starts in [from, to). */
export interface ReadRange {
	span: Span;
	from: string;
	to: string;
}

/**
 * The documents a window [start, end) reads, at hour resolution (the hours holding `start` and
 * `end` count whole): day documents for the whole days inside, hour documents for the edges.
 */
export function readRanges(start: string, end: string): ReadRange[] {
	const from = Math.floor(Date.parse(start) / HOUR_MS) * HOUR_MS;
	const to = Math.ceil(Date.parse(end) / HOUR_MS) * HOUR_MS;
	const firstDay = Math.ceil(from / DAY_MS) * DAY_MS;
	const lastDay = Math.floor(to / DAY_MS) * DAY_MS;
	const iso = (ms: number) => new Date(ms).toISOString();
	if (firstDay >= lastDay) return [{ span: "hour", from: iso(from), to: iso(to) }];
	const ranges: ReadRange[] = [{ span: "day", from: iso(firstDay), to: iso(lastDay) }];
	if (from < firstDay) ranges.push({ span: "hour", from: iso(from), to: iso(firstDay) });
	if (lastDay < to) ranges.push({ span: "hour", from: iso(lastDay), to: iso(to) });
	return ranges;
}

/** What one run adds to one rollup document. */
export interface Increment {
	base: Omit<RollupDoc, "n" | "h" | "t" | "e" | "created_at" | "updated_at">;
	inc: Record<string, number>;
}

class Increments {
	readonly byId = new Map<string, Increment>();
	constructor(private readonly run: RunLike) {}

	add(kind: RollupKind, key: string, label: string | null, fields: Record<string, number>) {
		const r = this.run;
		for (const span of ["hour", "day"] as const) {
			const bucket = span === "hour" ? hourOf(r.created_at) : dayOf(r.created_at);
			const id = rollupId(r.org_id, kind, span, bucket, r.agent_id, r.mode, key);
			let entry = this.byId.get(id);
			if (!entry) {
				entry = { base: { id, org_id: r.org_id, kind, span, hour: bucket, agent_id: r.agent_id, mode: r.mode, key, label }, inc: {} };
				this.byId.set(id, entry);
			}
			for (const [f, v] of Object.entries(fields)) if (v) entry.inc[f] = (entry.inc[f] ?? 0) + v;
		}
	}
}

/** Counted once per run, when it is accepted (any first event of the run). */
export function acceptedIncrements(run: RunLike): Increment[] {
	const incs = new Increments(run);
	incs.add("run", run.model, null, { "n.runs": 1, [`t.${run.trigger}`]: 1 });
	return [...incs.byId.values()];
}

/** Counted once per run, when it ends: status, totals, latency, and its model and tool calls. */
export function finishedIncrements(run: RunLike, steps: StepLike[]): Increment[] {
	const incs = new Increments(run);
	const ran = run.status === "completed" || run.status === "failed";
	const toolCalls = steps.filter(s => s.type === "tool_call");
	incs.add("run", run.model, null, {
		[`n.${run.status}`]: 1,
		"n.tokens_input": run.tokens_input ?? 0,
		"n.tokens_output": run.tokens_output ?? 0,
		"n.cost_micros": toMicros(run.cost_usd),
		"n.savings_micros": toMicros(run.savings_usd),
		"n.tool_calls": toolCalls.length,
		...(ran ? { "n.latency_count": 1, "n.latency_sum": run.latency_ms ?? 0, [`h.${latencyBucket(run.latency_ms ?? 0)}`]: 1 } : {}),
		...(run.status === "failed" && run.error?.code ? { [`e.${run.error.code}`]: 1 } : {})
	});
	for (const step of steps) {
		if (step.type !== "llm_call" || (step.status !== "completed" && step.status !== "failed")) continue;
		incs.add("model", step.model ?? step.name, step.input?.provider ?? null, {
			"n.calls": 1,
			"n.errors": step.status === "failed" ? 1 : 0,
			"n.tokens_input": step.tokens_input ?? 0,
			"n.tokens_output": step.tokens_output ?? 0,
			"n.cost_micros": toMicros(step.cost_usd ?? 0),
			"n.latency_sum": step.latency_ms ?? 0
		});
	}
	const toolKeyByName = new Map<string, string>();
	for (const step of toolCalls) {
		const key = step.tool_id ?? `name:${step.name}`;
		toolKeyByName.set(step.name, key);
		const executed = step.status === "completed" || step.status === "failed";
		incs.add("tool", key, step.name, {
			"n.calls": 1,
			"n.errors": step.status === "failed" ? 1 : 0,
			"n.denied": step.status === "denied" ? 1 : 0,
			"n.latency_count": executed ? 1 : 0,
			"n.latency_sum": executed ? (step.latency_ms ?? 0) : 0
		});
	}
	for (const step of steps) {
		if (step.type !== "approval" || step.name === "escalation") continue;
		incs.add("tool", toolKeyByName.get(step.name) ?? `name:${step.name}`, step.name, { "n.approvals": 1 });
	}
	return [...incs.byId.values()];
}

/** The new document for an increment that finds none: the dotted counters expanded. */
export function newRollup(increment: Increment, now: string): RollupDoc {
	const doc: RollupDoc = { ...increment.base, n: {}, h: {}, t: {}, e: {}, created_at: now, updated_at: now };
	for (const [path, value] of Object.entries(increment.inc)) {
		const [group, field] = path.split(/\.(.*)/s) as ["n" | "h" | "t" | "e", string];
		doc[group][field] = value;
	}
	return doc;
}

/** Sum of the counters of several rollups (histograms and maps added key by key). */
export interface Totals {
	n: Record<string, number>;
	h: Record<string, number>;
	t: Record<string, number>;
	e: Record<string, number>;
}

export const emptyTotals = (): Totals => ({ n: {}, h: {}, t: {}, e: {} });

export function addInto(into: Totals, doc: Pick<RollupDoc, "n" | "h" | "t" | "e">): Totals {
	for (const group of ["n", "h", "t", "e"] as const) {
		for (const [k, v] of Object.entries(doc[group] ?? {})) into[group][k] = (into[group][k] ?? 0) + v;
	}
	return into;
}

export function sumRollups(docs: Pick<RollupDoc, "n" | "h" | "t" | "e">[]): Totals {
	return docs.reduce(addInto, emptyTotals());
}
