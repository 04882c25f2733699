import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { exactFilters } from "../../lib/filters";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import type { Filter, Repository } from "../../lib/store";
import { UniqueViolation, writeUnique } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { CREATED_RANGE_QUERY, displayName, LIST_QUERY, listOptions, query, withCreatedRange } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { delegate, isDue, mayDecide, pendingApproval, settle, toolInputOf } from "./approvals";
import { conditionsToFire, hasEscalations, watchedTools, type FiredCondition, type RunSnapshot, type StepSnapshot } from "./escalation";
import { checkTool, evaluate, filterContent, limitTokens, type ApprovalRequirement, type Finding, type PolicyView } from "./evaluate";
import {
	ACTIONS_TAKEN,
	APPROVAL_KINDS,
	APPROVAL_SCHEMA,
	APPROVAL_STATUSES,
	EVALUATION_SCHEMA,
	POLICY_SCHEMA,
	presentApproval,
	presentPolicy,
	presentViolation,
	VIOLATION_SCHEMA,
	type ApprovalDoc,
	type PolicyDoc,
	type ViolationDoc
} from "./model";
import { RULE_TYPES, rulesChecker, type Rule, type RuleType } from "./rules";

interface FiringDoc {
	id: string;
	org_id: string;
	run_id: string;
	key: string;
	created_at: string;
	updated_at: string;
}

/** A tool call announced to `check` that a `tool_called` condition watches, until the next `afterStep` of the run. */
interface ToolMarkDoc {
	id: string;
	org_id: string;
	run_id: string;
	tool_name: string;
	step_index: number;
	created_at: string;
	updated_at: string;
}

interface GovernanceThis extends PlatformThis {
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

type Ctx<P = any> = Context<P, { principal: Principal }>;

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

interface RunRef {
	org_id: string;
	agent_id: string;
	run_id: string;
	step_index: number;
}

const NOT_APPLICABLE: CheckResult = { applies: false, action: "allow", code: null, message: null, checks: null };
const EXPIRY_INTERVAL_MS = 2000;
// A run that ended badly cannot wait for an escalation; a completed one can (its output waits with it).
const UNPAUSABLE_RUN = new Set(["failed", "cancelled", "blocked"]);

const rulesRule = (optional: boolean) => ({
	type: "array",
	min: 1,
	max: 50,
	items: { type: "object" },
	optional,
	custom: rulesChecker
});
const ID_RULE = { type: "string", min: 1, max: 64 };
const COMMENT = { type: "string", max: 2000, optional: true, nullable: true };
const APPROVAL_ID = { approval_id: "string" };

const matchedOf = (findings: Finding[]) => findings.map(f => ({ policy_id: f.policy_id, policy_name: f.policy_name, rule_type: f.rule_type, message: f.message }));
const view = (doc: PolicyDoc): PolicyView => ({ id: doc.id, name: doc.name, rules: doc.rules });
const ruleTypesOf = (rules: Rule[]): RuleType[] => [...new Set(rules.map(r => r.type))];

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

		check: {
			visibility: "public",
			params: {
				org_id: "string",
				agent_id: "string",
				run_id: "string",
				mode: { type: "enum", values: ["production", "test"] },
				stage: { type: "enum", values: ["input", "llm", "tool", "output"] },
				step_index: { type: "number", integer: true, min: 0 },
				text: { type: "string", optional: true, nullable: true },
				tokens_used: { type: "number", optional: true, nullable: true },
				tokens_estimate: { type: "number", optional: true, nullable: true },
				max_tokens: { type: "number", optional: true, nullable: true },
				tool_name: { type: "string", optional: true, nullable: true },
				tool_id: { type: "string", optional: true, nullable: true },
				safety_level: { type: "string", optional: true, nullable: true },
				tool_input: { type: "any", optional: true }
			},
			async handler(this: GovernanceThis, ctx: Context<any>): Promise<CheckResult> {
				const p = ctx.params;
				const policies = await this.applicablePolicies(p.org_id, p.agent_id);
				if (p.stage === "input" || p.stage === "output") return this.checkContent(ctx, policies, p);
				if (p.stage === "llm") return this.checkTokens(ctx, policies, p);
				return this.checkToolCall(ctx, policies, p);
			}
		},

		afterStep: {
			visibility: "public",
			params: {
				org_id: "string",
				agent_id: "string",
				run_id: "string",
				step_index: { type: "number", integer: true, min: 0 },
				final: { type: "boolean", optional: true },
				run: { type: "object" },
				step: { type: "object", optional: true, nullable: true },
				mode: { type: "enum", values: ["production", "test"], optional: true }
			},
			async handler(this: GovernanceThis, ctx: Context<any>): Promise<{ pause: boolean; approval_id: string | null }> {
				const p = ctx.params;
				const policies = await this.applicablePolicies(p.org_id, p.agent_id);
				if (!hasEscalations(policies)) return { pause: false, approval_id: null };
				const firings = this.repos.gov_escalation_firings.forOrg(p.org_id);
				const fired = new Set((await firings.find({ run_id: p.run_id })).map(f => f.key));
				const run = p.run as RunSnapshot;
				const step = await this.stepOf(p, policies);
				const pausable = !UNPAUSABLE_RUN.has(run.status) && p.mode !== "test";
				let pauseId: string | null = null;
				for (const firing of conditionsToFire(policies, run, step, fired)) {
					try {
						await firings.insert({ id: newId("esf"), run_id: p.run_id, key: firing.key });
					} catch (err) {
						if (err instanceof UniqueViolation) continue; // fired concurrently
						throw err;
					}
					const pauses: boolean = pausable && firing.rule.pause_run && pauseId === null;
					const approval: ApprovalDoc = await this.escalate(ctx, p, firing, pauses);
					if (pauses) pauseId = approval.id;
				}
				return { pause: pauseId !== null, approval_id: pauseId };
			}
		},

		cancelForRun: {
			visibility: "public",
			params: { org_id: "string", run_id: "string" },
			async handler(this: GovernanceThis, ctx: Context<{ org_id: string; run_id: string }>) {
				const now = nowIso();
				const cancelled = await this.repos.gov_approvals
					.forOrg(ctx.params.org_id)
					.updateMany({ run_id: ctx.params.run_id, status: "pending" }, { $set: { status: "cancelled", decided_at: now, updated_at: now } });
				await this.repos.gov_tool_marks.forOrg(ctx.params.org_id).deleteMany({ run_id: ctx.params.run_id });
				return { cancelled };
			}
		},

		/** Counts for analytics and intelligence: pending approvals (optionally of one agent), violations of one run. */
		counts: {
			visibility: "public",
			params: { org_id: "string", agent_id: { type: "string", optional: true }, run_id: { type: "string", optional: true } },
			async handler(this: GovernanceThis, ctx: Context<{ org_id: string; agent_id?: string; run_id?: string }>) {
				const { org_id, agent_id, run_id } = ctx.params;
				return {
					pending_approvals: await this.repos.gov_approvals.forOrg(org_id).count({ status: "pending", ...(agent_id ? { agent_id } : {}) }),
					run_violations: run_id ? await this.repos.gov_violations.forOrg(org_id).count({ run_id }) : 0
				};
			}
		},

		/** Marks pending approvals past `expires_at` as expired (the timer calls it every few seconds). */
		expireDue: {
			visibility: "public",
			async handler(this: GovernanceThis) {
				return { expired: await this.expireDue() };
			}
		}
	},

	methods: {
		async requirePolicy(this: GovernanceThis, ctx: Ctx, id: string): Promise<PolicyDoc> {
			const doc = await this.repos.gov_policies.forOrg(ctx.meta.principal.org_id).get(id);
			if (!doc) throw errors.notFound("Policy");
			return doc;
		},

		async requireApproval(this: GovernanceThis, ctx: Ctx, id: string): Promise<ApprovalDoc> {
			const doc = await this.repos.gov_approvals.forOrg(ctx.meta.principal.org_id).get(id);
			if (!doc) throw errors.notFound("Approval");
			return doc;
		},

		/** The approval as it stands now: a pending one past its deadline expires first. */
		async currentApproval(this: GovernanceThis, ctx: Ctx, id: string): Promise<ApprovalDoc> {
			const doc = await this.requireApproval(ctx, id);
			if (!isDue(doc)) return doc;
			await this.expire(doc);
			return this.requireApproval(ctx, id);
		},

		async requireAgent(this: GovernanceThis, ctx: Ctx, orgId: string, agentId: string): Promise<any> {
			const agent = await callIfPresent<any>(this.broker, "agents.get", { org_id: orgId, agent_id: agentId }, null, ctx);
			if (!agent) throw errors.referenceNotFound("agent_id", "Agent");
			return agent;
		},

		/** 404 naming every `[field, user id]` that is not a user of the org (§0.3: ids inside bodies too). */
		async requireOrgUsers(this: GovernanceThis, ctx: Ctx, orgId: string, refs: [string, string][]): Promise<void> {
			const problems: errors.FieldProblem[] = [];
			for (const [field, id] of refs) {
				const user = await callIfPresent<any>(this.broker, "rbac.userRecord", { id }, null, ctx);
				if (!user || user.org_id !== orgId) problems.push({ field, message: "User not found" });
			}
			if (problems.length) throw new errors.FluxError(404, "NOT_FOUND", problems.map(p => `${p.field}: ${p.message}`).join("; "), problems);
		},

		/** The assignees named by approval gates and escalations must be users of the org. */
		requireAssignees(this: GovernanceThis, ctx: Ctx, orgId: string, rules: Rule[]): Promise<void> {
			const refs = rules.flatMap((rule, r) =>
				"assignee_user_ids" in rule ? rule.assignee_user_ids.map((id, i): [string, string] => [`rules[${r}].assignee_user_ids[${i}]`, id]) : []
			);
			return this.requireOrgUsers(ctx, orgId, refs);
		},

		/** The safety level of the agent's tool with this name; null when the agent has none. */
		async safetyLevelOf(this: GovernanceThis, ctx: Ctx, orgId: string, agent: any, toolName: string): Promise<string | null> {
			if (!agent.tools?.length) return null;
			const tools = await callIfPresent<any[]>(this.broker, "tools.describe", { org_id: orgId, tool_ids: agent.tools }, [], ctx);
			return tools.find(t => t.name === toolName)?.safety_level ?? null;
		},

		/** Enabled policies of the agent and of the whole org, oldest first. */
		async applicablePolicies(this: GovernanceThis, orgId: string, agentId: string): Promise<PolicyView[]> {
			const docs = await this.repos.gov_policies.forOrg(orgId).find({ enabled: true, agent_id: { $in: [agentId, null] } }, { sort: { created_at: 1, id: 1 } });
			return docs.map(view);
		},

		async checkContent(this: GovernanceThis, ctx: Context<any>, policies: PolicyView[], p: any): Promise<CheckResult> {
			const result = filterContent(policies, p.stage, p.text ?? "");
			if (!result.applies) return NOT_APPLICABLE;
			await this.recordFindings(ctx, p, result.findings);
			const checks = { stage: p.stage, action: result.action, matched: matchedOf(result.findings) };
			if (result.action === "block") return { applies: true, action: "block", code: "CONTENT_BLOCKED", message: result.findings[0].message, checks };
			if (result.action === "redact") return { applies: true, action: "redact", code: null, message: result.findings[0].message, text: result.text, checks };
			return { applies: true, action: "allow", code: null, message: null, checks };
		},

		async checkTokens(this: GovernanceThis, ctx: Context<any>, policies: PolicyView[], p: any): Promise<CheckResult> {
			const used = p.tokens_used ?? 0;
			const estimate = p.tokens_estimate ?? 0;
			const result = limitTokens(policies, used, estimate, p.max_tokens);
			if (!result.applies) return NOT_APPLICABLE;
			const checks = { stage: "llm", action: result.action, limit: result.limit, tokens_used: used, tokens_estimate: estimate, matched: matchedOf(result.findings) };
			if (result.action === "block") {
				await this.recordFindings(ctx, p, result.findings);
				return { applies: true, action: "block", code: "TOKEN_LIMIT_EXCEEDED", message: result.findings[0].message, checks };
			}
			return { applies: true, action: "allow", code: null, message: null, max_tokens: result.max_tokens, checks: { ...checks, max_tokens: result.max_tokens } };
		},

		async checkToolCall(this: GovernanceThis, ctx: Context<any>, policies: PolicyView[], p: any): Promise<CheckResult> {
			const toolName = p.tool_name ?? "";
			if (watchedTools(policies).has(toolName)) {
				await this.repos.gov_tool_marks.forOrg(p.org_id).insert({ id: newId("tmk"), run_id: p.run_id, tool_name: toolName, step_index: p.step_index });
			}
			const result = checkTool(policies, { tool_name: toolName, safety_level: p.safety_level, mode: p.mode });
			if (!result.applies) return NOT_APPLICABLE;
			await this.recordFindings(ctx, p, result.findings);
			const checks: Record<string, unknown> = { stage: "tool", tool_name: toolName, action: result.action, matched: matchedOf(result.findings) };
			if (result.action === "deny") return { applies: true, action: "deny", code: "TOOL_BLOCKED", message: result.findings[0].message, checks };
			if (result.action === "allow" || !result.approval) return { applies: true, action: "allow", code: null, message: null, checks };
			const message = result.approval.reason;
			// Test runs never pause: the runtime simulates the call instead.
			if (p.mode !== "production") return { applies: true, action: "require_approval", code: null, message, checks };
			const approval = await this.openToolApproval(ctx, p, result.approval);
			return {
				applies: true,
				action: "require_approval",
				code: null,
				message,
				approval: { id: approval.id, expires_at: approval.expires_at },
				checks: { ...checks, approval_id: approval.id }
			};
		},

		/** The pending approval of a tool call; asking again for the same step (a resumed run) returns the same one. */
		async openToolApproval(this: GovernanceThis, ctx: Context<any>, p: any, req: ApprovalRequirement): Promise<ApprovalDoc> {
			const approvals = this.repos.gov_approvals.forOrg(p.org_id);
			const stepIndex = p.step_index + 1;
			const existing = await approvals.findOne({ run_id: p.run_id, step_index: stepIndex, kind: "approval" });
			if (existing) return existing;
			const approval = await approvals.insert(
				pendingApproval(
					{
						kind: "approval",
						run_id: p.run_id,
						agent_id: p.agent_id,
						step_index: stepIndex,
						policy_id: req.policy_id,
						rule_type: req.rule_type,
						tool_name: p.tool_name ?? null,
						tool_input: toolInputOf(p.tool_input),
						reason: req.reason,
						assignee_user_ids: req.assignee_user_ids
					},
					req.timeout_seconds
				)
			);
			ctx.broadcast("approval.requested", this.approvalEvent(approval));
			return approval;
		},

		/**
		 * The step `afterStep` follows: as the runtime passes it, else the tool call that `check` saw last for
		 * this run (each tool call is followed by one `afterStep`). Marks are consumed either way.
		 */
		async stepOf(this: GovernanceThis, p: any, policies: PolicyView[]): Promise<StepSnapshot | null> {
			const given: StepSnapshot | null = p.step ?? null;
			if (!watchedTools(policies).size) return given;
			const marks = this.repos.gov_tool_marks.forOrg(p.org_id);
			const pending = (await marks.find({ run_id: p.run_id }, { sort: { step_index: 1, created_at: 1 } })).filter(m => m.step_index <= p.step_index);
			if (pending.length) await marks.deleteMany({ id: { $in: pending.map(m => m.id) } });
			if (given) return given;
			const last = pending[pending.length - 1];
			return last ? { type: "tool_call", name: last.tool_name } : null;
		},

		async escalate(this: GovernanceThis, ctx: Context<any>, p: RunRef, firing: FiredCondition, pauses: boolean): Promise<ApprovalDoc> {
			const approval = await this.repos.gov_approvals.forOrg(p.org_id).insert(
				pendingApproval(
					{
						kind: "escalation",
						run_id: p.run_id,
						agent_id: p.agent_id,
						// A pausing escalation points at the `approval` step the run records next, like a tool approval.
						step_index: pauses ? p.step_index + 1 : p.step_index,
						policy_id: firing.policy.id,
						rule_type: "escalation",
						tool_name: null,
						tool_input: null,
						reason: firing.reason,
						assignee_user_ids: firing.rule.assignee_user_ids
					},
					pauses ? firing.rule.timeout_minutes * 60 : null
				)
			);
			await this.recordFindings(ctx, p, [
				{ policy_id: firing.policy.id, policy_name: firing.policy.name, rule_type: "escalation", message: firing.reason, action: "escalated" }
			]);
			ctx.broadcast("escalation.created", {
				org_id: p.org_id,
				approval_id: approval.id,
				run_id: p.run_id,
				agent_id: p.agent_id,
				policy_id: firing.policy.id,
				condition: firing.condition,
				approval: presentApproval(approval)
			});
			return approval;
		},

		/** One Violation per finding of a policy (the built-in rule has none), each announced. */
		async recordFindings(this: GovernanceThis, ctx: Context<any>, p: RunRef, findings: Finding[]): Promise<void> {
			const violations = this.repos.gov_violations.forOrg(p.org_id);
			for (const f of findings) {
				if (!f.policy_id || !f.rule_type) continue;
				const doc = await violations.insert({
					id: newId("vio"),
					policy_id: f.policy_id,
					policy_name: f.policy_name as string,
					rule_type: f.rule_type,
					agent_id: p.agent_id,
					run_id: p.run_id ?? null,
					step_index: p.step_index ?? null,
					action_taken: f.action,
					detail: f.message
				});
				const violation = presentViolation(doc);
				ctx.broadcast("governance.violation", {
					org_id: p.org_id,
					violation,
					violation_id: doc.id,
					policy_id: doc.policy_id,
					rule_type: doc.rule_type,
					agent_id: doc.agent_id,
					run_id: doc.run_id,
					action_taken: doc.action_taken
				});
			}
		},

		async decide(this: GovernanceThis, ctx: Ctx, decision: "approved" | "rejected") {
			const principal = ctx.meta.principal;
			const approval = await this.currentApproval(ctx, ctx.params.approval_id);
			if (!mayDecide(approval, principal)) throw this.notAssignee(approval);
			if (approval.status !== "pending") throw errors.invalidStateTransition(approval.status, decision);
			const scope = this.repos.gov_approvals.forOrg(principal.org_id);
			const updated = await settle(scope, approval.id, decision, { decided_by: principal.id, comment: ctx.params.comment ?? null });
			if (!updated) throw errors.invalidStateTransition((await this.requireApproval(ctx, approval.id)).status, decision);
			await this.decided(updated, decision);
			return presentApproval(updated);
		},

		notAssignee(this: GovernanceThis, approval: ApprovalDoc) {
			return errors.forbidden("NOT_ASSIGNEE", "This approval is assigned to other users: only they, or holders of governance:admin, may decide or delegate it", {
				assignee_user_ids: approval.assignee_user_ids
			});
		},

		/** Event, then the runtime (it ignores approvals no run waits for). A runtime failure does not undo the decision. */
		async decided(this: GovernanceThis, approval: ApprovalDoc, decision: "approved" | "rejected" | "expired") {
			this.broker.broadcast(`approval.${decision}`, this.approvalEvent(approval));
			const params = { org_id: approval.org_id, run_id: approval.run_id, approval_id: approval.id, kind: approval.kind, decision };
			try {
				await callIfPresent(this.broker, "runtime.approvalDecided", params, null);
			} catch (err) {
				this.logger.error({ err, approval_id: approval.id, run_id: approval.run_id }, "The runtime could not apply an approval decision");
			}
		},

		approvalEvent(this: GovernanceThis, approval: ApprovalDoc) {
			return {
				org_id: approval.org_id,
				approval_id: approval.id,
				kind: approval.kind,
				run_id: approval.run_id,
				agent_id: approval.agent_id,
				tool_name: approval.tool_name,
				decided_by: approval.decided_by,
				approval: presentApproval(approval)
			};
		},

		async expire(this: GovernanceThis, approval: ApprovalDoc): Promise<boolean> {
			const updated = await settle(this.repos.gov_approvals.forOrg(approval.org_id), approval.id, "expired");
			if (updated) await this.decided(updated, "expired");
			return !!updated;
		},

		async expireDue(this: GovernanceThis): Promise<number> {
			const due = await this.repos.gov_approvals.platformWide().find({ status: "pending", expires_at: { $lte: nowIso() } }, { sort: { expires_at: 1 }, limit: 500 });
			let expired = 0;
			for (const approval of due) if (await this.expire(approval)) expired += 1;
			return expired;
		},

		async expiryTick(this: GovernanceThis) {
			if (this.expiring) return;
			this.expiring = true;
			try {
				await this.expireDue();
			} catch (err) {
				this.logger.error({ err }, "Approval expiry failed");
			} finally {
				this.expiring = false;
			}
		}
	},

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
