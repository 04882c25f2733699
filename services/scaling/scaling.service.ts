import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { exactFilters } from "../../lib/filters";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import { writeUnique, type Repository } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { CREATED_RANGE_QUERY, LIST_QUERY, listOptions, query, withCreatedRange } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import type { Decision } from "./decide";
import {
	DIRECTIONS, METRICS, presentEvent, presentRule, ruleProblems, ruleRules, SCALING_SCHEMAS, WRITABLE,
	type ReplicaStateDoc, type ScalingEventDoc, type ScalingRuleDoc
} from "./model";
import { liveMetrics } from "./metrics";

interface ScalingThis extends PlatformThis {
	repos: { scaling_rules: Repository<ScalingRuleDoc>; scaling_events: Repository<ScalingEventDoc>; replica_states: Repository<ReplicaStateDoc> };
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal }>;

const ScalingService: Schema<ScalingThis> = {
	name: "scaling",
	mixins: [
		StoreMixin({
			scaling_rules: [{ fields: ["org_id", "name"], unique: true }, { fields: ["enabled"] }],
			scaling_events: [{ fields: ["agent_id"] }],
			replica_states: [{ fields: ["org_id", "agent_id"], unique: true }]
		})
	],
	settings: { rest: "/scaling" },
	metadata: { schemas: SCALING_SCHEMAS },

	actions: {
		createRule: {
			rest: "POST /rules",
			access: ["scaling:write"],
			audit: { action: "scaling_rule.create" },
			openapi: { summary: "Create a scaling rule", status: 201, response: "ScalingRule" },
			params: ruleRules(false),
			async handler(this: ScalingThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				const rule = {
					name: p.name,
					description: p.description ?? "",
					agent_id: p.agent_id ?? null,
					metric: p.metric,
					target_value: p.target_value,
					scale_down_threshold: p.scale_down_threshold ?? Math.round(0.2 * p.target_value * 1e6) / 1e6,
					min_instances: p.min_instances ?? 1,
					max_instances: p.max_instances ?? 10,
					cooldown_seconds: p.cooldown_seconds ?? 300,
					scale_up_step: p.scale_up_step ?? 1,
					scale_down_step: p.scale_down_step ?? 1,
					enabled: p.enabled ?? true
				};
				const problems = ruleProblems(rule);
				if (problems.length) throw errors.validation(problems);
				if (rule.agent_id) await this.requireAgent(ctx, orgId, rule.agent_id);
				const doc = await writeUnique("name", p.name, () => this.repos.scaling_rules.forOrg(orgId).insert({ id: newId("srule"), ...rule, last_scaled_at: null }));
				ctx.broadcast("scaling.rules.changed", { org_id: orgId });
				return presentRule(doc);
			}
		},

		listRules: {
			rest: "GET /rules",
			access: ["scaling:read"],
			openapi: { summary: "List scaling rules", response: "List:ScalingRule" },
			params: { ...LIST_QUERY, agent_id: query({ type: "string", max: 64 }), metric: query({ type: "enum", values: [...METRICS] }), enabled: query({ type: "boolean" }) },
			async handler(this: ScalingThis, ctx: Ctx) {
				const page = await this.repos.scaling_rules.forOrg(ctx.meta.principal.org_id).list(exactFilters(ctx.params, ["agent_id", "metric", "enabled"]), listOptions(ctx.params));
				return { ...page, items: page.items.map(presentRule) };
			}
		},

		getRule: {
			rest: "GET /rules/:rule_id",
			access: ["scaling:read"],
			openapi: { summary: "Get a scaling rule", response: "ScalingRule" },
			params: { rule_id: "string" },
			async handler(this: ScalingThis, ctx: Ctx) {
				return presentRule(await this.requireRule(ctx.meta.principal.org_id, ctx.params.rule_id));
			}
		},

		updateRule: {
			rest: "PUT /rules/:rule_id",
			access: ["scaling:write"],
			audit: { action: "scaling_rule.update" },
			openapi: { summary: "Change a scaling rule", response: "ScalingRule" },
			params: { rule_id: "string", ...ruleRules(true) },
			async handler(this: ScalingThis, ctx: Ctx) {
				const { rule_id, ...fields } = ctx.params;
				const rule = await this.requireRule(ctx.meta.principal.org_id, rule_id);
				const set: Partial<ScalingRuleDoc> = {};
				for (const f of WRITABLE) if (fields[f] !== undefined) (set as any)[f] = fields[f];
				const problems = ruleProblems({ ...rule, ...set });
				if (problems.length) throw errors.validation(problems);
				if (set.agent_id) await this.requireAgent(ctx, rule.org_id, set.agent_id);
				const updated = await writeUnique("name", set.name, () => this.repos.scaling_rules.forOrg(rule.org_id).update(rule.id, set));
				ctx.broadcast("scaling.rules.changed", { org_id: rule.org_id });
				return presentRule(updated as ScalingRuleDoc);
			}
		},

		deleteRule: {
			rest: "DELETE /rules/:rule_id",
			access: ["scaling:write"],
			audit: { action: "scaling_rule.delete" },
			openapi: { summary: "Delete a scaling rule", status: 204 },
			params: { rule_id: "string" },
			async handler(this: ScalingThis, ctx: Ctx) {
				const rule = await this.requireRule(ctx.meta.principal.org_id, ctx.params.rule_id);
				await this.repos.scaling_rules.forOrg(rule.org_id).delete(rule.id);
				ctx.broadcast("scaling.rules.changed", { org_id: rule.org_id });
				return null;
			}
		},

		metrics: {
			rest: "GET /metrics",
			access: ["scaling:read"],
			openapi: { summary: "Live scaling metrics of the org and of every runnable agent", response: "ScalingMetrics" },
			params: { agent_id: query({ type: "string", max: 64 }) },
			async handler(this: ScalingThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const [rules, settings] = await Promise.all([this.repos.scaling_rules.forOrg(orgId).find({}), callIfPresent<any>(this.broker, "admin.currentSettings", {}, null, ctx)]);
				return liveMetrics(this.broker, ctx, orgId, rules, settings?.default_agent_replicas ?? 4, ctx.params.agent_id);
			}
		},

		events: {
			rest: "GET /events",
			access: ["scaling:read"],
			openapi: { summary: "Scaling decisions", response: "List:ScalingEvent" },
			params: {
				...LIST_QUERY,
				agent_id: query({ type: "string", max: 64 }),
				rule_id: query({ type: "string", max: 64 }),
				direction: query({ type: "enum", values: [...DIRECTIONS] }),
				...CREATED_RANGE_QUERY
			},
			async handler(this: ScalingThis, ctx: Ctx) {
				const filter = withCreatedRange(exactFilters(ctx.params, ["agent_id", "rule_id", "direction"]), ctx.params);
				const page = await this.repos.scaling_events.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(ctx.params));
				return { ...page, items: page.items.map(presentEvent) };
			}
		},

		// Internal actions for the elected autoscaler (services/scaling/autoscaler.service.ts).

		/** Every enabled rule and every decided replica count of the platform. */
		plan: {
			visibility: "public",
			async handler(this: ScalingThis) {
				const [rules, states] = await Promise.all([this.repos.scaling_rules.platformWide().find({ enabled: true }), this.repos.replica_states.platformWide().find({})]);
				return { rules, states };
			}
		},

		/** Records one decision: the agent's replica count, the rule's last_scaled_at, a ScalingEvent and `scaling.scaled`. */
		record: {
			visibility: "public",
			params: { org_id: "string", agent_id: "string", from_replicas: "number", decision: "object" },
			async handler(this: ScalingThis, ctx: Context<{ org_id: string; agent_id: string; from_replicas: number; decision: Decision }>) {
				const { org_id, agent_id, from_replicas, decision } = ctx.params;
				const now = nowIso();
				const states = this.repos.replica_states.forOrg(org_id);
				const state = await states.findOne({ agent_id });
				if (state) await states.update(state.id, { replicas: decision.to, last_scaled_at: now });
				else await states.insert({ id: newId("rep"), agent_id, replicas: decision.to, last_scaled_at: now });
				if (decision.rule_id) await this.repos.scaling_rules.forOrg(org_id).update(decision.rule_id, { last_scaled_at: now });
				const event = await this.repos.scaling_events.forOrg(org_id).insert({
					id: newId("sev"),
					rule_id: decision.rule_id,
					agent_id,
					direction: decision.direction,
					from_replicas,
					to_replicas: decision.to,
					metric: decision.metric,
					metric_value: decision.metric_value,
					reason: decision.reason
				});
				ctx.broadcast("scaling.scaled", presentEvent(event));
				return presentEvent(event);
			}
		}
	},

	methods: {
		async requireRule(this: ScalingThis, orgId: string, id: string): Promise<ScalingRuleDoc> {
			const rule = await this.repos.scaling_rules.forOrg(orgId).get(id);
			if (!rule) throw errors.notFound("Scaling rule");
			return rule;
		},

		async requireAgent(this: ScalingThis, ctx: Ctx, orgId: string, agentId: string) {
			if (!(await ctx.call("agents.exists", { org_id: orgId, agent_id: agentId }))) throw errors.referenceNotFound("agent_id", "Agent");
		}
	}
};

export default ScalingService;
