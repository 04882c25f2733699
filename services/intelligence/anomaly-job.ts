import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import { newId } from "../../lib/ids";
import { UniqueViolation } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { baselineHours, HOUR_MS, judgeHour, severityOf, type AgentHour } from "./detection";
import type { IntelligenceThis } from "./intelligence.service";
import { ANOMALY_METRICS, type AnomalyDoc, type AnomalyMetric } from "./model";

/** Normal hours after which an open anomaly is resolved (§16). */
const NORMAL_HOURS_TO_RESOLVE = 2;

/** Hourly anomaly detection over analytics' hourly rollups, every org and agent (§16). */
export class AnomalyJob {
	constructor(private readonly svc: IntelligenceThis) {}

	/** Judges the complete hour before `nowMs`; running it twice for one hour changes nothing. */
	async run(ctx: Context | null, nowMs: number): Promise<{ detected: number; resolved: number }> {
		const hourStart = Math.floor(nowMs / HOUR_MS) * HOUR_MS - HOUR_MS;
		const hourIso = new Date(hourStart).toISOString();
		const baseline = baselineHours(hourStart);
		const rows: AgentHour[] = await callIfPresent(
			this.svc.broker,
			"analytics.agentHours",
			{ start: baseline[0], end: new Date(hourStart + HOUR_MS).toISOString() },
			[],
			ctx ?? undefined
		);
		const byAgent = new Map<string, Map<string, AgentHour>>();
		for (const row of rows) {
			const key = `${row.org_id}\u0000${row.agent_id}`;
			if (!byAgent.has(key)) byAgent.set(key, new Map());
			(byAgent.get(key) as Map<string, AgentHour>).set(row.hour, row);
		}
		let detected = 0;
		let resolved = 0;
		for (const [key, hours] of byAgent) {
			const [orgId, agentId] = key.split("\u0000");
			for (const metric of ANOMALY_METRICS) {
				const verdict = judgeHour(metric, hours.get(hourIso), baseline.map(h => hours.get(h)));
				if (verdict?.anomalous) {
					if (await this.flag(orgId, agentId, metric, hourIso, hourStart, verdict)) detected++;
				} else if (await this.normalHour(orgId, agentId, metric, hourIso)) resolved++;
			}
		}
		return { detected, resolved };
	}

	/** Opens an anomaly (event `intelligence.anomaly_detected`), or refreshes the open one; true when new. */
	private async flag(orgId: string, agentId: string, metric: AnomalyMetric, hourIso: string, hourStart: number, v: { observed: number; expected: number; deviation: number }) {
		const anomalies = this.svc.repos.intel_anomalies.forOrg(orgId);
		const fields = {
			window_start: hourIso,
			window_end: new Date(hourStart + HOUR_MS).toISOString(),
			observed_value: v.observed,
			expected_value: v.expected,
			deviation: v.deviation,
			severity: severityOf(v.deviation),
			normal_hours: 0,
			last_checked_hour: hourIso
		};
		const open = await anomalies.findOne({ agent_id: agentId, metric, status: "open" });
		if (open) {
			await anomalies.updateWhere({ id: open.id, last_checked_hour: { $lt: hourIso } }, { $set: { ...fields, updated_at: nowIso() } });
			return false;
		}
		let doc: AnomalyDoc;
		try {
			doc = await anomalies.insert({ id: newId("anom"), agent_id: agentId, metric, status: "open", ...fields });
		} catch (err) {
			if (err instanceof UniqueViolation) return false; // this hour was judged already
			throw err;
		}
		this.svc.broker.broadcast("intelligence.anomaly_detected", {
			org_id: orgId,
			anomaly_id: doc.id,
			agent_id: agentId,
			metric,
			observed_value: doc.observed_value,
			expected_value: doc.expected_value,
			deviation: doc.deviation,
			severity: doc.severity
		});
		return true;
	}

	/** One more normal hour for an open anomaly (once per hour); true when that resolves it. */
	private async normalHour(orgId: string, agentId: string, metric: AnomalyMetric, hourIso: string): Promise<boolean> {
		const anomalies = this.svc.repos.intel_anomalies.forOrg(orgId);
		const open = await anomalies.findOne({ agent_id: agentId, metric, status: "open" });
		if (!open || ((open as any).last_checked_hour ?? open.window_start) >= hourIso) return false;
		const normal = (open.normal_hours ?? 0) + 1;
		const status = normal >= NORMAL_HOURS_TO_RESOLVE ? "resolved" : "open";
		const updated = await anomalies.updateWhere(
			{ id: open.id, status: "open", normal_hours: open.normal_hours ?? 0 },
			{ $set: { normal_hours: normal, status, last_checked_hour: hourIso, updated_at: nowIso() } }
		);
		return !!updated && status === "resolved";
	}
}
