import type { Metric, ScalingRuleDoc } from "./model";

export type AgentMetrics = Record<Metric, number | null>;

export interface Decision {
	to: number;
	direction: "up" | "down";
	rule_id: string | null;
	metric: Metric | null;
	metric_value: number | null;
	reason: string;
}

/** The rules that apply to an agent: its own enabled rules, plus org-wide ones for metrics it has no rule of its own for (§15). */
export function applicableRules(rules: ScalingRuleDoc[], agentId: string): ScalingRuleDoc[] {
	const own = rules.filter(r => r.enabled && r.agent_id === agentId);
	const covered = new Set(own.map(r => r.metric));
	return [...own, ...rules.filter(r => r.enabled && r.agent_id === null && !covered.has(r.metric))];
}

/** [min, max] of the applicable rules: the largest of each (§15). */
export function boundsOf(rules: ScalingRuleDoc[], defaultReplicas: number): { min: number; max: number } {
	if (!rules.length) return { min: defaultReplicas, max: defaultReplicas };
	return { min: Math.max(...rules.map(r => r.min_instances)), max: Math.max(...rules.map(r => r.max_instances)) };
}

/**
 * One evaluation of one agent (§15): any up vote wins with the largest step; down only when every rule
 * votes down, by the smallest step; clamped to the bounds; nothing during the cooldown, except that an
 * agent with no replica and queued runs gets one at once. Agents without rules keep `defaultReplicas`.
 */
export function decide(opts: {
	rules: ScalingRuleDoc[];
	metrics: AgentMetrics;
	current: number;
	lastScaledAt: string | null;
	now: number;
	defaultReplicas: number;
}): Decision | null {
	const { rules, metrics, current, now } = opts;
	if (!rules.length) {
		if (current === opts.defaultReplicas) return null;
		return { to: opts.defaultReplicas, direction: opts.defaultReplicas > current ? "up" : "down", rule_id: null, metric: null, metric_value: null, reason: `no enabled rule: the default of ${opts.defaultReplicas} replicas` };
	}
	const { min, max } = boundsOf(rules, opts.defaultReplicas);
	const queued = metrics.queue_depth ?? 0;
	if (current === 0 && queued > 0) {
		const to = Math.min(Math.max(1, min), max);
		return { to, direction: "up", rule_id: null, metric: "queue_depth", metric_value: queued, reason: "no replica while runs are queued: raised at once" };
	}
	const cooldown = Math.max(...rules.map(r => r.cooldown_seconds)) * 1000;
	if (opts.lastScaledAt && now - Date.parse(opts.lastScaledAt) < cooldown) {
		const clamped = Math.min(Math.max(current, min), max);
		return clamped === current ? null : { to: clamped, direction: clamped > current ? "up" : "down", rule_id: null, metric: null, metric_value: null, reason: `outside the bounds [${min}, ${max}]` };
	}
	const votes = rules.map(rule => {
		const value = metrics[rule.metric];
		if (value === null) return { rule, vote: "hold" as const, value };
		if (value > rule.target_value) return { rule, vote: "up" as const, value };
		if (value < rule.scale_down_threshold) return { rule, vote: "down" as const, value };
		return { rule, vote: "hold" as const, value };
	});
	const ups = votes.filter(v => v.vote === "up");
	let wanted = current;
	let basis: (typeof votes)[number] | null = null;
	if (ups.length) {
		basis = ups.reduce((a, b) => (b.rule.scale_up_step > a.rule.scale_up_step ? b : a));
		wanted = current + basis.rule.scale_up_step;
	} else if (votes.every(v => v.vote === "down")) {
		basis = votes.reduce((a, b) => (b.rule.scale_down_step < a.rule.scale_down_step ? b : a));
		wanted = current - basis.rule.scale_down_step;
	}
	const to = Math.min(Math.max(wanted, min), max);
	if (to === current) return null;
	const direction = to > current ? "up" : "down";
	if (!basis || (direction === "up") !== (basis.vote === "up")) {
		return { to, direction, rule_id: null, metric: null, metric_value: null, reason: `outside the bounds [${min}, ${max}]` };
	}
	const r = basis.rule;
	const reason =
		direction === "up"
			? `${r.metric} ${basis.value} is above the target ${r.target_value} of rule ${r.name}`
			: `${r.metric} ${basis.value} is below the scale-down threshold ${r.scale_down_threshold} of rule ${r.name}${votes.length > 1 ? " (every rule votes down)" : ""}`;
	return { to, direction, rule_id: r.id, metric: r.metric, metric_value: basis.value, reason };
}

/**
 * Replicas spread evenly over the runtime nodes. The node order is sorted, then rotated by the agent's
 * id, so every evaluation places an agent the same way and the odd replicas of many agents do not all
 * land on the first node.
 */
export function spread(replicas: number, nodeIds: string[], agentId: string): Map<string, number> {
	const sorted = [...nodeIds].sort();
	const placement = new Map<string, number>();
	if (!sorted.length) return placement;
	let hash = 0;
	for (const ch of agentId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
	const start = hash % sorted.length;
	const nodes = [...sorted.slice(start), ...sorted.slice(0, start)];
	nodes.forEach((node, i) => placement.set(node, Math.floor(replicas / nodes.length) + (i < replicas % nodes.length ? 1 : 0)));
	return placement;
}
