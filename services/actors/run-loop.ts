import type { ServiceBroker } from "moleculer";
import { outboundPolicy } from "../../lib/outbound";
import type { Settings } from "../../lib/settings";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import { callModel } from "../providers/adapters";
import { maskSecrets } from "../secrets/mask";
import { round6, type RunDoc, type StepDoc } from "../runtime/runs";
import { conversationPrefix } from "./conversation";
import { CoordinationTools } from "./coordination-tools";
import { addRunContext, storeEpisodicMemory } from "./context-steps";
import { Guards, type GovernanceDecision } from "./guards";

type Message = { role: "system" | "user" | "assistant" | "tool"; content: string; tool_calls?: ToolCall[]; tool_call_id?: string; name?: string };
type ToolCall = { id: string; name: string; arguments: Record<string, unknown> };
type ToolInfo = { id: string; name: string; description: string; input_schema: Record<string, unknown>; safety_level: string; available: boolean };
type RunError = { code: string; message: string };
type EndStatus = "completed" | "failed" | "cancelled" | "blocked";

/** What a run needs from the node executing it. */
export interface RunEnv {
	broker: ServiceBroker;
	nodeId: string;
	allowPrivateNetwork: boolean;
	settings(): Promise<Settings>;
	/** Registers the run's abort controller so cancellation and timeouts reach in-flight calls. */
	track(runId: string, controller: AbortController): () => void;
}

/** Ends the run's execution here: terminal (`status`) or parked waiting for a human (`parked`). */
class RunStopped extends Error {
	constructor(
		readonly status: EndStatus | "parked",
		readonly error: RunError | null
	) {
		super(error?.message ?? status);
	}
}

const fail = (code: string, message: string) => new RunStopped("failed", { code, message });
const blocked = (code: string, message: string) => new RunStopped("blocked", { code, message });
const estimateTokens = (chars: number) => Math.ceil(chars / 4);
const charsOf = (messages: Message[]) => messages.reduce((n, m) => n + (m.content?.length ?? 0), 0);

/**
 * Executes one run: claim it (or take it over after a lost node), rebuild the conversation from the
 * steps already recorded, then loop model → tool calls → model until an answer or `max_steps`, with
 * governance, budgets and cost rules consulted before every model and tool call. Every step is
 * persisted through the runtime service when it starts and when it ends.
 */
export async function executeRun(env: RunEnv, runId: string): Promise<void> {
	const claimed: { run: RunDoc; steps: StepDoc[]; replay_steps?: StepDoc[] } | null = await env.broker.call("runtime.claimRun", { run_id: runId, node_id: env.nodeId });
	if (!claimed) return;
	const controller = new AbortController();
	const untrack = env.track(claimed.run.id, controller);
	try {
		await new RunLoop(env, claimed.run, claimed.steps, claimed.replay_steps ?? [], controller).execute();
	} finally {
		untrack();
	}
}

class RunLoop {
	private readonly broker: ServiceBroker;
	private readonly guards: Guards;
	private index: number;
	private llmCalls = 0;
	private totals = { tokens_input: 0, tokens_output: 0, cost_usd: 0, savings_usd: 0 };
	private masks: string[] = [];
	private readonly replayUses = new Map<string, number>();
	private input: string;
	/** Tool calls the model asked for that have not run yet (after a resume). */
	private pendingCalls: ToolCall[] = [];
	/** Approval decisions recorded on `approval` steps, by tool call id. */
	private readonly approvals = new Map<string, string>();
	private inputChecked = false;
	private finalOutput: string | null = null;
	private streamTokens = true;
	/** The step recorded last, for escalation conditions on tool calls. */
	private lastStep: { type: string; name: string; status: string } | null = null;
	/** send_message / delegate_task, when the agent is the source of a trust policy (§6). */
	private coordination: CoordinationTools | null = null;

	constructor(
		private readonly env: RunEnv,
		private readonly run: RunDoc,
		private readonly steps: StepDoc[],
		private readonly replaySteps: StepDoc[],
		private readonly controller: AbortController
	) {
		this.broker = env.broker;
		this.guards = new Guards(env.broker, run.org_id, run.agent_id, run.id);
		this.index = steps.length ? Math.max(...steps.map(s => s.index)) + 1 : 0;
		this.input = run.input;
	}

	async execute(): Promise<void> {
		const run = this.run;
		let timer: NodeJS.Timeout | undefined;
		try {
			const found: any = await this.broker.call("agents.getForRun", { org_id: run.org_id, agent_id: run.agent_id, version: run.agent_version });
			if (!found) throw fail("INTERNAL_ERROR", "The agent of this run no longer exists");
			const config = found.config;
			const elapsed = run.started_at ? Date.now() - Date.parse(run.started_at) - (run.paused_ms ?? 0) : 0;
			timer = setTimeout(
				() => this.controller.abort(fail("TIMEOUT", `The run exceeded the agent's timeout of ${config.timeout_seconds} s`)),
				Math.max(1, config.timeout_seconds * 1000 - elapsed)
			);
			const tools: ToolInfo[] = config.tools?.length ? await this.broker.call("tools.describe", { org_id: run.org_id, tool_ids: config.tools }) : [];
			this.coordination = await CoordinationTools.load(this.broker, run);
			if (this.coordination) tools.push(...this.coordination.infos);
			const messages = await this.rebuild(config);
			let output = this.finalOutput ?? (await this.loop(config, tools, messages));
			if (this.finalOutput === null) output = await this.checkOutput(output);
			if (this.finalOutput === null) await storeEpisodicMemory(this.broker, run, config, this.input, maskSecrets(output, this.masks) as string);
			await this.end("completed", { output: maskSecrets(output, this.masks) as string, error: null });
		} catch (err) {
			const stop = this.asStop(err);
			if (stop.status === "parked") return;
			await this.end(stop.status, { output: null, error: stop.error });
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

	private async end(status: EndStatus, fields: { output: string | null; error: RunError | null }) {
		if (this.controller.signal.reason instanceof RunStopped && this.controller.signal.reason.status === "cancelled") return;
		const parked = status !== "cancelled" && (await this.escalate(true, fields.output, status === "completed" ? null : fields.error).catch(err => {
			this.broker.logger.warn({ err, run_id: this.run.id }, "Final escalation check failed; ending the run anyway");
			return false;
		}));
		if (parked) return;
		await this.broker.call("runtime.finishRun", {
			run_id: this.run.id,
			org_id: this.run.org_id,
			status,
			output: fields.output,
			error: fields.error,
			totals: { ...this.totals, cost_usd: round6(this.totals.cost_usd), savings_usd: round6(this.totals.savings_usd) }
		});
	}

	/** The conversation so far: system prompt, input, then what the recorded steps say happened. */
	private async rebuild(config: any): Promise<Message[]> {
		const history: Message[] = [];
		for (const step of this.steps) {
			if (step.type === "policy_check" && step.name === "input") {
				this.inputChecked = true;
				const out = step.output as { text?: string } | null;
				if (typeof out?.text === "string") this.input = out.text;
			} else if (step.type === "approval") {
				const call = (step.input as { tool_call_id?: string; final_output?: string | null }) ?? {};
				if (call.tool_call_id) this.approvals.set(call.tool_call_id, step.status);
				if (step.status === "completed" && call.final_output !== undefined) this.finalOutput = call.final_output ?? "";
			} else if (step.type === "llm_call") {
				this.addTotals(step.tokens_input, step.tokens_output, step.cost_usd);
				this.llmCalls += 1;
				if (step.status === "running") {
					await this.record({ index: step.index, status: "failed", error: { code: "WORKER_LOST", message: "The node making this call stopped" }, completed_at: nowIso() });
					continue;
				}
				if (step.status !== "completed") continue;
				const out = step.output as { content: string; tool_calls: ToolCall[] };
				this.pendingCalls = [...(out.tool_calls ?? [])];
				history.push({ role: "assistant", content: out.content ?? "", tool_calls: out.tool_calls?.length ? out.tool_calls : undefined });
			} else if (step.type === "tool_call" || step.type === "message") {
				const call = this.pendingCalls.shift();
				let result: unknown = step.error ? { error: step.error } : step.output;
				if (step.status === "running") {
					const lost = { code: "WORKER_LOST", message: "The node running this tool call stopped; it was not retried" };
					await this.record({ index: step.index, status: "failed", error: lost, completed_at: nowIso() });
					result = { error: lost };
				}
				if (call) history.push({ role: "tool", content: JSON.stringify(result ?? null), tool_call_id: call.id, name: call.name });
			}
		}
		const prefix = await conversationPrefix(this.broker, this.run, config);
		if ("error" in prefix) throw fail(prefix.error.code, prefix.error.message);
		const messages: Message[] = [...prefix.messages, { role: "user", content: this.input }, ...history];
		return messages;
	}

	private async loop(config: any, tools: ToolInfo[], messages: Message[]): Promise<string> {
		const byName = new Map(tools.map(t => [t.name, t]));
		const toolDefs = tools.filter(t => t.available).map(t => ({ name: t.name, description: t.description, input_schema: t.input_schema }));
		const policy = outboundPolicy(await this.env.settings(), this.env.allowPrivateNetwork);
		if (!this.inputChecked) await this.checkInput(messages);
		await addRunContext({ broker: this.broker, run: this.run, config, input: this.input, steps: this.steps, messages, record: step => this.record({ index: this.index++, ...step }) });
		if (this.guards.governed) this.streamTokens = !(await this.guards.check({ mode: this.run.mode, stage: "output", step_index: this.index, text: "" })).applies;
		await this.runPendingCalls(messages, byName);
		for (;;) {
			if (this.llmCalls >= config.max_steps) throw fail("MAX_STEPS_EXCEEDED", `The agent did not answer within max_steps (${config.max_steps}) model calls`);
			this.checkStopped();
			const result = await this.callLlm(config, messages, toolDefs, policy);
			messages.push({ role: "assistant", content: result.content ?? "", tool_calls: result.tool_calls.length ? result.tool_calls : undefined });
			if (!result.tool_calls.length) return result.content ?? "";
			this.pendingCalls = [...result.tool_calls];
			await this.runPendingCalls(messages, byName);
		}
	}

	private async runPendingCalls(messages: Message[], byName: Map<string, ToolInfo>): Promise<void> {
		while (this.pendingCalls.length) {
			this.checkStopped();
			const call = this.pendingCalls[0];
			const outcome = await this.callTool(call, byName.get(call.name));
			this.pendingCalls.shift();
			messages.push({ role: "tool", content: JSON.stringify(outcome), tool_call_id: call.id, name: call.name });
		}
	}

	/** Content filters on the run input (§12 enforcement 1). */
	private async checkInput(messages: Message[]): Promise<void> {
		const decision = await this.policyCheck("input", { stage: "input", text: this.input });
		if (decision.action === "block") throw blocked(decision.code ?? "CONTENT_BLOCKED", decision.message ?? "The input matched a blocking content filter");
		if (decision.action === "redact" && typeof decision.text === "string") {
			this.input = decision.text;
			const user = messages.find(m => m.role === "user");
			if (user) user.content = decision.text;
		}
	}

	/** Output content filters (§12 enforcement 4); the text is streamed only once it passed them. */
	private async checkOutput(output: string): Promise<string> {
		const decision = await this.policyCheck("output", { stage: "output", text: output });
		if (decision.action === "block") throw blocked(decision.code ?? "CONTENT_BLOCKED", decision.message ?? "The output matched a blocking content filter");
		const text = decision.action === "redact" && typeof decision.text === "string" ? decision.text : output;
		if (!this.streamTokens) this.token(this.index - 1, text, true);
		return text;
	}

	/** Asks governance; when a rule applies the check is recorded as a `policy_check` step. */
	private async policyCheck(name: string, params: Record<string, unknown>): Promise<GovernanceDecision> {
		const index = this.index;
		const decision = await this.guards.check({ mode: this.run.mode, step_index: index, ...params });
		if (!decision.applies) return decision;
		this.index += 1;
		const now = nowIso();
		const status = decision.action === "block" || decision.action === "deny" ? "denied" : "completed";
		await this.record({
			index,
			type: "policy_check",
			name,
			status,
			input: maskSecrets(params, this.masks),
			output: { action: decision.action, checks: decision.checks, ...(typeof decision.text === "string" ? { text: decision.text } : {}) },
			error: decision.code ? { code: decision.code, message: decision.message ?? decision.code } : null,
			started_at: now,
			completed_at: now
		});
		return decision;
	}

	/** One model call: pick the model, check token limits, reserve budget, call, settle. */
	private async callLlm(config: any, messages: Message[], toolDefs: object[], policy: ReturnType<typeof outboundPolicy>) {
		const estimate = estimateTokens(charsOf(messages));
		const throttle = await this.guards.throttle();
		const rule = throttle?.model ? null : await this.guards.selectModel(config.model, estimate);
		const model = throttle?.model ?? rule?.model ?? config.model;
		let maxTokens: number = config.max_tokens;
		const limit = await this.policyCheck("llm", { stage: "llm", tokens_used: this.totals.tokens_input + this.totals.tokens_output, tokens_estimate: estimate, max_tokens: maxTokens });
		if (limit.action === "block") throw blocked(limit.code ?? "TOKEN_LIMIT_EXCEEDED", limit.message ?? "The run reached its token limit");
		if (typeof limit.max_tokens === "number") maxTokens = Math.min(maxTokens, limit.max_tokens);

		this.llmCalls += 1;
		const attempt = async (modelId: string) => {
			const resolved: any = await this.broker.call("providers.resolveModel", { org_id: this.run.org_id, model: modelId, agent_id: this.run.agent_id });
			this.masks.push(...(resolved.masks ?? []));
			const worstCase = round6((estimate * resolved.prices.input_per_1k + maxTokens * resolved.prices.output_per_1k) / 1000);
			if (this.run.max_cost_usd != null && this.totals.cost_usd + worstCase > this.run.max_cost_usd) {
				throw blocked("RUN_COST_LIMIT", `The next model call could cost ${worstCase} USD, which would pass the run's max_cost_usd of ${this.run.max_cost_usd}`);
			}
			const reservation = await this.guards.reserve(worstCase);
			if (reservation && !reservation.ok) throw blocked("BUDGET_EXCEEDED", `Budget ${reservation.budget_name} is exhausted until ${reservation.resets_at}`);
			const reservationId = reservation?.ok ? reservation.reservation_id : null;
			const index = this.index++;
			const started = Date.now();
			const input: Record<string, unknown> = { model: modelId, provider: resolved.target.kind, max_tokens: maxTokens, messages: maskSecrets(messages, this.masks) };
			if (modelId !== config.model) Object.assign(input, { original_model: config.model, cost_rule_id: rule?.rule_id ?? null, throttled: !!throttle?.model });
			// A model call is persisted when it ends (a lost one is simply made again); its start is only announced.
			const stepId = newId("stp");
			this.announceStep({ id: stepId, run_id: this.run.id, index, type: "llm_call", name: modelId, model: modelId, status: "running", input, started_at: new Date(started).toISOString() });
			try {
				const result = await callModel(
					resolved.target,
					{ messages, tools: toolDefs as any, max_tokens: maxTokens, temperature: config.temperature },
					{ policy, signal: this.controller.signal, onToken: text => this.streamTokens && this.token(index, text) }
				);
				const cost = round6((result.tokens_input * resolved.prices.input_per_1k + result.tokens_output * resolved.prices.output_per_1k) / 1000);
				await this.guards.settle(reservationId, cost);
				this.addTotals(result.tokens_input, result.tokens_output, cost);
				if (rule && modelId === rule.model) input.savings_usd = await this.attributeSavings(config.model, result, cost, rule.rule_id);
				await this.record({
					id: stepId,
					index,
					type: "llm_call",
					name: modelId,
					model: modelId,
					started_at: new Date(started).toISOString(),
					status: "completed",
					input,
					output: maskSecrets({ content: result.content, tool_calls: result.tool_calls ?? [] }, this.masks),
					tokens_input: result.tokens_input,
					tokens_output: result.tokens_output,
					cost_usd: cost,
					latency_ms: Date.now() - started,
					completed_at: nowIso()
				});
				await this.escalate(false);
				return { content: result.content, tool_calls: (result.tool_calls ?? []) as ToolCall[] };
			} catch (err) {
				await this.guards.release(reservationId);
				const stop = this.asStop(err);
				await this.record({ id: stepId, index, type: "llm_call", name: modelId, model: modelId, input, started_at: new Date(started).toISOString(), status: "failed", error: stop.error, latency_ms: Date.now() - started, completed_at: nowIso() });
				throw stop;
			}
		};
		try {
			return await attempt(model);
		} catch (err) {
			// A cost rule's target that fails is retried once with its fallback, else the original model (§11).
			if (!rule || model !== rule.model || !(err instanceof RunStopped) || err.error?.code !== "PROVIDER_ERROR") throw err;
			return attempt(rule.fallback_model ?? config.model);
		}
	}

	/** Savings of a routed call (§11): what the original model would have cost for the same tokens, minus the actual cost. */
	private async attributeSavings(originalModel: string, result: { tokens_input: number; tokens_output: number }, actual: number, ruleId: string): Promise<number> {
		const original: any = await this.broker.call("providers.resolveModel", { org_id: this.run.org_id, model: originalModel, agent_id: this.run.agent_id }).catch(() => null);
		if (!original) return 0;
		const wouldCost = (result.tokens_input * original.prices.input_per_1k + result.tokens_output * original.prices.output_per_1k) / 1000;
		const savings = round6(Math.max(0, wouldCost - actual));
		this.totals.savings_usd += savings;
		await this.guards.recordSavings(ruleId, savings);
		return savings;
	}

	/** One tool call as steps (§3 enforcement order); a failed call does not fail the run: the model gets the error. */
	private async callTool(call: ToolCall, tool: ToolInfo | undefined): Promise<unknown> {
		const started = Date.now();
		const approved = this.approvals.get(call.id) === "completed";
		// The step's id is known before the call: rest_api tools send it as Idempotency-Key (§3).
		const stepId = newId("stp");
		const step = (status: StepDoc["status"], output: unknown, error: RunError | null) => this.toolStep(stepId, call, tool, started, status, output, error);
		if (!tool) return step("failed", null, { code: "TOOL_NOT_ATTACHED", message: `The tool ${call.name} is not attached to this agent` });
		if (!tool.available) return step("failed", null, { code: "TOOL_UNAVAILABLE", message: `The tool ${call.name} is not available` });
		const replayed = this.replayed(call);
		if (replayed !== undefined) return step("completed", { ...(replayed as object), replayed: true }, null);
		const ids = { org_id: this.run.org_id, tool_id: tool.id, input: call.arguments, run_id: this.run.id, agent_id: this.run.agent_id, end_user_id: this.run.end_user_id ?? null };
		let simulate = this.run.mode === "test" && tool.safety_level !== "safe";
		if (!approved) {
			const decision = await this.policyCheck(`tool:${call.name}`, {
				stage: "tool",
				tool_name: call.name,
				tool_id: tool.id,
				safety_level: tool.safety_level,
				tool_input: maskSecrets(call.arguments, this.masks)
			});
			if (decision.action === "deny") return step("denied", null, { code: decision.code ?? "TOOL_BLOCKED", message: decision.message ?? `${call.name} is blocked by policy` });
			if (decision.action === "require_approval") {
				if (this.run.mode === "test") simulate = true;
				else if (decision.approval) await this.park(decision.approval.id, { tool_call_id: call.id, tool_name: call.name, arguments: call.arguments }, call.name);
			} else if (!decision.applies && tool.safety_level === "dangerous" && this.run.mode === "production") {
				return step("denied", null, { code: "TOOL_BLOCKED", message: `${call.name} is dangerous: production calls need an approval, and no approval service is deployed` });
			}
		}
		if (this.coordination?.handles(call.name)) return this.coordination.call(call, { next: () => this.index++, record: s => this.record(s), signal: this.controller.signal });
		if (simulate) {
			await this.broker.call("tools.recordSimulated", { ...ids, step_id: stepId });
			return step("simulated", { simulated: true }, null);
		}
		const index = this.index;
		await this.record({ id: stepId, index, type: "tool_call", name: call.name, tool_id: tool.id, input: call.arguments, status: "running", started_at: new Date(started).toISOString() });
		const result: any = await this.broker.call("tools.invoke", { ...ids, step_id: stepId, mode: this.run.mode }, { timeout: 0 });
		return step(result.status === "success" ? "completed" : "failed", result.output ?? null, result.error ?? null);
	}

	private async toolStep(id: string, call: ToolCall, tool: ToolInfo | undefined, started: number, status: StepDoc["status"], output: unknown, error: RunError | null) {
		const index = this.index++;
		await this.record({
			id,
			index,
			type: "tool_call",
			name: call.name,
			tool_id: tool?.id ?? null,
			input: call.arguments,
			status,
			output,
			error,
			started_at: new Date(started).toISOString(),
			latency_ms: Date.now() - started,
			completed_at: nowIso()
		});
		await this.escalate(false);
		return error ? { error } : output;
	}

	/** Escalation conditions after a step or at the end (§12 enforcement 5); a pausing one parks the run. */
	private async escalate(final: boolean, output: string | null = null, error: RunError | null = null): Promise<boolean> {
		if (!this.guards.governed) return false;
		const answer = await this.guards.afterStep({
			step_index: Math.max(0, this.index - 1),
			final,
			mode: this.run.mode,
			step: this.lastStep,
			run: { status: final ? (error ? "failed" : "completed") : "running", cost_usd: round6(this.totals.cost_usd), tokens_input: this.totals.tokens_input, tokens_output: this.totals.tokens_output, input: this.input, output, error }
		});
		if (!answer.pause || !answer.approval_id || (final && error)) return false;
		if (!final) await this.park(answer.approval_id, {}, "escalation");
		// At the end, the finished output waits with the run; it is stored once the escalation is approved.
		await this.park(answer.approval_id, { final_output: output }, "escalation").catch(err => {
			if (!(err instanceof RunStopped) || err.status !== "parked") throw err;
		});
		return true;
	}

	/** Records an `approval` step and hands the run back until a human decides (runtime.approvalDecided). */
	private async park(approvalId: string, input: Record<string, unknown>, name: string): Promise<never> {
		const index = this.index++;
		await this.record({ index, type: "approval", name, status: "awaiting", approval_id: approvalId, input, started_at: nowIso() });
		await this.broker.call("runtime.park", { run_id: this.run.id, org_id: this.run.org_id, node_id: this.env.nodeId, totals: { ...this.totals } });
		throw new RunStopped("parked", null);
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

	private addTotals(tokensIn: number, tokensOut: number, cost: number) {
		this.totals.tokens_input += tokensIn;
		this.totals.tokens_output += tokensOut;
		this.totals.cost_usd += cost;
	}

	private checkStopped(): void {
		if (this.controller.signal.aborted) throw this.controller.signal.reason instanceof RunStopped ? this.controller.signal.reason : fail("CANCELLED", "cancelled");
	}

	private async record(step: Partial<StepDoc> & { index: number }): Promise<void> {
		const res: any = await this.broker.call("runtime.recordStep", { run_id: this.run.id, org_id: this.run.org_id, step });
		if (res?.step) this.lastStep = { type: res.step.type, name: res.step.name, status: res.step.status };
		if (res?.stopped) {
			if (!this.controller.signal.aborted) this.controller.abort(new RunStopped("cancelled", null));
			throw this.controller.signal.reason;
		}
	}

	private announceStep(step: Partial<StepDoc>): void {
		const now = nowIso();
		const data = {
			output: null, error: null, tokens_input: 0, tokens_output: 0, cost_usd: 0, latency_ms: 0, model: null, tool_id: null, approval_id: null,
			completed_at: null, created_at: now, updated_at: now, ...step
		};
		this.broker.broadcast("runtime.run.event", { run_id: this.run.id, event: "step", data }, { groups: ["runtime"] });
	}

	private token(stepIndex: number, text: string, force = false): void {
		if (!text || (!this.streamTokens && !force)) return;
		this.broker.broadcast(
			"runtime.run.event",
			{ run_id: this.run.id, event: "token", data: { run_id: this.run.id, step_index: stepIndex, text: maskSecrets(text, this.masks) } },
			{ groups: ["runtime"] }
		);
	}
}

export { RunStopped };
