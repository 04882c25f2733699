import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { exactFilters } from "../../lib/filters";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import { UniqueViolation, type Filter, type Repository } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { dateTime, query } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { ANALYTICS_SCHEMAS } from "./schemas";
import {
	agentHours, groupTotals, reportWindow, INTERVALS, METRICS, modelItems, runFigures, timeseries, toolItems, TOP_BY, topValue, TRIGGERS, type Metric
} from "./reports";
import {
	acceptedIncrements, finishedIncrements, hourOf, newRollup, readRanges, sumRollups, TERMINAL_STATUSES, type Increment, type RollupDoc, type RollupKind, type RunLike, type StepLike
} from "./rollups";

/** A run the rollups already hold: accepted once, finished once (events may arrive twice). */
interface CountedRunDoc {
	id: string;
	org_id: string;
	run_id: string;
	finished: boolean;
	created_at: string;
	updated_at: string;
}

interface AnalyticsThis extends PlatformThis {
	repos: { analytics_rollups: Repository<RollupDoc>; analytics_counted_runs: Repository<CountedRunDoc> };
	/** Increments gathered by `apply`, by org and rollup id, until the next flush. */
	pending: Map<string, { orgId: string; increment: Increment }>;
	flushTimer: NodeJS.Timeout | null;
	flushing: Promise<void>;
	/** Ids of runs whose marker this node wrote and whose end it has not counted yet. */
	marked: Set<string>;
	/** Runs that ended from here on are not yet known to have been swept. */
	sweptUntil: number;
	sweepTimers: NodeJS.Timeout[];
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal }>;

const COMMON = {
	start: dateTime({ optional: true }),
	end: dateTime({ optional: true }),
	agent_id: query({ type: "string", max: 64 }),
	mode: query({ type: "enum", values: ["production", "test"] })
};
const { agent_id: _agentId, ...COMMON_NO_AGENT } = COMMON;
/** The first sweep looks this far back; later ones overlap the previous by SWEEP_OVERLAP_MS. */
const FIRST_SWEEP_LOOKBACK_MS = 3_600_000;
const SWEEP_INTERVAL_MS = 60_000;
const SWEEP_OVERLAP_MS = 60_000;
const SWEEP_PAGE = 1000;
/** How long increments are gathered before they are written merged. */
const ROLLUP_FLUSH_MS = 100;
const MARKED_MEMORY = 50_000;
const RUN_EVENTS = ["run.queued", "run.started", "run.awaiting_approval", "run.completed", "run.failed", "run.cancelled", "run.blocked"];

const runEventHandler = {
	handler(this: AnalyticsThis, ctx: Context<{ org_id: string; run: RunLike }>) {
		const run = ctx.params?.run;
		if (!run?.id || !run.org_id) return;
		return this.countRun(ctx, run).catch((err: unknown) => this.logger.warn({ err, run_id: run.id }, "Could not add the run to the analytics rollups"));
	}
};

const AnalyticsService: Schema<AnalyticsThis> = {
	name: "analytics",
	mixins: [
		StoreMixin({
			analytics_rollups: [{ fields: ["org_id", "kind", "hour"] }, { fields: ["hour"] }],
			analytics_counted_runs: [{ fields: ["org_id", "run_id"], unique: true }, { fields: ["run_id"] }]
		})
	],
	settings: { rest: "/analytics" },
	metadata: { schemas: ANALYTICS_SCHEMAS },

	actions: {
		dashboard: {
			rest: "GET /dashboard",
			access: ["analytics:read"],
			openapi: { summary: "Dashboard figures of the org over a window", response: "AnalyticsDashboard" },
			params: COMMON,
			async handler(this: AnalyticsThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const window = reportWindow(ctx.params);
				const f = runFigures(sumRollups(await this.rollups(orgId, "run", window, ctx.params)));
				const [agents, governance] = await Promise.all([
					this.agentCounts(ctx, orgId, ctx.params.agent_id),
					callIfPresent(this.broker, "governance.counts", { org_id: orgId, ...(ctx.params.agent_id ? { agent_id: ctx.params.agent_id } : {}) }, { pending_approvals: 0 }, ctx)
				]);
				return {
					period_start: window.start,
					period_end: window.end,
					...agents,
					total_runs: f.runs,
					completed_runs: f.completed,
					failed_runs: f.failed,
					blocked_runs: f.blocked,
					cancelled_runs: f.cancelled,
					success_rate: f.success_rate,
					tokens_input: f.tokens_input,
					tokens_output: f.tokens_output,
					total_cost_usd: f.cost_usd,
					total_savings_usd: f.savings_usd,
					avg_latency_ms: f.avg_latency_ms,
					p95_latency_ms: f.p95_latency_ms,
					pending_approvals: (governance as any).pending_approvals ?? 0
				};
			}
		},

		timeseries: {
			rest: "GET /timeseries",
			access: ["analytics:read"],
			openapi: { summary: "One metric per hour or day bucket", response: "AnalyticsTimeseries" },
			params: {
				metric: { type: "enum", values: [...METRICS] },
				interval: query({ type: "enum", values: [...INTERVALS] }),
				model: query({ type: "string", min: 1, max: 200 }),
				...COMMON
			},
			async handler(this: AnalyticsThis, ctx: Ctx) {
				const window = reportWindow(ctx.params);
				const interval = ctx.params.interval ?? "day";
				const docs = await this.rollups(ctx.meta.principal.org_id, "run", window, ctx.params, ctx.params.model, interval === "hour");
				return timeseries(ctx.params.metric as Metric, interval, window.start, window.end, docs);
			}
		},

		agentAnalytics: {
			rest: "GET /agents/:agent_id",
			access: ["analytics:read"],
			openapi: { summary: "Figures of one agent", response: "AgentAnalytics" },
			params: { agent_id: "string", ...COMMON_NO_AGENT },
			async handler(this: AnalyticsThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const agentId = ctx.params.agent_id;
				const window = reportWindow(ctx.params);
				const exists = await callIfPresent(this.broker, "agents.exists", { org_id: orgId, agent_id: agentId }, false, ctx);
				if (!exists) throw errors.notFound("Agent");
				const totals = sumRollups(await this.rollups(orgId, "run", window, { agent_id: agentId, mode: ctx.params.mode }));
				const f = runFigures(totals);
				const quality = await callIfPresent<number | null>(
					this.broker,
					"intelligence.averageScore",
					{ org_id: orgId, agent_id: agentId, start: window.start, end: window.end },
					null,
					ctx
				);
				return {
					agent_id: agentId,
					period_start: window.start,
					period_end: window.end,
					runs: f.runs,
					completed: f.completed,
					failed: f.failed,
					blocked: f.blocked,
					cancelled: f.cancelled,
					success_rate: f.success_rate,
					avg_latency_ms: f.avg_latency_ms,
					p95_latency_ms: f.p95_latency_ms,
					tokens_input: f.tokens_input,
					tokens_output: f.tokens_output,
					cost_usd: f.cost_usd,
					tool_calls: f.tool_calls,
					avg_quality_score: quality,
					by_trigger: Object.fromEntries(TRIGGERS.map(t => [t, totals.t[t] ?? 0]))
				};
			}
		},

		topAgents: {
			rest: "GET /top-agents",
			access: ["analytics:read"],
			openapi: { summary: "Agents ranked by runs, cost, tokens, errors or latency", response: "AnalyticsTopAgents" },
			params: {
				by: query({ type: "enum", values: [...TOP_BY] }),
				limit: query({ type: "number", integer: true, min: 1, max: 50 }),
				...COMMON
			},
			async handler(this: AnalyticsThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const by = ctx.params.by ?? "runs";
				const window = reportWindow(ctx.params);
				const groups = groupTotals(await this.rollups(orgId, "run", window, ctx.params), d => d.agent_id);
				const ranked = [...groups]
					.map(([agentId, { totals }]) => ({ agent_id: agentId, value: topValue(by, totals) }))
					.filter((r): r is { agent_id: string; value: number } => r.value !== null)
					.sort((a, b) => b.value - a.value || a.agent_id.localeCompare(b.agent_id))
					.slice(0, ctx.params.limit ?? 10);
				const items = await Promise.all(
					ranked.map(async r => {
						const agent: any = await callIfPresent(this.broker, "agents.get", { org_id: orgId, agent_id: r.agent_id }, null, ctx);
						return { agent_id: r.agent_id, agent_name: agent?.name ?? null, value: r.value };
					})
				);
				return { by, items };
			}
		},

		models: {
			rest: "GET /models",
			access: ["analytics:read"],
			openapi: { summary: "Model calls by model", response: "AnalyticsModels" },
			params: COMMON,
			async handler(this: AnalyticsThis, ctx: Ctx) {
				const window = reportWindow(ctx.params);
				return { items: modelItems(await this.rollups(ctx.meta.principal.org_id, "model", window, ctx.params)) };
			}
		},

		tools: {
			rest: "GET /tools",
			access: ["analytics:read"],
			openapi: { summary: "Tool calls by tool", response: "AnalyticsTools" },
			params: COMMON,
			async handler(this: AnalyticsThis, ctx: Ctx) {
				const window = reportWindow(ctx.params);
				return { items: toolItems(await this.rollups(ctx.meta.principal.org_id, "tool", window, ctx.params)) };
			}
		},

		// Internal actions.

		/** Adds a run to the rollups as its events would (idempotent per run). */
		recordRun: {
			visibility: "public",
			params: { run: "object", steps: { type: "array", optional: true } },
			handler(this: AnalyticsThis, ctx: Context<{ run: RunLike; steps?: StepLike[] }>) {
				return this.countRun(ctx, ctx.params.run, ctx.params.steps);
			}
		},

		/** Per agent and hour (runs created in [start, end)); one org, or every org for cluster-wide jobs. */
		agentHours: {
			visibility: "public",
			params: { org_id: { type: "string", optional: true }, agent_id: { type: "string", optional: true }, start: "string", end: "string" },
			async handler(this: AnalyticsThis, ctx: Context<{ org_id?: string; agent_id?: string; start: string; end: string }>) {
				const { org_id, agent_id, start, end } = ctx.params;
				await this.flushRollups();
				const scope = org_id ? this.repos.analytics_rollups.forOrg(org_id) : this.repos.analytics_rollups.platformWide();
				const docs = await scope.find({ kind: "run", span: "hour", hour: { $gte: hourOf(start), $lt: end }, ...(agent_id ? { agent_id } : {}) });
				return agentHours(docs);
			}
		}
	},

	events: Object.fromEntries(RUN_EVENTS.map(name => [name, runEventHandler])),

	methods: {
		/** The rollups of a window: day documents for its whole days, hour documents for the rest (or hours only). */
		async rollups(
			this: AnalyticsThis,
			orgId: string,
			kind: RollupKind,
			window: { start: string; end: string },
			p: { agent_id?: string; mode?: string },
			key?: string,
			hoursOnly = false
		): Promise<RollupDoc[]> {
			await this.flushRollups();
			const scope = this.repos.analytics_rollups.forOrg(orgId);
			const ranges = hoursOnly ? [{ span: "hour", from: hourOf(window.start), to: window.end }] : readRanges(window.start, window.end);
			const found = await Promise.all(
				ranges.map(r => {
					const filter: Filter = { kind, span: r.span, hour: { $gte: r.from, $lt: r.to }, ...exactFilters(p, ["agent_id", "mode"]) };
					if (key !== undefined) filter.key = key;
					return scope.find(filter);
				})
			);
			return found.flat();
		},

		async agentCounts(this: AnalyticsThis, ctx: Ctx, orgId: string, agentId?: string) {
			if (agentId) {
				const agent: any = await callIfPresent(this.broker, "agents.get", { org_id: orgId, agent_id: agentId }, null, ctx);
				return { total_agents: agent ? 1 : 0, active_agents: agent?.status === "active" ? 1 : 0 };
			}
			const [total, runnable] = await Promise.all([
				callIfPresent<number>(this.broker, "agents.countAll", { org_id: orgId }, 0, ctx),
				callIfPresent<{ org_id: string; status: string }[]>(this.broker, "agents.listRunnable", {}, [], ctx)
			]);
			return { total_agents: total, active_agents: runnable.filter(a => a.org_id === orgId && a.status === "active").length };
		},

		/**
		 * Counts a run once when first seen and once more when it ends, whatever order and however often
		 * its events arrive: a marker per run (unique per org) records both.
		 */
		async countRun(this: AnalyticsThis, ctx: Context | null, run: RunLike, steps?: StepLike[]) {
			const counted = this.repos.analytics_counted_runs.forOrg(run.org_id);
			// Runs this node has marked already skip the marker write (each run sends several events).
			if (!this.marked.has(run.id)) {
				try {
					await counted.insert({ id: newId("acr"), run_id: run.id, finished: false });
					this.apply(run.org_id, acceptedIncrements(run));
				} catch (err) {
					if (!(err instanceof UniqueViolation)) throw err;
				}
				if (this.marked.size >= MARKED_MEMORY) this.marked.clear();
				this.marked.add(run.id);
			}
			if (!TERMINAL_STATUSES.has(run.status)) return { counted: false };
			const claimed = await counted.updateWhere({ run_id: run.id, finished: false }, { $set: { finished: true, updated_at: nowIso() } });
			if (!claimed) return { counted: false };
			let runSteps = steps;
			if (!runSteps) {
				const detail: any = await callIfPresent(this.broker, "runtime.runDetail", { org_id: run.org_id, run_id: run.id }, null, ctx ?? undefined);
				runSteps = detail?.steps ?? [];
			}
			this.apply(run.org_id, finishedIncrements(run, runSteps as StepLike[]));
			this.marked.delete(run.id);
			return { counted: true };
		},

		/**
		 * Counts runs whose end event this node never received (it was down, or the bus dropped it):
		 * every run that ended since the last sweep and holds no finished marker yet.
		 */
		async sweep(this: AnalyticsThis) {
			if (!(this.broker.registry as any).actions.isAvailable("runtime.finishedBetween")) return { counted: 0 };
			const until = Date.now() - 5_000;
			let since = new Date(this.sweptUntil - SWEEP_OVERLAP_MS).toISOString();
			let counted = 0;
			for (;;) {
				const runs: RunLike[] = await this.broker.call("runtime.finishedBetween", { since, until: new Date(until).toISOString(), limit: SWEEP_PAGE });
				const byOrg = new Map<string, RunLike[]>();
				for (const run of runs) byOrg.set(run.org_id, [...(byOrg.get(run.org_id) ?? []), run]);
				for (const [orgId, list] of byOrg) {
					const known = await this.repos.analytics_counted_runs.forOrg(orgId).find({ run_id: { $in: list.map(r => r.id) }, finished: true });
					const done = new Set(known.map(k => k.run_id));
					for (const run of list) if (!done.has(run.id) && (await this.countRun(null, run)).counted) counted++;
				}
				if (runs.length < SWEEP_PAGE) break;
				since = (runs[runs.length - 1] as any).completed_at;
			}
			this.sweptUntil = until;
			return { counted };
		},

		/**
		 * Adds increments to the rollups. They are gathered for a moment and written merged (one `$inc` per
		 * rollup document for many runs); every read flushes first, so what a read sees is complete.
		 */
		apply(this: AnalyticsThis, orgId: string, increments: Increment[]) {
			for (const increment of increments) {
				const key = `${orgId}/${increment.base.id}`;
				const pending = this.pending.get(key);
				if (!pending) this.pending.set(key, { orgId, increment: { base: increment.base, inc: { ...increment.inc } } });
				else for (const [field, value] of Object.entries(increment.inc)) pending.increment.inc[field] = (pending.increment.inc[field] ?? 0) + value;
			}
			if (!this.flushTimer) {
				this.flushTimer = setTimeout(() => void this.flushRollups(), ROLLUP_FLUSH_MS);
				this.flushTimer.unref();
			}
		},

		/** Writes what `apply` gathered; resolves once every earlier flush is written too. */
		flushRollups(this: AnalyticsThis): Promise<void> {
			if (this.flushTimer) clearTimeout(this.flushTimer);
			this.flushTimer = null;
			const batch = [...this.pending.values()];
			this.pending = new Map();
			this.flushing = this.flushing
				.then(async () => {
					for (const { orgId, increment } of batch) await this.writeIncrement(orgId, increment);
				})
				.catch((err: unknown) => this.logger.error({ err }, "Writing analytics rollups failed"));
			return this.flushing;
		},

		/** `$inc` into one rollup, creating it when missing (a concurrent creation is retried as an update). */
		async writeIncrement(this: AnalyticsThis, orgId: string, increment: Increment) {
			const scope = this.repos.analytics_rollups.forOrg(orgId);
			const update = { $inc: increment.inc, $set: { updated_at: nowIso() } };
			if (await scope.updateWhere({ id: increment.base.id }, update)) return;
			try {
				await scope.insert(newRollup(increment, nowIso()));
			} catch (err) {
				if (!(err instanceof UniqueViolation)) throw err;
				await scope.updateWhere({ id: increment.base.id }, update);
			}
		}
	},

	created(this: AnalyticsThis) {
		this.pending = new Map();
		this.flushTimer = null;
		this.flushing = Promise.resolve();
		this.marked = new Set();
	},

	started(this: AnalyticsThis) {
		this.sweptUntil = Date.now() - FIRST_SWEEP_LOOKBACK_MS;
		const sweep = () => this.sweep().catch((err: unknown) => this.logger.warn({ err }, "Analytics catch-up sweep failed"));
		this.sweepTimers = [setTimeout(sweep, 5_000), setInterval(sweep, SWEEP_INTERVAL_MS)];
		this.sweepTimers.forEach(t => t.unref());
	},

	async stopped(this: AnalyticsThis) {
		this.sweepTimers?.forEach(t => clearTimeout(t));
		await this.flushRollups();
	}
};

export default AnalyticsService;
