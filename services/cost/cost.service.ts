import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { exactFilters } from "../../lib/filters";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import { writeUnique, type Repository } from "../../lib/store";
import { creationSeq, nowIso } from "../../lib/time";
import { dateTime, displayName, LIST_QUERY, listOptions, query } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { toMicros } from "../budgets/money";
import { BUILTIN_MODELS } from "../providers/catalogue";
import {
	byPriority,
	CONDITION_RULE,
	COST_RULE_SCHEMA,
	COST_SUMMARY_SCHEMA,
	presentRecommendation,
	presentRule,
	RECOMMENDATION_SCHEMA,
	RULE_FIELDS,
	SAVINGS_REPORT_SCHEMA,
	type Condition,
	type CostRuleDoc,
	type RecommendationDoc,
	type RecommendationRunDoc
} from "./model";
import { costSummary, recommend, reportWindow, REPORT_WINDOW_DAYS, savingsReport, usageByAgent, withQuality, type CostRow, type PricedModel } from "./reports";

interface CostThis extends PlatformThis {
	repos: {
		cost_rules: Repository<CostRuleDoc>;
		cost_recommendations: Repository<RecommendationDoc>;
		cost_recommendation_runs: Repository<RecommendationRunDoc>;
	};
	refreshing: Map<string, Promise<void>>;
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal; auditResourceId?: string }>;

const RECOMPUTE_MS = 86_400_000;
const DAY_MS = 86_400_000;

const CostService: Schema<CostThis> = {
	name: "cost",
	mixins: [
		StoreMixin({
			cost_rules: [{ fields: ["org_id", "name"], unique: true }],
			cost_recommendations: [{ fields: ["org_id", "agent_id"], unique: true }],
			cost_recommendation_runs: []
		})
	],
	settings: { rest: "/cost" },
	metadata: {
		schemas: { CostRule: COST_RULE_SCHEMA, CostRecommendation: RECOMMENDATION_SCHEMA, CostSavingsReport: SAVINGS_REPORT_SCHEMA, CostSummary: COST_SUMMARY_SCHEMA }
	},

	actions: {
		createRule: {
			rest: "POST /rules",
			access: ["cost:write"],
			audit: { action: "cost_rule.create" },
			openapi: { summary: "Create a cost rule", status: 201, response: "CostRule" },
			params: { ...RULE_FIELDS, name: displayName(), condition: CONDITION_RULE, target_model: { type: "string", min: 1, max: 200 } },
			async handler(this: CostThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				await this.checkModels(orgId, p);
				if (p.agent_id != null) await this.requireAgent(ctx, orgId, p.agent_id);
				const doc = await writeUnique("name", p.name, () =>
					this.repos.cost_rules.forOrg(orgId).insert({
						id: newId("crule"),
						name: p.name,
						description: p.description ?? "",
						agent_id: p.agent_id ?? null,
						priority: p.priority ?? 100,
						condition: p.condition,
						target_model: p.target_model,
						fallback_model: p.fallback_model ?? null,
						enabled: p.enabled ?? true,
						applied_count: 0,
						savings_micros: 0,
						created_seq: creationSeq()
					})
				);
				return presentRule(doc);
			}
		},

		listRules: {
			rest: "GET /rules",
			access: ["cost:read"],
			openapi: { summary: "List cost rules (by priority unless `order` is given)", response: "List:CostRule" },
			params: { ...LIST_QUERY, agent_id: query({ type: "string", max: 64 }), enabled: query({ type: "boolean" }) },
			async handler(this: CostThis, ctx: Ctx) {
				const filter = exactFilters(ctx.params, ["agent_id", "enabled"]);
				const options = listOptions(ctx.params);
				const sort = ctx.params.order ? undefined : { priority: 1 as const, created_at: 1 as const, created_seq: 1 as const, id: 1 as const };
				const page = await this.repos.cost_rules.forOrg(ctx.meta.principal.org_id).list(filter, { ...options, sort });
				return { ...page, items: page.items.map(presentRule) };
			}
		},

		getRule: {
			rest: "GET /rules/:rule_id",
			access: ["cost:read"],
			openapi: { summary: "Get a cost rule", response: "CostRule" },
			params: { rule_id: "string" },
			async handler(this: CostThis, ctx: Ctx) {
				return presentRule(await this.requireRule(ctx, ctx.params.rule_id));
			}
		},

		updateRule: {
			rest: "PUT /rules/:rule_id",
			access: ["cost:write"],
			audit: { action: "cost_rule.update" },
			openapi: { summary: "Change a cost rule", response: "CostRule" },
			params: { rule_id: "string", ...RULE_FIELDS },
			async handler(this: CostThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				await this.checkModels(orgId, p);
				const doc = await this.requireRule(ctx, p.rule_id);
				if (p.agent_id != null && p.agent_id !== doc.agent_id) await this.requireAgent(ctx, orgId, p.agent_id);
				const set: Partial<CostRuleDoc> = {};
				for (const field of Object.keys(RULE_FIELDS) as (keyof CostRuleDoc)[]) if (p[field] !== undefined) (set as any)[field] = p[field];
				if (!Object.keys(set).length) return presentRule(doc);
				const updated = await writeUnique("name", p.name, () => this.repos.cost_rules.forOrg(orgId).update(doc.id, set));
				if (!updated) throw errors.notFound("Cost rule");
				return presentRule(updated);
			}
		},

		deleteRule: {
			rest: "DELETE /rules/:rule_id",
			access: ["cost:write"],
			audit: { action: "cost_rule.delete" },
			openapi: { summary: "Delete a cost rule", status: 204 },
			params: { rule_id: "string" },
			async handler(this: CostThis, ctx: Ctx) {
				const doc = await this.requireRule(ctx, ctx.params.rule_id);
				await this.repos.cost_rules.forOrg(doc.org_id).delete(doc.id);
				return null;
			}
		},

		savings: {
			rest: "GET /savings",
			access: ["cost:read"],
			openapi: { summary: "Savings of cost rules over a window", response: "CostSavingsReport" },
			params: {
				start: query(dateTime()),
				end: query(dateTime()),
				agent_id: query({ type: "string", max: 64 }),
				group_by: query({ type: "enum", values: ["rule", "agent", "day"] })
			},
			async handler(this: CostThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const window = reportWindow(ctx.params);
				const group = ctx.params.group_by ?? "rule";
				const rows: CostRow[] = await this.costRows(ctx, orgId, window, ctx.params.agent_id);
				const routed = rows.filter(r => r.cost_rule_id);
				const labels = await this.labels(ctx, orgId, group, routed);
				return { ...window, ...savingsReport(rows, group, (key: string) => labels.get(key) ?? key) };
			}
		},

		summary: {
			rest: "GET /summary",
			access: ["cost:read"],
			openapi: { summary: "Spend over a window, grouped", response: "CostSummary" },
			params: {
				start: query(dateTime()),
				end: query(dateTime()),
				agent_id: query({ type: "string", max: 64 }),
				group_by: query({ type: "enum", values: ["agent", "model", "provider", "day"] })
			},
			async handler(this: CostThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const window = reportWindow(ctx.params);
				const group = ctx.params.group_by ?? "agent";
				const rows: CostRow[] = await this.costRows(ctx, orgId, window, ctx.params.agent_id);
				const labels = await this.labels(ctx, orgId, group, rows);
				return { ...window, ...costSummary(rows, group, (key: string) => labels.get(key) ?? key) };
			}
		},

		recommendations: {
			rest: "GET /recommendations",
			access: ["cost:read"],
			openapi: { summary: "Cheaper models for agents with small inputs (recomputed daily)", response: "List:CostRecommendation" },
			params: { ...LIST_QUERY, agent_id: query({ type: "string", max: 64 }) },
			async handler(this: CostThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				// One recomputation per org at a time; concurrent readers wait for it.
				let pending = this.refreshing.get(orgId);
				if (!pending) {
					const started: Promise<void> = this.refreshRecommendations(ctx, orgId).finally(() => this.refreshing.delete(orgId));
					this.refreshing.set(orgId, started);
					pending = started;
				}
				await pending;
				const filter = exactFilters(ctx.params, ["agent_id"]);
				const page = await this.repos.cost_recommendations.forOrg(orgId).list(filter, listOptions(ctx.params));
				return { ...page, items: page.items.map(presentRecommendation) };
			}
		},

		// Internal actions for the runtime (called from services/actors/guards.ts).

		/** The first enabled rule (by priority) that matches this call: the model to use instead. */
		selectModel: {
			visibility: "public",
			params: { org_id: "string", agent_id: "string", model: "string", estimated_input_tokens: { type: "number", min: 0 } },
			async handler(this: CostThis, ctx: Context<{ org_id: string; agent_id: string; model: string; estimated_input_tokens: number }>) {
				const { org_id, agent_id, model, estimated_input_tokens } = ctx.params;
				const rules = (await this.repos.cost_rules.forOrg(org_id).find({ enabled: true, $or: [{ agent_id: null }, { agent_id }] })).sort(byPriority);
				if (!rules.length) return null;
				let tags: Promise<string[]> | null = null;
				let percentage: Promise<number | null> | null = null;
				const agentTags = () => (tags ??= callIfPresent<any>(this.broker, "agents.get", { org_id, agent_id }, null, ctx).then(a => (a?.tags as string[]) ?? []));
				const maxPercentage = () =>
					(percentage ??= callIfPresent<any[]>(this.broker, "budgets.applicableUsage", { org_id, agent_id }, [], ctx).then(list =>
						list.length ? Math.max(...list.map(u => u.percentage_used as number)) : null
					));
				for (const rule of rules) {
					if (await this.matches(rule.condition, model, estimated_input_tokens, agentTags, maxPercentage)) {
						return { model: rule.target_model, rule_id: rule.id, fallback_model: rule.fallback_model };
					}
				}
				return null;
			}
		},

		recordSavings: {
			visibility: "public",
			params: { org_id: "string", rule_id: "string", savings_usd: { type: "number", min: 0 } },
			async handler(this: CostThis, ctx: Context<{ org_id: string; rule_id: string; savings_usd: number }>) {
				const { org_id, rule_id, savings_usd } = ctx.params;
				const updated = await this.repos.cost_rules.forOrg(org_id).updateWhere({ id: rule_id }, { $inc: { applied_count: 1, savings_micros: toMicros(savings_usd) } });
				return { ok: !!updated };
			}
		}
	},

	methods: {
		async requireRule(this: CostThis, ctx: Ctx, id: string): Promise<CostRuleDoc> {
			const doc = await this.repos.cost_rules.forOrg(ctx.meta.principal.org_id).get(id);
			if (!doc) throw errors.notFound("Cost rule");
			return doc;
		},

		async requireAgent(this: CostThis, ctx: Ctx, orgId: string, agentId: string) {
			if (!(await ctx.call("agents.exists", { org_id: orgId, agent_id: agentId }))) throw errors.referenceNotFound("agent_id", "Agent");
		},

		/** 400 naming the target and fallback models the org's catalogue does not know (condition.models may name any model, §11). */
		async checkModels(this: CostThis, orgId: string, p: { target_model?: string; fallback_model?: string | null; condition?: Condition }) {
			const named: [string, string][] = [];
			if (p.target_model !== undefined) named.push(["target_model", p.target_model]);
			if (p.fallback_model != null) named.push(["fallback_model", p.fallback_model]);
			const known = await Promise.all(named.map(([, model]) => callIfPresent(this.broker, "providers.modelExists", { org_id: orgId, model }, true)));
			const problems = named.filter((_, i) => !known[i]).map(([field, model]) => ({ field, message: `is not a model of the catalogue: ${model}` }));
			if (problems.length) throw errors.validation(problems);
		},

		async matches(
			this: CostThis,
			c: Condition,
			model: string,
			estimatedInputTokens: number,
			agentTags: () => Promise<string[]>,
			maxPercentage: () => Promise<number | null>
		): Promise<boolean> {
			if (c.max_input_tokens !== undefined && !(estimatedInputTokens <= c.max_input_tokens)) return false;
			if (c.models !== undefined && !c.models.includes(model)) return false;
			if (c.agent_tags !== undefined) {
				const tags = await agentTags();
				if (!c.agent_tags.some(t => tags.includes(t))) return false;
			}
			if (c.min_budget_percentage !== undefined) {
				const max = await maxPercentage();
				if (max === null || max < c.min_budget_percentage) return false;
			}
			return true;
		},

		costRows(this: CostThis, ctx: Context, orgId: string, window: { start: string; end: string }, agentId?: string): Promise<CostRow[]> {
			const params: Record<string, unknown> = { org_id: orgId, ...window };
			if (agentId !== undefined) params.agent_id = agentId;
			return callIfPresent<CostRow[]>(this.broker, "runtime.costRows", params, [], ctx);
		},

		/** Display labels of the group keys: agent names, rule names; other keys label themselves. */
		async labels(this: CostThis, ctx: Context, orgId: string, group: string, rows: CostRow[]): Promise<Map<string, string>> {
			const labels = new Map<string, string>();
			if (group === "agent") {
				for (const id of new Set(rows.map(r => r.agent_id))) {
					const agent: any = await callIfPresent(this.broker, "agents.get", { org_id: orgId, agent_id: id }, null, ctx);
					if (agent) labels.set(id, agent.name);
				}
			} else if (group === "rule") {
				const ids = [...new Set(rows.map(r => r.cost_rule_id).filter(Boolean))] as string[];
				if (ids.length) for (const rule of await this.repos.cost_rules.forOrg(orgId).find({ id: { $in: ids } })) labels.set(rule.id, rule.name);
			}
			return labels;
		},

		/** Recomputes the org's recommendations from the last 30 days when they are a day old (or never were). */
		async refreshRecommendations(this: CostThis, ctx: Context, orgId: string, now = new Date()) {
			const runs = this.repos.cost_recommendation_runs.forOrg(orgId);
			const last = await runs.findOne({});
			if (last && now.getTime() - Date.parse(last.computed_at) < RECOMPUTE_MS) return;
			const window = { start: new Date(now.getTime() - REPORT_WINDOW_DAYS * DAY_MS).toISOString(), end: now.toISOString() };
			const rows: CostRow[] = await this.costRows(ctx, orgId, window);
			const agents = new Map<string, { model: string; needs_tools: boolean }>();
			for (const id of new Set(rows.map(r => r.agent_id))) {
				const agent: any = await callIfPresent(this.broker, "agents.get", { org_id: orgId, agent_id: id }, null, ctx);
				if (agent) agents.set(id, { model: agent.model, needs_tools: (agent.tools ?? []).length > 0 });
			}
			const prices = new Map<string, PricedModel | null>();
			const priced = async (model: string): Promise<PricedModel | null> => {
				if (!prices.has(model)) prices.set(model, await callIfPresent<PricedModel | null>(this.broker, "providers.modelInfo", { org_id: orgId, model }, null, ctx));
				return prices.get(model) ?? null;
			};
			const recs = this.repos.cost_recommendations.forOrg(orgId);
			const kept = new Set<string>();
			for (const usage of usageByAgent(rows, agents)) {
				const current = await priced(usage.model);
				if (!current) continue;
				const candidates: PricedModel[] = [];
				for (const m of BUILTIN_MODELS) if (m.provider === current.provider && m.id !== current.id) candidates.push((await priced(m.id)) ?? m);
				const found = recommend(usage, current, candidates);
				if (!found) continue;
				kept.add(usage.agent_id);
				// Quality evaluations (§16) tell whether the agent has room to trade quality for cost.
				const quality = await callIfPresent<number | null>(this.broker, "intelligence.averageScore", { org_id: orgId, agent_id: usage.agent_id, ...window }, null, ctx);
				const fields = { current_model: usage.model, ...found, reason: withQuality(found.reason, quality) };
				const existing = await recs.findOne({ agent_id: usage.agent_id });
				if (existing) await recs.update(existing.id, fields);
				else await recs.insert({ id: newId("rec"), agent_id: usage.agent_id, ...fields });
			}
			await recs.deleteMany({ agent_id: { $nin: [...kept] } });
			if (last) await runs.update(last.id, { computed_at: now.toISOString() });
			else await runs.insert({ id: newId("recrun"), computed_at: nowIso() });
		}
	},

	created(this: CostThis) {
		this.refreshing = new Map();
	}
};

export default CostService;
