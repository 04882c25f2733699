import type { Context, ServiceBroker } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import type { Mailbox } from "./mailbox";
import { executeRun, type RunEnv } from "./run-loop";

/** How long one turn check may wait on the chat service before it asks again. */
const TURN_CHECK_MS = 10_000;
const MAX_TURN_FAILURES = 5;

/**
 * Chat runs of one session, strictly one after another (§19 mailbox): a run enters the actor's
 * mailbox only when the previous run of its session here has ended and the chat service confirms
 * that every earlier reply of the session is settled (earlier runs may have run on another node, or
 * be parked for an approval). Other sessions are not held up.
 */
export class SessionMailbox {
	private readonly tails = new Map<string, Promise<void>>();

	constructor(
		private readonly mailbox: Mailbox,
		private readonly turn: (job: ChatJob) => Promise<void>
	) {}

	/** Sessions with a run waiting or executing here. */
	get sessions(): number {
		return this.tails.size;
	}

	post(job: ChatJob, execute: () => Promise<void>): void {
		const previous = this.tails.get(job.session_id) ?? Promise.resolve();
		const next = previous
			.then(() => this.turn(job))
			.catch(() => undefined)
			.then(() => new Promise<void>(resolve => this.mailbox.post(() => execute().finally(resolve))));
		this.tails.set(job.session_id, next);
		void next.then(() => {
			if (this.tails.get(job.session_id) === next) this.tails.delete(job.session_id);
		});
	}
}

export interface ChatJob {
	run_id: string;
	org_id: string;
	session_id: string;
}

/** Waits until the chat service says it is this run's turn (no chat service: nothing to order against). */
export async function awaitTurn(broker: ServiceBroker, job: ChatJob): Promise<void> {
	for (let failures = 0; ; ) {
		try {
			const answer = await callIfPresent<{ ready: boolean }>(broker, "chat.awaitTurn", { ...job, timeout_ms: TURN_CHECK_MS }, { ready: true });
			if (answer.ready) return;
		} catch (err) {
			// A chat node that stays unreachable must not hold the session forever.
			if (++failures >= MAX_TURN_FAILURES) return broker.logger.warn({ err, run_id: job.run_id }, "Turn check failed repeatedly; running the chat run now");
			await new Promise(resolve => setTimeout(resolve, 1000));
		}
	}
}

/**
 * The actor's `chat` action: routed by the session id with Moleculer's shard strategy, so one
 * session's runs meet in one actor instance, whose session mailbox keeps them in send order.
 */
export function chatAction(mailbox: Mailbox, env: RunEnv) {
	const sessions = new SessionMailbox(mailbox, job => awaitTurn(env.broker, job));
	return {
		visibility: "public" as const,
		strategy: "Shard",
		strategyOptions: { shardKey: "session_id" },
		params: { run_id: "string", org_id: "string", session_id: "string" },
		handler(ctx: Context<ChatJob>) {
			const job = { run_id: ctx.params.run_id, org_id: ctx.params.org_id, session_id: ctx.params.session_id };
			sessions.post(job, () => executeRun(env, job.run_id));
			return { accepted: true, queue_depth: mailbox.depth, sessions: sessions.sessions };
		}
	};
}
