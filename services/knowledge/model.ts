import type { FieldProblem } from "../../lib/errors";
import { entitySchema, enumOf, INTEGER, nullable, NUMBER, objectSchema, STRING, STRINGS } from "../../lib/openapi-schema";

export const DOCUMENT_STATUSES = ["pending", "processing", "ready", "failed"] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** Supported document types (§20); the type comes from the part's Content-Type, else the extension. */
export const SUPPORTED_TYPES = ["text/plain", "text/markdown", "text/html", "text/csv", "application/json", "application/pdf"] as const;
export const EXTENSION_TYPES: Record<string, string> = {
	txt: "text/plain",
	text: "text/plain",
	md: "text/markdown",
	markdown: "text/markdown",
	html: "text/html",
	htm: "text/html",
	csv: "text/csv",
	json: "application/json",
	pdf: "application/pdf"
};
/** Upload limit of one file (§20 row 6). */
export const MAX_FILE_BYTES = 25 * 1024 * 1024;
export const MAX_METADATA_BYTES = 16 * 1024;
export const DEFAULT_CHUNK_SIZE = 1000;
export const DEFAULT_CHUNK_OVERLAP = 200;

export interface CollectionDoc {
	id: string;
	org_id: string;
	name: string;
	description: string;
	embedding_model: string;
	chunk_size: number;
	chunk_overlap: number;
	created_at: string;
	updated_at: string;
}

export interface DocumentDoc {
	id: string;
	org_id: string;
	collection_id: string;
	name: string;
	content_type: string;
	size_bytes: number;
	status: DocumentStatus;
	error: { code: string; message: string } | null;
	chunk_count: number;
	metadata: Record<string, unknown>;
	/** Bumped by every upload of the document; chunks of older generations are replaced. */
	generation: number;
	created_at: string;
	updated_at: string;
}

export interface ChunkDoc {
	id: string;
	org_id: string;
	collection_id: string;
	document_id: string;
	generation: number;
	index: number;
	content: string;
	/** base64 float32 vector and its model; null when the embedder failed. */
	embedding: string | null;
	embedding_model: string | null;
	created_at: string;
	updated_at: string;
}

export function presentCollection(doc: CollectionDoc, counts: { document_count: number; chunk_count: number }, agentIds: string[]) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		name: doc.name,
		description: doc.description ?? "",
		embedding_model: doc.embedding_model,
		chunk_size: doc.chunk_size,
		chunk_overlap: doc.chunk_overlap,
		agent_ids: agentIds,
		document_count: counts.document_count,
		chunk_count: counts.chunk_count,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

export function presentDocument(doc: DocumentDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		collection_id: doc.collection_id,
		name: doc.name,
		content_type: doc.content_type,
		size_bytes: doc.size_bytes,
		status: doc.status,
		error: doc.error ?? null,
		chunk_count: doc.chunk_count,
		metadata: doc.metadata ?? {},
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

/** `chunk_overlap` must stay below `chunk_size` (§20). */
export function chunkingProblems(body: Record<string, any>): FieldProblem[] {
	const size = typeof body.chunk_size === "number" ? body.chunk_size : DEFAULT_CHUNK_SIZE;
	if (typeof body.chunk_overlap === "number" && body.chunk_overlap > size - 1) return [{ field: "chunk_overlap", message: `must be at most chunk_size - 1 (${size - 1})` }];
	return [];
}

export const metadataProblems = (metadata: unknown): FieldProblem[] =>
	metadata != null && typeof metadata === "object" && Buffer.byteLength(JSON.stringify(metadata)) > MAX_METADATA_BYTES
		? [{ field: "metadata", message: `must be at most ${MAX_METADATA_BYTES} bytes of JSON` }]
		: [];

const ERROR_SCHEMA = nullable("object", { properties: { code: STRING, message: STRING } });

export const COLLECTION_SCHEMA = entitySchema({
	name: { type: "string", minLength: 1, maxLength: 100 },
	description: STRING,
	embedding_model: STRING,
	chunk_size: { type: "integer", minimum: 200, maximum: 8000 },
	chunk_overlap: { type: "integer", minimum: 0 },
	agent_ids: STRINGS,
	document_count: INTEGER,
	chunk_count: INTEGER
});

export const DOCUMENT_SCHEMA = entitySchema({
	collection_id: STRING,
	name: STRING,
	content_type: enumOf(SUPPORTED_TYPES),
	size_bytes: INTEGER,
	status: enumOf(DOCUMENT_STATUSES),
	error: ERROR_SCHEMA,
	chunk_count: INTEGER,
	metadata: { type: "object" }
});

export const SEARCH_HIT_SCHEMA = objectSchema({
	chunk_id: STRING,
	document_id: STRING,
	document_name: STRING,
	collection_id: STRING,
	content: STRING,
	score: NUMBER,
	metadata: { type: "object" }
});

export const SEARCH_RESULT_SCHEMA = objectSchema({ items: { type: "array", items: { $ref: "#/components/schemas/KnowledgeSearchHit" } } });
