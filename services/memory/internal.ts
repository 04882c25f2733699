import type { Context } from "moleculer";
import type { Schema } from "../../lib/schema";
import { MEMORY_SCOPES, MEMORY_TYPES, presentMemory, RECALL_TYPES, type MemoryType, type MemoryScope } from "./model";

const RECALL_LIMIT = 5;
const IMPORTANCE_RULE = { type: "number", min: 0, max: 1, optional: true };

/** Fields of an entry written on behalf of a run or a chat. */
interface WrittenEntry {
	org_id: string;
	memory_type: MemoryType;
	content: string;
	agent_id?: string | null;
	importance?: number;
	metadata?: Record<string, unknown>;
	scope?: MemoryScope;
	end_user_id?: string | null;
	session_id?: string | null;
}

/** Internal actions of the memory service: runs (recall, episodic memory), chat sessions, deletions. */
export const INTERNAL_ACTIONS: NonNullable<Schema<any>["actions"]> = {

	/** A run's recall (§2, §4): the session history and the most relevant long-term, episodic and semantic entries. */
	recall: {
		visibility: "public",
		params: {
			org_id: "string",
			agent_id: "string",
			query: "string",
			session_id: { type: "string", optional: true, nullable: true },
			end_user_id: { type: "string", optional: true, nullable: true },
			limit: { type: "number", integer: true, min: 1, max: 50, optional: true }
		},
		async handler(this: any, ctx: Context<any>) {
			const p = ctx.params;
			const entries = await this.search(ctx, p.org_id, {
				text: p.query.slice(0, 4000),
				mode: "hybrid",
				limit: p.limit ?? RECALL_LIMIT,
				minScore: 0,
				agent_id: p.agent_id,
				end_user_id: p.end_user_id ?? undefined,
				memory_types: RECALL_TYPES
			});
			const session = p.session_id ? await this.sessionHistory(p.org_id, p.session_id) : [];
			return { session, entries };
		}
	},

	/** Writes an entry on behalf of a run or a chat (no principal; the caller checked the agent). */
	write: {
		visibility: "public",
		params: {
			org_id: "string",
			memory_type: { type: "enum", values: [...MEMORY_TYPES] },
			content: "string",
			agent_id: { type: "string", optional: true, nullable: true },
			importance: IMPORTANCE_RULE,
			metadata: { type: "object", optional: true },
			scope: { type: "enum", values: [...MEMORY_SCOPES], optional: true },
			end_user_id: { type: "string", optional: true, nullable: true },
			session_id: { type: "string", optional: true, nullable: true }
		},
		async handler(this: any, ctx: Context<WrittenEntry>) {
			const { org_id, ...entry } = ctx.params;
			return presentMemory(await this.createEntry(ctx, org_id, { ...entry, content: entry.content.slice(0, 32000) }));
		}
	},

	/** Deletes the `session` entries of a conversation (chat session deleted). */
	deleteSession: {
		visibility: "public",
		params: { org_id: "string", session_id: "string" },
		async handler(this: any, ctx: Context<{ org_id: string; session_id: string }>) {
			return { deleted: await this.deleteWhere(ctx.params.org_id, { session_id: ctx.params.session_id, memory_type: "session" }) };
		}
	},

	/** Agent deleted: its agent-scoped memory goes (§1). */
	purgeAgent: {
		visibility: "public",
		params: { org_id: "string", agent_id: "string" },
		async handler(this: any, ctx: Context<{ org_id: string; agent_id: string }>) {
			return { deleted: await this.deleteWhere(ctx.params.org_id, { agent_id: ctx.params.agent_id, scope: "agent" }) };
		}
	},

	purgeOrg: {
		visibility: "public",
		params: { org_id: "string" },
		async handler(this: any, ctx: Context<{ org_id: string }>) {
			const deleted = await this.repos.memories.forOrg(ctx.params.org_id).deleteMany();
			this.index.dropOrg(ctx.params.org_id);
			return { deleted };
		}
	}
};
