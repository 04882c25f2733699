import type { Context, ServiceBroker } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import { applicableRules, boundsOf } from "./decide";
import type { ScalingRuleDoc } from "./model";

/** What one runtime node reports of itself (actors.hosted). */
export interface HostedReport {
	node_id: string;
	draining: boolean;
	/** Runs executing on the node, its actors' and the transient executor's. */
	in_flight: number;
	cpu_usage: number;
	memory_usage: number;
	agents: { agent_id: string; replicas: number; queue_depth: number; running: number }[];
}

export interface AgentLoad {
	org_id: string;
	queued: number;
	running: number;
	latency_p99: number | null;
}

/** The nodes running the `actors` service (runtime nodes), by node id. */
export function runtimeNodes(broker: ServiceBroker): string[] {
	const services = broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true }) as any[];
	return [...new Set(services.filter(s => s.name === "actors").map(s => s.nodeID as string))].sort();
}

/** Every runtime node's own report; a node that does not answer is left out. */
export async function hostedReports(broker: ServiceBroker): Promise<HostedReport[]> {
	const reports = await Promise.all(runtimeNodes(broker).map(nodeID => (broker.call("actors.hosted", {}, { nodeID, timeout: 3000 }) as Promise<HostedReport>).catch(() => null)));
	return reports.filter((r): r is HostedReport => r !== null);
}

const average = (values: number[]) => (values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100 : null);

/** GET /scaling/metrics (§15 row 6): live replicas per node, queue depth, runs, node utilisation and p99 latency. */
export async function liveMetrics(broker: ServiceBroker, ctx: Context, orgId: string, rules: ScalingRuleDoc[], defaultReplicas: number, onlyAgent?: string) {
	const [runnable, load, reports, org] = await Promise.all([
		callIfPresent<{ org_id: string; agent_id: string; name: string }[]>(broker, "agents.listRunnable", {}, [], ctx),
		callIfPresent<Record<string, AgentLoad>>(broker, "runtime.agentLoad", { org_id: orgId }, {}, ctx),
		hostedReports(broker),
		callIfPresent<any>(broker, "admin.getOrg", { id: orgId }, null, ctx)
	]);
	const agents = runnable
		.filter(a => a.org_id === orgId && (!onlyAgent || a.agent_id === onlyAgent))
		.map(a => {
			const applicable = applicableRules(rules, a.agent_id);
			const { min, max } = boundsOf(applicable, defaultReplicas);
			const hosting = reports.map(r => ({ report: r, hosted: r.agents.find(h => h.agent_id === a.agent_id) })).filter(x => x.hosted && x.hosted.replicas > 0);
			const nodes = hosting.map(x => ({ node_id: x.report.node_id, replicas: x.hosted!.replicas }));
			const own = load[a.agent_id];
			return {
				agent_id: a.agent_id,
				agent_name: a.name,
				replicas: nodes.reduce((n, x) => n + x.replicas, 0),
				min_instances: min,
				max_instances: max,
				nodes,
				queue_depth: own?.queued ?? 0,
				running_runs: own?.running ?? 0,
				cpu_usage: average(hosting.map(x => x.report.cpu_usage)),
				memory_usage: average(hosting.map(x => x.report.memory_usage)),
				latency_p99: own?.latency_p99 ?? null,
				rule_ids: applicable.map(r => r.id)
			};
		});
	const all = Object.values(load);
	return {
		collected_at: new Date().toISOString(),
		org: {
			queue_depth: all.reduce((n, l) => n + l.queued, 0),
			running_runs: all.reduce((n, l) => n + l.running, 0),
			max_concurrent_runs: org?.limits?.max_concurrent_runs ?? null
		},
		agents
	};
}
