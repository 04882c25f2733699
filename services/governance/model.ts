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

const ts = { type: "string", format: "date-time" };
const nullableTs = { type: ["string", "null"], format: "date-time" };
const nullableString = { type: ["string", "null"] };
const strings = { type: "array", items: { type: "string" } };

const RULE_SCHEMA = {
	type: "object",
	required: ["type"],
	description: "`type` decides the other fields; unknown or missing fields for the type answer 400",
	properties: {
		type: { enum: [...RULE_TYPES] },
		max_tokens_per_run: { type: "integer", minimum: 1 },
		blocked_tools: strings,
		requires_approval_for: strings,
		approval_timeout_seconds: { type: "integer", minimum: 60, maximum: 604_800 },
		assignee_user_ids: strings,
		block_patterns: strings,
		pattern_type: { enum: ["literal", "regex"] },
		action: { enum: ["block", "redact"] },
		applies_to: { type: "array", items: { enum: ["input", "output"] } },
		conditions: {
			type: "array",
			items: {
				type: "object",
				required: ["on"],
				properties: {
					on: { enum: ["run_failed", "cost_above", "tokens_above", "pattern", "tool_called"] },
					threshold_usd: { type: "number" },
					threshold: { type: "integer" },
					pattern: { type: "string" },
					tool: { type: "string" }
				}
			}
		},
		pause_run: { type: "boolean" },
		timeout_minutes: { type: "integer", minimum: 1, maximum: 10_080 }
	}
};

export const POLICY_SCHEMA = {
	type: "object",
	properties: {
		id: { type: "string" },
		org_id: { type: "string" },
		name: { type: "string" },
		description: { type: "string" },
		agent_id: nullableString,
		rules: { type: "array", items: RULE_SCHEMA, minItems: 1, maxItems: 50 },
		enabled: { type: "boolean" },
		created_at: ts,
		updated_at: ts
	}
};

export const APPROVAL_SCHEMA = {
	type: "object",
	properties: {
		id: { type: "string" },
		org_id: { type: "string" },
		kind: { enum: [...APPROVAL_KINDS] },
		status: { enum: [...APPROVAL_STATUSES] },
		run_id: { type: "string" },
		agent_id: { type: "string" },
		step_index: { type: "integer" },
		policy_id: nullableString,
		rule_type: { enum: [...RULE_TYPES, null] },
		tool_name: nullableString,
		tool_input: { type: ["object", "null"] },
		reason: { type: "string" },
		assignee_user_ids: strings,
		delegation_history: {
			type: "array",
			items: {
				type: "object",
				properties: { from_user_ids: strings, to_user_ids: strings, by: { type: "string" }, at: ts }
			}
		},
		expires_at: nullableTs,
		decided_by: nullableString,
		decided_at: nullableTs,
		comment: nullableString,
		created_at: ts,
		updated_at: ts
	}
};

export const VIOLATION_SCHEMA = {
	type: "object",
	properties: {
		id: { type: "string" },
		org_id: { type: "string" },
		policy_id: { type: "string" },
		policy_name: { type: "string" },
		rule_type: { enum: [...RULE_TYPES] },
		agent_id: { type: "string" },
		run_id: nullableString,
		step_index: { type: ["integer", "null"] },
		action_taken: { enum: [...ACTIONS_TAKEN] },
		detail: { type: "string" },
		created_at: ts,
		updated_at: ts
	}
};

export const EVALUATION_SCHEMA = {
	type: "object",
	required: ["allowed", "action", "violations"],
	properties: {
		allowed: { type: "boolean" },
		action: { enum: ["allow", "block", "redact", "require_approval"] },
		redacted_text: { type: "string" },
		violations: {
			type: "array",
			items: {
				type: "object",
				properties: { policy_id: nullableString, policy_name: nullableString, rule_type: { enum: [...RULE_TYPES, null] }, message: { type: "string" } }
			}
		}
	}
};
