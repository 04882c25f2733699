import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import { newId } from "../../lib/ids";
import { UniqueViolation } from "../../lib/store";
import { nowIso } from "../../lib/time";
import type { AgentHour } from "./detection";
import { insightsFor, recommendationsFor, type AgentWeek } from "./insights";
import type { IntelligenceThis } from "./intelligence.service";
import { averages } from "./scoring";

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** Daily regeneration of an org's insights and recommendations; a read of a stale org regenerates first. */
export class InsightsJob {
	private readonly inFlight = new Map<string, Promise<unknown>>();

	constructor(private readonly svc: IntelligenceThis) {}

	async ensureFresh(ctx: Context, orgId: string): Promise<void> {
		const last = await this.svc.repos.intel_refreshes.forOrg(orgId).findOne({});
		if (last && Date.now() - Date.parse(last.generated_at) < DAY_MS) return;
		await this.regenerate(ctx, orgId, Date.now());
	}

	/** Replaces the org's insights and recommendations with those of the rules over the 14 days before `nowMs`. */
	regenerate(ctx: Context, orgId: string, nowMs: number): Promise<unknown> {
		const running = this.inFlight.get(orgId);
		if (running) return running;
		const work = this.compute(ctx, orgId, nowMs).finally(() => this.inFlight.delete(orgId));
		this.inFlight.set(orgId, work);
		return work;
	}

	private async compute(ctx: Context, orgId: string, nowMs: number) {
		const { repos, broker } = this.svc;
		const weekAgo = new Date(nowMs - WEEK_MS).toISOString();
		const hours: AgentHour[] = await callIfPresent(broker, "analytics.agentHours", { org_id: orgId, start: new Date(nowMs - 2 * WEEK_MS).toISOString(), end: new Date(nowMs).toISOString() }, [], ctx);
		const evaluations = await repos.intel_evaluations.forOrg(orgId).find({ created_at: { $gte: weekAgo, $lt: new Date(nowMs).toISOString() } });
		const agentIds = [...new Set([...hours.map(h => h.agent_id), ...evaluations.map(e => e.agent_id)])].sort();
		const agents: AgentWeek[] = [];
		for (const agentId of agentIds) {
			const agent: any = await callIfPresent(broker, "agents.get", { org_id: orgId, agent_id: agentId }, undefined, ctx);
			if (agent === null) continue; // deleted since
			const mine = hours.filter(h => h.agent_id === agentId);
			agents.push({
				agent_id: agentId,
				name: agent?.name ?? null,
				config: agent ?? null,
				current: mine.filter(h => h.hour >= weekAgo),
				previous: mine.filter(h => h.hour < weekAgo),
				quality: averages(evaluations.filter(e => e.agent_id === agentId))
			});
		}
		const insights = insightsFor(agents);
		const recommendations = recommendationsFor(agents);
		const now = nowIso();
		await repos.intel_insights.forOrg(orgId).deleteMany();
		await repos.intel_recommendations.forOrg(orgId).deleteMany();
		for (const i of insights) await repos.intel_insights.forOrg(orgId).insert({ id: newId("ins"), ...i, created_at: now, updated_at: now });
		for (const r of recommendations) await repos.intel_recommendations.forOrg(orgId).insert({ id: newId("rec"), ...r, created_at: now, updated_at: now });
		const refreshes = repos.intel_refreshes.forOrg(orgId);
		if (!(await refreshes.updateWhere({}, { $set: { generated_at: now, updated_at: now } }))) {
			try {
				await refreshes.insert({ id: newId("irf"), generated_at: now });
			} catch (err) {
				if (!(err instanceof UniqueViolation)) throw err;
			}
		}
		return { insights: insights.length, recommendations: recommendations.length };
	}
}
