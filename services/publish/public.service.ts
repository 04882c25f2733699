import type { Context } from "moleculer";
import * as errors from "../../lib/errors";
import type { AuditActor } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import { LIST_QUERY } from "../../lib/validation";
import { PlatformMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { REPLY_WAIT_MS } from "../chat/model";
import { answerMcp, type AskResult } from "./mcp-server";
import { presentPublic, PUBLIC_INFO_SCHEMA, type PublicationDoc } from "./model";
import { WIDGET_SCRIPT } from "./widget-script";

type PublicMeta = {
	publication: Omit<PublicationDoc, "public_key">;
	auditActor: AuditActor;
	auditResourceId?: string;
	client?: { ip?: string; user_agent?: string | null };
	$statusCode?: number;
	$responseType?: string;
	$responseHeaders?: Record<string, string>;
};
type Ctx<P = any> = Context<P, PublicMeta>;

interface PublicThis extends PlatformThis {
	[k: string]: any;
}

const CHAT_TIMEOUT = { timeout: REPLY_WAIT_MS + 20_000 };
const SLUG_PARAM = { slug: "string" };

/**
 * The public published-agent routes (§28 rows 8–12) under `/api/v1/public`. The gateway admits them
 * (public-gate.ts: key, origin, rate limit) and hands over the publication in `ctx.meta.publication`;
 * conversations are ordinary chat sessions of the publication, kept by the chat module.
 */
const PublicService: Schema<PublicThis> = {
	name: "public",
	mixins: [PlatformMixin],
	settings: { rest: "/public" },
	metadata: { schemas: { PublicPublication: PUBLIC_INFO_SCHEMA } },

	actions: {
		info: {
			rest: "GET /:slug",
			access: "publication",
			openapi: { summary: "What a visitor's page may know of a publication", response: "PublicPublication" },
			params: SLUG_PARAM,
			handler(this: PublicThis, ctx: Ctx) {
				return presentPublic(ctx.meta.publication as PublicationDoc);
			}
		},

		chat: {
			rest: "POST /:slug/chat",
			access: "publication",
			audit: { action: "chat_message.create" },
			openapi: { summary: "Chat with a published agent (stream: true answers SSE as chat does)", status: 201, response: "ChatMessage" },
			...(CHAT_TIMEOUT as object),
			params: {
				...SLUG_PARAM,
				message: { type: "string", min: 1, max: 10_000 },
				session_id: { type: "string", min: 1, max: 64, optional: true },
				visitor_id: { type: "string", min: 1, max: 128, optional: true },
				stream: { type: "boolean", optional: true }
			},
			async handler(this: PublicThis, ctx: Ctx) {
				const p = ctx.params;
				return this.converse(ctx, { content: p.message, session_id: p.session_id, end_user_id: p.visitor_id, stream: !!p.stream });
			}
		},

		messages: {
			rest: "GET /:slug/sessions/:session_id/messages",
			access: "publication",
			openapi: { summary: "Messages of a session opened through this publication", response: "List:ChatMessage" },
			params: { ...SLUG_PARAM, session_id: "string", ...LIST_QUERY },
			async handler(this: PublicThis, ctx: Ctx) {
				const publication = ctx.meta.publication;
				const { session_id, limit, offset, order } = ctx.params;
				return ctx.call("chat.publicMessages", { org_id: publication.org_id, publication_id: publication.id, session_id, limit, offset, order });
			}
		},

		widget: {
			rest: "GET /:slug/widget.js",
			access: "public",
			openapi: { summary: "The embeddable chat widget (reads data-key from its script tag)", produces: "application/javascript", rateLimit: "publication" },
			params: SLUG_PARAM,
			handler(this: PublicThis, ctx: Ctx) {
				ctx.meta.$responseType = "application/javascript; charset=utf-8";
				ctx.meta.$responseHeaders = { "Cache-Control": "public, max-age=300" };
				return WIDGET_SCRIPT;
			}
		},

		mcp: {
			rest: "POST /:slug/mcp",
			access: "publication",
			publicKey: "bearer",
			openapi: { summary: "MCP server endpoint of the published agent (JSON-RPC 2.0, Streamable HTTP 2025-03-26)" },
			...(CHAT_TIMEOUT as object),
			params: {
				...SLUG_PARAM,
				jsonrpc: { type: "any", optional: true, nullable: true },
				id: { type: "any", optional: true, nullable: true },
				method: { type: "any", optional: true, nullable: true },
				params: { type: "any", optional: true, nullable: true }
			},
			async handler(this: PublicThis, ctx: Ctx) {
				const publication = ctx.meta.publication;
				if (!publication.mcp_enabled) throw errors.notFound("MCP endpoint");
				const { jsonrpc, id, method, params } = ctx.params;
				const answer = await answerMcp(
					{ jsonrpc, id, method, params },
					{
						slug: publication.slug,
						name: publication.name,
						description: publication.description,
						version: this.config.version,
						ask: (message, sessionId) => this.ask(ctx, message, sessionId)
					}
				);
				if (answer === null) ctx.meta.$statusCode = 202;
				return answer;
			}
		}
	},

	methods: {
		/**
		 * One visitor message (rows 9 and 12): the agent must still be `active` (an archived one is gone, 404);
		 * the chat module stores it in the publication's session and starts the `public` run.
		 */
		async converse(this: PublicThis, ctx: Ctx, message: { content: string; session_id?: string; end_user_id?: string; stream: boolean }) {
			const publication = ctx.meta.publication;
			const agent: any = await ctx.call("agents.stateOf", { org_id: publication.org_id, agent_id: publication.agent_id });
			if (!agent || agent.status === "archived") throw errors.notFound("Publication");
			if (agent.status !== "active") throw errors.conflict("AGENT_NOT_RUNNABLE", `The published agent is ${agent.status}: it answers again once it is active`, { status: agent.status });
			return ctx.call(
				"chat.publicMessage",
				{
					org_id: publication.org_id,
					publication_id: publication.id,
					agent_id: publication.agent_id,
					customer_id: publication.customer_id,
					...message
				},
				CHAT_TIMEOUT
			);
		},

		/** `ask_agent`: a chat turn; audited as the public chat row is (§18). */
		async ask(this: PublicThis, ctx: Ctx, content: string, sessionId: string | undefined): Promise<AskResult> {
			const reply: any = await this.converse(ctx, { content, session_id: sessionId, stream: false });
			await this.auditMessage(ctx, reply);
			const failed = reply.status !== "completed";
			return {
				reply: reply.content,
				session_id: reply.session_id,
				error: failed ? (reply.error ?? { code: "REPLY_PENDING", message: "The agent is still answering: ask again in a moment" }) : null
			};
		},

		async auditMessage(this: PublicThis, ctx: Ctx, reply: { session_id: string }) {
			const actor = ctx.meta.auditActor;
			await ctx
				.call("audit.record", {
					org_id: actor.org_id,
					actor_type: actor.type,
					actor_id: actor.id,
					actor_name: actor.name,
					action: "chat_message.create",
					resource_id: ctx.meta.auditResourceId ?? null,
					outcome: "success",
					status_code: 200,
					details: { tool: "ask_agent", session_id: reply.session_id },
					ip: ctx.meta.client?.ip ?? null,
					user_agent: ctx.meta.client?.user_agent ?? null,
					request_id: ctx.requestID ?? null
				})
				.catch((err: unknown) => this.logger.error({ err }, "Could not audit an MCP tool call"));
		}
	}
};

export default PublicService;
