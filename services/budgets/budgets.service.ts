import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { exactFilters } from "../../lib/filters";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import { writeUnique, type Filter, type Repository } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { displayName, LIST_QUERY, listOptions, query } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { Ledger, nothingHeldFor } from "./ledger";
import {
	ALERT_TYPES,
	BUDGET_ALERT_SCHEMA,
	BUDGET_COLLECTIONS,
	BUDGET_FIELDS,
	BUDGET_SCHEMA,
	BUDGET_USAGE_SCHEMA,
	IMMUTABLE_FIELDS,
	isStale,
	presentAlert,
	presentBudget,
	presentUsage,
	SCOPES,
	throttleKey,
	type AlertDoc,
	type BudgetDoc,
	type ReservationDoc,
	type Scope,
	type SpendDoc
} from "./model";
import { ceilMicros, toMicros } from "./money";
import { currentPeriod, PERIODS, type Period } from "./periods";

interface BudgetsThis extends PlatformThis {
	repos: {
		budgets: Repository<BudgetDoc>;
		budget_alerts: Repository<AlertDoc>;
		budget_reservations: Repository<ReservationDoc>;
		budget_spend: Repository<SpendDoc>;
	};
	ledger: Ledger;
	teams: Map<string, { team: string | null; at: number }>;
	sweepTimer?: NodeJS.Timeout;
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal; auditResourceId?: string }>;

const ORG_AGENT = { org_id: "string", agent_id: "string" };
/** How long an agent's team is trusted without asking again (changes also clear it through `agent.updated`). */
const TEAM_TTL_MS = 5_000;
const SWEEP_INTERVAL_MS = 30_000;

const BudgetsService: Schema<BudgetsThis> = {
	name: "budgets",
	mixins: [
		StoreMixin(BUDGET_COLLECTIONS)
	],
	settings: { rest: "/budgets" },
	metadata: { schemas: { Budget: BUDGET_SCHEMA, BudgetUsage: BUDGET_USAGE_SCHEMA, BudgetAlert: BUDGET_ALERT_SCHEMA } },

	actions: {
		createBudget: {
			rest: "POST /",
			access: ["budgets:write"],
			audit: { action: "budget.create" },
			openapi: { summary: "Create a budget", status: 201, response: "Budget" },
			params: {
				...BUDGET_FIELDS,
				...IMMUTABLE_FIELDS,
				name: displayName(),
				period: { type: "enum", values: [...PERIODS] },
				limit_usd: { type: "number", positive: true }
			},
			async handler(this: BudgetsThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				const scope: Scope = p.scope ?? (p.agent_id != null ? "agent" : "org");
				const problems: errors.FieldProblem[] = [];
				if (scope === "agent" && p.agent_id == null) problems.push({ field: "agent_id", message: "is required when scope is agent" });
				if (scope !== "agent" && p.agent_id != null) problems.push({ field: "agent_id", message: "must only be set when scope is agent" });
				if (scope === "team" && p.team == null) problems.push({ field: "team", message: "is required when scope is team" });
				if (scope !== "team" && p.team != null) problems.push({ field: "team", message: "must only be set when scope is team" });
				problems.push(...(await this.modelProblems(orgId, p.throttle_model)));
				if (problems.length) throw errors.validation(problems);
				if (scope === "agent" && !(await ctx.call("agents.exists", { org_id: orgId, agent_id: p.agent_id }))) throw errors.referenceNotFound("agent_id", "Agent");
				const { start, end } = currentPeriod(p.period);
				const doc = await writeUnique("name", p.name, () =>
					this.repos.budgets.forOrg(orgId).insert({
						id: newId("bdg"),
						name: p.name,
						scope,
						agent_id: scope === "agent" ? p.agent_id : null,
						team: scope === "team" ? p.team : null,
						period: p.period,
						limit_usd: p.limit_usd,
						alert_threshold: p.alert_threshold ?? 0.8,
						action_on_exceed: p.action_on_exceed ?? "block",
						throttle_model: p.throttle_model ?? null,
						throttle_concurrency: p.throttle_concurrency ?? 1,
						enabled: p.enabled ?? true,
						period_start: start,
						period_end: end,
						limit_micros: Math.max(1, toMicros(p.limit_usd)),
						used_micros: 0,
						reserved_micros: 0,
						committed_micros: 0
					})
				);
				return presentBudget(doc);
			}
		},

		listBudgets: {
			rest: "GET /",
			access: ["budgets:read"],
			openapi: { summary: "List budgets", response: "List:Budget" },
			params: {
				...LIST_QUERY,
				scope: query({ type: "enum", values: [...SCOPES] }),
				agent_id: query({ type: "string", max: 64 }),
				team: query({ type: "string", max: 100 }),
				period: query({ type: "enum", values: [...PERIODS] }),
				enabled: query({ type: "boolean" })
			},
			async handler(this: BudgetsThis, ctx: Ctx) {
				const filter = exactFilters(ctx.params, ["scope", "agent_id", "team", "period", "enabled"]);
				const page = await this.repos.budgets.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(ctx.params));
				const now = new Date();
				return { ...page, items: page.items.map(d => presentBudget(d, now)) };
			}
		},

		// Literal segments are declared before `/:budget_id` so they win (§0.5).
		listUsage: {
			rest: "GET /usage",
			access: ["budgets:read"],
			openapi: { summary: "Usage of the org's budgets in their current periods", response: "List:BudgetUsage" },
			params: { ...LIST_QUERY, scope: query({ type: "enum", values: [...SCOPES] }), agent_id: query({ type: "string", max: 64 }) },
			async handler(this: BudgetsThis, ctx: Ctx) {
				const filter = exactFilters(ctx.params, ["scope", "agent_id"]);
				const page = await this.repos.budgets.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(ctx.params));
				const now = new Date();
				return { ...page, items: page.items.map(d => presentUsage(d, now)) };
			}
		},

		listAlerts: {
			rest: "GET /alerts",
			access: ["budgets:read"],
			openapi: { summary: "Budget alerts (default: unacknowledged, current periods)", response: "List:BudgetAlert" },
			params: {
				...LIST_QUERY,
				budget_id: query({ type: "string", max: 64 }),
				type: query({ type: "enum", values: [...ALERT_TYPES] }),
				acknowledged: query({ type: "boolean" }),
				include_past_periods: query({ type: "boolean" })
			},
			async handler(this: BudgetsThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const p = ctx.params;
				const options = listOptions(p);
				const filter: Filter = { acknowledged: p.acknowledged ?? false, ...exactFilters(p, ["budget_id", "type"]) };
				if (!p.include_past_periods) {
					const budgets = await this.repos.budgets.forOrg(orgId).find(p.budget_id !== undefined ? { id: p.budget_id } : {});
					if (!budgets.length) return { items: [], total: 0, limit: options.limit, offset: options.offset };
					const now = new Date();
					filter.$or = budgets.map(b => ({ budget_id: b.id, period_start: currentPeriod(b.period, now).start }));
				}
				const page = await this.repos.budget_alerts.forOrg(orgId).list(filter, options);
				return { ...page, items: page.items.map(presentAlert) };
			}
		},

		acknowledgeAlert: {
			rest: "POST /alerts/:alert_id/acknowledge",
			access: ["budgets:write"],
			audit: { action: "budget_alert.acknowledge" },
			openapi: { summary: "Acknowledge a budget alert", response: "BudgetAlert" },
			params: { alert_id: "string" },
			async handler(this: BudgetsThis, ctx: Ctx) {
				const principal = ctx.meta.principal;
				const alerts = this.repos.budget_alerts.forOrg(principal.org_id);
				const now = nowIso();
				const updated = await alerts.updateWhere(
					{ id: ctx.params.alert_id, acknowledged: false },
					{ $set: { acknowledged: true, acknowledged_at: now, acknowledged_by: principal.user_id ?? principal.id, updated_at: now } }
				);
				if (updated) return presentAlert(updated);
				if (!(await alerts.get(ctx.params.alert_id))) throw errors.notFound("Budget alert");
				throw errors.invalidStateTransition("acknowledged", "acknowledged");
			}
		},

		getBudget: {
			rest: "GET /:budget_id",
			access: ["budgets:read"],
			openapi: { summary: "Get a budget", response: "Budget" },
			params: { budget_id: "string" },
			async handler(this: BudgetsThis, ctx: Ctx) {
				return presentBudget(await this.requireBudget(ctx, ctx.params.budget_id));
			}
		},

		updateBudget: {
			rest: "PUT /:budget_id",
			access: ["budgets:write"],
			audit: { action: "budget.update" },
			openapi: { summary: "Change a budget (applies immediately)", response: "Budget" },
			params: { budget_id: "string", ...BUDGET_FIELDS, ...IMMUTABLE_FIELDS },
			async handler(this: BudgetsThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				const problems: errors.FieldProblem[] = await this.modelProblems(orgId, p.throttle_model);
				const doc = await this.requireBudget(ctx, p.budget_id);
				for (const field of Object.keys(IMMUTABLE_FIELDS) as (keyof BudgetDoc)[]) {
					if (p[field] !== undefined && p[field] !== doc[field]) problems.unshift({ field, message: "is immutable: create a new budget instead" });
				}
				if (problems.length) throw errors.validation(problems);
				const set: Partial<BudgetDoc> = {};
				for (const field of Object.keys(BUDGET_FIELDS) as (keyof BudgetDoc)[]) if (p[field] !== undefined && field !== "period") (set as any)[field] = p[field];
				if (set.limit_usd !== undefined) set.limit_micros = Math.max(1, toMicros(set.limit_usd));
				const periodChanged = p.period !== undefined && p.period !== doc.period;
				if (!periodChanged && !Object.keys(set).length) return presentBudget(doc);
				const updated = await writeUnique("name", p.name, () =>
					periodChanged ? this.ledger.changePeriod(doc, p.period as Period, set) : this.repos.budgets.forOrg(orgId).update(doc.id, set)
				);
				if (!updated) throw errors.notFound("Budget");
				// A lower limit, a lower threshold or re-enabling may cross a line without new spend.
				await this.ledger.checkAlerts(updated);
				return presentBudget(updated);
			}
		},

		deleteBudget: {
			rest: "DELETE /:budget_id",
			access: ["budgets:write"],
			audit: { action: "budget.delete" },
			openapi: { summary: "Delete a budget and its alerts", status: 204 },
			params: { budget_id: "string" },
			async handler(this: BudgetsThis, ctx: Ctx) {
				const doc = await this.requireBudget(ctx, ctx.params.budget_id);
				await this.repos.budgets.forOrg(doc.org_id).delete(doc.id);
				await this.repos.budget_alerts.forOrg(doc.org_id).deleteMany({ budget_id: doc.id });
				return null;
			}
		},

		getUsage: {
			rest: "GET /:budget_id/usage",
			access: ["budgets:read"],
			openapi: { summary: "Usage of one budget in its current period", response: "BudgetUsage" },
			params: { budget_id: "string" },
			async handler(this: BudgetsThis, ctx: Ctx) {
				return presentUsage(await this.requireBudget(ctx, ctx.params.budget_id));
			}
		},

		// Internal actions for the runtime (guards) and the cost service.

		/** A `block` budget that already refuses new runs of the agent (with no agent: spend outside runs, `org` budgets only), or null. */
		checkAcceptance: {
			visibility: "public",
			params: { org_id: "string", agent_id: { type: "string", nullable: true } },
			async handler(this: BudgetsThis, ctx: Context<{ org_id: string; agent_id: string | null }>) {
				const { org_id, agent_id } = ctx.params;
				const now = new Date();
				const team = agent_id ? await this.teamOf(ctx, org_id, agent_id) : null;
				const budgets = await this.ledger.inScope(org_id, agent_id, team, false, now);
				const full = budgets.find(b => b.action_on_exceed === "block" && b.committed_micros >= b.limit_micros);
				return full ? { budget_id: full.id, budget_name: full.name, resets_at: currentPeriod(full.period, now).end } : null;
			}
		},

		reserve: {
			visibility: "public",
			params: { ...ORG_AGENT, run_id: { type: "string", optional: true, nullable: true }, amount_usd: { type: "number", min: 0 } },
			async handler(this: BudgetsThis, ctx: Context<{ org_id: string; agent_id: string; run_id?: string | null; amount_usd: number }>) {
				const { org_id, agent_id, run_id, amount_usd } = ctx.params;
				const team = await this.teamOf(ctx, org_id, agent_id);
				return this.ledger.reserve(org_id, { agent_id, team, run_id: run_id ?? null }, ceilMicros(amount_usd));
			}
		},

		settle: {
			visibility: "public",
			params: { org_id: "string", reservation_id: "string", actual_usd: { type: "number", min: 0 } },
			async handler(this: BudgetsThis, ctx: Context<{ org_id: string; reservation_id: string; actual_usd: number }>) {
				const { org_id, reservation_id, actual_usd } = ctx.params;
				const free = nothingHeldFor(reservation_id);
				if (free) {
					const team = free.agent_id ? await this.teamOf(ctx, org_id, free.agent_id) : null;
					await this.ledger.charge(org_id, free.agent_id, team, toMicros(actual_usd));
					return { ok: true };
				}
				return { ok: await this.ledger.settle(org_id, reservation_id, toMicros(actual_usd)) };
			}
		},

		release: {
			visibility: "public",
			params: { org_id: "string", reservation_id: "string" },
			async handler(this: BudgetsThis, ctx: Context<{ org_id: string; reservation_id: string }>) {
				if (nothingHeldFor(ctx.params.reservation_id)) return { ok: true };
				return { ok: await this.ledger.release(ctx.params.org_id, ctx.params.reservation_id) };
			}
		},

		/** Spend made outside a run (prompt tests, judges): with no agent it counts toward org budgets only. */
		recordSpend: {
			visibility: "public",
			params: { org_id: "string", agent_id: { type: "string", optional: true, nullable: true }, actual_usd: { type: "number", min: 0 } },
			async handler(this: BudgetsThis, ctx: Context<{ org_id: string; agent_id?: string | null; actual_usd: number }>) {
				const { org_id, actual_usd } = ctx.params;
				const agentId = ctx.params.agent_id ?? null;
				const team = agentId ? await this.teamOf(ctx, org_id, agentId) : null;
				await this.ledger.charge(org_id, agentId, team, toMicros(actual_usd));
				return { ok: true };
			}
		},

		/** The strictest exceeded `throttle` budget of the agent: who shares the slots, how many, which model. */
		throttle: {
			visibility: "public",
			params: ORG_AGENT,
			async handler(this: BudgetsThis, ctx: Context<{ org_id: string; agent_id: string }>) {
				const { org_id, agent_id } = ctx.params;
				const budgets = await this.ledger.inScope(org_id, agent_id, await this.teamOf(ctx, org_id, agent_id), false, new Date());
				const exceeded = budgets.filter(b => b.action_on_exceed === "throttle" && b.used_micros >= b.limit_micros);
				if (!exceeded.length) return null;
				const strictest = [...exceeded].sort((a, b) => a.throttle_concurrency - b.throttle_concurrency || Number(!a.throttle_model) - Number(!b.throttle_model))[0];
				const model = strictest.throttle_model ?? exceeded.find(b => b.throttle_model)?.throttle_model ?? null;
				return { key: throttleKey(strictest), concurrency: strictest.throttle_concurrency, model };
			}
		},

		/** Usage of the enabled budgets that apply to the agent's calls (cost rules' `min_budget_percentage`). */
		applicableUsage: {
			visibility: "public",
			params: ORG_AGENT,
			async handler(this: BudgetsThis, ctx: Context<{ org_id: string; agent_id: string }>) {
				const { org_id, agent_id } = ctx.params;
				const now = new Date();
				const budgets = await this.ledger.inScope(org_id, agent_id, await this.teamOf(ctx, org_id, agent_id), false, now);
				return budgets.map(b => presentUsage(b, now));
			}
		}
	},

	events: {
		"agent.updated"(this: BudgetsThis, ctx: Context<{ org_id: string; agent_id: string }>) {
			this.teams.delete(`${ctx.params.org_id}:${ctx.params.agent_id}`);
		},
		"agent.deleted"(this: BudgetsThis, ctx: Context<{ org_id: string; agent_id: string }>) {
			this.teams.delete(`${ctx.params.org_id}:${ctx.params.agent_id}`);
		}
	},

	methods: {
		async requireBudget(this: BudgetsThis, ctx: Ctx, id: string): Promise<BudgetDoc> {
			const doc = await this.repos.budgets.forOrg(ctx.meta.principal.org_id).get(id);
			if (!doc) throw errors.notFound("Budget");
			return isStale(doc, new Date()) ? ((await this.ledger.current(doc, new Date())) ?? doc) : doc;
		},

		async modelProblems(this: BudgetsThis, orgId: string, model: unknown): Promise<errors.FieldProblem[]> {
			if (typeof model !== "string") return [];
			const known = await callIfPresent(this.broker, "providers.modelExists", { org_id: orgId, model }, true);
			return known ? [] : [{ field: "throttle_model", message: `is not a model of the catalogue: ${model}` }];
		},

		/** The agent's team (budgets of `scope: team`), briefly cached. */
		async teamOf(this: BudgetsThis, ctx: Context, orgId: string, agentId: string): Promise<string | null> {
			const key = `${orgId}:${agentId}`;
			const hit = this.teams.get(key);
			if (hit && Date.now() - hit.at < TEAM_TTL_MS) return hit.team;
			const agent: any = await callIfPresent(this.broker, "agents.get", { org_id: orgId, agent_id: agentId }, null, ctx);
			const team = agent?.team ?? null;
			if (this.teams.size > 10_000) this.teams.clear();
			this.teams.set(key, { team, at: Date.now() });
			return team;
		}
	},

	created(this: BudgetsThis) {
		this.teams = new Map();
	},

	async started(this: BudgetsThis) {
		this.ledger = new Ledger(this.repos, (event, payload) => this.broker.broadcast(event, payload));
		// With the embedded store this node is the only writer, so counters can be rebuilt from the reservations.
		if (this.store.kind !== "mongo") await this.ledger.reconcile();
		const sweep = () => this.ledger.sweep().catch(err => this.logger.warn({ err }, "Budget sweep failed"));
		this.sweepTimer = setInterval(sweep, SWEEP_INTERVAL_MS);
		this.sweepTimer.unref();
	},

	async stopped(this: BudgetsThis) {
		if (this.sweepTimer) clearInterval(this.sweepTimer);
		await this.ledger?.queue.drain();
	}
};

export default BudgetsService;
