import type { Context } from "moleculer";
import { newId } from "../../lib/ids";
import type { Schema } from "../../lib/schema";
import { UniqueViolation } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { conditionsToFire, hasEscalations, type RunSnapshot } from "./escalation";
import type { ApprovalDoc } from "./model";
import { type CheckResult, type GovernanceThis, UNPAUSABLE_RUN } from "./service-model";

/** Internal actions for the run loop (services/actors/guards.ts): checks before and after steps, approvals of runs, counts, expiry. */
export const runActions: NonNullable<Schema<GovernanceThis>["actions"]> = {
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
};
