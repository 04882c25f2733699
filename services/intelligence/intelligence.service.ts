import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { FluxError } from "../../lib/errors";
import { exactFilters } from "../../lib/filters";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import type { Repository } from "../../lib/store";
import { dateTime, LIST_QUERY, listOptions, query, withBodyChecks } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { reportWindow } from "../analytics/reports";
import { AnomalyJob } from "./anomaly-job";
import {
	ANOMALY_METRICS, ANOMALY_STATUSES, DIMENSIONS, EVALUATORS, INSIGHT_SEVERITIES, INSIGHT_TYPES, INTELLIGENCE_SCHEMAS, presentAnomaly,
	presentEvaluation, presentInsight, presentRecommendation, RECOMMENDATION_CATEGORIES,
	type AnomalyDoc, type Dimensions, type EvaluationDoc, type InsightDoc, type RecommendationDoc
} from "./model";
import { InsightsJob } from "./insights-job";
import { averages, heuristicScores, judgeMessages, meanOf, parseJudgeAnswer } from "./scoring";

interface RefreshDoc {
	id: string;
	org_id: string;
	generated_at: string;
	created_at: string;
	updated_at: string;
}

export interface IntelligenceThis extends PlatformThis {
	repos: {
		intel_evaluations: Repository<EvaluationDoc>;
		intel_anomalies: Repository<AnomalyDoc>;
		intel_insights: Repository<InsightDoc>;
		intel_recommendations: Repository<RecommendationDoc>;
		intel_refreshes: Repository<RefreshDoc>;
	};
	anomalyJob: AnomalyJob;
	insightsJob: InsightsJob;
	timers: NodeJS.Timeout[];
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal }>;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MAX_DAILY_POINTS = 1000;
const UNIT = { type: "number", min: 0, max: 1 };
const WINDOW = { start: dateTime({ optional: true }), end: dateTime({ optional: true }) };

/** §16 row 3: what each evaluator needs besides the run. */
function evaluateProblems(body: Record<string, any>) {
	const problems: { field: string; message: string }[] = [];
	const evaluator = body.evaluator ?? "heuristic";
	if (evaluator === "llm_judge" && (typeof body.judge_model !== "string" || !body.judge_model)) problems.push({ field: "judge_model", message: "is required for the llm_judge evaluator" });
	if (evaluator === "human") {
		if (body.score == null) problems.push({ field: "score", message: "is required for the human evaluator" });
		if (body.dimensions == null) problems.push({ field: "dimensions", message: "is required for the human evaluator" });
		const dims = body.dimensions;
		const complete = dims && typeof dims === "object" && DIMENSIONS.every(d => typeof dims[d] === "number" && dims[d] >= 0 && dims[d] <= 1);
		if (complete && typeof body.score === "number" && Math.abs(body.score - meanOf(dims)) > 0.01) {
			problems.push({ field: "score", message: `must equal the mean of dimensions (${meanOf(dims)}) within 0.01` });
		}
	}
	return problems;
}

const IntelligenceService: Schema<IntelligenceThis> = {
	name: "intelligence",
	mixins: [
		StoreMixin({
			intel_evaluations: [{ fields: ["run_id"] }, { fields: ["agent_id"] }, { fields: ["ab_test_id"] }],
			intel_anomalies: [{ fields: ["org_id", "agent_id", "metric", "window_start"], unique: true }, { fields: ["status"] }],
			intel_insights: [{ fields: ["agent_id"] }],
			intel_recommendations: [{ fields: ["agent_id"] }],
			intel_refreshes: [{ fields: ["org_id"], unique: true }]
		})
	],
	settings: { rest: "/intelligence" },
	metadata: { schemas: INTELLIGENCE_SCHEMAS },

	actions: {
		qualityScores: {
			rest: "GET /quality-scores",
			access: ["intelligence:read"],
			openapi: { summary: "Average quality per agent over a window", response: "List:QualityScore" },
			params: { ...LIST_QUERY, agent_id: query({ type: "string", max: 64 }), ...WINDOW },
			async handler(this: IntelligenceThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const window = reportWindow(ctx.params);
				const evaluations = await this.evaluationsIn(orgId, window, exactFilters(ctx.params, ["agent_id"]));
				const byAgent = new Map<string, EvaluationDoc[]>();
				for (const e of evaluations) byAgent.set(e.agent_id, [...(byAgent.get(e.agent_id) ?? []), e]);
				const rows = [...byAgent].map(([agentId, list]) => ({ agent_id: agentId, ...averages(list) }));
				rows.sort((a, b) => (b.avg_score as number) - (a.avg_score as number) || a.agent_id.localeCompare(b.agent_id));
				if (ctx.params.order === "asc") rows.reverse();
				const { limit, offset } = listOptions(ctx.params);
				const items = await Promise.all(
					rows.slice(offset, offset + limit).map(async row => {
						const agent: any = await callIfPresent(this.broker, "agents.get", { org_id: orgId, agent_id: row.agent_id }, null, ctx);
						return {
							agent_id: row.agent_id,
							agent_name: agent?.name ?? null,
							evaluated_runs: row.evaluated_runs,
							avg_score: row.avg_score,
							dimensions: row.dimensions,
							period_start: window.start,
							period_end: window.end
						};
					})
				);
				return { items, total: rows.length, limit, offset };
			}
		},

		agentQuality: {
			rest: "GET /agents/:agent_id",
			access: ["intelligence:read"],
			openapi: { summary: "Quality of one agent: averages, per version, per day, open anomalies", response: "AgentQuality" },
			params: { agent_id: "string", ...WINDOW },
			async handler(this: IntelligenceThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const agentId = ctx.params.agent_id;
				const window = reportWindow(ctx.params);
				const firstDay = Date.parse(`${window.start.slice(0, 10)}T00:00:00.000Z`);
				const days = Math.ceil((Date.parse(window.end) - firstDay) / DAY_MS);
				if (days > MAX_DAILY_POINTS) throw errors.fieldError("start", `the window spans ${days} days; at most ${MAX_DAILY_POINTS} are allowed`);
				if (!(await callIfPresent(this.broker, "agents.exists", { org_id: orgId, agent_id: agentId }, false, ctx))) throw errors.notFound("Agent");
				const evaluations = await this.evaluationsIn(orgId, window, { agent_id: agentId });
				const group = (key: (e: EvaluationDoc) => string | number) => {
					const groups = new Map<string | number, EvaluationDoc[]>();
					for (const e of evaluations) groups.set(key(e), [...(groups.get(key(e)) ?? []), e]);
					return groups;
				};
				const byVersion = [...group(e => e.agent_version)]
					.map(([version, list]) => {
						const a = averages(list);
						return { version: version as number, evaluated_runs: a.evaluated_runs, avg_score: a.avg_score };
					})
					.sort((a, b) => a.version - b.version);
				const byDay = group(e => e.created_at.slice(0, 10));
				const daily = Array.from({ length: days }, (_, i) => {
					const date = new Date(firstDay + i * DAY_MS).toISOString().slice(0, 10);
					const a = averages(byDay.get(date) ?? []);
					return { date, evaluated_runs: a.evaluated_runs, avg_score: a.avg_score };
				});
				return {
					agent_id: agentId,
					period_start: window.start,
					period_end: window.end,
					...averages(evaluations),
					by_version: byVersion,
					daily,
					open_anomalies: await this.repos.intel_anomalies.forOrg(orgId).count({ agent_id: agentId, status: "open" })
				};
			}
		},

		evaluate: {
			rest: "POST /evaluate",
			access: ["intelligence:write"],
			audit: { action: "evaluation.create" },
			openapi: { summary: "Score a completed run (heuristic, llm_judge or human)", status: 201, response: "Evaluation" },
			params: {
				run_id: withBodyChecks({ type: "string", min: 1, max: 64 }, evaluateProblems),
				evaluator: { type: "enum", values: [...EVALUATORS], optional: true },
				judge_model: { type: "string", min: 1, max: 200, optional: true, nullable: true },
				score: { ...UNIT, optional: true, nullable: true },
				dimensions: { type: "object", optional: true, nullable: true, props: Object.fromEntries(DIMENSIONS.map(d => [d, UNIT])) },
				rationale: { type: "string", max: 2000, optional: true, nullable: true }
			},
			async handler(this: IntelligenceThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				const evaluator = p.evaluator ?? "heuristic";
				if (evaluator === "llm_judge" && !(await callIfPresent(this.broker, "providers.modelExists", { org_id: orgId, model: p.judge_model }, false, ctx))) {
					throw errors.fieldError("judge_model", "is not a model of the catalogue (GET /api/v1/providers/models)");
				}
				const detail: any = await callIfPresent(this.broker, "runtime.runDetail", { org_id: orgId, run_id: p.run_id }, null, ctx);
				if (!detail) throw errors.referenceNotFound("run_id", "Run");
				const run = detail.run;
				if (run.status !== "completed") {
					throw errors.conflict("RUN_NOT_FINISHED", `Only completed runs can be evaluated; this run is ${run.status}`, { current: run.status });
				}
				const failedTools = detail.steps.filter((s: any) => s.type === "tool_call" && s.status === "failed").length;
				const scored = await this.score(ctx, evaluator, run, failedTools);
				const doc = await this.repos.intel_evaluations.forOrg(orgId).insert({
					id: newId("eval"),
					run_id: run.id,
					agent_id: run.agent_id,
					agent_version: run.agent_version,
					evaluator,
					judge_model: evaluator === "llm_judge" ? p.judge_model : null,
					score: meanOf(scored.dimensions),
					dimensions: scored.dimensions,
					rationale: p.rationale ?? scored.rationale,
					created_by: ctx.meta.principal.id ?? null,
					ab_test_id: run.ab_test_id ?? null,
					ab_variant: run.ab_variant ?? null
				});
				return presentEvaluation(doc);
			}
		},

		listEvaluations: {
			rest: "GET /evaluations",
			access: ["intelligence:read"],
			openapi: { summary: "List evaluations", response: "List:Evaluation" },
			params: {
				...LIST_QUERY,
				run_id: query({ type: "string", max: 64 }),
				agent_id: query({ type: "string", max: 64 }),
				evaluator: query({ type: "enum", values: [...EVALUATORS] })
			},
			async handler(this: IntelligenceThis, ctx: Ctx) {
				return this.page(ctx, this.repos.intel_evaluations, ["run_id", "agent_id", "evaluator"], presentEvaluation);
			}
		},

		listInsights: {
			rest: "GET /insights",
			access: ["intelligence:read"],
			openapi: { summary: "List insights (regenerated daily)", response: "List:Insight" },
			params: {
				...LIST_QUERY,
				agent_id: query({ type: "string", max: 64 }),
				type: query({ type: "enum", values: [...INSIGHT_TYPES] }),
				severity: query({ type: "enum", values: [...INSIGHT_SEVERITIES] })
			},
			async handler(this: IntelligenceThis, ctx: Ctx) {
				await this.insightsJob.ensureFresh(ctx, ctx.meta.principal.org_id);
				return this.page(ctx, this.repos.intel_insights, ["agent_id", "type", "severity"], presentInsight);
			}
		},

		listAnomalies: {
			rest: "GET /anomalies",
			access: ["intelligence:read"],
			openapi: { summary: "List anomalies (detected hourly)", response: "List:Anomaly" },
			params: {
				...LIST_QUERY,
				agent_id: query({ type: "string", max: 64 }),
				metric: query({ type: "enum", values: [...ANOMALY_METRICS] }),
				status: query({ type: "enum", values: [...ANOMALY_STATUSES] })
			},
			async handler(this: IntelligenceThis, ctx: Ctx) {
				return this.page(ctx, this.repos.intel_anomalies, ["agent_id", "metric", "status"], presentAnomaly);
			}
		},

		listRecommendations: {
			rest: "GET /recommendations",
			access: ["intelligence:read"],
			openapi: { summary: "List recommendations (regenerated daily)", response: "List:Recommendation" },
			params: {
				...LIST_QUERY,
				agent_id: query({ type: "string", max: 64 }),
				category: query({ type: "enum", values: [...RECOMMENDATION_CATEGORIES] })
			},
			async handler(this: IntelligenceThis, ctx: Ctx) {
				await this.insightsJob.ensureFresh(ctx, ctx.meta.principal.org_id);
				return this.page(ctx, this.repos.intel_recommendations, ["agent_id", "category"], presentRecommendation);
			}
		},

		// Internal actions.

		/** Average score of an agent's evaluations created in [start, end) (analytics' avg_quality_score); null when none. */
		averageScore: {
			visibility: "public",
			params: { org_id: "string", agent_id: "string", start: "string", end: "string" },
			async handler(this: IntelligenceThis, ctx: Context<{ org_id: string; agent_id: string; start: string; end: string }>) {
				const { org_id, agent_id, start, end } = ctx.params;
				return averages(await this.evaluationsIn(org_id, { start, end }, { agent_id })).avg_score;
			}
		},

		/** Average score per variant of an A/B test (§5 avg_quality_score); null for a variant without evaluations. */
		abScores: {
			visibility: "public",
			params: { org_id: "string", ab_test_id: "string" },
			async handler(this: IntelligenceThis, ctx: Context<{ org_id: string; ab_test_id: string }>) {
				const list = await this.repos.intel_evaluations.forOrg(ctx.params.org_id).find({ ab_test_id: ctx.params.ab_test_id });
				return { a: averages(list.filter(e => e.ab_variant === "a")).avg_score, b: averages(list.filter(e => e.ab_variant === "b")).avg_score };
			}
		},

		/** The hourly anomaly detection for the hour before `now` (default: the last complete hour), every org. */
		detectAnomalies: {
			visibility: "public",
			params: { now: { type: "string", optional: true } },
			handler(this: IntelligenceThis, ctx: Context<{ now?: string }>) {
				return this.anomalyJob.run(ctx, ctx.params.now ? Date.parse(ctx.params.now) : Date.now());
			}
		},

		/** Regenerates an org's insights and recommendations now (they are otherwise regenerated daily). */
		refreshInsights: {
			visibility: "public",
			params: { org_id: "string", now: { type: "string", optional: true } },
			handler(this: IntelligenceThis, ctx: Context<{ org_id: string; now?: string }>) {
				return this.insightsJob.regenerate(ctx, ctx.params.org_id, ctx.params.now ? Date.parse(ctx.params.now) : Date.now());
			}
		}
	},

	methods: {
		evaluationsIn(this: IntelligenceThis, orgId: string, window: { start: string; end: string }, filter: Record<string, unknown>) {
			return this.repos.intel_evaluations.forOrg(orgId).find({ ...filter, created_at: { $gte: window.start, $lt: window.end } });
		},

		async page(this: IntelligenceThis, ctx: Ctx, repo: Repository<any>, filters: string[], present: (doc: any) => unknown) {
			const found = await repo.forOrg(ctx.meta.principal.org_id).list(exactFilters(ctx.params, filters), listOptions(ctx.params));
			return { ...found, items: found.items.map(present) };
		},

		async score(this: IntelligenceThis, ctx: Ctx, evaluator: string, run: any, failedTools: number): Promise<{ dimensions: Dimensions; rationale: string }> {
			const p = ctx.params;
			if (evaluator === "human") return { dimensions: p.dimensions, rationale: "" };
			const counts: any = await callIfPresent(this.broker, "governance.counts", { org_id: run.org_id, run_id: run.id }, { run_violations: 0 }, ctx);
			const heuristic = heuristicScores(run.input, run.output ?? "", failedTools, counts.run_violations ?? 0);
			if (evaluator === "heuristic") return heuristic;
			return this.judge(ctx, run, heuristic.dimensions);
		},

		/** `llm_judge`: one model call through the provider layer, its cost charged to org budgets. */
		async judge(this: IntelligenceThis, ctx: Ctx, run: any, reference: Dimensions): Promise<{ dimensions: Dimensions; rationale: string }> {
			let answer: any;
			try {
				answer = await ctx.call("providers.complete", {
					org_id: run.org_id,
					model: ctx.params.judge_model,
					request: { messages: judgeMessages(run.input, run.output ?? "", reference), max_tokens: 400, temperature: 0 }
				});
			} catch (err: any) {
				throw new FluxError(503, "PROVIDER_ERROR", `The judge model call failed: ${err instanceof FluxError ? err.message : "the provider did not answer"}`);
			}
			if (answer.cost_usd > 0) await callIfPresent(this.broker, "budgets.recordSpend", { org_id: run.org_id, agent_id: null, actual_usd: answer.cost_usd }, null, ctx);
			const parsed = parseJudgeAnswer(String(answer.content ?? ""));
			if (!parsed) throw new FluxError(503, "PROVIDER_ERROR", "The judge model did not answer with the four scores as JSON");
			const label = answer.is_mock ? "offline mock judge (echoes the reference assessment)" : `judged by ${ctx.params.judge_model}`;
			return { dimensions: parsed.dimensions, rationale: parsed.rationale ? `${parsed.rationale} (${label})` : label };
		}
	},

	created(this: IntelligenceThis) {
		this.anomalyJob = new AnomalyJob(this);
		this.insightsJob = new InsightsJob(this);
	},

	started(this: IntelligenceThis) {
		const detect = () => this.anomalyJob.run(null, Date.now()).catch((err: unknown) => this.logger.warn({ err }, "Anomaly detection failed"));
		// A minute past each hour, so runs of the hour that just ended have been counted.
		const untilNextHour = HOUR_MS - (Date.now() % HOUR_MS) + 60_000;
		const first = setTimeout(() => {
			detect();
			const hourly = setInterval(detect, HOUR_MS);
			hourly.unref();
			this.timers.push(hourly);
		}, untilNextHour);
		first.unref();
		this.timers = [first];
	},

	stopped(this: IntelligenceThis) {
		this.timers?.forEach(t => clearTimeout(t));
	}
};

export default IntelligenceService;
