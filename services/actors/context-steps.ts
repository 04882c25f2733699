import type { ServiceBroker } from "moleculer";
import { nowIso } from "../../lib/time";
import { isChatRun, type RunDoc, type StepDoc } from "../runtime/runs";

/**
 * The context a run gathers before its first model call (§2 execution step 3): a `memory` step
 * (session history and the most relevant memory entries, when `memory_enabled`) and a `retrieval`
 * step (top chunks of the agent's knowledge collections, with citations). Both are recorded as steps
 * and given to the model as one system message; a resumed run reuses what its steps recorded. After
 * a completed run, `storeEpisodicMemory` writes the `episodic` entry of §2 step 5.
 */

type Message = { role: "system" | "user" | "assistant" | "tool"; content: string };
type ContextStep = Pick<StepDoc, "type" | "name" | "status" | "input" | "output" | "error" | "started_at" | "completed_at" | "latency_ms">;

export interface ContextEnv {
	broker: ServiceBroker;
	run: RunDoc;
	config: { memory_enabled?: boolean; knowledge_collection_ids?: string[] };
	/** The run input after input content filters. */
	input: string;
	steps: StepDoc[];
	messages: Message[];
	/** Persists a finished step at the run's next index. */
	record(step: ContextStep): Promise<void>;
}

const TOP_ENTRIES = 5;
const TOP_CHUNKS = 5;
const EPISODE_CHARS = 2000;
const EPISODE_IMPORTANCE = 0.3;

const available = (broker: ServiceBroker, action: string) => (broker.registry as any).actions.isAvailable(action);

export async function addRunContext(env: ContextEnv): Promise<void> {
	const { run, config } = env;
	const parts: string[] = [];
	if (config.memory_enabled && available(env.broker, "memory.recall")) {
		const output = await step(env, "memory", "recall", { query: env.input, session_id: run.session_id, end_user_id: run.end_user_id, limit: TOP_ENTRIES }, async () => {
			const recalled: any = await env.broker.call("memory.recall", { org_id: run.org_id, agent_id: run.agent_id, query: env.input, session_id: run.session_id, end_user_id: run.end_user_id, limit: TOP_ENTRIES });
			return {
				session: recalled.session.map((e: any) => ({ id: e.id, content: e.content, metadata: e.metadata, created_at: e.created_at })),
				entries: recalled.entries.map((e: any) => ({ id: e.id, memory_type: e.memory_type, scope: e.scope, agent_id: e.agent_id, content: e.content, importance: e.importance, score: e.score }))
			};
		});
		if (output) parts.push(memoryText(output));
	}
	const collectionIds = config.knowledge_collection_ids ?? [];
	if (collectionIds.length && available(env.broker, "knowledge.search")) {
		const input = { query: env.input, collection_ids: collectionIds, limit: TOP_CHUNKS, search_mode: "hybrid" };
		const output = await step(env, "retrieval", "knowledge", input, async () => {
			const found: any = await env.broker.call("knowledge.search", { org_id: run.org_id, ...input, query: env.input.slice(0, 4000), skip_missing: true });
			const chunks = found.items.map((c: any, i: number) => ({ citation: i + 1, ...c }));
			return {
				chunks,
				citations: chunks.map((c: any) => ({ citation: c.citation, chunk_id: c.chunk_id, document_id: c.document_id, document_name: c.document_name, collection_id: c.collection_id, score: c.score }))
			};
		});
		if (output) parts.push(knowledgeText(output));
	}
	const text = parts.filter(Boolean).join("\n\n");
	if (!text) return;
	const at = env.messages.findIndex(m => m.role === "user");
	env.messages.splice(at < 0 ? env.messages.length : at, 0, { role: "system", content: text });
}

/** The output of the run's step of this type: recorded earlier (resume), or gathered and recorded now. */
async function step(env: ContextEnv, type: "memory" | "retrieval", name: string, input: Record<string, unknown>, gather: () => Promise<any>): Promise<any | null> {
	const earlier = env.steps.find(s => s.type === type);
	if (earlier) return earlier.status === "completed" ? earlier.output : null;
	const started = Date.now();
	let output: any = null;
	let error: { code: string; message: string } | null = null;
	try {
		output = await gather();
	} catch (err: any) {
		// Missing context does not fail the run: the step says why, the model answers without it.
		env.broker.logger.warn({ code: err?.type, run_id: env.run.id }, `The ${type} step failed`);
		error = { code: err?.type === "SERVICE_UNAVAILABLE" ? "SERVICE_UNAVAILABLE" : "INTERNAL_ERROR", message: String(err?.message ?? `${type} failed`) };
	}
	const status = error ? "failed" : "completed";
	await env.record({ type, name, status, input, output, error, started_at: new Date(started).toISOString(), completed_at: nowIso(), latency_ms: Date.now() - started });
	return output;
}

function memoryText(output: { session: any[]; entries: any[] }): string {
	const lines: string[] = [];
	if (output.session?.length) {
		lines.push("Conversation so far:");
		for (const e of output.session) lines.push(`${e.metadata?.role ?? "message"}: ${e.content}`);
	}
	if (output.entries?.length) {
		lines.push("Relevant memory:");
		for (const e of output.entries) lines.push(`- (${e.memory_type}) ${e.content}`);
	}
	return lines.join("\n");
}

function knowledgeText(output: { chunks: any[] }): string {
	if (!output.chunks?.length) return "";
	const lines = ["Knowledge (cite sources as [n]):"];
	for (const c of output.chunks) lines.push(`[${c.citation}] ${c.document_name}:\n${c.content}`);
	return lines.join("\n");
}

/** §2 step 5: the `episodic` entry `Input: …\nOutput: …` (2,000 characters at most, importance 0.3). */
export async function storeEpisodicMemory(broker: ServiceBroker, run: RunDoc, config: { memory_enabled?: boolean }, input: string, output: string): Promise<void> {
	// A chat turn is already in its session's history, which the next turns receive whole (§19): no episode of it.
	if (!config.memory_enabled || isChatRun(run) || !available(broker, "memory.write")) return;
	try {
		await broker.call("memory.write", {
			org_id: run.org_id,
			agent_id: run.agent_id,
			memory_type: "episodic",
			scope: "agent",
			content: `Input: ${input}\nOutput: ${output}`.slice(0, EPISODE_CHARS),
			importance: EPISODE_IMPORTANCE,
			end_user_id: run.end_user_id,
			metadata: { source: "run", run_id: run.id, session_id: run.session_id }
		});
	} catch (err: any) {
		broker.logger.warn({ code: err?.type, run_id: run.id }, "Storing the run's episodic memory failed");
	}
}
