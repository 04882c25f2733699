import { callIfPresent } from "../../lib/calls";
import type { Schema } from "../../lib/schema";
import { PlatformMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { applicableRules, decide, spread, type AgentMetrics } from "./decide";
import { hostedReports, runtimeNodes, type AgentLoad } from "./metrics";
import type { ReplicaStateDoc, ScalingRuleDoc } from "./model";

interface AutoscalerThis extends PlatformThis {
	timer: NodeJS.Timeout | null;
	leaseTimer: NodeJS.Timeout | null;
	soon: NodeJS.Timeout | null;
	leading: boolean;
	ticking: Promise<void> | null;
	[k: string]: any;
}

/** Renews the leader key only while this node still holds it. */
const RENEW_IF_MINE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

/** The leader's lease outlives a slow evaluation (a dead node answers nothing for seconds); it is renewed on its own timer. */
const leaseMs = (intervalMs: number) => Math.max(3 * intervalMs, 10_000);

/** A node that does not take its placement this fast is dead or drowning: the next evaluation places again. */
const PLACE_TIMEOUT_MS = 3_000;

const average = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);

/**
 * The autoscaler (§15): runs on runtime nodes; one of them, elected by a Redis lease (alone without
 * Redis), evaluates every runnable agent against its scaling rules every interval, records each
 * decision through the scaling service, and places the replicas evenly over the runtime nodes
 * (`actors.place`). When the leader's node dies its lease runs out and another node takes over.
 */
const AutoscalerService: Schema<AutoscalerThis> = {
	name: "autoscaler",
	mixins: [PlatformMixin],

	events: {
		// New runnable agents and new or departed runtime nodes are placed at once, not at the next interval.
		"lifecycle.promoted"(this: AutoscalerThis) {
			this.tickSoon();
		},
		"$node.connected"(this: AutoscalerThis) {
			this.tickSoon();
		},
		"$node.disconnected"(this: AutoscalerThis) {
			this.tickSoon();
		},
		"scaling.rules.changed"(this: AutoscalerThis) {
			this.tickSoon();
		},
		"actors.drain.changed"(this: AutoscalerThis) {
			this.tickSoon();
		}
	},

	methods: {
		leaderKey(this: AutoscalerThis) {
			return `fg:${this.config.namespace}:autoscaler:leader`;
		},

		async holdLeadership(this: AutoscalerThis): Promise<boolean> {
			const redis = this.platform.redis;
			if (!redis) return true;
			const ttl = String(leaseMs(this.config.scalingIntervalMs));
			const key = this.leaderKey();
			const taken = await redis.set(key, this.broker.nodeID, "PX", Number(ttl), "NX");
			if (taken === "OK") return true;
			return (await redis.eval(RENEW_IF_MINE, 1, key, this.broker.nodeID, ttl)) === 1;
		},

		tickSoon(this: AutoscalerThis) {
			if (this.soon) return;
			this.soon = setTimeout(() => {
				this.soon = null;
				void this.tick();
			}, 300);
			this.soon.unref();
		},

		tick(this: AutoscalerThis): Promise<void> {
			// One evaluation at a time on this node.
			this.ticking ??= this.evaluate()
				.catch((err: unknown) => this.logger.warn({ err }, "Autoscaler evaluation failed"))
				.finally(() => {
					this.ticking = null;
				});
			return this.ticking as Promise<void>;
		},

		async renewLease(this: AutoscalerThis) {
			this.leading = await this.holdLeadership().catch(() => false);
		},

		async evaluate(this: AutoscalerThis) {
			await this.renewLease();
			if (!this.leading || !(this.broker.registry as any).actions.isAvailable("scaling.plan")) return;
			const [runnable, plan, load, settings, reports] = await Promise.all([
				callIfPresent<{ org_id: string; agent_id: string }[]>(this.broker, "agents.listRunnable", {}, []),
				this.broker.call("scaling.plan") as Promise<{ rules: ScalingRuleDoc[]; states: ReplicaStateDoc[] }>,
				callIfPresent<Record<string, AgentLoad>>(this.broker, "runtime.agentLoad", {}, {}),
				callIfPresent<any>(this.broker, "admin.currentSettings", {}, null),
				hostedReports(this.broker)
			]);
			const defaultReplicas: number = settings?.default_agent_replicas ?? 4;
			// A drained node gets no replicas: it hands its actors over to the others.
			const drained = new Set(reports.filter(r => r.draining).map(r => r.node_id));
			const nodes = runtimeNodes(this.broker).filter(n => !drained.has(n));
			const perNode = new Map<string, { org_id: string; agent_id: string; replicas: number }[]>(nodes.map(n => [n, []]));
			for (const agent of runnable) {
				const rules = applicableRules(plan.rules.filter(r => r.org_id === agent.org_id), agent.agent_id);
				const state = plan.states.find(s => s.agent_id === agent.agent_id && s.org_id === agent.org_id);
				const current = state?.replicas ?? defaultReplicas;
				const hosting = reports.filter(r => r.agents.some(a => a.agent_id === agent.agent_id && a.replicas > 0));
				const metrics: AgentMetrics = {
					queue_depth: load[agent.agent_id]?.queued ?? 0,
					cpu_usage: average(hosting.map(r => r.cpu_usage)),
					memory_usage: average(hosting.map(r => r.memory_usage)),
					latency_p99: load[agent.agent_id]?.latency_p99 ?? null
				};
				const decision = decide({ rules, metrics, current, lastScaledAt: state?.last_scaled_at ?? null, now: Date.now(), defaultReplicas });
				let replicas = current;
				// Agents without rules keep the default silently; a change of replicas by a rule is a recorded decision.
				if (decision && (rules.length || state)) {
					await this.broker.call("scaling.record", { org_id: agent.org_id, agent_id: agent.agent_id, from_replicas: current, decision });
					replicas = decision.to;
				} else if (decision) {
					replicas = decision.to;
				}
				for (const [node, count] of spread(replicas, nodes, agent.agent_id)) perNode.get(node)?.push({ org_id: agent.org_id, agent_id: agent.agent_id, replicas: count });
			}
			await Promise.all(
				[...perNode].map(([nodeID, placements]) =>
					this.broker.call("actors.place", { placements }, { nodeID, timeout: PLACE_TIMEOUT_MS }).catch((err: unknown) => this.logger.warn({ err, node_id: nodeID }, "Placing actors failed"))
				)
			);
		}
	},

	created(this: AutoscalerThis) {
		this.timer = null;
		this.leaseTimer = null;
		this.soon = null;
		this.leading = false;
		this.ticking = null;
	},

	started(this: AutoscalerThis) {
		this.timer = setInterval(() => void this.tick(), this.config.scalingIntervalMs);
		this.timer.unref();
		this.leaseTimer = setInterval(() => void this.renewLease(), leaseMs(this.config.scalingIntervalMs) / 3);
		this.leaseTimer.unref();
		this.tickSoon();
	},

	async stopped(this: AutoscalerThis) {
		if (this.timer) clearInterval(this.timer);
		if (this.leaseTimer) clearInterval(this.leaseTimer);
		if (this.soon) clearTimeout(this.soon);
		await this.ticking;
		// Hand the lead over at once instead of letting the lease run out.
		if (this.leading && this.platform.redis) await this.platform.redis.eval(`if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`, 1, this.leaderKey(), this.broker.nodeID).catch(() => undefined);
	}
};

export default AutoscalerService;
