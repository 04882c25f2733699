import { applicableRules, decide, spread } from "../../services/scaling/decide";
import type { ScalingRuleDoc } from "../../services/scaling/model";

let n = 0;
const rule = (fields: Partial<ScalingRuleDoc>): ScalingRuleDoc => ({
	id: `r${++n}`, org_id: "org", name: `rule ${n}`, description: "", agent_id: "agt", metric: "queue_depth", target_value: 10, scale_down_threshold: 2,
	min_instances: 1, max_instances: 10, cooldown_seconds: 300, scale_up_step: 1, scale_down_step: 1, enabled: true, last_scaled_at: null,
	created_at: "", updated_at: "", ...fields
});
const metrics = (m: Partial<Record<string, number | null>>) => ({ queue_depth: null, cpu_usage: null, memory_usage: null, latency_p99: null, ...m });
const now = Date.parse("2026-01-01T12:00:00Z");

describe("scaling decisions (§15 rules)", () => {
	test("any up vote wins with the largest step; down needs every rule to vote down and takes the smallest step", () => {
		const rules = [rule({ metric: "queue_depth", scale_up_step: 2 }), rule({ metric: "cpu_usage", target_value: 80, scale_down_threshold: 20, scale_up_step: 5, scale_down_step: 3 })];
		expect(decide({ rules, metrics: metrics({ queue_depth: 50, cpu_usage: 90 }), current: 2, lastScaledAt: null, now, defaultReplicas: 4 })).toMatchObject({ to: 7, direction: "up", rule_id: rules[1].id });
		expect(decide({ rules, metrics: metrics({ queue_depth: 50, cpu_usage: 10 }), current: 2, lastScaledAt: null, now, defaultReplicas: 4 })).toMatchObject({ to: 4, direction: "up", rule_id: rules[0].id });
		expect(decide({ rules, metrics: metrics({ queue_depth: 0, cpu_usage: 10 }), current: 6, lastScaledAt: null, now, defaultReplicas: 4 })).toMatchObject({ to: 5, direction: "down", rule_id: rules[0].id });
		// One rule holding keeps the replicas.
		expect(decide({ rules, metrics: metrics({ queue_depth: 5, cpu_usage: 10 }), current: 6, lastScaledAt: null, now, defaultReplicas: 4 })).toBeNull();
	});

	test("bounds are the largest min and max of the rules; the cooldown holds every change but the raise from zero", () => {
		const rules = [rule({ min_instances: 0, max_instances: 3 }), rule({ metric: "latency_p99", min_instances: 0, max_instances: 5, target_value: 500, scale_down_threshold: 100 })];
		expect(decide({ rules, metrics: metrics({ queue_depth: 99, latency_p99: 900 }), current: 4, lastScaledAt: null, now, defaultReplicas: 4 })).toMatchObject({ to: 5 });
		const recent = new Date(now - 10_000).toISOString();
		expect(decide({ rules, metrics: metrics({ queue_depth: 99 }), current: 4, lastScaledAt: recent, now, defaultReplicas: 4 })).toBeNull();
		expect(decide({ rules, metrics: metrics({ queue_depth: 3 }), current: 0, lastScaledAt: recent, now, defaultReplicas: 4 })).toMatchObject({ to: 1, direction: "up", reason: expect.stringContaining("queued") });
		expect(decide({ rules, metrics: metrics({ queue_depth: 0, latency_p99: 0 }), current: 1, lastScaledAt: null, now, defaultReplicas: 4 })).toMatchObject({ to: 0, direction: "down" });
	});

	test("agents without rules keep the default replicas; org-wide rules apply to metrics an agent has no rule of its own for", () => {
		expect(decide({ rules: [], metrics: metrics({}), current: 4, lastScaledAt: null, now, defaultReplicas: 4 })).toBeNull();
		expect(decide({ rules: [], metrics: metrics({}), current: 7, lastScaledAt: null, now, defaultReplicas: 4 })).toMatchObject({ to: 4, direction: "down", rule_id: null });
		const own = rule({ agent_id: "agt", metric: "queue_depth" });
		const orgQueue = rule({ agent_id: null, metric: "queue_depth" });
		const orgCpu = rule({ agent_id: null, metric: "cpu_usage" });
		const disabled = rule({ agent_id: "agt", metric: "cpu_usage", enabled: false });
		expect(applicableRules([own, orgQueue, orgCpu, disabled], "agt").map(r => r.id)).toEqual([own.id, orgCpu.id]);
		expect(applicableRules([own, orgQueue, orgCpu], "other").map(r => r.id)).toEqual([orgQueue.id, orgCpu.id]);
	});

	test("replicas spread evenly over the nodes, the same way every time", () => {
		const placed = spread(5, ["c", "a", "b"], "agt_1");
		expect([...placed.values()].sort()).toEqual([1, 2, 2]);
		expect([...placed.values()].reduce((a, b) => a + b, 0)).toBe(5);
		expect(spread(5, ["b", "c", "a"], "agt_1")).toEqual(placed);
		expect([...spread(0, ["a", "b"], "x").values()]).toEqual([0, 0]);
		expect(spread(3, [], "x").size).toBe(0);
	});
});
