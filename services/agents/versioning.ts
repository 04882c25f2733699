import { canonicalJson } from "../../lib/canonical-json";
import { VERSIONED_FIELDS, WRITABLE_FIELDS, type AgentDoc } from "./model";

export type AgentPatch = Partial<Pick<AgentDoc, (typeof WRITABLE_FIELDS)[number]>>;

const VERSIONED = new Set<string>(VERSIONED_FIELDS);
export const isVersioned = (field: string) => VERSIONED.has(field);

/** The writable fields present in a request body (read-only and unknown fields are ignored). */
export function pickWritable(params: Record<string, unknown>): AgentPatch {
	const patch: Record<string, unknown> = {};
	for (const field of WRITABLE_FIELDS) if (params[field] !== undefined) patch[field] = params[field];
	return patch as AgentPatch;
}

/** Fields whose value the patch really changes, in contract order. */
export function changedFields(doc: AgentDoc, patch: AgentPatch): string[] {
	return WRITABLE_FIELDS.filter(f => patch[f] !== undefined && canonicalJson(patch[f]) !== canonicalJson(doc[f]));
}

export interface PlannedChange {
	changed: string[];
	versioned: string[];
	set: Record<string, unknown>;
}

/** What applying `patch` to `doc` does: the fields to `$set` and which of them form a new version. */
export function planChange(doc: AgentDoc, patch: AgentPatch): PlannedChange {
	const changed = changedFields(doc, patch);
	const set: Record<string, unknown> = {};
	for (const f of changed) set[f] = patch[f as keyof AgentPatch];
	return { changed, versioned: changed.filter(isVersioned), set };
}
