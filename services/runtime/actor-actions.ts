import type { Context } from "moleculer";
import type { Schema } from "../../lib/schema";
import { nowIso } from "../../lib/time";
import { LEASE_MS, type RuntimeThis } from "./model";
import { presentRun, type RunDoc, type StepDoc } from "./runs";

/** Internal actions the agent actors on runtime nodes drive runs through: claim, steps, leases, parking, finishing. */
export const actorActions: NonNullable<Schema<RuntimeThis>["actions"]> = {
	claimRun: {
		visibility: "public",
		params: { run_id: "string", node_id: "string" },
		async handler(this: RuntimeThis, ctx: Context<{ run_id: string; node_id: string }>) {
			return this.claim(ctx.params.run_id, ctx.params.node_id);
		}
	},

	recordStep: {
		visibility: "public",
		params: { run_id: "string", org_id: "string", step: "object" },
		async handler(this: RuntimeThis, ctx: Context<{ run_id: string; org_id: string; step: Partial<StepDoc> & { index: number } }>) {
			return this.saveStep(ctx.params.org_id, ctx.params.run_id, ctx.params.step);
		}
	},

	finishRun: {
		visibility: "public",
		params: { run_id: "string", org_id: "string", status: { type: "enum", values: ["completed", "failed", "cancelled", "blocked"] }, node_id: { type: "string", optional: true } },
		async handler(this: RuntimeThis, ctx: Context<any>) {
			const { run_id, org_id, status, output, error, totals } = ctx.params;
			const run = await this.repos.runs.forOrg(org_id).get(run_id);
			if (!run) return null;
			const done = await this.finish(run, status, { output: output ?? null, error: error ?? null, ...(totals ?? {}) }, ["running", "awaiting_approval", "queued"]);
			return done ? presentRun(done) : presentRun((await this.repos.runs.forOrg(org_id).get(run_id)) as RunDoc);
		}
	},

	renewLeases: {
		visibility: "public",
		params: { node_id: "string", run_ids: { type: "array", items: "string" } },
		async handler(this: RuntimeThis, ctx: Context<{ node_id: string; run_ids: string[] }>) {
			if (!ctx.params.run_ids.length) return 0;
			return this.repos.runs.platformWide().updateMany(
				{ id: { $in: ctx.params.run_ids }, lease_owner: ctx.params.node_id, status: { $in: ["running", "awaiting_approval"] } },
				{ $set: { lease_expires_at: new Date(Date.now() + LEASE_MS).toISOString() } }
			);
		}
	},

	/** The run waits for a human decision: out of `running`, no lease, no actor holding it. */
	park: {
		visibility: "public",
		params: { run_id: "string", org_id: "string", node_id: "string" },
		async handler(this: RuntimeThis, ctx: Context<{ run_id: string; org_id: string; node_id: string }>) {
			const { run_id, org_id, node_id } = ctx.params;
			const parked = await this.repos.runs.forOrg(org_id).updateWhere(
				{ id: run_id, status: "running", lease_owner: node_id },
				{ $set: { status: "awaiting_approval", resumable: false, parked_at: nowIso(), lease_owner: null, lease_expires_at: null, updated_at: nowIso() } }
			);
			if (parked) {
				this.announceStatus(parked, "running");
				this.dispatcher.finished(org_id, run_id);
			}
			return !!parked;
		}
	},

	/** Governance decided (or expired) an approval of a run: resume it or end it (§12). */
	approvalDecided: {
		visibility: "public",
		params: {
			org_id: "string",
			run_id: "string",
			approval_id: "string",
			kind: { type: "enum", values: ["approval", "escalation"] },
			decision: { type: "enum", values: ["approved", "rejected", "expired"] }
		},
		async handler(this: RuntimeThis, ctx: Context<any>) {
			const { org_id, run_id, approval_id, kind, decision } = ctx.params;
			const step = await this.repos.steps.forOrg(org_id).findOne({ run_id, approval_id, status: "awaiting" });
			const run = await this.repos.runs.forOrg(org_id).get(run_id);
			if (!step || !run) return false;
			const code = decision === "expired" ? "APPROVAL_EXPIRED" : kind === "escalation" ? "ESCALATION_REJECTED" : "APPROVAL_REJECTED";
			const error = decision === "approved" ? null : { code, message: decision === "expired" ? "The approval expired before anyone decided" : `The ${kind} was rejected` };
			await this.saveStep(org_id, run_id, {
				index: step.index,
				status: decision === "approved" ? "completed" : decision === "expired" ? "failed" : "denied",
				error,
				output: { decision },
				completed_at: nowIso(),
				latency_ms: Date.now() - Date.parse(step.started_at)
			});
			if (decision !== "approved") {
				await this.finish(run, "failed", { error }, ["awaiting_approval"]);
				return true;
			}
			const resumable = await this.repos.runs.forOrg(org_id).updateWhere({ id: run_id, status: "awaiting_approval" }, { $set: { resumable: true, updated_at: nowIso() } });
			if (resumable) this.dispatcher.enqueue({ run_id, org_id, agent_id: run.agent_id });
			return true;
		}
	},
};
