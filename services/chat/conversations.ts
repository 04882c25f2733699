import type { Context, ServiceBroker } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Repository } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { TERMINAL, type RunStatus } from "../runtime/runs";
import { RunHub, SseStream, type RunEvent } from "../runtime/stream";
import {
	HISTORY_LIMIT, presentMessage, replyFields, REPLY_WAIT_MS, TITLE_FROM_MESSAGE_CHARS,
	type ChatMessage, type FinishedRun, type MessageDoc, type SessionDoc
} from "./model";
import { KeyedLock, SessionSignals } from "./turns";

const isTerminal = (run: FinishedRun | null): run is FinishedRun => !!run && TERMINAL.has(run.status as RunStatus);
const TURN_POLL_MS = 1_000;
/** A turn check for a run whose message is not stored yet (its send is still being accepted) waits this long at most. */
const UNKNOWN_RUN_GRACE_MS = 5_000;

export interface ChatRepos {
	chat_sessions: Repository<SessionDoc>;
	chat_messages: Repository<MessageDoc>;
}

/** Where a session's runs come from: the chat endpoints, or a publication (§28: trigger `public`, production mode). */
export interface RunOrigin {
	trigger: "chat" | "public";
	trigger_ref: string;
	mode?: "production";
}

export interface Sent {
	user: MessageDoc;
	assistant: MessageDoc;
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * The conversation side of chat: accepting a message (user message, pending reply, a `chat` run),
 * settling replies when their runs end, streaming them, and the turn order of a session's runs.
 */
export class Conversations {
	/** Live run events on this node (tokens and terminal events), by run id. */
	readonly hub = new RunHub();
	private readonly accepting = new KeyedLock();
	private readonly settled = new SessionSignals();

	constructor(
		private readonly broker: ServiceBroker,
		private readonly repos: () => ChatRepos
	) {}

	private messagesOf(orgId: string) {
		return this.repos().chat_messages.forOrg(orgId);
	}

	/**
	 * Stores the user message and the pending reply and starts the run. Sends of one session are
	 * accepted one at a time, so message positions and run creation follow the send order. On a
	 * refusal (not runnable, budget) both messages are removed again: only a `blocked` run remains.
	 */
	send(ctx: Context, session: SessionDoc, content: string, createdBy: string | null, origin: RunOrigin = { trigger: "chat", trigger_ref: session.id }): Promise<Sent> {
		return this.accepting.run(session.id, async () => {
			const sessions = this.repos().chat_sessions.forOrg(session.org_id);
			const current = await sessions.get(session.id);
			if (!current) throw errors.notFound("Chat session");
			if (current.status === "closed") throw errors.conflict("SESSION_CLOSED", "This chat session is closed: open a new session");
			const reserved = (await sessions.updateWhere({ id: session.id }, { $inc: { next_seq: 2 } })) as SessionDoc;
			const seq = reserved.next_seq - 2;
			const messages = this.messagesOf(session.org_id);
			const now = nowIso();
			const base = { session_id: session.id, error: null, tokens_input: 0, tokens_output: 0, cost_usd: 0, created_at: now, updated_at: now };
			const user = await messages.insert({ ...base, id: newId("msg"), seq, role: "user", content, status: "completed", in_reply_to: null, run_id: null });
			let assistant = await messages.insert({ ...base, id: newId("msg"), seq: seq + 1, role: "assistant", content: "", status: "pending", in_reply_to: user.id, run_id: null });
			let run: { id: string };
			try {
				run = await ctx.call("runtime.startRun", {
					org_id: session.org_id,
					agent_id: session.agent_id,
					input: content,
					...origin,
					session_id: session.id,
					end_user_id: session.end_user_id,
					customer_id: session.customer_id,
					created_by: createdBy
				});
			} catch (err) {
				await messages.deleteMany({ id: { $in: [user.id, assistant.id] } });
				throw err;
			}
			assistant = (await messages.update(assistant.id, { run_id: run.id })) as MessageDoc;
			const untitledFirst = current.title == null && !current.message_count;
			await sessions.update(session.id, { ...(untitledFirst ? { title: content.slice(0, TITLE_FROM_MESSAGE_CHARS) } : {}), last_message_at: now }, { $inc: { message_count: 2 } });
			await this.remember(session, "user", content);
			return { user, assistant };
		});
	}

	/** The reply once its run ended, or still `pending` after the 120 s wait (§19 row 6). */
	async reply(ctx: Context, sent: Sent): Promise<ChatMessage> {
		const run = await ctx.call<FinishedRun | null, object>(
			"runtime.awaitRun",
			{ org_id: sent.assistant.org_id, run_id: sent.assistant.run_id, timeout_ms: REPLY_WAIT_MS },
			{ timeout: REPLY_WAIT_MS + 10_000 }
		);
		const settled = isTerminal(run) ? await this.settle(sent.assistant.org_id, run) : null;
		return presentMessage(settled ?? (await this.messagesOf(sent.assistant.org_id).get(sent.assistant.id)) ?? sent.assistant);
	}

	/** `message.delta` per token of the run, then `message.completed` or `error` (§19 row 8). */
	async stream(sent: Sent): Promise<SseStream["body"]> {
		const { org_id: orgId, id: messageId, run_id: runId } = sent.assistant;
		const sse = new SseStream();
		// A comment at once sends the response head: until the first token the client would otherwise see nothing.
		sse.body.write(": keep-alive\n\n");
		let finished = false;
		const finish = async (run: FinishedRun) => {
			if (finished) return;
			finished = true;
			const message = (await this.settle(orgId, run)) ?? (await this.messagesOf(orgId).get(messageId)) ?? sent.assistant;
			if (message.status === "completed") sse.send("message.completed", presentMessage(message));
			else sse.send("error", { code: message.error?.code ?? "INTERNAL_ERROR", message: message.error?.message ?? "The reply failed", message_id: messageId });
			setImmediate(() => sse.close());
		};
		const unsubscribe = this.hub.subscribe(runId as string, (e: RunEvent) => {
			if (finished) return;
			if (e.event === "token") sse.send("message.delta", { message_id: messageId, delta: (e.data as { text: string }).text });
			else if (e.event === "run.completed" || e.event === "run.failed") void finish(e.data as FinishedRun);
		});
		sse.whenClosed(unsubscribe);
		// The run may have ended before the subscription existed.
		const current = await this.broker.call<FinishedRun | null, object>("runtime.awaitRun", { org_id: orgId, run_id: runId, timeout_ms: 1 });
		if (isTerminal(current)) await finish(current);
		return sse.body;
	}

	/** Applies a terminal run to its pending reply once; the updated message, or null when there was nothing to do. */
	async settle(orgId: string, run: FinishedRun): Promise<MessageDoc | null> {
		const fields = replyFields(run);
		const message = await this.messagesOf(orgId).updateWhere({ run_id: run.id, role: "assistant", status: "pending" }, { $set: { ...fields, updated_at: nowIso() } });
		if (!message) return null;
		this.settled.signal(message.session_id);
		const session = await this.repos().chat_sessions.forOrg(orgId).get(message.session_id);
		if (session && fields.status === "completed" && fields.content) await this.remember(session, "assistant", fields.content);
		return message;
	}

	/**
	 * Whether the run of this reply may start: every earlier reply of the session is settled. Waits up
	 * to `timeoutMs` for that; replies whose run ended without being settled here are settled first.
	 */
	async turnReady(orgId: string, sessionId: string, runId: string, timeoutMs: number): Promise<boolean> {
		const started = Date.now();
		const messages = this.messagesOf(orgId);
		for (;;) {
			const mine = await this.replyOf(orgId, sessionId, runId);
			if (!mine) {
				// Accepted runs get their message id a moment after the run exists; a run without one is not ordered.
				if (Date.now() - started > UNKNOWN_RUN_GRACE_MS) return true;
				await sleep(20);
				continue;
			}
			const earlier = await messages.find({ session_id: sessionId, role: "assistant", status: "pending", seq: { $lt: mine.seq } });
			if (!earlier.length) return true;
			await this.settleEnded(orgId, earlier);
			const left = timeoutMs - (Date.now() - started);
			if (left <= 0) return false;
			await this.settled.wait(sessionId, Math.min(left, TURN_POLL_MS));
		}
	}

	/**
	 * Settles pending replies whose runs ended without this service hearing of it (a run event
	 * missed while the chat node restarted).
	 */
	async settleEnded(orgId: string, pending: MessageDoc[]): Promise<void> {
		for (const message of pending) {
			if (!message.run_id) continue;
			const run = await this.broker.call<FinishedRun | null, object>("runtime.awaitRun", { org_id: orgId, run_id: message.run_id, timeout_ms: 1 });
			if (isTerminal(run)) await this.settle(orgId, run);
		}
	}

	/** Before a session's messages are read: its replies whose run already ended show as settled. */
	async settlePendingOf(orgId: string, sessionId: string): Promise<void> {
		await this.settleEnded(orgId, await this.messagesOf(orgId).find({ session_id: sessionId, role: "assistant", status: "pending" }));
	}

	/** The model's context for a reply: the session's settled messages before it, oldest first (§19). */
	async history(orgId: string, sessionId: string, runId: string): Promise<{ role: "user" | "assistant"; content: string }[]> {
		const messages = this.messagesOf(orgId);
		const mine = await this.replyOf(orgId, sessionId, runId);
		if (!mine) return [];
		// `seq - 1` is this reply's own user message: it is the run's input.
		const before = await messages.find(
			{ session_id: sessionId, seq: { $lt: mine.seq - 1 }, $or: [{ role: "user" }, { role: "assistant", status: "completed" }] },
			{ sort: { seq: -1 }, limit: HISTORY_LIMIT }
		);
		return before.reverse().map(m => ({ role: m.role, content: m.content }));
	}

	/**
	 * The reply a run answers. Right after `runtime.startRun` the reply does not carry the run id yet:
	 * then it is the session's latest reply without a run (sends of a session are accepted one at a
	 * time per node; with several chat nodes, taking the latest can only make a run wait, never jump ahead).
	 */
	private async replyOf(orgId: string, sessionId: string, runId: string): Promise<MessageDoc | null> {
		const messages = this.messagesOf(orgId);
		const linked = await messages.findOne({ session_id: sessionId, run_id: runId, role: "assistant" });
		if (linked) return linked;
		const [latest] = await messages.find({ session_id: sessionId, run_id: null, role: "assistant", status: "pending" }, { sort: { seq: -1 }, limit: 1 });
		return latest ?? null;
	}

	/** Every message is also a `session` memory entry (§4), when the memory module runs. */
	private async remember(session: SessionDoc, role: "user" | "assistant", content: string): Promise<void> {
		await callIfPresent(
			this.broker,
			"memory.recordSessionMessage",
			{ org_id: session.org_id, agent_id: session.agent_id, session_id: session.id, end_user_id: session.end_user_id, role, content },
			null
		).catch((err: unknown) => this.broker.logger.warn({ err, session_id: session.id }, "Could not write the chat message to session memory"));
	}
}
