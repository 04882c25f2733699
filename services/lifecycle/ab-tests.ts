import { displayName } from "../../lib/validation";

export const AB_STATUSES = ["running", "completed", "rolled_back"] as const;
export type AbStatus = (typeof AB_STATUSES)[number];
export type Variant = "a" | "b";

export interface AutoRollback {
	enabled: boolean;
	error_rate_threshold: number;
	min_runs: number;
}

export const AUTO_ROLLBACK_DEFAULTS: AutoRollback = { enabled: false, error_rate_threshold: 0.2, min_runs: 20 };
export const DEFAULT_TRAFFIC_SPLIT = 50;

export interface AbTestDoc {
	id: string;
	org_id: string;
	agent_id: string;
	name: string | null;
	version_a: number;
	version_b: number;
	traffic_split: number;
	status: AbStatus;
	winner: Variant | null;
	auto_rollback: AutoRollback;
	started_at: string;
	ended_at: string | null;
	/** The agent id while the test runs, absent otherwise: a unique sparse index allows one running test per agent. */
	running_agent?: string;
	created_by: string | null;
	created_at: string;
	updated_at: string;
}

/** A session's first routed variant of a test (A/B stickiness). */
export interface AbSessionDoc {
	id: string;
	org_id: string;
	ab_test_id: string;
	session_id: string;
	variant: Variant;
	created_at: string;
	updated_at: string;
}

/** Counts of one variant as the runtime answers them (`runtime.abMetrics`). */
export interface RawMetrics {
	runs: number;
	completed: number;
	failed: number;
	avg_latency_ms: number;
	avg_cost_usd: number;
	avg_tokens: number;
	/** From intelligence's evaluations of the variant's runs; null without any. */
	avg_quality_score?: number | null;
}

export const EMPTY_METRICS: RawMetrics = { runs: 0, completed: 0, failed: 0, avg_latency_ms: 0, avg_cost_usd: 0, avg_tokens: 0 };

const round4 = (n: number) => Math.round(n * 10000) / 10000;

/** failed / (completed + failed), unrounded; 0 when no run has finished that way. */
export function errorRate(m: Pick<RawMetrics, "completed" | "failed">): number {
	const finished = m.completed + m.failed;
	return finished ? m.failed / finished : 0;
}

/** §5 VariantMetrics: rates over terminal `completed` and `failed` runs only, 4 decimals. */
export function variantMetrics(version: number, raw: Partial<RawMetrics> | null | undefined) {
	const m = { ...EMPTY_METRICS, ...(raw ?? {}) };
	const finished = m.completed + m.failed;
	const error = round4(errorRate(m));
	return {
		version,
		runs: m.runs,
		completed: m.completed,
		failed: m.failed,
		success_rate: finished ? round4(1 - error) : 0,
		error_rate: error,
		avg_latency_ms: m.avg_latency_ms,
		avg_cost_usd: m.avg_cost_usd,
		avg_tokens: m.avg_tokens,
		avg_quality_score: m.avg_quality_score ?? null
	};
}

export function presentAbTest(doc: AbTestDoc, raw: { a?: Partial<RawMetrics>; b?: Partial<RawMetrics> } | null) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		agent_id: doc.agent_id,
		name: doc.name,
		version_a: doc.version_a,
		version_b: doc.version_b,
		traffic_split: doc.traffic_split,
		status: doc.status,
		winner: doc.winner,
		auto_rollback: doc.auto_rollback,
		metrics: { a: variantMetrics(doc.version_a, raw?.a), b: variantMetrics(doc.version_b, raw?.b) },
		started_at: doc.started_at,
		ended_at: doc.ended_at,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

/** B with probability traffic_split / 100. */
export const pickVariant = (trafficSplit: number, random = Math.random()): Variant => (random * 100 < trafficSplit ? "b" : "a");

export const versionOf = (doc: AbTestDoc, variant: Variant) => (variant === "a" ? doc.version_a : doc.version_b);

/** Payload of the `ab_test.*` platform events (§9). */
export const eventPayload = (doc: AbTestDoc, winner: Variant | null, errorRateB: number) => ({
	org_id: doc.org_id,
	ab_test_id: doc.id,
	agent_id: doc.agent_id,
	version_a: doc.version_a,
	version_b: doc.version_b,
	winner,
	error_rate_b: round4(errorRateB)
});

export const rollbackReason = (rate: number, threshold: number, finished: number) =>
	`Error rate of variant B ${round4(rate)} exceeded the threshold ${threshold} after ${finished} finished runs`;

const VERSION = { type: "number", integer: true, min: 1 };

export const CREATE_PARAMS = {
	version_b: VERSION,
	version_a: { ...VERSION, optional: true },
	traffic_split: { type: "number", integer: true, min: 1, max: 99, optional: true },
	name: displayName({ optional: true, nullable: true }),
	auto_rollback: {
		type: "object",
		optional: true,
		props: {
			enabled: { type: "boolean", optional: true },
			error_rate_threshold: { type: "number", positive: true, max: 1, optional: true },
			min_runs: { type: "number", integer: true, min: 1, optional: true }
		}
	}
};

const str = { type: "string" };
const int = { type: "integer" };
const num = { type: "number" };
const VARIANT_METRICS_SCHEMA = {
	type: "object",
	properties: {
		version: int,
		runs: int,
		completed: int,
		failed: int,
		success_rate: num,
		error_rate: num,
		avg_latency_ms: num,
		avg_cost_usd: num,
		avg_tokens: num,
		avg_quality_score: { type: ["number", "null"] }
	}
};

export const AB_TEST_SCHEMA = {
	type: "object",
	properties: {
		id: str,
		org_id: str,
		agent_id: str,
		name: { type: ["string", "null"] },
		version_a: int,
		version_b: int,
		traffic_split: int,
		status: { enum: [...AB_STATUSES] },
		winner: { enum: ["a", "b", null] },
		auto_rollback: {
			type: "object",
			properties: { enabled: { type: "boolean" }, error_rate_threshold: num, min_runs: int }
		},
		metrics: { type: "object", properties: { a: VARIANT_METRICS_SCHEMA, b: VARIANT_METRICS_SCHEMA } },
		started_at: { type: "string", format: "date-time" },
		ended_at: { type: ["string", "null"], format: "date-time" },
		created_at: { type: "string", format: "date-time" },
		updated_at: { type: "string", format: "date-time" }
	}
};
