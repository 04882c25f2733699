import type { Update } from "./types";

/**
 * Field names that document stores refuse or misread (containing `.`, starting with `$`) are stored
 * escaped and read back unchanged, so client objects (metadata, JSON Schemas with `$ref`, request
 * bodies in audit details) round-trip on every backend. `%` is the escape character.
 */
const NEEDS_ENCODING = /^\$|[.%]/;
const NEEDS_DECODING = /%(?:25|2E|24)/;

const encodeKey = (key: string): string =>
	key.replace(/[%.]/g, c => (c === "%" ? "%25" : "%2E")).replace(/^\$/, "%24");

const DECODED: Record<string, string> = { "%25": "%", "%2E": ".", "%24": "$" };
const decodeKey = (key: string): string => key.replace(/%(?:25|2E|24)/g, m => DECODED[m]);

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
	if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
	const proto = Object.getPrototypeOf(v);
	return proto === Object.prototype || proto === null;
};

/** Rewrites keys at every depth; returns the same value when nothing needs rewriting. */
function mapKeys(value: unknown, needs: RegExp, rewrite: (k: string) => string): unknown {
	if (Array.isArray(value)) {
		let out: unknown[] | null = null;
		for (let i = 0; i < value.length; i++) {
			const mapped = mapKeys(value[i], needs, rewrite);
			if (mapped !== value[i] && !out) out = value.slice(0, i);
			if (out) out.push(mapped);
		}
		return out ?? value;
	}
	if (!isPlainObject(value)) return value;
	let out: Record<string, unknown> | null = null;
	const keys = Object.keys(value);
	for (let i = 0; i < keys.length; i++) {
		const key = keys[i];
		const mapped = mapKeys(value[key], needs, rewrite);
		const newKey = needs.test(key) ? rewrite(key) : key;
		if (!out && (mapped !== value[key] || newKey !== key)) {
			out = {};
			for (let j = 0; j < i; j++) out[keys[j]] = value[keys[j]];
		}
		if (out) out[newKey] = mapped;
	}
	return out ?? value;
}

export const encodeDoc = <T>(doc: T): T => mapKeys(doc, NEEDS_ENCODING, encodeKey) as T;
export const decodeDoc = <T>(doc: T): T => mapKeys(doc, NEEDS_DECODING, decodeKey) as T;

/** A stored field name as written by the client (only names with `%` can be escaped). */
export const decodeName = (key: string): string => (key.indexOf("%") !== -1 && NEEDS_DECODING.test(key) ? decodeKey(key) : key);

/**
 * A deep copy of a stored value with its field names decoded, in one pass: what a read hands out
 * (the caller may change it freely; the store's own document stays as it was).
 */
export function copyDecoded(value: unknown): unknown {
	if (value === null || typeof value !== "object") return value;
	if (Array.isArray(value)) {
		const out = new Array(value.length);
		for (let i = 0; i < value.length; i++) out[i] = copyDecoded(value[i]);
		return out;
	}
	if (value instanceof Date) return new Date(value.getTime());
	const out: Record<string, unknown> = {};
	for (const key in value) out[decodeName(key)] = copyDecoded((value as Record<string, unknown>)[key]);
	return out;
}

/**
 * Encodes the values that update operators write (`$set`, `$push`, `$addToSet`); operator paths
 * (`a.b` addresses a nested field) and conditions (`$pull`) stay as written.
 */
export function encodeUpdate(update: Update): Update {
	const out: Record<string, any> = { ...update };
	for (const op of ["$set", "$push", "$addToSet"]) {
		const fields = (update as Record<string, any>)[op];
		if (!isPlainObject(fields)) continue;
		const mapped: Record<string, unknown> = {};
		for (const [path, value] of Object.entries(fields)) {
			mapped[path] =
				op !== "$set" && isPlainObject(value) && Array.isArray(value.$each) ? { ...value, $each: value.$each.map(encodeDoc) } : encodeDoc(value);
		}
		out[op] = mapped;
	}
	return out as Update;
}
