import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import type { Filter, Repository } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { LIST_QUERY, listOptions, query } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { isChatRun } from "../runtime/runs";
import { answerAsEventStream } from "../runtime/stream";
import { Conversations, type Sent } from "./conversations";
import {
	MESSAGE_ROLES, MESSAGE_SCHEMA, MESSAGE_STATUSES, presentMessage, presentSession, REPLY_WAIT_MS, SESSION_SCHEMA, SESSION_STATUSES,
	type FinishedRun, type MessageDoc, type SessionDoc
} from "./model";

interface ChatThis extends PlatformThis {
	repos: { chat_sessions: Repository<SessionDoc>; chat_messages: Repository<MessageDoc> };
	conversations: Conversations;
	[k: string]: any;
}

type Meta = { principal: Principal; auditResourceId?: string; $statusCode?: number; $responseType?: string; $responseHeaders?: Record<string, string> };
type Ctx<P = any> = Context<P, Meta>;

const NOT_RUNNABLE = new Set(["suspended", "archived"]);
const END_USER_RULE = { type: "string", min: 1, max: 128, optional: true, nullable: true };
const TITLE_RULE = { type: "string", max: 200, optional: true, nullable: true };
const CONTENT_RULE = { type: "string", min: 1, max: 32000 };

const ChatService: Schema<ChatThis> = {
	name: "chat",
	mixins: [
		StoreMixin({
			chat_sessions: [{ fields: ["agent_id"] }, { fields: ["status"] }],
			chat_messages: [{ fields: ["session_id", "seq"], unique: true }, { fields: ["run_id"] }]
		})
	],
	settings: { rest: "/chat" },
	metadata: { schemas: { ChatSession: SESSION_SCHEMA, ChatMessage: MESSAGE_SCHEMA } },

	actions: {
		createSession: {
			rest: "POST /sessions",
			access: ["runtime:execute"],
			audit: { action: "chat_session.create" },
			openapi: { summary: "Open a chat session with an agent", status: 201, response: "ChatSession" },
			params: {
				agent_id: { type: "string", min: 1, max: 64 },
				end_user_id: END_USER_RULE,
				customer_id: { type: "string", min: 1, max: 64, optional: true, nullable: true },
				title: TITLE_RULE,
				metadata: { type: "object", optional: true }
			},
			async handler(this: ChatThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				const agent: any = await ctx.call("agents.stateOf", { org_id: orgId, agent_id: p.agent_id });
				if (!agent) throw errors.referenceNotFound("agent_id", "Agent");
				if (p.customer_id != null && !(await callIfPresent(this.broker, "billing.customerExists", { org_id: orgId, customer_id: p.customer_id }, false, ctx))) {
					throw errors.referenceNotFound("customer_id", "Customer");
				}
				if (NOT_RUNNABLE.has(agent.status)) throw errors.conflict("AGENT_NOT_RUNNABLE", `The agent is ${agent.status}: it cannot chat`, { status: agent.status });
				const session = await this.insertSession(orgId, { ...p, publication_id: null });
				ctx.broadcast("chat.session_created", { org_id: orgId, session_id: session.id, agent_id: session.agent_id });
				return presentSession(session);
			}
		},

		listSessions: {
			rest: "GET /sessions",
			access: ["chat:read"],
			openapi: { summary: "List chat sessions", response: "List:ChatSession" },
			params: {
				...LIST_QUERY,
				agent_id: query({ type: "string", max: 64 }),
				end_user_id: query({ type: "string", max: 128 }),
				status: query({ type: "enum", values: [...SESSION_STATUSES] }),
				publication_id: query({ type: "string", max: 64 })
			},
			async handler(this: ChatThis, ctx: Ctx) {
				const filter: Filter = {};
				for (const key of ["agent_id", "end_user_id", "status", "publication_id"]) if (ctx.params[key] !== undefined) filter[key] = ctx.params[key];
				const page = await this.repos.chat_sessions.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(ctx.params));
				return { ...page, items: page.items.map(presentSession) };
			}
		},

		getSession: {
			rest: "GET /sessions/:session_id",
			access: ["chat:read"],
			openapi: { summary: "Get a chat session", response: "ChatSession" },
			params: { session_id: "string" },
			async handler(this: ChatThis, ctx: Ctx) {
				return presentSession(await this.requireSession(ctx.meta.principal.org_id, ctx.params.session_id));
			}
		},

		updateSession: {
			rest: "PUT /sessions/:session_id",
			access: ["chat:write"],
			audit: { action: "chat_session.update" },
			openapi: { summary: "Rename, annotate or close a chat session", response: "ChatSession" },
			params: {
				session_id: "string",
				title: TITLE_RULE,
				metadata: { type: "object", optional: true },
				status: { type: "enum", values: [...SESSION_STATUSES], optional: true },
				agent_id: { type: "any", optional: true },
				end_user_id: { type: "any", optional: true },
				customer_id: { type: "any", optional: true }
			},
			async handler(this: ChatThis, ctx: Ctx) {
				const p = ctx.params;
				const session = await this.requireSession(ctx.meta.principal.org_id, p.session_id);
				const problems = (["agent_id", "end_user_id", "customer_id"] as const)
					.filter(f => p[f] !== undefined && p[f] !== (session[f] ?? null))
					.map(f => ({ field: f, message: "is immutable: open a new session instead" }));
				if (problems.length) throw errors.validation(problems);
				if (session.status === "closed" && p.status === "active") throw errors.invalidStateTransition("closed", "active");
				const set: Partial<SessionDoc> = {};
				if (p.title !== undefined) set.title = p.title;
				if (p.metadata !== undefined) set.metadata = p.metadata;
				const closing = p.status === "closed" && session.status === "active";
				if (closing) set.status = "closed";
				if (!Object.keys(set).length) return presentSession(session);
				const repo = this.repos.chat_sessions.forOrg(session.org_id);
				// Closing is a compare-and-set, so two concurrent closes announce it once.
				const updated = await repo.updateWhere(closing ? { id: session.id, status: "active" } : { id: session.id }, { $set: { ...set, updated_at: nowIso() } });
				if (!updated) return presentSession(await this.requireSession(session.org_id, session.id));
				if (closing) ctx.broadcast("chat.session_closed", { org_id: session.org_id, session_id: session.id, agent_id: session.agent_id });
				return presentSession(updated);
			}
		},

		deleteSession: {
			rest: "DELETE /sessions/:session_id",
			access: ["chat:write"],
			audit: { action: "chat_session.delete" },
			openapi: { summary: "Delete a chat session, its messages and its session memory (runs are kept)", status: 204 },
			params: { session_id: "string" },
			async handler(this: ChatThis, ctx: Ctx) {
				const session = await this.requireSession(ctx.meta.principal.org_id, ctx.params.session_id);
				await this.removeSessions(session.org_id, [session.id]);
				return null;
			}
		},

		sendMessage: {
			rest: "POST /sessions/:session_id/messages",
			access: ["runtime:execute"],
			audit: { action: "chat_message.create" },
			openapi: { summary: "Send a message; answers the reply (or streams it with stream: true)", status: 201, response: "ChatMessage" },
			// The reply is awaited for up to 120 s, longer than the default request timeout.
			...({ timeout: REPLY_WAIT_MS + 20_000 } as object),
			params: { session_id: "string", content: CONTENT_RULE, stream: { type: "boolean", optional: true } },
			async handler(this: ChatThis, ctx: Ctx) {
				const sent = await this.accept(ctx);
				if (ctx.params.stream) return this.openStream(ctx, sent);
				return this.conversations.reply(ctx, sent);
			}
		},

		listMessages: {
			rest: "GET /sessions/:session_id/messages",
			access: ["chat:read"],
			openapi: { summary: "Messages of a chat session", response: "List:ChatMessage" },
			params: {
				session_id: "string",
				...LIST_QUERY,
				role: query({ type: "enum", values: [...MESSAGE_ROLES] }),
				status: query({ type: "enum", values: [...MESSAGE_STATUSES] })
			},
			async handler(this: ChatThis, ctx: Ctx) {
				return this.messagesPage(await this.requireSession(ctx.meta.principal.org_id, ctx.params.session_id), ctx.params);
			}
		},

		streamMessage: {
			rest: "POST /sessions/:session_id/stream",
			access: ["runtime:execute"],
			audit: { action: "chat_message.create" },
			openapi: { summary: "Send a message and stream the reply (SSE)", produces: "text/event-stream" },
			params: { session_id: "string", content: CONTENT_RULE },
			async handler(this: ChatThis, ctx: Ctx) {
				return this.openStream(ctx, await this.accept(ctx));
			}
		},

		// Internal actions.

		/** Deleting an agent deletes its chat sessions (§1). */
		purgeAgent: {
			visibility: "public",
			params: { org_id: "string", agent_id: "string" },
			async handler(this: ChatThis, ctx: Context<{ org_id: string; agent_id: string }>) {
				const sessions = await this.repos.chat_sessions.forOrg(ctx.params.org_id).find({ agent_id: ctx.params.agent_id });
				if (sessions.length) await this.removeSessions(ctx.params.org_id, sessions.map(s => s.id));
				return sessions.length;
			}
		},


		/**
		 * A visitor's message through a publication (§28): into the named session of that publication, or a
		 * new one (`publication_id`, the visitor as `end_user_id`, the publication's customer). The run is a
		 * `public` run in production mode. On a refusal a session opened here is removed again.
		 */
		publicMessage: {
			visibility: "public",
			...({ timeout: REPLY_WAIT_MS + 20_000 } as object),
			params: {
				org_id: "string",
				publication_id: "string",
				agent_id: "string",
				customer_id: { type: "string", optional: true, nullable: true },
				session_id: { type: "string", optional: true },
				end_user_id: END_USER_RULE,
				content: { type: "string", min: 1 },
				stream: { type: "boolean", optional: true }
			},
			async handler(this: ChatThis, ctx: Ctx) {
				const p = ctx.params;
				const opened = p.session_id ? null : await this.insertSession(p.org_id, p);
				const session = opened ?? (await this.requirePublicSession(p.org_id, p.publication_id, p.session_id));
				let sent: Sent;
				try {
					sent = await this.conversations.send(ctx, session, p.content, null, { trigger: "public", trigger_ref: p.publication_id, mode: "production" });
				} catch (err) {
					if (opened) await this.repos.chat_sessions.forOrg(p.org_id).delete(opened.id);
					throw err;
				}
				if (opened) ctx.broadcast("chat.session_created", { org_id: p.org_id, session_id: opened.id, agent_id: opened.agent_id });
				ctx.meta.auditResourceId = sent.user.id;
				if (p.stream) return this.openStream(ctx, sent);
				return this.conversations.reply(ctx, sent);
			}
		},

		/** Messages of a session of this publication, as §19 row 7 lists them. */
		publicMessages: {
			visibility: "public",
			params: { org_id: "string", publication_id: "string", session_id: "string", limit: "number|optional", offset: "number|optional", order: "string|optional" },
			async handler(this: ChatThis, ctx: Context<Record<string, any>>) {
				const { org_id, publication_id, session_id } = ctx.params;
				return this.messagesPage(await this.requirePublicSession(org_id, publication_id, session_id), ctx.params);
			}
		},

		/** The session's messages before the reply of `run_id`, oldest first (at most 50). */
		history: {
			visibility: "public",
			params: { org_id: "string", session_id: "string", run_id: "string" },
			handler(this: ChatThis, ctx: Context<{ org_id: string; session_id: string; run_id: string }>) {
				return this.conversations.history(ctx.params.org_id, ctx.params.session_id, ctx.params.run_id);
			}
		},

		/** `{ready: true}` once every earlier reply of the session is settled; `{ready: false}` when `timeout_ms` passed first. */
		awaitTurn: {
			visibility: "public",
			params: { org_id: "string", session_id: "string", run_id: "string", timeout_ms: { type: "number", integer: true, min: 1, max: 60000 } },
			async handler(this: ChatThis, ctx: Context<{ org_id: string; session_id: string; run_id: string; timeout_ms: number }>) {
				const { org_id, session_id, run_id, timeout_ms } = ctx.params;
				return { ready: await this.conversations.turnReady(org_id, session_id, run_id, timeout_ms) };
			}
		}
	},

	events: {
		// Token and terminal events of runs, as the runtime broadcasts them to its listeners.
		"runtime.run.event": {
			group: "runtime",
			handler(this: ChatThis, ctx: Context<{ run_id: string; event: string; data: unknown }>) {
				this.conversations.hub.publish(ctx.params.run_id, { event: ctx.params.event, data: ctx.params.data });
			}
		},
		"run.completed"(this: ChatThis, ctx: Context<any>) {
			return this.settleReply(ctx);
		},
		"run.failed"(this: ChatThis, ctx: Context<any>) {
			return this.settleReply(ctx);
		},
		"run.cancelled"(this: ChatThis, ctx: Context<any>) {
			return this.settleReply(ctx);
		},
		"run.blocked"(this: ChatThis, ctx: Context<any>) {
			return this.settleReply(ctx);
		}
	},

	methods: {
		async settleReply(this: ChatThis, ctx: Context<{ org_id: string; run: FinishedRun & { trigger: string } }>) {
			const { org_id, run } = ctx.params;
			if (run && isChatRun(run)) await this.conversations.settle(org_id, run);
		},

		insertSession(this: ChatThis, orgId: string, p: Pick<SessionDoc, "agent_id" | "publication_id"> & Partial<SessionDoc>): Promise<SessionDoc> {
			return this.repos.chat_sessions.forOrg(orgId).insert({
				id: newId("chs"),
				agent_id: p.agent_id,
				end_user_id: p.end_user_id ?? null,
				customer_id: p.customer_id ?? null,
				publication_id: p.publication_id,
				title: p.title ?? null,
				status: "active",
				metadata: p.metadata ?? {},
				message_count: 0,
				last_message_at: null,
				next_seq: 0
			});
		},

		async messagesPage(this: ChatThis, session: SessionDoc, p: Record<string, any>) {
			await this.conversations.settlePendingOf(session.org_id, session.id);
			const filter: Filter = { session_id: session.id };
			if (p.role) filter.role = p.role;
			if (p.status) filter.status = p.status;
			const options = listOptions(p);
			const page = await this.repos.chat_messages.forOrg(session.org_id).list(filter, { ...options, sort: { seq: options.order === "asc" ? 1 : -1 } });
			return { ...page, items: page.items.map(presentMessage) };
		},

		/** A session opened through publication `publicationId`; 404 for any other session (§28 rows 9, 10). */
		async requirePublicSession(this: ChatThis, orgId: string, publicationId: string, id: string): Promise<SessionDoc> {
			const session = await this.repos.chat_sessions.forOrg(orgId).get(id);
			if (!session || session.publication_id !== publicationId) throw errors.notFound("Chat session");
			return session;
		},

		async requireSession(this: ChatThis, orgId: string, id: string): Promise<SessionDoc> {
			const session = await this.repos.chat_sessions.forOrg(orgId).get(id);
			if (!session) throw errors.notFound("Chat session");
			return session;
		},

		/** Rows 6 and 8: the session must exist and be open; the audit entry names the user message. */
		async accept(this: ChatThis, ctx: Ctx): Promise<Sent> {
			const session = await this.requireSession(ctx.meta.principal.org_id, ctx.params.session_id);
			const sent = await this.conversations.send(ctx, session, ctx.params.content, ctx.meta.principal.id);
			ctx.meta.auditResourceId = sent.user.id;
			return sent;
		},

		async openStream(this: ChatThis, ctx: Ctx, sent: Sent) {
			ctx.meta.$statusCode = 200;
			answerAsEventStream(ctx.meta);
			return this.conversations.stream(sent);
		},

		async removeSessions(this: ChatThis, orgId: string, sessionIds: string[]) {
			await this.repos.chat_messages.forOrg(orgId).deleteMany({ session_id: { $in: sessionIds } });
			await this.repos.chat_sessions.forOrg(orgId).deleteMany({ id: { $in: sessionIds } });
			for (const sessionId of sessionIds) {
				await callIfPresent(this.broker, "memory.deleteSession", { org_id: orgId, session_id: sessionId }, null).catch((err: unknown) =>
					this.logger.warn({ err, session_id: sessionId }, "Could not delete the session memory of a chat session")
				);
			}
		}
	},

	created(this: ChatThis) {
		this.conversations = new Conversations(this.broker, () => this.repos);
	}
};

export default ChatService;
