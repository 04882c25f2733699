import { createHash } from "node:crypto";
import type { Context, ServiceBroker } from "moleculer";
import { serviceUnavailable } from "../../lib/errors";
import { UniqueViolation, type Doc, type Repository } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { presentMessage, type MessageDoc, type OutboundMessage } from "./model";
import { actionOf } from "./trust";

/** Message types that start a run on the target (§6). */
const STARTS_RUN = new Set(["request", "delegate"]);
const MAX_CONTENT = 100_000;
/** How long a completed coordination run waits for its request message to be stored. */
const PENDING_MS = 60_000;
const CLAIM_WAIT_MS = 30_000;

/** The automatic response's id derives from the request's, so every coordination node stores the same one once. */
const responseIdOf = (requestId: string) => `msg_${createHash("sha256").update(`response:${requestId}`).digest("base64url").slice(0, 22)}`;

/**
 * What happens to a message the trust middleware let through: the target's run starts (request and
 * delegate), the message is stored only once that run is accepted, and the run's completion stores
 * the response. Redelivery of the same message (transporter reconnects) answers the stored one.
 */
export class Inbox {
	/** Coordination runs that completed before their request message was stored (it is stored after the run is accepted). */
	private readonly completedEarly = new Map<string, { run: any; at: number }>();

	constructor(
		private readonly broker: ServiceBroker,
		private readonly messages: Repository<MessageDoc>,
		/** One record per request being delivered: its id is the message id, so only one delivery claims it. */
		private readonly deliveries: Repository<Doc>
	) {}

	async receive(ctx: Context<any, any>, msg: OutboundMessage): Promise<{ message: ReturnType<typeof presentMessage>; run: any | null }> {
		const repo = this.messages.forOrg(msg.org_id);
		const existing = await repo.get(msg.id);
		if (existing) return { message: presentMessage(existing), run: await this.runOf(ctx, existing) };
		if (!STARTS_RUN.has(msg.message_type)) {
			const doc = (await this.store(ctx, { ...msg, run_id: null })) ?? ((await repo.get(msg.id)) as MessageDoc);
			return { message: presentMessage(doc), run: null };
		}
		// A second delivery of the same request arriving meanwhile (transporter reconnect) must not start a second run.
		if (!(await this.claim(msg))) return this.afterOtherDelivery(ctx, msg);
		let run: any = null;
		let doc: MessageDoc | null = null;
		try {
			run = await ctx.call("runtime.startRun", {
				org_id: msg.org_id,
				agent_id: msg.to_agent_id,
				input: msg.content,
				trigger: "coordination",
				trigger_ref: msg.id,
				created_by: ctx.meta.principal?.id ?? null
			});
			doc = await this.store(ctx, { ...msg, run_id: run.id });
		} finally {
			// Once stored, the message itself answers later deliveries; on failure a retry may claim it again.
			await this.deliveries.forOrg(msg.org_id).delete(msg.id);
		}
		if (!doc) return { message: presentMessage((await repo.get(msg.id)) as MessageDoc), run };
		const early = this.completedEarly.get(msg.id);
		if (early) {
			this.completedEarly.delete(msg.id);
			await this.respond(doc, early.run);
		}
		return { message: presentMessage(doc), run };
	}

	/** A coordination run completed: its request (or delegation) gets the response message, target → source, unchecked. */
	async runCompleted(orgId: string, run: any): Promise<void> {
		if (!run || run.trigger !== "coordination" || !run.trigger_ref) return;
		this.forgetStale();
		this.completedEarly.set(run.trigger_ref, { run, at: Date.now() });
		const request = await this.messages.forOrg(orgId).get(run.trigger_ref);
		if (!request) return;
		this.completedEarly.delete(run.trigger_ref);
		await this.respond(request, run);
	}

	private async respond(request: MessageDoc, run: any): Promise<void> {
		if (!STARTS_RUN.has(request.message_type) || request.run_id !== run.id) return;
		await this.store(null, {
			id: responseIdOf(request.id),
			org_id: request.org_id,
			from_agent_id: request.to_agent_id,
			to_agent_id: request.from_agent_id,
			message_type: "response",
			content: String(run.output ?? "").slice(0, MAX_CONTENT),
			in_reply_to: request.id,
			run_id: null,
			origin_run_id: run.id,
			metadata: {}
		});
	}

	/** Stores and announces a message; null when it was stored already (a duplicate delivery). */
	private async store(ctx: Context | null, fields: Omit<MessageDoc, "created_at" | "updated_at">): Promise<MessageDoc | null> {
		const now = nowIso();
		let doc: MessageDoc;
		try {
			doc = await this.messages.forOrg(fields.org_id).insert({ ...fields, created_at: now, updated_at: now });
		} catch (err) {
			if (err instanceof UniqueViolation) return null;
			throw err;
		}
		const event = {
			org_id: doc.org_id,
			message_id: doc.id,
			from_agent_id: doc.from_agent_id,
			to_agent_id: doc.to_agent_id,
			message_type: doc.message_type,
			action: actionOf(doc.message_type),
			in_reply_to: doc.in_reply_to,
			run_id: doc.run_id,
			origin_run_id: doc.origin_run_id
		};
		await (ctx ? ctx.broadcast("coordination.message_sent", event) : this.broker.broadcast("coordination.message_sent", event));
		return doc;
	}

	private async runOf(ctx: Context, doc: MessageDoc): Promise<any> {
		if (!doc.run_id) return null;
		return ctx.call("runtime.awaitRun", { org_id: doc.org_id, run_id: doc.run_id, timeout_ms: 1 });
	}

	private async claim(msg: OutboundMessage): Promise<boolean> {
		try {
			await this.deliveries.forOrg(msg.org_id).insert({ id: msg.id });
			return true;
		} catch (err) {
			if (err instanceof UniqueViolation) return false;
			throw err;
		}
	}

	/** Another delivery of this message is starting its run: answer what it stores, or retry if it gave up. */
	private async afterOtherDelivery(ctx: Context<any, any>, msg: OutboundMessage): Promise<{ message: ReturnType<typeof presentMessage>; run: any | null }> {
		const deadline = Date.now() + CLAIM_WAIT_MS;
		while (Date.now() < deadline) {
			await new Promise(resolve => setTimeout(resolve, 50));
			const stored = await this.messages.forOrg(msg.org_id).get(msg.id);
			if (stored) return { message: presentMessage(stored), run: await this.runOf(ctx, stored) };
			if (!(await this.deliveries.forOrg(msg.org_id).get(msg.id))) return this.receive(ctx, msg);
		}
		throw serviceUnavailable("Another delivery of this message did not finish in time: retry");
	}

	private forgetStale(): void {
		const cutoff = Date.now() - PENDING_MS;
		for (const [id, entry] of this.completedEarly) if (entry.at < cutoff) this.completedEarly.delete(id);
	}
}
