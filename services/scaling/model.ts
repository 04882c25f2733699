import { BOOLEAN, entitySchema, enumOf, INTEGER, NULLABLE_STRING, NULLABLE_TIMESTAMP, NUMBER, STRING } from "../../lib/openapi-schema";
import { displayName } from "../../lib/validation";

export const METRICS = ["queue_depth", "cpu_usage", "memory_usage", "latency_p99"] as const;
export const DIRECTIONS = ["up", "down"] as const;
export type Metric = (typeof METRICS)[number];

export interface ScalingRuleDoc {
	id: string;
	org_id: string;
	name: string;
	description: string;
	agent_id: string | null;
	metric: Metric;
	target_value: number;
	scale_down_threshold: number;
	min_instances: number;
	max_instances: number;
	cooldown_seconds: number;
	scale_up_step: number;
	scale_down_step: number;
	enabled: boolean;
	last_scaled_at: string | null;
	created_at: string;
	updated_at: string;
}

export interface ScalingEventDoc {
	id: string;
	org_id: string;
	rule_id: string | null;
	agent_id: string;
	direction: (typeof DIRECTIONS)[number];
	from_replicas: number;
	to_replicas: number;
	metric: Metric | null;
	metric_value: number | null;
	reason: string;
	created_at: string;
	updated_at: string;
}

/** The replicas the autoscaler decided for one agent, and when it last changed them. */
export interface ReplicaStateDoc {
	id: string;
	org_id: string;
	agent_id: string;
	replicas: number;
	last_scaled_at: string | null;
	created_at: string;
	updated_at: string;
}

export const WRITABLE = ["name", "description", "agent_id", "metric", "target_value", "scale_down_threshold", "min_instances", "max_instances", "cooldown_seconds", "scale_up_step", "scale_down_step", "enabled"] as const;

export function ruleRules(optional: boolean) {
	const o = optional;
	return {
		name: displayName(o ? { optional: true } : {}),
		description: { type: "string", max: 2000, optional: true },
		agent_id: { type: "string", min: 1, max: 64, optional: true, nullable: true },
		metric: { type: "enum", values: [...METRICS], optional: o },
		target_value: { type: "number", positive: true, optional: o },
		scale_down_threshold: { type: "number", min: 0, optional: true },
		min_instances: { type: "number", integer: true, min: 0, max: 100, optional: true },
		max_instances: { type: "number", integer: true, min: 1, max: 100, optional: true },
		cooldown_seconds: { type: "number", integer: true, min: 0, max: 86400, optional: true },
		scale_up_step: { type: "number", integer: true, min: 1, max: 50, optional: true },
		scale_down_step: { type: "number", integer: true, min: 1, max: 50, optional: true },
		enabled: { type: "boolean", optional: true }
	};
}

/** The cross-field rules of a rule as it would be stored (§15 row 1). */
export function ruleProblems(rule: Pick<ScalingRuleDoc, "min_instances" | "max_instances" | "scale_down_threshold" | "target_value">) {
	const problems: { field: string; message: string }[] = [];
	if (rule.min_instances > rule.max_instances) problems.push({ field: "min_instances", message: `must be at most max_instances (${rule.max_instances})` });
	if (rule.scale_down_threshold >= rule.target_value) problems.push({ field: "scale_down_threshold", message: `must be below target_value (${rule.target_value})` });
	return problems;
}

export function presentRule(doc: ScalingRuleDoc) {
	const out: Record<string, unknown> = { id: doc.id, org_id: doc.org_id };
	for (const f of WRITABLE) out[f] = doc[f];
	return { ...out, last_scaled_at: doc.last_scaled_at, created_at: doc.created_at, updated_at: doc.updated_at };
}

export function presentEvent(doc: ScalingEventDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		rule_id: doc.rule_id,
		agent_id: doc.agent_id,
		direction: doc.direction,
		from_replicas: doc.from_replicas,
		to_replicas: doc.to_replicas,
		metric: doc.metric,
		metric_value: doc.metric_value,
		reason: doc.reason,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

export const SCALING_SCHEMAS = {
	ScalingRule: entitySchema({
		name: STRING,
		description: STRING,
		agent_id: NULLABLE_STRING,
		metric: enumOf(METRICS),
		target_value: NUMBER,
		scale_down_threshold: NUMBER,
		min_instances: INTEGER,
		max_instances: INTEGER,
		cooldown_seconds: INTEGER,
		scale_up_step: INTEGER,
		scale_down_step: INTEGER,
		enabled: BOOLEAN,
		last_scaled_at: NULLABLE_TIMESTAMP
	}),
	ScalingEvent: entitySchema({
		rule_id: NULLABLE_STRING,
		agent_id: STRING,
		direction: enumOf(DIRECTIONS),
		from_replicas: INTEGER,
		to_replicas: INTEGER,
		metric: { enum: [...METRICS, null] },
		metric_value: { type: ["number", "null"] },
		reason: STRING
	}),
	ScalingMetrics: { type: "object" }
};
