import type { Context, ServiceBroker } from "moleculer";
import { callIfPresent } from "../calls";
import * as errors from "../errors";
import type { Doc, Scope } from "../store";

export * from "./bm25";
export * from "./hybrid";
export * from "./vectors";

/** Texts per `providers.embed` call. */
const EMBED_BATCH = 64;
/** Documents per page when an index is rebuilt from the store. */
const LOAD_PAGE = 10_000;

/** The mock embedder answers in process: entries it embeds are `ready` before the API answers. */
export const isImmediateEmbedder = (model: string) => model === "mock-embed";

/**
 * Embeddings of `texts` with `model`, through the providers module (the org's provider serving the
 * model, or the offline mock). Throws 503 SERVICE_UNAVAILABLE when no embedder can be reached.
 */
export async function embedTexts(broker: ServiceBroker, orgId: string, model: string, texts: string[], ctx?: Context): Promise<number[][]> {
	const vectors: number[][] = [];
	for (let i = 0; i < texts.length; i += EMBED_BATCH) {
		const batch = texts.slice(i, i + EMBED_BATCH);
		const answer = await callIfPresent<{ vectors: number[][] } | null>(broker, "providers.embed", { org_id: orgId, model, input: batch }, null, ctx);
		if (!answer) throw errors.serviceUnavailable("No embedder is available: the providers module is not running");
		vectors.push(...answer.vectors);
	}
	return vectors;
}

/** The query's embedding, or null when the embedder fails (hybrid search then ranks by keywords alone). */
export async function embedQuery(broker: ServiceBroker, orgId: string, model: string, text: string, ctx?: Context): Promise<number[] | null> {
	try {
		return (await embedTexts(broker, orgId, model, [text], ctx))[0] ?? null;
	} catch (err) {
		broker.logger.warn({ code: (err as any)?.type, model }, "Embedding a search query failed");
		return null;
	}
}

/** Calls `each` for every document of the scope, page by page in id order (index rebuilds at start). */
export async function forEachDoc<T extends Doc>(scope: Scope<T>, each: (doc: T) => void): Promise<number> {
	let last = "";
	let count = 0;
	for (;;) {
		const page = await scope.find(last ? { id: { $gt: last } } : {}, { sort: { id: 1 }, limit: LOAD_PAGE });
		for (const doc of page) each(doc);
		count += page.length;
		if (page.length < LOAD_PAGE) return count;
		last = page[page.length - 1].id;
	}
}

/** What changed in a service's index, for the other instances of the service (shared database). */
export interface IndexChange {
	org_id: string;
	upserted: string[];
	removed: string[];
}

export const indexEvent = (service: string) => `search-index.${service}`;

/**
 * Tells the other nodes running `service` which entries to reload from the shared store or drop:
 * each instance keeps its own in-memory index. Delivered to that service's instances only.
 */
export function announceIndexChange(broker: ServiceBroker, service: string, change: IndexChange): void {
	if (!change.upserted.length && !change.removed.length) return;
	broker.broadcast(indexEvent(service), change, { groups: [service] });
}

/**
 * The documents of a few search hits by id, in the order of `ids` (missing ones left out). Point
 * reads: on the embedded store an `$in` on ids next to the org filter would scan the whole org.
 */
export async function fetchHits<T extends Doc>(scope: Scope<T>, ids: string[]): Promise<T[]> {
	const docs = await Promise.all(ids.map(id => scope.get(id)));
	return docs.filter((d): d is Awaited<T> => d !== null) as T[];
}
