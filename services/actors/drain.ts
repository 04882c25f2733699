import type { ServiceBroker } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { hostedReports, runtimeNodes, type HostedReport } from "../scaling/metrics";

export interface ActorRow {
	node_id: string;
	node_state: "active" | "draining";
	org_id: string | null;
	agent_id: string;
	agent_name: string | null;
	replicas: number;
	running: number;
	queued: number;
	state: string | null;
}

export interface NodeRow {
	node_id: string;
	draining: boolean;
	actors: number;
	in_flight: number;
}

/** Every agent actor on every runtime node (or one node), with its mailbox: what the operator's `actors` command lists. */
export async function listActors(broker: ServiceBroker, onlyNode?: string): Promise<{ nodes: NodeRow[]; actors: ActorRow[] }> {
	const [reports, runnable] = await Promise.all([
		hostedReports(broker),
		callIfPresent<{ org_id: string; agent_id: string; name: string; status: string }[]>(broker, "agents.listRunnable", {}, [])
	]);
	const agents = new Map(runnable.map(a => [a.agent_id, a]));
	const shown = reports.filter(r => !onlyNode || r.node_id === onlyNode).sort((a, b) => a.node_id.localeCompare(b.node_id));
	return {
		nodes: shown.map(r => ({ node_id: r.node_id, draining: r.draining, actors: r.agents.length, in_flight: r.in_flight })),
		actors: shown.flatMap(r =>
			r.agents.map(a => ({
				node_id: r.node_id,
				node_state: r.draining ? ("draining" as const) : ("active" as const),
				org_id: agents.get(a.agent_id)?.org_id ?? null,
				agent_id: a.agent_id,
				agent_name: agents.get(a.agent_id)?.name ?? null,
				replicas: a.replicas,
				running: a.running,
				queued: a.queue_depth,
				state: agents.get(a.agent_id)?.status ?? null
			}))
		)
	};
}

export interface DrainProgress {
	node_id: string;
	draining: boolean;
	actors: number;
	in_flight: number;
	/** Drained: no actor left and no run executing on the node. */
	done: boolean;
	waited_ms: number;
}

const progressOf = (report: HostedReport, startedAt: number): DrainProgress => ({
	node_id: report.node_id,
	draining: report.draining,
	actors: report.agents.length,
	in_flight: report.in_flight,
	done: report.draining && report.agents.length === 0 && report.in_flight === 0,
	waited_ms: Date.now() - startedAt
});

/**
 * Drains a runtime node: it takes no new placement, the autoscaler places its replicas on the other
 * runtime nodes, each of its actors leaves once another node hosts that agent, and the runs already in
 * its mailboxes finish there. Waits (up to `timeoutMs`) until the node holds no actor and runs nothing.
 * `undo` makes the node a placement target again.
 */
export async function drainNode(
	broker: ServiceBroker,
	nodeId: string,
	opts: { undo?: boolean; timeoutMs?: number; pollMs?: number; onProgress?: (p: DrainProgress) => void } = {}
): Promise<DrainProgress> {
	if (!runtimeNodes(broker).includes(nodeId)) throw errors.notFound(`Runtime node ${nodeId}`);
	const startedAt = Date.now();
	await broker.call("actors.drain", { draining: !opts.undo }, { nodeID: nodeId });
	const report = () => broker.call("actors.hosted", {}, { nodeID: nodeId, timeout: 3000 }) as Promise<HostedReport>;
	let progress = progressOf(await report(), startedAt);
	if (opts.undo) return progress;
	const deadline = startedAt + (opts.timeoutMs ?? 60_000);
	let last = "";
	for (;;) {
		const line = `${progress.actors}/${progress.in_flight}`;
		if (line !== last) opts.onProgress?.(progress);
		last = line;
		if (progress.done || Date.now() > deadline) return progress;
		await new Promise(r => setTimeout(r, opts.pollMs ?? 500));
		progress = progressOf(await report(), startedAt);
	}
}
