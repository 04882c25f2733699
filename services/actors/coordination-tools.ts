import type { ServiceBroker } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import { policyCacheOf } from "../../middlewares/trust";
import { deliver } from "../coordination/deliver";
import type { RunDoc, StepDoc } from "../runtime/runs";

type ToolCall = { id: string; name: string; arguments: Record<string, unknown> };
type Target = { agent_id: string; name: string; actions: string[] };

/** How the run loop lets these tools record their steps. */
export interface StepSink {
	next(): number;
	record(step: Partial<StepDoc> & { index: number }): Promise<void>;
	signal: AbortSignal;
}

const DELEGATE_WAIT_MS = 300_000;
const SEND_TYPES = ["notify", "request"];

/**
 * The built-in coordination tools of §6, offered to runs of agents that are the source of at least one
 * enabled trust policy: `send_message` and `delegate_task`. Each call is a `message` step, sent from this
 * agent's run to the target's inbox through the trust middleware exactly like an API message.
 */
export class CoordinationTools {
	static async load(broker: ServiceBroker, run: RunDoc): Promise<CoordinationTools | null> {
		// Most agents have no policies: the node's trust cache answers that without a call.
		const cache = policyCacheOf(broker);
		if (cache && !(await cache.isSource(run.org_id, run.agent_id))) return null;
		const found = await callIfPresent<{ has_policies: boolean; targets: Target[] } | null>(broker, "coordination.toolTargets", { org_id: run.org_id, agent_id: run.agent_id }, null);
		return found?.has_policies ? new CoordinationTools(broker, run, found.targets) : null;
	}

	readonly infos;

	private constructor(
		private readonly broker: ServiceBroker,
		private readonly run: RunDoc,
		private readonly targets: Target[]
	) {
		const known = targets.length ? ` Agents you may contact: ${targets.map(t => `${t.name} (${t.agent_id}: ${t.actions.join(", ") || "nothing"})`).join("; ")}.` : "";
		const base = { safety_level: "safe", available: true };
		this.infos = [
			{
				...base,
				id: "builtin:send_message",
				name: "send_message",
				description: `Send a message to another agent; a request starts a run of that agent.${known}`,
				input_schema: {
					type: "object",
					properties: { to_agent: { type: "string", description: "agent name or id" }, content: { type: "string" }, message_type: { type: "string", enum: SEND_TYPES } },
					required: ["to_agent", "content"]
				}
			},
			{
				...base,
				id: "builtin:delegate_task",
				name: "delegate_task",
				description: `Delegate a task to another agent and get its answer.${known}`,
				input_schema: { type: "object", properties: { to_agent: { type: "string", description: "agent name or id" }, task: { type: "string" } }, required: ["to_agent", "task"] }
			}
		];
	}

	handles(name: string): boolean {
		return name === "send_message" || name === "delegate_task";
	}

	/** Runs one tool call as a `message` step; answers what the model receives as the tool result. */
	async call(call: ToolCall, steps: StepSink): Promise<unknown> {
		const args = call.arguments ?? {};
		const delegate = call.name === "delegate_task";
		const content = delegate ? args.task : args.content;
		const messageType = delegate ? "delegate" : (args.message_type ?? "notify");
		const started = nowIso();
		const index = steps.next();
		const target = await this.resolve(args.to_agent);
		const input = { tool: call.name, to_agent: args.to_agent ?? null, to_agent_id: target?.agent_id ?? null, message_type: messageType, content: content ?? null };
		const end = async (status: StepDoc["status"], output: unknown, error: { code: string; message: string } | null) => {
			await steps.record({ index, type: "message", name: target?.name ?? String(args.to_agent ?? ""), input, status, output, error, started_at: started, latency_ms: Date.now() - Date.parse(started), completed_at: nowIso() });
			return error ? { error } : output;
		};
		if (typeof content !== "string" || !content || content.length > 100_000) return end("failed", null, { code: "INVALID_TOOL_INPUT", message: `${delegate ? "task" : "content"} must be a string of 1–100,000 characters` });
		if (!SEND_TYPES.includes(messageType as string) && !delegate) return end("failed", null, { code: "INVALID_TOOL_INPUT", message: `message_type must be one of: ${SEND_TYPES.join(", ")}` });
		if (!target) return end("failed", null, { code: "NOT_FOUND", message: `No agent ${String(args.to_agent)} in this organization` });
		await steps.record({ index, type: "message", name: target.name, input, status: "running", started_at: started });
		try {
			const sent = await deliver(
				this.broker,
				{ id: newId("msg"), org_id: this.run.org_id, from_agent_id: this.run.agent_id, to_agent_id: target.agent_id, message_type: messageType as any, content, in_reply_to: null, origin_run_id: this.run.id, metadata: {} },
				{ timeout: 0 }
			);
			const output: Record<string, unknown> = { message_id: sent.message.id, run_id: sent.run?.id ?? null };
			if (delegate && sent.run) {
				const done: any = await this.awaitRun(sent.run.id, steps.signal);
				Object.assign(output, { status: done?.status ?? sent.run.status, output: done?.output ?? null, error: done?.error ?? null });
			}
			return end("completed", output, null);
		} catch (err: any) {
			if (steps.signal.aborted) throw err;
			const code = typeof err?.type === "string" ? err.type : "INTERNAL_ERROR";
			return end(code === "TRUST_POLICY_DENIED" ? "denied" : "failed", null, { code, message: String(err?.message ?? "The message could not be sent") });
		}
	}

	/** A target by name or id: first among the policy targets, else any agent of the org (the middleware then refuses it). */
	private async resolve(ref: unknown): Promise<{ agent_id: string; name: string } | null> {
		if (typeof ref !== "string" || !ref) return null;
		const known = this.targets.find(t => t.agent_id === ref || t.name === ref);
		if (known) return known;
		const agent = await callIfPresent<any>(this.broker, "agents.get", { org_id: this.run.org_id, agent_id: ref }, null);
		return agent ? { agent_id: agent.id, name: agent.name } : null;
	}

	/** The delegated run once it ends (or is still going when the wait is over); a stopped source run stops waiting. */
	private awaitRun(runId: string, signal: AbortSignal): Promise<any> {
		const waiting = this.broker.call("runtime.awaitRun", { org_id: this.run.org_id, run_id: runId, timeout_ms: DELEGATE_WAIT_MS }, { timeout: 0 });
		const stopped = new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
		return Promise.race([waiting, stopped]);
	}
}
