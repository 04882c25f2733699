import { BOOLEAN, entitySchema, INTEGER, NULLABLE_STRING, NUMBER, objectSchema, STRING, STRINGS, TIMESTAMP } from "../../lib/openapi-schema";
import { displayName } from "../../lib/validation";
import { fromMicros } from "../budgets/money";

export interface Condition {
	max_input_tokens?: number;
	min_budget_percentage?: number;
	models?: string[];
	agent_tags?: string[];
}

export const CONDITION_KEYS = ["max_input_tokens", "min_budget_percentage", "models", "agent_tags"] as const;

export interface CostRuleDoc {
	id: string;
	org_id: string;
	name: string;
	description: string;
	agent_id: string | null;
	priority: number;
	condition: Condition;
	target_model: string;
	fallback_model: string | null;
	enabled: boolean;
	applied_count: number;
	/** Lifetime savings in micro-dollars (exact sums). */
	savings_micros: number;
	/** Orders rules of equal priority created within the same millisecond by creation. */
	created_seq?: number;
	created_at: string;
	updated_at: string;
}

export interface RecommendationDoc {
	id: string;
	org_id: string;
	agent_id: string;
	current_model: string;
	suggested_model: string;
	reason: string;
	estimated_monthly_savings_usd: number;
	created_at: string;
	updated_at: string;
}

/** When the org's recommendations were last computed. */
export interface RecommendationRunDoc {
	id: string;
	org_id: string;
	computed_at: string;
	created_at: string;
	updated_at: string;
}

export function presentRule(doc: CostRuleDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		name: doc.name,
		description: doc.description,
		agent_id: doc.agent_id,
		priority: doc.priority,
		condition: doc.condition,
		target_model: doc.target_model,
		fallback_model: doc.fallback_model,
		enabled: doc.enabled,
		applied_count: doc.applied_count,
		savings_usd: fromMicros(doc.savings_micros),
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

export function presentRecommendation(doc: RecommendationDoc) {
	const { id, agent_id, current_model, suggested_model, reason, estimated_monthly_savings_usd, created_at, updated_at } = doc;
	return { id, agent_id, current_model, suggested_model, reason, estimated_monthly_savings_usd, created_at, updated_at };
}

/** Rules are evaluated by priority, ties by age. */
export const byPriority = (a: CostRuleDoc, b: CostRuleDoc) =>
	a.priority - b.priority || a.created_at.localeCompare(b.created_at) || (a.created_seq ?? 0) - (b.created_seq ?? 0) || a.id.localeCompare(b.id);

const MODEL_ID = { type: "string", min: 1, max: 200 };

export const CONDITION_RULE = {
	type: "object",
	strict: "remove",
	props: {
		max_input_tokens: { type: "number", integer: true, min: 1, optional: true },
		min_budget_percentage: { type: "number", min: 0, max: 100, optional: true },
		models: { type: "array", items: MODEL_ID, min: 1, max: 100, optional: true },
		agent_tags: { type: "array", items: { type: "string", min: 1, max: 100 }, min: 1, max: 50, optional: true }
	},
	custom: (value: unknown, errors: any[]) => {
		if (value && typeof value === "object" && !Array.isArray(value) && !CONDITION_KEYS.some(k => (value as any)[k] !== undefined)) {
			errors.push({ type: "conditionEmpty", message: `must contain at least one of: ${CONDITION_KEYS.join(", ")}` });
		}
		return value;
	}
};

/** Writable fields, all optional (create makes name, condition and target_model required). */
export const RULE_FIELDS = {
	name: displayName({ optional: true }),
	description: { type: "string", max: 2000, optional: true },
	agent_id: { type: "string", min: 1, max: 64, optional: true, nullable: true },
	priority: { type: "number", integer: true, min: 0, max: 10000, optional: true },
	condition: { ...CONDITION_RULE, optional: true },
	target_model: { ...MODEL_ID, optional: true },
	fallback_model: { ...MODEL_ID, optional: true, nullable: true },
	enabled: { type: "boolean", optional: true }
};

export const COST_RULE_SCHEMA = entitySchema({
	name: STRING,
	description: STRING,
	agent_id: NULLABLE_STRING,
	priority: { type: "integer", minimum: 0, maximum: 10000 },
	condition: objectSchema(
		{
			max_input_tokens: { type: "integer", minimum: 1 },
			min_budget_percentage: { type: "number", minimum: 0, maximum: 100 },
			models: STRINGS,
			agent_tags: STRINGS
		},
		{ minProperties: 1 }
	),
	target_model: STRING,
	fallback_model: NULLABLE_STRING,
	enabled: BOOLEAN,
	applied_count: INTEGER,
	savings_usd: NUMBER
});

export const RECOMMENDATION_SCHEMA = objectSchema({
	id: STRING,
	agent_id: STRING,
	current_model: STRING,
	suggested_model: STRING,
	reason: STRING,
	estimated_monthly_savings_usd: NUMBER,
	created_at: TIMESTAMP,
	updated_at: TIMESTAMP
});

/** A report: its window, totals, and one item per group with `key`, `label` and the group's figures. */
const reportSchema = (totals: Record<string, unknown>, figures: Record<string, unknown>) =>
	objectSchema({ start: TIMESTAMP, end: TIMESTAMP, ...totals, items: { type: "array", items: objectSchema({ key: STRING, label: STRING, ...figures }) } });

export const SAVINGS_REPORT_SCHEMA = reportSchema({ total_savings_usd: NUMBER, routed_calls: INTEGER }, { savings_usd: NUMBER, routed_calls: INTEGER });

export const COST_SUMMARY_SCHEMA = reportSchema({ total_cost_usd: NUMBER }, { cost_usd: NUMBER, runs: INTEGER, tokens_input: INTEGER, tokens_output: INTEGER });
