import type { Context } from "moleculer";
import type { Schema } from "../../lib/schema";
import type { Filter } from "../../lib/store";
import { listOptions } from "../../lib/validation";
import { bucketStartOf, fillBuckets, type CostBucket } from "../agents/costs";
import { RUN_INPUT, type RuntimeThis } from "./model";
import { presentRun, presentStep, round6, runFilter, TERMINAL, type RunDoc } from "./runs";

async function withSteps(service: RuntimeThis, run: RunDoc) {
	const steps = await service.repos.steps.forOrg(run.org_id).find({ run_id: run.id }, { sort: { index: 1 } });
	return { run: presentRun(run), steps: steps.map(presentStep) };
}

/** Internal actions other modules call: start and await runs, and the run reads of schedules, analytics, cost, lifecycle and admin. */
export const moduleActions: NonNullable<Schema<RuntimeThis>["actions"]> = {
	/**
	 * Starts a run on behalf of a module, under every acceptance rule of a run started through the
	 * API (§2). A budget refusal stores the `blocked` run and throws BUDGET_EXCEEDED with its id.
	 */
	startRun: {
		visibility: "public",
		params: {
			org_id: "string",
			...RUN_INPUT,
			// A schedule's input may be empty (§7).
			input: { type: "string", max: 100000 },
			trigger: { type: "enum", values: ["api", "schedule", "event", "chat", "workflow", "coordination", "public"] },
			trigger_ref: { type: "string", optional: true, nullable: true },
			parent_run_id: { type: "string", optional: true, nullable: true },
			created_by: { type: "string", optional: true, nullable: true },
			wait: { type: "boolean", optional: true },
			timeout_ms: { type: "number", integer: true, min: 1, optional: true }
		},
		async handler(this: RuntimeThis, ctx: Context<any>) {
			const p = ctx.params;
			const run = await this.accept(ctx, p.org_id, p.created_by ?? null, p);
			if (!p.wait) return presentRun(run);
			return presentRun((await this.waitForTerminal(run, p.timeout_ms ?? 60_000)) ?? run);
		}
	},

	/** The run once it is terminal, or as it is when `timeout_ms` passes first. */
	awaitRun: {
		visibility: "public",
		params: { org_id: "string", run_id: "string", timeout_ms: { type: "number", integer: true, min: 1, optional: true } },
		async handler(this: RuntimeThis, ctx: Context<{ org_id: string; run_id: string; timeout_ms?: number }>) {
			const run = await this.repos.runs.forOrg(ctx.params.org_id).get(ctx.params.run_id);
			if (!run) return null;
			if (TERMINAL.has(run.status)) return presentRun(run);
			return presentRun((await this.waitForTerminal(run, ctx.params.timeout_ms ?? 60_000)) ?? run);
		}
	},

	/** Runs of one org by the run-list filters (§2), e.g. a schedule's runs by trigger and trigger_ref. */
	findRuns: {
		visibility: "public",
		params: { org_id: "string", filter: "object", limit: { type: "number", optional: true }, offset: { type: "number", optional: true }, order: { type: "string", optional: true } },
		async handler(this: RuntimeThis, ctx: Context<any>) {
			const { org_id, filter, ...page } = ctx.params;
			const { trigger_ref, ...rest } = filter;
			const where: Filter = { ...runFilter(rest), ...(trigger_ref !== undefined ? { trigger_ref } : {}) };
			const found = await this.repos.runs.forOrg(org_id).list(where, listOptions(page));
			return { ...found, items: found.items.map(presentRun) };
		}
	},

	abMetrics: {
		visibility: "public",
		params: { org_id: "string", ab_test_id: "string" },
		async handler(this: RuntimeThis, ctx: Context<{ org_id: string; ab_test_id: string }>) {
			const runs = await this.repos.runs.forOrg(ctx.params.org_id).find({ ab_test_id: ctx.params.ab_test_id });
			const of = (variant: "a" | "b") => {
				const mine = runs.filter(r => r.ab_variant === variant);
				const done = mine.filter(r => r.status === "completed" || r.status === "failed");
				const avg = (f: (r: RunDoc) => number) => (done.length ? done.reduce((sum, r) => sum + f(r), 0) / done.length : 0);
				return {
					runs: mine.length,
					completed: done.filter(r => r.status === "completed").length,
					failed: done.filter(r => r.status === "failed").length,
					avg_latency_ms: Math.round(avg(r => r.latency_ms)),
					avg_cost_usd: round6(avg(r => r.cost_usd)),
					avg_tokens: Math.round(avg(r => r.tokens_input + r.tokens_output))
				};
			};
			return { a: of("a"), b: of("b") };
		}
	},

	/** A run and its steps (index ascending), or null: read once per finished run by analytics and intelligence. */
	runDetail: {
		visibility: "public",
		params: { org_id: "string", run_id: "string" },
		async handler(this: RuntimeThis, ctx: Context<{ org_id: string; run_id: string }>) {
			const run = await this.repos.runs.forOrg(ctx.params.org_id).get(ctx.params.run_id);
			return run ? withSteps(this, run) : null;
		}
	},

	/** The same for an operator (the REPL's `run` command): finds the run in any org, and names the node that executes it. */
	operatorRunDetail: {
		visibility: "public",
		params: { run_id: "string" },
		async handler(this: RuntimeThis, ctx: Context<{ run_id: string }>) {
			const run = await this.repos.runs.platformWide().get(ctx.params.run_id);
			return run ? { ...(await withSteps(this, run)), node_id: run.lease_owner } : null;
		}
	},

	/** Runs of every org that ended in [since, until), oldest first: analytics catches up on missed run events. */
	finishedBetween: {
		visibility: "public",
		params: { since: "string", until: "string", limit: { type: "number", integer: true, min: 1, max: 5000, optional: true } },
		async handler(this: RuntimeThis, ctx: Context<{ since: string; until: string; limit?: number }>) {
			const { since, until, limit } = ctx.params;
			const runs = await this.repos.runs.platformWide().find({ completed_at: { $gte: since, $lt: until } }, { sort: { completed_at: 1, id: 1 }, limit: limit ?? 1000 });
			return runs.map(presentRun);
		}
	},

	/** One row per completed model call, for cost reports (§11). */
	costRows: {
		visibility: "public",
		params: { org_id: "string", start: "string", end: "string", agent_id: { type: "string", optional: true } },
		async handler(this: RuntimeThis, ctx: Context<{ org_id: string; start: string; end: string; agent_id?: string }>) {
			const { org_id, start, end, agent_id } = ctx.params;
			const filter: Filter = { created_at: { $gte: start, $lt: end } };
			if (agent_id) filter.agent_id = agent_id;
			const runs = await this.repos.runs.forOrg(org_id).find(filter);
			if (!runs.length) return [];
			const byId = new Map(runs.map(r => [r.id, r]));
			const steps = await this.repos.steps.forOrg(org_id).find({ run_id: { $in: [...byId.keys()] }, type: "llm_call", status: "completed" });
			return steps.map(step => {
				const input = (step.input ?? {}) as Record<string, any>;
				const run = byId.get(step.run_id) as RunDoc;
				return {
					run_id: step.run_id,
					agent_id: run.agent_id,
					step_index: step.index,
					model: step.model ?? step.name,
					provider: input.provider ?? null,
					original_model: input.original_model ?? null,
					cost_rule_id: input.cost_rule_id ?? null,
					cost_usd: step.cost_usd,
					savings_usd: input.savings_usd ?? 0,
					tokens_input: step.tokens_input,
					tokens_output: step.tokens_output,
					created_at: step.created_at
				};
			});
		}
	},

	cancelQueuedForAgent: {
		visibility: "public",
		params: { org_id: "string", agent_id: "string", code: { type: "string", optional: true } },
		async handler(this: RuntimeThis, ctx: Context<{ org_id: string; agent_id: string; code?: string }>) {
			const queued = await this.repos.runs.forOrg(ctx.params.org_id).find({ agent_id: ctx.params.agent_id, status: "queued" });
			const code = ctx.params.code ?? "CANCELLED";
			for (const run of queued) await this.finish(run, "cancelled", { error: { code, message: code === "AGENT_ARCHIVED" ? "The agent was archived" : "cancelled" } }, ["queued"]);
			return queued.length;
		}
	},

	costBuckets: {
		visibility: "public",
		params: { org_id: "string", agent_id: "string", granularity: { type: "enum", values: ["day", "month"] }, start: "string", end: "string" },
		async handler(this: RuntimeThis, ctx: Context<any>) {
			const { org_id, agent_id, granularity, start, end } = ctx.params;
			const runs = await this.repos.runs.forOrg(org_id).find({ agent_id, created_at: { $gte: start, $lt: end } });
			const sums: Record<string, CostBucket> = {};
			for (const run of runs) {
				const key = bucketStartOf(granularity, run.created_at).toISOString();
				const b = (sums[key] ??= { period_start: key, cost_usd: 0, runs: 0, tokens_input: 0, tokens_output: 0 });
				b.cost_usd = round6(b.cost_usd + run.cost_usd);
				b.runs += 1;
				b.tokens_input += run.tokens_input;
				b.tokens_output += run.tokens_output;
			}
			const total = round6(runs.reduce((sum, r) => sum + r.cost_usd, 0));
			return { total_cost_usd: total, items: fillBuckets(granularity, start, end, sums) };
		}
	},

	/** Per agent: queued and running runs, and the p99 latency of runs that ended in the last 5 minutes (§15 metrics). */
	agentLoad: {
		visibility: "public",
		params: { org_id: { type: "string", optional: true } },
		async handler(this: RuntimeThis, ctx: Context<{ org_id?: string }>) {
			const runs = ctx.params.org_id ? this.repos.runs.forOrg(ctx.params.org_id) : this.repos.runs.platformWide();
			const since = new Date(Date.now() - 5 * 60 * 1000).toISOString();
			const [active, recent] = await Promise.all([
				runs.find({ status: { $in: ["queued", "running"] } }),
				runs.find({ status: { $in: ["completed", "failed"] }, completed_at: { $gte: since } })
			]);
			const load: Record<string, { org_id: string; queued: number; running: number; latency_p99: number | null }> = {};
			const of = (r: RunDoc) => (load[r.agent_id] ??= { org_id: r.org_id, queued: 0, running: 0, latency_p99: null });
			for (const run of active) of(run)[run.status === "queued" ? "queued" : "running"] += 1;
			const latencies = new Map<string, { run: RunDoc; values: number[] }>();
			for (const run of recent) {
				const entry = latencies.get(run.agent_id);
				if (entry) entry.values.push(run.latency_ms);
				else latencies.set(run.agent_id, { run, values: [run.latency_ms] });
			}
			for (const { run, values } of latencies.values()) {
				values.sort((a, b) => a - b);
				of(run).latency_p99 = values[Math.min(values.length - 1, Math.ceil(values.length * 0.99) - 1)];
			}
			return load;
		}
	},

	stats: {
		visibility: "public",
		async handler(this: RuntimeThis) {
			const runs = this.repos.runs.platformWide();
			const since = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
			const recent = await runs.find({ created_at: { $gte: since } });
			return {
				runs_total: await runs.count(),
				runs_last_24h: recent.length,
				runs_running: await runs.count({ status: "running" }),
				runs_queued: await runs.count({ status: "queued" }),
				tokens_last_24h: recent.reduce((s, r) => s + r.tokens_input + r.tokens_output, 0),
				cost_usd_last_24h: round6(recent.reduce((s, r) => s + r.cost_usd, 0))
			};
		}
	},
};
