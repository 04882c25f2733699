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

type Copier = (doc: Record<string, any>, copy: (value: unknown) => unknown) => Doc;

const copyByLoop: Copier = (doc, copy) => {
	const out: Doc = { id: doc._id };
	for (const key in doc) if (key !== "_id") out[decodeName(key)] = copy(doc[key]);
	return out;
};

/**
 * Copiers per document shape (its field names in order): an object literal of the fields, so a copy
 * is built in one allocation with a stable hidden class instead of field by field. Field names
 * enter the code only as JSON string literals.
 */
const copiers = new Map<string, Copier>();
const MAX_SHAPES = 1_000;
const MAX_FIELDS = 128;

function copierFor(doc: Record<string, any>): Copier {
	const keys = Object.keys(doc);
	if (keys.length > MAX_FIELDS || keys.includes("__proto__")) return copyByLoop;
	const shape = JSON.stringify(keys);
	let copier = copiers.get(shape);
	if (!copier) {
		const fields = keys.filter(k => k !== "_id").map(k => `${JSON.stringify(decodeName(k))}: copy(doc[${JSON.stringify(k)}])`);
		copier = new Function("doc", "copy", `return { id: doc._id, ${fields.join(", ")} };`) as Copier;
		if (copiers.size >= MAX_SHAPES) copiers.clear();
		copiers.set(shape, copier);
	}
	return copier;
}

/** The copier of each stored document the store has handed out (NeDB replaces a document on every change, never edits it). */
const copierOf = new WeakMap<object, Copier>();

/** The store's own document (never handed out) as the caller's copy: one deep copy, names decoded. */
export const copyFromStored = (doc: Record<string, any> | null): Doc | null => {
	if (!doc) return null;
	let copier = copierOf.get(doc);
	if (!copier) copierOf.set(doc, (copier = copierFor(doc)));
	return copier(doc, copyDecoded);
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
