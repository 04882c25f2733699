import type { Doc, Filter, FindOptions } from "./types";
import { copyDecoded, decodeDoc, decodeName, encodeDoc } from "./keys";

/** A document as both backends store it: `id` is `_id`, awkward keys escaped. */
export const toStored = (doc: Doc): Record<string, any> => {
	const { id, ...rest } = encodeDoc(doc);
	return { _id: id, ...rest };
};

/** A backend's answer (already the caller's own copy) as a document: `_id` → `id` first, names decoded. */
export const fromStored = (doc: Record<string, any> | null): Doc | null => {
	if (!doc) return null;
	const out: Doc = { id: doc._id };
	for (const key in doc) if (key !== "_id") out[decodeName(key)] = decodeDoc(doc[key]);
	return out;
};

/** The store's own document (never handed out) as the caller's copy: one deep copy, names decoded. */
export const copyFromStored = (doc: Record<string, any> | null): Doc | null => {
	if (!doc) return null;
	const out: Doc = { id: doc._id };
	for (const key in doc) if (key !== "_id") out[decodeName(key)] = copyDecoded(doc[key]);
	return out;
};

/**
 * `id` → `_id`. NeDB answers from the index of the LAST indexed field of a query, so org_id (the
 * least selective, present in nearly every query) goes first and the primary key last.
 */
export function storedFilter(filter: Filter): Filter {
	const { id, org_id, ...rest } = filter;
	const out: Filter = {};
	if (org_id !== undefined) out.org_id = org_id;
	Object.assign(out, rest);
	if (id !== undefined) out._id = id;
	return out;
}

export function storedSort(sort: FindOptions["sort"]): Record<string, 1 | -1> | undefined {
	if (!sort) return undefined;
	const out: Record<string, 1 | -1> = {};
	for (const [k, v] of Object.entries(sort)) out[k === "id" ? "_id" : k] = v;
	return out;
}
