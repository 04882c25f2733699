import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Schema } from "../../lib/schema";
import { nowIso } from "../../lib/time";
import { isDue, mayDecide, pendingApproval, settle, toolInputOf } from "./approvals";
import { watchedTools, type FiredCondition, type StepSnapshot } from "./escalation";
import { checkTool, filterContent, limitTokens, type ApprovalRequirement, type Finding, type PolicyView } from "./evaluate";
import { presentApproval, presentViolation, type ApprovalDoc, type PolicyDoc } from "./model";
import type { Rule } from "./rules";
import { type CheckResult, type Ctx, type GovernanceThis, matchedOf, NOT_APPLICABLE, type RunRef, view } from "./service-model";

/** The governance service's methods: lookups, the checks behind the run actions, escalations, findings, decisions and expiry. */
export const governanceMethods: NonNullable<Schema<GovernanceThis>["methods"]> = {
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
};
