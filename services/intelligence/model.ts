import { entitySchema, enumOf, NUMBER, NULLABLE_STRING, nullable, objectSchema, STRING, TIMESTAMP, INTEGER } from "../../lib/openapi-schema";

export const EVALUATORS = ["heuristic", "llm_judge", "human"] as const;
export const DIMENSIONS = ["relevance", "accuracy", "safety", "helpfulness"] as const;
export const ANOMALY_METRICS = ["cost", "latency", "error_rate", "tokens"] as const;
export const ANOMALY_STATUSES = ["open", "resolved"] as const;
export const INSIGHT_TYPES = ["trend", "usage", "quality", "reliability"] as const;
export const INSIGHT_SEVERITIES = ["info", "warning", "critical"] as const;
export const RECOMMENDATION_CATEGORIES = ["cost", "quality", "reliability", "safety", "performance"] as const;

export type Dimensions = Record<(typeof DIMENSIONS)[number], number>;
export type AnomalyMetric = (typeof ANOMALY_METRICS)[number];

export interface EvaluationDoc {
	id: string;
	org_id: string;
	run_id: string;
	agent_id: string;
	agent_version: number;
	evaluator: (typeof EVALUATORS)[number];
	judge_model: string | null;
	score: number;
	dimensions: Dimensions;
	rationale: string;
	created_by: string | null;
	/** Of the evaluated run (internal): A/B metrics average scores per variant. */
	ab_test_id: string | null;
	ab_variant: string | null;
	created_at: string;
	updated_at: string;
}

export interface AnomalyDoc {
	id: string;
	org_id: string;
	agent_id: string;
	metric: AnomalyMetric;
	window_start: string;
	window_end: string;
	observed_value: number;
	expected_value: number;
	deviation: number;
	severity: "low" | "medium" | "high";
	status: "open" | "resolved";
	/** Consecutive normal hours since the last anomalous one (internal): two resolve it. */
	normal_hours: number;
	created_at: string;
	updated_at: string;
}

export interface InsightDoc {
	id: string;
	org_id: string;
	agent_id: string | null;
	type: (typeof INSIGHT_TYPES)[number];
	title: string;
	description: string;
	severity: (typeof INSIGHT_SEVERITIES)[number];
	data: Record<string, unknown>;
	created_at: string;
	updated_at: string;
}

export interface RecommendationDoc {
	id: string;
	org_id: string;
	agent_id: string;
	category: (typeof RECOMMENDATION_CATEGORIES)[number];
	title: string;
	description: string;
	suggested_change: Record<string, unknown>;
	created_at: string;
	updated_at: string;
}

const pick = <T extends object, K extends keyof T>(doc: T, keys: readonly K[]) => Object.fromEntries(keys.map(k => [k, doc[k] ?? null])) as Pick<T, K>;

const EVALUATION_FIELDS = ["id", "org_id", "run_id", "agent_id", "agent_version", "evaluator", "judge_model", "score", "dimensions", "rationale", "created_by", "created_at", "updated_at"] as const;
const ANOMALY_FIELDS = ["id", "org_id", "agent_id", "metric", "window_start", "window_end", "observed_value", "expected_value", "deviation", "severity", "status", "created_at", "updated_at"] as const;
const INSIGHT_FIELDS = ["id", "org_id", "agent_id", "type", "title", "description", "severity", "data", "created_at", "updated_at"] as const;
const RECOMMENDATION_FIELDS = ["id", "org_id", "agent_id", "category", "title", "description", "suggested_change", "created_at", "updated_at"] as const;

export const presentEvaluation = (doc: EvaluationDoc) => pick(doc, EVALUATION_FIELDS);
export const presentAnomaly = (doc: AnomalyDoc) => pick(doc, ANOMALY_FIELDS);
export const presentInsight = (doc: InsightDoc) => pick(doc, INSIGHT_FIELDS);
export const presentRecommendation = (doc: RecommendationDoc) => pick(doc, RECOMMENDATION_FIELDS);

const DIMENSIONS_SCHEMA = objectSchema(Object.fromEntries(DIMENSIONS.map(d => [d, NUMBER])));
const NULLABLE_DIMENSIONS = { anyOf: [DIMENSIONS_SCHEMA, { type: "null" }] };

export const INTELLIGENCE_SCHEMAS = {
	Evaluation: entitySchema({
		run_id: STRING,
		agent_id: STRING,
		agent_version: INTEGER,
		evaluator: enumOf(EVALUATORS),
		judge_model: NULLABLE_STRING,
		score: NUMBER,
		dimensions: DIMENSIONS_SCHEMA,
		rationale: STRING,
		created_by: NULLABLE_STRING
	}),
	Anomaly: entitySchema({
		agent_id: STRING,
		metric: enumOf(ANOMALY_METRICS),
		window_start: TIMESTAMP,
		window_end: TIMESTAMP,
		observed_value: NUMBER,
		expected_value: NUMBER,
		deviation: NUMBER,
		severity: enumOf(["low", "medium", "high"]),
		status: enumOf(ANOMALY_STATUSES)
	}),
	Insight: entitySchema({
		agent_id: NULLABLE_STRING,
		type: enumOf(INSIGHT_TYPES),
		title: STRING,
		description: STRING,
		severity: enumOf(INSIGHT_SEVERITIES),
		data: { type: "object" }
	}),
	Recommendation: entitySchema({
		agent_id: STRING,
		category: enumOf(RECOMMENDATION_CATEGORIES),
		title: STRING,
		description: STRING,
		suggested_change: { type: "object" }
	}),
	QualityScore: objectSchema({
		agent_id: STRING,
		agent_name: NULLABLE_STRING,
		evaluated_runs: INTEGER,
		avg_score: nullable("number"),
		dimensions: NULLABLE_DIMENSIONS,
		period_start: TIMESTAMP,
		period_end: TIMESTAMP
	}),
	AgentQuality: objectSchema({
		agent_id: STRING,
		period_start: TIMESTAMP,
		period_end: TIMESTAMP,
		evaluated_runs: INTEGER,
		avg_score: nullable("number"),
		dimensions: NULLABLE_DIMENSIONS,
		by_version: { type: "array", items: objectSchema({ version: INTEGER, evaluated_runs: INTEGER, avg_score: nullable("number") }) },
		daily: { type: "array", items: objectSchema({ date: STRING, evaluated_runs: INTEGER, avg_score: nullable("number") }) },
		open_anomalies: INTEGER
	})
};
