import type { Context } from "moleculer";
import type { Schema } from "../../lib/schema";
import * as errors from "../../lib/errors";
import type { FieldProblem } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import { LIST_QUERY, listOptions, query, withBodyChecks } from "../../lib/validation";
import type { UploadedFile } from "../api/multipart";
import { dropChunks, ingestDocument } from "./ingest";
import {
	DOCUMENT_STATUSES,
	EXTENSION_TYPES,
	MAX_FILE_BYTES,
	metadataProblems,
	presentDocument,
	SUPPORTED_TYPES,
	type DocumentDoc
} from "./model";

/** Types a JSON upload can carry as a string (binary PDF needs multipart). */
const JSON_TYPES = new Set(["text/plain", "text/markdown", "text/html", "text/csv", "application/json"]);
const TYPE_ALIASES: Record<string, string> = { "text/x-markdown": "text/markdown", "application/x-pdf": "application/pdf" };
const GENERIC_TYPES = new Set(["application/octet-stream", "binary/octet-stream"]);
const NAME_RULE = { type: "string", min: 1, max: 255, optional: true };

const bareType = (type: string | null | undefined) => {
	const bare = String(type ?? "").split(";")[0].trim().toLowerCase();
	return TYPE_ALIASES[bare] ?? bare;
};

function parseMetadataField(value: unknown): Record<string, unknown> | null {
	if (typeof value !== "string") return null;
	try {
		const parsed = JSON.parse(value);
		return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : null;
	} catch {
		return null;
	}
}

/** Field problems of an upload: a multipart form (`file`) or a JSON document (`name`, `content`). */
function uploadProblems(body: Record<string, any>): FieldProblem[] {
	const problems: FieldProblem[] = [];
	if (body.file !== undefined) {
		const file = body.file as UploadedFile;
		if (!file || typeof file !== "object" || typeof file.data_base64 !== "string") problems.push({ field: "file", message: "must be a file part" });
		if (body.metadata !== undefined) {
			const parsed = parseMetadataField(body.metadata);
			if (!parsed) problems.push({ field: "metadata", message: "must be a JSON object serialised as a string" });
			else problems.push(...metadataProblems(parsed));
		}
		return problems;
	}
	if (body.name === undefined) problems.push({ field: "name", message: "is required" });
	if (body.content === undefined) problems.push({ field: "content", message: "is required (or upload a file as multipart/form-data)" });
	if (body.metadata !== undefined && (body.metadata === null || typeof body.metadata !== "object" || Array.isArray(body.metadata))) {
		problems.push({ field: "metadata", message: "must be an object" });
	} else problems.push(...metadataProblems(body.metadata));
	return problems;
}

/** The document type of an upload (§20), or 415. */
function documentType(p: Record<string, any>): string {
	const unsupported = (type: string) =>
		errors.custom(415, "UNSUPPORTED_MEDIA_TYPE")(`Unsupported document type ${type || "(none)"}: upload one of ${SUPPORTED_TYPES.join(", ")}`, { supported: [...SUPPORTED_TYPES] });
	if (!p.file) {
		const type = bareType(p.content_type ?? "text/plain");
		if (!JSON_TYPES.has(type)) throw unsupported(type);
		return type;
	}
	const file = p.file as UploadedFile;
	const declared = bareType(file.content_type);
	if ((SUPPORTED_TYPES as readonly string[]).includes(declared)) return declared;
	const extension = /\.([A-Za-z0-9]+)$/.exec(file.filename ?? "")?.[1]?.toLowerCase();
	const fromName = extension ? EXTENSION_TYPES[extension] : undefined;
	if ((!declared || GENERIC_TYPES.has(declared)) && fromName) return fromName;
	throw unsupported(declared || (extension ? `.${extension}` : ""));
}

/** The document actions of the knowledge service (§20 rows 6–9). */
export const DOCUMENT_ACTIONS: NonNullable<Schema<any>["actions"]> = {
	uploadDocument: {
		rest: "POST /collections/:collection_id/documents",
		access: ["knowledge:write"],
		audit: { action: "document.create", resource: null },
		openapi: {
			summary: "Upload a document (multipart file, or JSON text); processed asynchronously. A name already in the collection is re-indexed",
			status: 201,
			response: "Document",
			multipart: { file: "file", maxFileBytes: MAX_FILE_BYTES, fields: ["name", "metadata"], jsonRequired: ["name", "content"] }
		},
		params: {
			collection_id: withBodyChecks({ type: "string" }, uploadProblems),
			name: NAME_RULE,
			content: { type: "string", min: 1, optional: true },
			content_type: { type: "string", min: 1, max: 200, optional: true },
			metadata: { type: "any", optional: true },
			file: { type: "any", optional: true }
		},
		async handler(this: any, ctx: Context<any, any>) {
			const p = ctx.params;
			const type = documentType(p);
			const orgId = ctx.meta.principal.org_id;
			const collection = await this.requireCollection(orgId, p.collection_id);
			const file = p.file as UploadedFile | undefined;
			const bytes = file ? Buffer.from(file.data_base64, "base64") : Buffer.from(p.content, "utf8");
			const name: string = (p.name ?? file?.filename ?? "").trim();
			if (!name) throw errors.fieldError("name", "is required: the file part has no file name");
			const metadata = file ? (p.metadata !== undefined ? parseMetadataField(p.metadata) : {}) : (p.metadata ?? {});
			const documents = this.repos.documents.forOrg(orgId);
			const fields = { content_type: type, size_bytes: bytes.length, status: "pending", error: null, chunk_count: 0, metadata };
			const existing: DocumentDoc | null = await documents.findOne({ collection_id: collection.id, name });
			const doc: DocumentDoc = existing
				? await documents.update(existing.id, { ...fields, generation: existing.generation + 1 } as Partial<DocumentDoc>)
				: await documents.insert({ id: newId("doc"), collection_id: collection.id, name, generation: 1, ...fields } as DocumentDoc);
			ctx.meta.auditResourceId = doc.id;
			this.ingestQueue.push(() => ingestDocument(this.ingestDeps(), doc, collection, bytes));
			return presentDocument(doc);
		}
	},

	listDocuments: {
		rest: "GET /collections/:collection_id/documents",
		access: ["knowledge:read"],
		openapi: { summary: "List the documents of a collection", response: "List:Document" },
		params: { collection_id: "string", ...LIST_QUERY, status: query({ type: "enum", values: [...DOCUMENT_STATUSES] }) },
		async handler(this: any, ctx: Context<any, any>) {
			const orgId = ctx.meta.principal.org_id;
			const collection = await this.requireCollection(orgId, ctx.params.collection_id);
			const filter: Record<string, unknown> = { collection_id: collection.id };
			if (ctx.params.status) filter.status = ctx.params.status;
			const page = await this.repos.documents.forOrg(orgId).list(filter, listOptions(ctx.params));
			return { ...page, items: page.items.map(presentDocument) };
		}
	},

	getDocument: {
		rest: "GET /documents/:document_id",
		access: ["knowledge:read"],
		openapi: { summary: "Get a document and its processing status", response: "Document" },
		params: { document_id: "string" },
		async handler(this: any, ctx: Context<any, any>) {
			return presentDocument(await this.requireDocument(ctx.meta.principal.org_id, ctx.params.document_id));
		}
	},

	deleteDocument: {
		rest: "DELETE /documents/:document_id",
		access: ["knowledge:write"],
		audit: { action: "document.delete" },
		openapi: { summary: "Delete a document and its chunks", status: 204 },
		params: { document_id: "string" },
		async handler(this: any, ctx: Context<any, any>) {
			const orgId = ctx.meta.principal.org_id;
			const doc: DocumentDoc = await this.requireDocument(orgId, ctx.params.document_id);
			await this.repos.documents.forOrg(orgId).delete(doc.id);
			await dropChunks(this.ingestDeps(), orgId, await this.repos.chunks.forOrg(orgId).find({ document_id: doc.id }));
			return null;
		}
	}
};

/** Documents left `pending`/`processing` by a stopped node lost their bytes: they fail and ask for a new upload. */
export async function failInterrupted(scope: { updateMany(filter: object, update: object): Promise<number> }): Promise<number> {
	return scope.updateMany(
		{ status: { $in: ["pending", "processing"] } },
		{ $set: { status: "failed", error: { code: "PROCESSING_INTERRUPTED", message: "The node processing this document stopped: upload it again" }, updated_at: nowIso() } }
	);
}
