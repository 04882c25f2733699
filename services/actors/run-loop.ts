import type { ServiceBroker } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import { outboundPolicy } from "../../lib/outbound";
import type { Settings } from "../../lib/settings";
import { nowIso } from "../../lib/time";
import { callModel } from "../providers/adapters";
import { maskSecrets } from "../secrets/mask";
import { round6, type RunDoc, type StepDoc } from "../runtime/runs";

type Message = { role: "system" | "user" | "assistant" | "tool"; content: string; tool_calls?: ToolCall[]; tool_call_id?: string; name?: string };
type ToolCall = { id: string; name: string; arguments: Record<string, unknown> };
type ToolInfo = { id: string; name: string; description: string; input_schema: Record<string, unknown>; safety_level: string; available: boolean };
type RunError = { code: string; message: string };

/** What a run needs from the node executing it. */
export interface RunEnv {
	broker: ServiceBroker;
	nodeId: string;
	allowPrivateNetwork: boolean;
	settings(): Promise<Settings>;
	/** Registers the run's abort controller so cancellation and timeouts reach in-flight calls. */
	track(runId: string, controller: AbortController): () => void;
}

class RunStopped extends Error {
	constructor(
		readonly status: "failed" | "cancelled",
		readonly error: RunError | null
	) {
		super(error?.message ?? status);
	}
}

const fail = (code: string, message: string) => new RunStopped("failed", { code, message });

/**
 * Executes one run: claim it (or take it over after a lost node), rebuild the conversation from the
 * steps already recorded, then loop model → tool calls → model until an answer or `max_steps`.
 * Every step is persisted through the runtime service when it starts and when it ends.
 */
export async function executeRun(env: RunEnv, runId: string): Promise<void> {
	const { broker } = env;
	const claimed: { run: RunDoc; steps: StepDoc[]; replay_steps?: StepDoc[] } | null = await broker.call("runtime.claimRun", { run_id: runId, node_id: env.nodeId });
	if (!claimed) return;
	const { run } = claimed;
	const controller = new AbortController();
	const untrack = env.track(run.id, controller);
	const loop = new RunLoop(env, run, claimed.steps, claimed.replay_steps ?? [], controller);
	try {
		await loop.execute();
	} finally {
		untrack();
	}
}

class RunLoop {
	private readonly broker: ServiceBroker;
	private index: number;
	private llmCalls = 0;
	private totals = { tokens_input: 0, tokens_output: 0, cost_usd: 0 };
	private masks: string[] = [];
	private readonly replayUses = new Map<string, number>();

	constructor(
		private readonly env: RunEnv,
		private readonly run: RunDoc,
		private readonly steps: StepDoc[],
		private readonly replaySteps: StepDoc[],
		private readonly controller: AbortController
	) {
		this.broker = env.broker;
		this.index = steps.length ? Math.max(...steps.map(s => s.index)) + 1 : 0;
	}

	async execute(): Promise<void> {
		const run = this.run;
		let timer: NodeJS.Timeout | undefined;
		try {
			const found: any = await this.broker.call("agents.getForRun", { org_id: run.org_id, agent_id: run.agent_id, version: run.agent_version });
			if (!found) throw fail("INTERNAL_ERROR", "The agent of this run no longer exists");
			const config = found.config;
			const elapsed = run.started_at ? Date.now() - Date.parse(run.started_at) : 0;
			const remaining = Math.max(1, config.timeout_seconds * 1000 - elapsed);
			timer = setTimeout(() => this.controller.abort(fail("TIMEOUT", `The run exceeded the agent's timeout of ${config.timeout_seconds} s`)), remaining);
			const tools: ToolInfo[] = config.tools?.length ? await this.broker.call("tools.describe", { org_id: run.org_id, tool_ids: config.tools }) : [];
			const messages = await this.rebuild(config);
			const output = await this.loop(config, tools, messages);
			await this.finish("completed", { output: maskSecrets(output, this.masks) as string, error: null });
		} catch (err) {
			const stop = this.asStop(err);
			await this.finish(stop.status, { output: null, error: stop.error });
		} finally {
			clearTimeout(timer);
		}
	}

	private asStop(err: unknown): RunStopped {
		const reason = this.controller.signal.reason;
		if (reason instanceof RunStopped) return reason;
		if (err instanceof RunStopped) return err;
		const e = err as any;
		if (e?.type === "PROVIDER_ERROR" || e?.type === "PROVIDER_NOT_CONFIGURED") return fail(e.type, maskSecrets(e.message, this.masks) as string);
		this.broker.logger.error({ err, run_id: this.run.id }, "Run failed unexpectedly");
		return fail("INTERNAL_ERROR", "The run failed unexpectedly");
	}

	private async finish(status: "completed" | "failed" | "cancelled", fields: { output: string | null; error: RunError | null }) {
		if (this.controller.signal.reason instanceof RunStopped && this.controller.signal.reason.status === "cancelled") return;
		await this.broker.call("runtime.finishRun", {
			run_id: this.run.id,
			org_id: this.run.org_id,
			status,
			output: fields.output,
			error: fields.error,
			totals: { tokens_input: this.totals.tokens_input, tokens_output: this.totals.tokens_output, cost_usd: round6(this.totals.cost_usd) }
		});
	}

	/** The conversation so far: system prompt, input, then what the recorded steps say happened. */
	private async rebuild(config: any): Promise<Message[]> {
		const messages: Message[] = [];
		if (config.system_prompt) messages.push({ role: "system", content: config.system_prompt });
		messages.push({ role: "user", content: this.run.input });
		let pendingCalls: ToolCall[] = [];
		for (const step of this.steps) {
			if (step.type === "llm_call") {
				this.totals.tokens_input += step.tokens_input;
				this.totals.tokens_output += step.tokens_output;
				this.totals.cost_usd += step.cost_usd;
				this.llmCalls += 1;
				if (step.status === "running") {
					await this.record({ index: step.index, status: "failed", error: { code: "WORKER_LOST", message: "The node making this call stopped" }, completed_at: nowIso() });
					continue;
				}
				if (step.status !== "completed") continue;
				const out = step.output as { content: string; tool_calls: ToolCall[] };
				pendingCalls = [...(out.tool_calls ?? [])];
				messages.push({ role: "assistant", content: out.content ?? "", tool_calls: out.tool_calls });
			} else if (step.type === "tool_call") {
				const call = pendingCalls.shift();
				let result: unknown = step.error ? { error: step.error } : step.output;
				if (step.status === "running") {
					const lost = { code: "WORKER_LOST", message: "The node running this tool call stopped; it was not retried" };
					await this.record({ index: step.index, status: "failed", error: lost, completed_at: nowIso() });
					result = { error: lost };
				}
				if (call) messages.push({ role: "tool", content: JSON.stringify(result ?? null), tool_call_id: call.id, name: call.name });
			}
		}
		return messages;
	}

	private async loop(config: any, tools: ToolInfo[], messages: Message[]): Promise<string> {
		const byName = new Map(tools.map(t => [t.name, t]));
		const toolDefs = tools.filter(t => t.available).map(t => ({ name: t.name, description: t.description, input_schema: t.input_schema }));
		const settings = await this.env.settings();
		const policy = outboundPolicy(settings, this.env.allowPrivateNetwork);
		for (;;) {
			if (this.llmCalls >= config.max_steps) throw fail("MAX_STEPS_EXCEEDED", `The agent did not answer within max_steps (${config.max_steps}) model calls`);
			this.checkStopped();
			const resolved: any = await this.broker.call("providers.resolveModel", { org_id: this.run.org_id, model: config.model, agent_id: this.run.agent_id });
			this.masks.push(...(resolved.masks ?? []));
			const index = this.index++;
			const started = Date.now();
			this.llmCalls += 1;
			await this.record({ index, type: "llm_call", name: config.model, status: "running", model: config.model, input: { model: config.model, messages: maskSecrets(messages, this.masks) }, started_at: new Date(started).toISOString() });
			let result: any;
			try {
				result = await callModel(
					resolved.target,
					{ messages, tools: toolDefs, max_tokens: config.max_tokens, temperature: config.temperature },
					{ policy, signal: this.controller.signal, onToken: text => this.token(index, text) }
				);
			} catch (err: any) {
				const stop = this.asStop(err);
				await this.record({ index, status: "failed", error: stop.error, latency_ms: Date.now() - started, completed_at: nowIso() });
				throw stop;
			}
			const cost = round6((result.tokens_input / 1000) * resolved.prices.input_per_1k + (result.tokens_output / 1000) * resolved.prices.output_per_1k);
			this.totals.tokens_input += result.tokens_input;
			this.totals.tokens_output += result.tokens_output;
			this.totals.cost_usd += cost;
			const toolCalls: ToolCall[] = result.tool_calls ?? [];
			await this.record({
				index,
				status: "completed",
				output: maskSecrets({ content: result.content, tool_calls: toolCalls }, this.masks),
				tokens_input: result.tokens_input,
				tokens_output: result.tokens_output,
				cost_usd: cost,
				latency_ms: Date.now() - started,
				completed_at: nowIso()
			});
			if (this.run.max_cost_usd != null && this.totals.cost_usd > this.run.max_cost_usd) {
				throw fail("RUN_COST_LIMIT", `The run cost ${round6(this.totals.cost_usd)} USD, over its max_cost_usd of ${this.run.max_cost_usd}`);
			}
			messages.push({ role: "assistant", content: result.content ?? "", tool_calls: toolCalls.length ? toolCalls : undefined });
			if (!toolCalls.length) return result.content ?? "";
			for (const call of toolCalls) {
				this.checkStopped();
				const outcome = await this.callTool(call, byName.get(call.name));
				messages.push({ role: "tool", content: JSON.stringify(outcome), tool_call_id: call.id, name: call.name });
			}
		}
	}

	/** One tool call as a step; a failed call does not fail the run: the model gets the error. */
	private async callTool(call: ToolCall, tool: ToolInfo | undefined): Promise<unknown> {
		const index = this.index++;
		const started = Date.now();
		const base = { index, type: "tool_call" as const, name: call.name, tool_id: tool?.id ?? null, input: call.arguments, started_at: new Date(started).toISOString() };
		const end = async (status: StepDoc["status"], output: unknown, error: RunError | null) => {
			await this.record({ ...base, status, output, error, latency_ms: Date.now() - started, completed_at: nowIso() });
			return error ? { error } : output;
		};
		if (!tool) return end("failed", null, { code: "TOOL_NOT_ATTACHED", message: `The tool ${call.name} is not attached to this agent` });
		if (!tool.available) return end("failed", null, { code: "TOOL_UNAVAILABLE", message: `The tool ${call.name} is not available` });
		const replayed = this.replayed(call);
		if (replayed !== undefined) return end("completed", { ...(replayed as object), replayed: true }, null);
		const ids = { org_id: this.run.org_id, tool_id: tool.id, input: call.arguments, run_id: this.run.id, agent_id: this.run.agent_id };
		if (this.run.mode === "test" && tool.safety_level !== "safe") {
			await this.broker.call("tools.recordSimulated", { ...ids, step_id: `${this.run.id}:${index}` });
			return end("simulated", { simulated: true }, null);
		}
		if (tool.safety_level === "dangerous") {
			const gate: any = await callIfPresent(this.broker, "governance.requireApproval", { ...ids, step_index: index }, null);
			if (!gate) return end("denied", null, { code: "TOOL_BLOCKED", message: `${call.name} is dangerous: production calls need an approval, and no approval service is deployed` });
		}
		await this.record({ ...base, status: "running" });
		const result: any = await this.broker.call("tools.invoke", { ...ids, step_id: `${this.run.id}:${index}`, mode: this.run.mode }, { timeout: 0 });
		return end(result.status === "success" ? "completed" : "failed", result.output ?? null, result.error ?? null);
	}

	/** Replays (§2): the n-th call of a tool with identical input gets the original run's n-th output. */
	private replayed(call: ToolCall): unknown {
		if (!this.run.replay_tool_outputs || !this.replaySteps.length) return undefined;
		const key = `${call.name}:${JSON.stringify(call.arguments)}`;
		const n = this.replayUses.get(key) ?? 0;
		const matches = this.replaySteps.filter(s => s.type === "tool_call" && s.name === call.name && JSON.stringify(s.input) === JSON.stringify(call.arguments));
		if (n >= matches.length) return undefined;
		this.replayUses.set(key, n + 1);
		return matches[n].output ?? {};
	}

	private checkStopped(): void {
		if (this.controller.signal.aborted) throw this.controller.signal.reason instanceof RunStopped ? this.controller.signal.reason : fail("CANCELLED", "cancelled");
	}

	private async record(step: Partial<StepDoc> & { index: number }): Promise<void> {
		const res: any = await this.broker.call("runtime.recordStep", { run_id: this.run.id, org_id: this.run.org_id, step });
		if (res?.stopped) {
			if (!this.controller.signal.aborted) this.controller.abort(new RunStopped("cancelled", null));
			throw this.controller.signal.reason;
		}
	}

	private token(stepIndex: number, text: string): void {
		if (!text) return;
		this.broker.broadcast("runtime.run.event", { run_id: this.run.id, event: "token", data: { run_id: this.run.id, step_index: stepIndex, text: maskSecrets(text, this.masks) } }, { groups: ["runtime"] });
	}
}

export { RunStopped };
