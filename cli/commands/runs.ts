import type { Fluxgate } from "../../sdk/src";
import { CommandContext, resolveAgentId, UsageError } from "../context";
import { details, info, print, printJson, table } from "../output";
import { RunProgress } from "../progress";

export interface RunFlags {
	input?: string;
	mode?: string;
	follow?: boolean;
	agent?: string;
	status?: string;
	limit?: string;
	reason?: string;
}

const TERMINAL = new Set(["completed", "failed", "cancelled", "blocked"]);
const RUN_KEYS = ["id", "agent_id", "agent_version", "status", "mode", "trigger", "model", "input", "output", "error", "tokens_input", "tokens_output", "cost_usd", "latency_ms", "created_at", "completed_at"];

/** `fluxgate runs start <agent> --input <text> [--follow]`: exit code 1 when a followed run does not complete. */
export async function startRun(ctx: CommandContext, agent: string, flags: RunFlags): Promise<number> {
	if (flags.input === undefined) throw new UsageError("fluxgate runs start <agent> needs --input <text> (or --input - to read it from stdin)");
	if (flags.mode && flags.mode !== "test" && flags.mode !== "production") throw new UsageError("--mode is test or production");
	const input = flags.input === "-" ? await readStdin() : flags.input;
	const fg = await ctx.client();
	const run = await fg.POST("/api/v1/runtime/runs", {
		body: { agent_id: await resolveAgentId(fg, agent), input, ...(flags.mode ? { mode: flags.mode as "test" } : {}) }
	});
	if (!flags.follow) {
		if (ctx.out.json) printJson(ctx.out, run);
		else print(ctx.out, run.id);
		return 0;
	}
	if (!ctx.out.json) info(ctx.out, `Run ${run.id} queued (agent ${agent}, ${run.mode} mode)`);
	return follow(ctx, fg, run.id!);
}

export async function followRun(ctx: CommandContext, runId: string): Promise<number> {
	return follow(ctx, await ctx.client(), runId);
}

/** Streams the run to its end; with --json every event is one line of JSON on stdout. */
async function follow(ctx: CommandContext, fg: Fluxgate, runId: string): Promise<number> {
	const progress = ctx.out.json ? null : new RunProgress(ctx.out);
	let final: any = null;
	try {
		for await (const event of fg.runs.stream(runId)) {
			if (ctx.out.json) print(ctx.out, JSON.stringify(event));
			else progress!.onEvent(event);
			if (event.event === "run.completed" || event.event === "run.failed") final = event.data;
		}
	} finally {
		if (!final) progress?.stop();
	}
	if (!final) {
		final = await fg.GET("/api/v1/runtime/runs/{run_id}", { params: { path: { run_id: runId } } });
		if (!TERMINAL.has(final.status)) throw new Error(`The stream of run ${runId} closed while it is ${final.status}; follow it again with \`fluxgate runs follow ${runId}\``);
	}
	if (progress) {
		progress.finish(final);
		if (final.output) print(ctx.out, final.output);
	}
	return final.status === "completed" ? 0 : 1;
}

export async function listRuns(ctx: CommandContext, flags: RunFlags): Promise<void> {
	const fg = await ctx.client();
	const query = { agent_id: flags.agent ? await resolveAgentId(fg, flags.agent) : undefined, status: flags.status as any, limit: flags.limit ? Number(flags.limit) : 20 };
	const page = await fg.GET("/api/v1/runtime/runs", { params: { query } });
	if (ctx.out.json) return void printJson(ctx.out, page);
	table(ctx.out, page.items as Record<string, unknown>[], ["id", "agent_id", "status", "mode", "trigger", "tokens_output", "cost_usd", "created_at"]);
}

export async function getRun(ctx: CommandContext, runId: string): Promise<void> {
	const fg = await ctx.client();
	const run = await fg.GET("/api/v1/runtime/runs/{run_id}", { params: { path: { run_id: runId } } });
	const steps = await fg.GET("/api/v1/runtime/runs/{run_id}/steps", { params: { path: { run_id: runId }, query: { limit: 200 } } });
	if (ctx.out.json) return void printJson(ctx.out, { ...run, steps: steps.items });
	details(ctx.out, run as Record<string, unknown>, RUN_KEYS);
	if (steps.items.length) {
		print(ctx.out);
		table(ctx.out, steps.items as Record<string, unknown>[], ["index", "type", "name", "status", "tokens_input", "tokens_output", "latency_ms"]);
	}
}

export async function cancelRun(ctx: CommandContext, runId: string, flags: RunFlags): Promise<void> {
	const fg = await ctx.client();
	const run = await fg.POST("/api/v1/runtime/runs/{run_id}/cancel", { params: { path: { run_id: runId } }, body: flags.reason ? { reason: flags.reason } : {} });
	if (ctx.out.json) return void printJson(ctx.out, run);
	info(ctx.out, `Run ${runId} is ${run.status}`);
}

async function readStdin(): Promise<string> {
	let text = "";
	for await (const chunk of process.stdin) text += chunk;
	return text;
}
