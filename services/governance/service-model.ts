import type { Context } from "moleculer";
import type { Principal } from "../../lib/principal";
import type { Repository } from "../../lib/store";
import type { PlatformThis } from "../../mixins/platform.mixin";
import type { Finding, PolicyView } from "./evaluate";
import type { ApprovalDoc, PolicyDoc, ViolationDoc } from "./model";
import { rulesChecker, type Rule, type RuleType } from "./rules";

// The governance service's shape (its `this`, context, check results) and the rules and helpers its files share.
export interface FiringDoc {
	id: string;
	org_id: string;
	run_id: string;
	key: string;
	created_at: string;
	updated_at: string;
}

/** A tool call announced to `check` that a `tool_called` condition watches, until the next `afterStep` of the run. */
export interface ToolMarkDoc {
	id: string;
	org_id: string;
	run_id: string;
	tool_name: string;
	step_index: number;
	created_at: string;
	updated_at: string;
}

export interface GovernanceThis extends PlatformThis {
	repos: {
		gov_policies: Repository<PolicyDoc>;
		gov_violations: Repository<ViolationDoc>;
		gov_approvals: Repository<ApprovalDoc>;
		gov_escalation_firings: Repository<FiringDoc>;
		gov_tool_marks: Repository<ToolMarkDoc>;
	};
	expiryTimer?: NodeJS.Timeout;
	expiring: boolean;
	[k: string]: any;
}

export type Ctx<P = any> = Context<P, { principal: Principal }>;

/** What `governance.check` answers; the runtime's guards read it. */
export interface CheckResult {
	applies: boolean;
	action: "allow" | "block" | "redact" | "deny" | "require_approval";
	code: string | null;
	message: string | null;
	text?: string;
	max_tokens?: number;
	approval?: { id: string; expires_at: string | null };
	checks: Record<string, unknown> | null;
}

export interface RunRef {
	org_id: string;
	agent_id: string;
	run_id: string;
	step_index: number;
}

export const NOT_APPLICABLE: CheckResult = { applies: false, action: "allow", code: null, message: null, checks: null };
export const EXPIRY_INTERVAL_MS = 2000;
// A run that ended badly cannot wait for an escalation; a completed one can (its output waits with it).
export const UNPAUSABLE_RUN = new Set(["failed", "cancelled", "blocked"]);

export const rulesRule = (optional: boolean) => ({
	type: "array",
	min: 1,
	max: 50,
	items: { type: "object" },
	optional,
	custom: rulesChecker
});
export const ID_RULE = { type: "string", min: 1, max: 64 };
export const COMMENT = { type: "string", max: 2000, optional: true, nullable: true };
export const APPROVAL_ID = { approval_id: "string" };

export const matchedOf = (findings: Finding[]) => findings.map(f => ({ policy_id: f.policy_id, policy_name: f.policy_name, rule_type: f.rule_type, message: f.message }));
export const view = (doc: PolicyDoc): PolicyView => ({ id: doc.id, name: doc.name, rules: doc.rules });
export const ruleTypesOf = (rules: Rule[]): RuleType[] => [...new Set(rules.map(r => r.type))];
