import type { FieldProblem } from "../../lib/errors";
import { entitySchema, enumOf, NULLABLE_STRING, NULLABLE_TIMESTAMP, NUMBER } from "../../lib/openapi-schema";

export const MEMORY_TYPES = ["session", "long_term", "episodic", "semantic"] as const;
export const MEMORY_SCOPES = ["agent", "user", "org"] as const;
export const EMBEDDING_STATUSES = ["pending", "ready", "failed"] as const;
export type MemoryType = (typeof MEMORY_TYPES)[number];
export type MemoryScope = (typeof MEMORY_SCOPES)[number];

/** Types a run's recall searches by meaning; `session` entries come by conversation instead (§4). */
export const RECALL_TYPES: MemoryType[] = ["long_term", "episodic", "semantic"];
export const SESSION_TTL_MS = 24 * 60 * 60 * 1000;
export const MAX_METADATA_BYTES = 16 * 1024;

export interface MemoryDoc {
	id: string;
	org_id: string;
	agent_id: string | null;
	memory_type: MemoryType;
	content: string;
	importance: number;
	metadata: Record<string, unknown>;
	scope: MemoryScope;
	end_user_id: string | null;
	session_id: string | null;
	embedding_status: (typeof EMBEDDING_STATUSES)[number];
	/** base64 float32 vector and the model that made it (internal). */
	embedding: string | null;
	embedding_model: string | null;
	expires_at: string | null;
	created_at: string;
	updated_at: string;
}

/** `session` entries without a conversation expire 24 h after their last update; all others never (§4). */
export function expiresAt(type: MemoryType, sessionId: string | null, updatedAt: string): string | null {
	return type === "session" && !sessionId ? new Date(Date.parse(updatedAt) + SESSION_TTL_MS).toISOString() : null;
}

export const isExpired = (doc: Pick<MemoryDoc, "expires_at">, now = Date.now()) => doc.expires_at != null && Date.parse(doc.expires_at) <= now;

/** Store filter leaving out expired entries (the sweep deletes them a little later). */
export const notExpired = (nowIso: string) => ({ $or: [{ expires_at: null }, { expires_at: { $gt: nowIso } }] });

export function presentMemory(doc: MemoryDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		agent_id: doc.agent_id ?? null,
		memory_type: doc.memory_type,
		content: doc.content,
		importance: doc.importance,
		metadata: doc.metadata ?? {},
		scope: doc.scope,
		end_user_id: doc.end_user_id ?? null,
		session_id: doc.session_id ?? null,
		embedding_status: doc.embedding_status,
		expires_at: doc.expires_at ?? null,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

/** Cross-field rules of a new entry: `agent_id` for scope `agent`, `end_user_id` for scope `user`. */
export function scopeProblems(body: Record<string, any>): FieldProblem[] {
	const scope = body.scope ?? "agent";
	const problems: FieldProblem[] = [];
	if (scope === "agent" && (body.agent_id == null || body.agent_id === "")) problems.push({ field: "agent_id", message: "is required when scope is agent" });
	if (scope === "user" && (body.end_user_id == null || body.end_user_id === "")) problems.push({ field: "end_user_id", message: "is required when scope is user" });
	return problems;
}

/** `metadata` over 16 KiB of JSON. */
export function metadataProblems(metadata: unknown, field = "metadata"): FieldProblem[] {
	if (metadata == null || typeof metadata !== "object") return [];
	return Buffer.byteLength(JSON.stringify(metadata)) > MAX_METADATA_BYTES ? [{ field, message: `must be at most ${MAX_METADATA_BYTES} bytes of JSON` }] : [];
}

/** What the in-memory index keeps of an entry to decide visibility without reading the store. */
export interface MemoryFacts {
	agent_id: string | null;
	memory_type: MemoryType;
	scope: MemoryScope;
	end_user_id: string | null;
	session_id: string | null;
	expires_at: number | null;
}

export const factsOf = (doc: MemoryDoc): MemoryFacts => ({
	agent_id: doc.agent_id ?? null,
	memory_type: doc.memory_type,
	scope: doc.scope,
	end_user_id: doc.end_user_id ?? null,
	session_id: doc.session_id ?? null,
	expires_at: doc.expires_at ? Date.parse(doc.expires_at) : null
});

export interface VisibilityFilter {
	agent_id?: string;
	/** Agents whose agent-scoped entries `agent_id` may read (coordination `share_memory`). */
	shared_agent_ids?: string[];
	end_user_id?: string;
	memory_types?: MemoryType[];
	scopes?: MemoryScope[];
}

/**
 * §4 visibility. With `agent_id`: its own agent-scoped entries (plus shared agents'), org entries,
 * and user entries of the given end user. Without: every entry of the org matching the filters.
 */
export function visibleTo(filter: VisibilityFilter, now = Date.now()): (facts: MemoryFacts) => boolean {
	const types = filter.memory_types ? new Set(filter.memory_types) : null;
	const scopes = filter.scopes ? new Set(filter.scopes) : null;
	const agents = new Set([filter.agent_id, ...(filter.shared_agent_ids ?? [])]);
	return facts => {
		if (facts.expires_at != null && facts.expires_at <= now) return false;
		if (types && !types.has(facts.memory_type)) return false;
		if (scopes && !scopes.has(facts.scope)) return false;
		if (!filter.agent_id) return filter.end_user_id === undefined || facts.end_user_id === filter.end_user_id;
		if (facts.scope === "agent") return agents.has(facts.agent_id ?? undefined);
		if (facts.scope === "user") return filter.end_user_id !== undefined && facts.end_user_id === filter.end_user_id;
		return true;
	};
}

export const MEMORY_SCHEMA = entitySchema({
	agent_id: NULLABLE_STRING,
	memory_type: enumOf(MEMORY_TYPES),
	content: { type: "string", minLength: 1, maxLength: 32000 },
	importance: { type: "number", minimum: 0, maximum: 1 },
	metadata: { type: "object" },
	scope: enumOf(MEMORY_SCOPES),
	end_user_id: NULLABLE_STRING,
	session_id: NULLABLE_STRING,
	embedding_status: enumOf(EMBEDDING_STATUSES),
	expires_at: NULLABLE_TIMESTAMP
});

export const SCORED_MEMORY_SCHEMA = { ...MEMORY_SCHEMA, properties: { ...(MEMORY_SCHEMA.properties as object), score: NUMBER } };
export const MEMORY_SEARCH_RESULT = { type: "object", properties: { items: { type: "array", items: { $ref: "#/components/schemas/ScoredMemoryEntry" } } } };
