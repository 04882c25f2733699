import * as errors from "../../lib/errors";
import { exactFilters } from "../../lib/filters";
import { newId } from "../../lib/ids";
import type { Schema } from "../../lib/schema";
import type { Filter } from "../../lib/store";
import { writeUnique } from "../../lib/store";
import { CREATED_RANGE_QUERY, displayName, LIST_QUERY, listOptions, query, withCreatedRange } from "../../lib/validation";
import { StoreMixin } from "../../mixins/platform.mixin";
import { delegate, mayDecide } from "./approvals";
import { evaluate } from "./evaluate";
import { ACTIONS_TAKEN, APPROVAL_KINDS, APPROVAL_SCHEMA, APPROVAL_STATUSES, EVALUATION_SCHEMA, POLICY_SCHEMA, presentApproval, presentPolicy, presentViolation, VIOLATION_SCHEMA, type PolicyDoc } from "./model";
import { RULE_TYPES } from "./rules";
import { APPROVAL_ID, COMMENT, type Ctx, EXPIRY_INTERVAL_MS, type GovernanceThis, ID_RULE, rulesRule, ruleTypesOf } from "./service-model";
import { runActions } from "./run-actions";
import { governanceMethods } from "./methods";

const GovernanceService: Schema<GovernanceThis> = {
	name: "governance",
	mixins: [
		StoreMixin({
			gov_policies: [{ fields: ["org_id", "name"], unique: true }, { fields: ["agent_id"] }],
			gov_violations: [{ fields: ["run_id"] }, { fields: ["agent_id"] }],
			gov_approvals: [{ fields: ["status"] }, { fields: ["run_id"] }],
			gov_escalation_firings: [{ fields: ["org_id", "run_id", "key"], unique: true }],
			gov_tool_marks: [{ fields: ["run_id"] }]
		})
	],
	settings: { rest: "/governance", $dependencyInterval: 50 },
	dependencies: ["admin"],
	metadata: { schemas: { Policy: POLICY_SCHEMA, Approval: APPROVAL_SCHEMA, Violation: VIOLATION_SCHEMA, PolicyEvaluation: EVALUATION_SCHEMA } },

	actions: {
		createPolicy: {
			rest: "POST /policies",
			access: ["governance:write"],
			audit: { action: "policy.create" },
			openapi: { summary: "Create a policy", status: 201, response: "Policy" },
			params: {
				name: displayName(),
				description: { type: "string", max: 2000, optional: true },
				agent_id: { ...ID_RULE, optional: true, nullable: true },
				rules: rulesRule(false),
				enabled: { type: "boolean", optional: true }
			},
			async handler(this: GovernanceThis, ctx: Ctx) {
				const p = ctx.params;
				const principal = ctx.meta.principal;
				if (p.agent_id != null) await this.requireAgent(ctx, principal.org_id, p.agent_id);
				await this.requireAssignees(ctx, principal.org_id, p.rules);
				const doc = await writeUnique("name", p.name, () =>
					this.repos.gov_policies.forOrg(principal.org_id).insert({
						id: newId("pol"),
						name: p.name,
						description: p.description ?? "",
						agent_id: p.agent_id ?? null,
						rules: p.rules,
						rule_types: ruleTypesOf(p.rules),
						enabled: p.enabled ?? true,
						created_by: principal.user_id ?? principal.id
					})
				);
				return presentPolicy(doc);
			}
		},

		listPolicies: {
			rest: "GET /policies",
			access: ["governance:read"],
			openapi: { summary: "List policies", response: "List:Policy" },
			params: {
				...LIST_QUERY,
				agent_id: query({ type: "string", max: 64 }),
				enabled: query({ type: "boolean" }),
				rule_type: query({ type: "enum", values: [...RULE_TYPES] })
			},
			async handler(this: GovernanceThis, ctx: Ctx) {
				const p = ctx.params;
				const filter: Filter = {};
				if (p.agent_id) filter.agent_id = { $in: [p.agent_id, null] };
				if (p.enabled !== undefined) filter.enabled = p.enabled;
				if (p.rule_type) filter.rule_types = p.rule_type;
				const page = await this.repos.gov_policies.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(p));
				return { ...page, items: page.items.map(presentPolicy) };
			}
		},

		getPolicy: {
			rest: "GET /policies/:policy_id",
			access: ["governance:read"],
			openapi: { summary: "Get a policy", response: "Policy" },
			params: { policy_id: "string" },
			async handler(this: GovernanceThis, ctx: Ctx) {
				return presentPolicy(await this.requirePolicy(ctx, ctx.params.policy_id));
			}
		},

		updatePolicy: {
			rest: "PUT /policies/:policy_id",
			access: ["governance:write"],
			audit: { action: "policy.update" },
			openapi: { summary: "Change a policy (applies to the next check of every run)", response: "Policy" },
			params: {
				policy_id: "string",
				name: displayName({ optional: true }),
				description: { type: "string", max: 2000, optional: true },
				agent_id: { ...ID_RULE, optional: true, nullable: true },
				rules: rulesRule(true),
				enabled: { type: "boolean", optional: true }
			},
			async handler(this: GovernanceThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				const policy = await this.requirePolicy(ctx, p.policy_id);
				if (p.agent_id != null && p.agent_id !== policy.agent_id) await this.requireAgent(ctx, orgId, p.agent_id);
				if (p.rules !== undefined) await this.requireAssignees(ctx, orgId, p.rules);
				const set: Partial<PolicyDoc> = {};
				if (p.name !== undefined) set.name = p.name;
				if (p.description !== undefined) set.description = p.description;
				if (p.agent_id !== undefined) set.agent_id = p.agent_id;
				if (p.enabled !== undefined) set.enabled = p.enabled;
				if (p.rules !== undefined) {
					set.rules = p.rules;
					set.rule_types = ruleTypesOf(p.rules);
				}
				if (!Object.keys(set).length) return presentPolicy(policy);
				const updated = await writeUnique("name", p.name, () => this.repos.gov_policies.forOrg(orgId).update(policy.id, set));
				return presentPolicy(updated ?? policy);
			}
		},

		deletePolicy: {
			rest: "DELETE /policies/:policy_id",
			access: ["governance:write"],
			audit: { action: "policy.delete" },
			openapi: { summary: "Delete a policy", status: 204 },
			params: { policy_id: "string" },
			async handler(this: GovernanceThis, ctx: Ctx) {
				const policy = await this.requirePolicy(ctx, ctx.params.policy_id);
				await this.repos.gov_policies.forOrg(policy.org_id).delete(policy.id);
				return null;
			}
		},

		evaluate: {
			rest: "POST /evaluate",
			access: ["governance:read"],
			openapi: { summary: "What the agent's policies would do (records nothing)", response: "PolicyEvaluation" },
			params: {
				agent_id: ID_RULE,
				input: { type: "string", max: 100_000, optional: true },
				output: { type: "string", max: 100_000, optional: true },
				tool_name: { type: "string", min: 1, max: 128, optional: true },
				tokens: { type: "number", integer: true, min: 0, optional: true }
			},
			async handler(this: GovernanceThis, ctx: Ctx) {
				const p = ctx.params;
				if (p.input === undefined && p.output === undefined && p.tool_name === undefined && p.tokens === undefined) {
					throw errors.validation([{ field: "input", message: "send at least one of input, output, tool_name, tokens" }]);
				}
				const orgId = ctx.meta.principal.org_id;
				const agent = await this.requireAgent(ctx, orgId, p.agent_id);
				const policies = await this.applicablePolicies(orgId, p.agent_id);
				const safety = p.tool_name !== undefined ? await this.safetyLevelOf(ctx, orgId, agent, p.tool_name) : null;
				return evaluate(policies, { input: p.input, output: p.output, tool_name: p.tool_name, safety_level: safety, tokens: p.tokens });
			}
		},

		listViolations: {
			rest: "GET /violations",
			access: ["governance:read"],
			openapi: { summary: "List violations", response: "List:Violation" },
			params: {
				...LIST_QUERY,
				agent_id: query({ type: "string", max: 64 }),
				run_id: query({ type: "string", max: 64 }),
				policy_id: query({ type: "string", max: 64 }),
				rule_type: query({ type: "enum", values: [...RULE_TYPES] }),
				action_taken: query({ type: "enum", values: [...ACTIONS_TAKEN] }),
				...CREATED_RANGE_QUERY
			},
			async handler(this: GovernanceThis, ctx: Ctx) {
				const p = ctx.params;
				const filter = withCreatedRange(exactFilters(p, ["agent_id", "run_id", "policy_id", "rule_type", "action_taken"]), p);
				const page = await this.repos.gov_violations.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(p));
				return { ...page, items: page.items.map(presentViolation) };
			}
		},

		listApprovals: {
			rest: "GET /approvals",
			access: ["governance:read"],
			openapi: { summary: "The approvals inbox (default: pending)", response: "List:Approval" },
			params: {
				...LIST_QUERY,
				status: query({ type: "enum", values: [...APPROVAL_STATUSES] }),
				kind: query({ type: "enum", values: [...APPROVAL_KINDS] }),
				agent_id: query({ type: "string", max: 64 }),
				run_id: query({ type: "string", max: 64 }),
				assignee_user_id: query({ type: "string", max: 64 })
			},
			async handler(this: GovernanceThis, ctx: Ctx) {
				const p = ctx.params;
				const filter: Filter = { status: p.status ?? "pending", ...exactFilters(p, ["kind", "agent_id", "run_id"]) };
				if (p.assignee_user_id !== undefined) filter.assignee_user_ids = p.assignee_user_id;
				const page = await this.repos.gov_approvals.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(p));
				return { ...page, items: page.items.map(presentApproval) };
			}
		},

		getApproval: {
			rest: "GET /approvals/:approval_id",
			access: ["governance:read"],
			openapi: { summary: "Get an approval", response: "Approval" },
			params: APPROVAL_ID,
			async handler(this: GovernanceThis, ctx: Ctx) {
				return presentApproval(await this.requireApproval(ctx, ctx.params.approval_id));
			}
		},

		approve: {
			rest: "POST /approvals/:approval_id/approve",
			access: ["governance:execute"],
			audit: { action: "approval.approve" },
			openapi: { summary: "Approve: the waiting call executes and the run resumes", response: "Approval" },
			params: { ...APPROVAL_ID, comment: COMMENT },
			handler(this: GovernanceThis, ctx: Ctx) {
				return this.decide(ctx, "approved");
			}
		},

		reject: {
			rest: "POST /approvals/:approval_id/reject",
			access: ["governance:execute"],
			audit: { action: "approval.reject" },
			openapi: { summary: "Reject: the waiting run fails", response: "Approval" },
			params: { ...APPROVAL_ID, comment: COMMENT },
			handler(this: GovernanceThis, ctx: Ctx) {
				return this.decide(ctx, "rejected");
			}
		},

		delegate: {
			rest: "POST /approvals/:approval_id/delegate",
			access: ["governance:execute"],
			audit: { action: "approval.delegate" },
			openapi: { summary: "Hand a pending approval to other users of the org", response: "Approval" },
			params: { ...APPROVAL_ID, user_ids: { type: "array", min: 1, max: 20, items: ID_RULE }, comment: COMMENT },
			async handler(this: GovernanceThis, ctx: Ctx) {
				const principal = ctx.meta.principal;
				const approval = await this.currentApproval(ctx, ctx.params.approval_id);
				if (!mayDecide(approval, principal)) throw this.notAssignee(approval);
				const userIds = [...new Set(ctx.params.user_ids as string[])];
				await this.requireOrgUsers(ctx, principal.org_id, (ctx.params.user_ids as string[]).map((id, i) => [`user_ids[${i}]`, id]));
				if (approval.status !== "pending") throw errors.invalidStateTransition(approval.status, "delegated");
				const updated = await delegate(this.repos.gov_approvals.forOrg(principal.org_id), approval, userIds, principal.id);
				if (!updated) throw errors.invalidStateTransition((await this.requireApproval(ctx, approval.id)).status, "delegated");
				return presentApproval(updated);
			}
		},

		// Internal actions for the run loop (called from services/actors/guards.ts).

		...runActions
	},

	methods: governanceMethods,

	started(this: GovernanceThis) {
		this.expiring = false;
		this.expiryTimer = setInterval(() => void this.expiryTick(), EXPIRY_INTERVAL_MS);
		this.expiryTimer.unref();
	},

	stopped(this: GovernanceThis) {
		if (this.expiryTimer) clearInterval(this.expiryTimer);
	}
};

export default GovernanceService;
