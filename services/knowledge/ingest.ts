import type { ServiceBroker } from "moleculer";
import { announceIndexChange, embedTexts, encodeVector } from "../../lib/search";
import type { Repository } from "../../lib/store";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import { chunkText } from "./chunking";
import { extractText } from "./extract";
import type { KnowledgeIndex } from "./knowledge-index";
import type { ChunkDoc, CollectionDoc, DocumentDoc } from "./model";

export interface IngestDeps {
	broker: ServiceBroker;
	documents: Repository<DocumentDoc>;
	chunks: Repository<ChunkDoc>;
	index: KnowledgeIndex;
}

/**
 * Processes one upload of a document (§20): `processing` → extract text → chunk with overlap →
 * embed → store and index the chunks → `ready`, or `failed` with the reason. Chunks of the
 * document's previous upload stay searchable until the new ones replace them.
 */
export async function ingestDocument(deps: IngestDeps, doc: DocumentDoc, collection: CollectionDoc, bytes: Buffer): Promise<void> {
	const documents = deps.documents.forOrg(doc.org_id);
	const current = { id: doc.id, generation: doc.generation };
	if (!(await documents.updateWhere(current, { $set: { status: "processing", updated_at: nowIso() } }))) return;
	let inserted: ChunkDoc[] = [];
	try {
		const text = await extractText(bytes, doc.content_type);
		const pieces = chunkText(text, collection.chunk_size, collection.chunk_overlap);
		const vectors = pieces.length ? await embedTexts(deps.broker, doc.org_id, collection.embedding_model, pieces) : [];
		const chunks = deps.chunks.forOrg(doc.org_id);
		const now = nowIso();
		for (const [i, content] of pieces.entries()) {
			inserted.push(
				await chunks.insert({
					id: newId("chk"),
					collection_id: doc.collection_id,
					document_id: doc.id,
					generation: doc.generation,
					index: i,
					content,
					embedding: encodeVector(vectors[i]),
					embedding_model: collection.embedding_model,
					created_at: now,
					updated_at: now
				})
			);
		}
		const ready = await documents.updateWhere(current, { $set: { status: "ready", chunk_count: inserted.length, error: null, updated_at: nowIso() } });
		// Deleted or uploaded again meanwhile: these chunks belong to nobody.
		if (!ready) return void (await dropChunks(deps, doc.org_id, inserted));
		const older = await chunks.find({ document_id: doc.id, generation: { $ne: doc.generation } });
		await dropChunks(deps, doc.org_id, older);
		for (const chunk of inserted) deps.index.put(chunk);
		announceIndexChange(deps.broker, "knowledge", { org_id: doc.org_id, upserted: inserted.map(c => c.id), removed: [] });
		inserted = [];
		deps.broker.broadcast("knowledge.document_ready", { org_id: doc.org_id, document_id: doc.id, collection_id: doc.collection_id, chunk_count: ready.chunk_count, error: null });
	} catch (err: any) {
		await dropChunks(deps, doc.org_id, inserted);
		const error = { code: err?.type === "UNREADABLE_DOCUMENT" ? "UNREADABLE_DOCUMENT" : "PROCESSING_FAILED", message: String(err?.message ?? "processing failed") };
		if (!(err?.type === "UNREADABLE_DOCUMENT")) deps.broker.logger.warn({ code: err?.type, document_id: doc.id }, "Document processing failed");
		const failed = await documents.updateWhere(current, { $set: { status: "failed", chunk_count: 0, error, updated_at: nowIso() } });
		if (!failed) return;
		await dropChunks(deps, doc.org_id, await deps.chunks.forOrg(doc.org_id).find({ document_id: doc.id }));
		deps.broker.broadcast("knowledge.document_failed", { org_id: doc.org_id, document_id: doc.id, collection_id: doc.collection_id, chunk_count: 0, error });
	}
}

/** Removes chunks from the store and the index. */
export async function dropChunks(deps: IngestDeps, orgId: string, chunks: ChunkDoc[]): Promise<void> {
	if (!chunks.length) return;
	await deps.chunks.forOrg(orgId).deleteMany({ id: { $in: chunks.map(c => c.id) } });
	for (const chunk of chunks) deps.index.remove(chunk);
	announceIndexChange(deps.broker, "knowledge", { org_id: orgId, upserted: [], removed: chunks.map(c => c.id) });
}

/**
 * Runs document ingestions a few at a time in upload order: a burst of uploads waits `pending`
 * instead of flooding the store's write queue (reads stay fast meanwhile).
 */
export class IngestQueue {
	private readonly waiting: (() => Promise<void>)[] = [];
	private running = 0;

	constructor(
		private readonly concurrency: number,
		private readonly onError: (err: unknown) => void
	) {}

	push(task: () => Promise<void>): void {
		this.waiting.push(task);
		this.next();
	}

	private next(): void {
		while (this.running < this.concurrency && this.waiting.length) {
			const task = this.waiting.shift() as () => Promise<void>;
			this.running++;
			task()
				.catch(this.onError)
				.finally(() => {
					this.running--;
					this.next();
				});
		}
	}
}
