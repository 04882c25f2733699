import { BOOLEAN, entitySchema, enumOf, INTEGER, nullable, NULLABLE_STRING, NULLABLE_TIMESTAMP, NUMBER, objectSchema, STRING, STRINGS, TIMESTAMP } from "../../lib/openapi-schema";
import type { Rule, RuleType } from "./rules";
import { RULE_TYPES } from "./rules";

export const APPROVAL_KINDS = ["approval", "escalation"] as const;
export const APPROVAL_STATUSES = ["pending", "approved", "rejected", "expired", "cancelled"] as const;
export const ACTIONS_TAKEN = ["blocked", "redacted", "denied", "approval_required", "escalated"] as const;

export type ApprovalKind = (typeof APPROVAL_KINDS)[number];
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
export type ActionTaken = (typeof ACTIONS_TAKEN)[number];

/** Built-in approvals of `dangerous` tools wait this long (§12). */
export const BUILTIN_APPROVAL_SECONDS = 86_400;

export interface PolicyDoc {
	id: string;
	org_id: string;
	name: string;
	description: string;
	agent_id: string | null;
	rules: Rule[];
	/** The distinct rule types, for the `rule_type` filters. */
	rule_types: RuleType[];
	enabled: boolean;
	created_by: string | null;
	created_at: string;
	updated_at: string;
}

export interface DelegationEntry {
	from_user_ids: string[];
	to_user_ids: string[];
	by: string;
	at: string;
}

export interface ApprovalDoc {
	id: string;
	org_id: string;
	kind: ApprovalKind;
	status: ApprovalStatus;
	run_id: string;
	agent_id: string;
	step_index: number;
	policy_id: string | null;
	rule_type: RuleType | null;
	tool_name: string | null;
	tool_input: Record<string, unknown> | null;
	reason: string;
	assignee_user_ids: string[];
	delegation_history: DelegationEntry[];
	expires_at: string | null;
	decided_by: string | null;
	decided_at: string | null;
	comment: string | null;
	created_at: string;
	updated_at: string;
}

export interface ViolationDoc {
	id: string;
	org_id: string;
	policy_id: string;
	policy_name: string;
	rule_type: RuleType;
	agent_id: string;
	run_id: string | null;
	step_index: number | null;
	action_taken: ActionTaken;
	detail: string;
	created_at: string;
	updated_at: string;
}

export function presentPolicy(doc: PolicyDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		name: doc.name,
		description: doc.description,
		agent_id: doc.agent_id,
		rules: doc.rules,
		enabled: doc.enabled,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

export function presentApproval(doc: ApprovalDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		kind: doc.kind,
		status: doc.status,
		run_id: doc.run_id,
		agent_id: doc.agent_id,
		step_index: doc.step_index,
		policy_id: doc.policy_id,
		rule_type: doc.rule_type,
		tool_name: doc.tool_name,
		tool_input: doc.tool_input,
		reason: doc.reason,
		assignee_user_ids: doc.assignee_user_ids,
		delegation_history: doc.delegation_history,
		expires_at: doc.expires_at,
		decided_by: doc.decided_by,
		decided_at: doc.decided_at,
		comment: doc.comment,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

export function presentViolation(doc: ViolationDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		policy_id: doc.policy_id,
		policy_name: doc.policy_name,
		rule_type: doc.rule_type,
		agent_id: doc.agent_id,
		run_id: doc.run_id,
		step_index: doc.step_index,
		action_taken: doc.action_taken,
		detail: doc.detail,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

const RULE_SCHEMA = objectSchema(
	{
		type: enumOf(RULE_TYPES),
		max_tokens_per_run: { type: "integer", minimum: 1 },
		blocked_tools: STRINGS,
		requires_approval_for: STRINGS,
		approval_timeout_seconds: { type: "integer", minimum: 60, maximum: 604_800 },
		assignee_user_ids: STRINGS,
		block_patterns: STRINGS,
		pattern_type: enumOf(["literal", "regex"]),
		action: enumOf(["block", "redact"]),
		applies_to: { type: "array", items: enumOf(["input", "output"]) },
		conditions: {
			type: "array",
			items: objectSchema(
				{
					on: enumOf(["run_failed", "cost_above", "tokens_above", "pattern", "tool_called"]),
					threshold_usd: NUMBER,
					threshold: INTEGER,
					pattern: STRING,
					tool: STRING
				},
				{ required: ["on"] }
			)
		},
		pause_run: BOOLEAN,
		timeout_minutes: { type: "integer", minimum: 1, maximum: 10_080 }
	},
	{ required: ["type"], description: "`type` decides the other fields; unknown or missing fields for the type answer 400" }
);

export const POLICY_SCHEMA = entitySchema({
	name: STRING,
	description: STRING,
	agent_id: NULLABLE_STRING,
	rules: { type: "array", items: RULE_SCHEMA, minItems: 1, maxItems: 50 },
	enabled: BOOLEAN
});

export const APPROVAL_SCHEMA = entitySchema({
	kind: enumOf(APPROVAL_KINDS),
	status: enumOf(APPROVAL_STATUSES),
	run_id: STRING,
	agent_id: STRING,
	step_index: INTEGER,
	policy_id: NULLABLE_STRING,
	rule_type: enumOf([...RULE_TYPES, null]),
	tool_name: NULLABLE_STRING,
	tool_input: nullable("object"),
	reason: STRING,
	assignee_user_ids: STRINGS,
	delegation_history: {
		type: "array",
		items: objectSchema({ from_user_ids: STRINGS, to_user_ids: STRINGS, by: STRING, at: TIMESTAMP })
	},
	expires_at: NULLABLE_TIMESTAMP,
	decided_by: NULLABLE_STRING,
	decided_at: NULLABLE_TIMESTAMP,
	comment: NULLABLE_STRING
});

export const VIOLATION_SCHEMA = entitySchema({
	policy_id: STRING,
	policy_name: STRING,
	rule_type: enumOf(RULE_TYPES),
	agent_id: STRING,
	run_id: NULLABLE_STRING,
	step_index: { type: ["integer", "null"] },
	action_taken: enumOf(ACTIONS_TAKEN),
	detail: STRING
});

export const EVALUATION_SCHEMA = objectSchema(
	{
		allowed: BOOLEAN,
		action: enumOf(["allow", "block", "redact", "require_approval"]),
		redacted_text: STRING,
		violations: {
			type: "array",
			items: objectSchema({ policy_id: NULLABLE_STRING, policy_name: NULLABLE_STRING, rule_type: enumOf([...RULE_TYPES, null]), message: STRING })
		}
	},
	{ required: ["allowed", "action", "violations"] }
);
