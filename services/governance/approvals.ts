import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Scope } from "../../lib/store";
import { nowIso } from "../../lib/time";
import type { ApprovalDoc, ApprovalStatus, DelegationEntry } from "./model";

export const ADMIN_PERMISSION = "governance:admin";

/**
 * §12 "Deciding": with assignees, only those users, or principals holding `governance:admin`, may
 * decide or delegate. API keys are not users: they need `governance:admin`.
 */
export function mayDecide(approval: Pick<ApprovalDoc, "assignee_user_ids">, principal: Principal): boolean {
	if (!approval.assignee_user_ids.length) return true;
	if (principal.permissions.includes(ADMIN_PERMISSION)) return true;
	return principal.type === "user" && approval.assignee_user_ids.includes(principal.id);
}

export const isDue = (approval: Pick<ApprovalDoc, "status" | "expires_at">, now = nowIso()) =>
	approval.status === "pending" && approval.expires_at !== null && approval.expires_at <= now;

/** Moves a pending approval to `status`; null when it was no longer pending (someone else decided first). */
export function settle(scope: Scope<ApprovalDoc>, id: string, status: Exclude<ApprovalStatus, "pending">, fields: { decided_by?: string | null; comment?: string | null } = {}) {
	const now = nowIso();
	const set: Partial<ApprovalDoc> = { status, decided_at: now, updated_at: now };
	if (fields.decided_by !== undefined) set.decided_by = fields.decided_by;
	if (fields.comment !== undefined) set.comment = fields.comment;
	return scope.updateWhere({ id, status: "pending" }, { $set: set });
}

/** Replaces the assignees of a pending approval and appends the delegation to its history. */
export function delegate(scope: Scope<ApprovalDoc>, approval: ApprovalDoc, to: string[], by: string) {
	const entry: DelegationEntry = { from_user_ids: approval.assignee_user_ids, to_user_ids: to, by, at: nowIso() };
	return scope.updateWhere({ id: approval.id, status: "pending" }, { $set: { assignee_user_ids: to, updated_at: entry.at }, $push: { delegation_history: entry } });
}

export const expiresAt = (seconds: number, from = Date.now()) => new Date(from + seconds * 1000).toISOString();

/** The waiting call's input as an object (Approval `tool_input`); anything else is wrapped as `{value}`. */
export function toolInputOf(input: unknown): Record<string, unknown> | null {
	if (input === undefined) return null;
	return input && typeof input === "object" && !Array.isArray(input) ? (input as Record<string, unknown>) : { value: input };
}

type NewApproval = Pick<ApprovalDoc, "kind" | "run_id" | "agent_id" | "step_index" | "policy_id" | "rule_type" | "tool_name" | "tool_input" | "reason" | "assignee_user_ids">;

/** A new pending inbox item; it expires `timeoutSeconds` after creation, or never (null). */
export function pendingApproval(fields: NewApproval, timeoutSeconds: number | null, now = Date.now()): Omit<ApprovalDoc, "org_id"> {
	const at = new Date(now).toISOString();
	return {
		id: newId("apr"),
		status: "pending",
		...fields,
		delegation_history: [],
		expires_at: timeoutSeconds === null ? null : expiresAt(timeoutSeconds, now),
		decided_by: null,
		decided_at: null,
		comment: null,
		created_at: at,
		updated_at: at
	};
}
