import type { FieldProblem } from "../../lib/errors";

export const SECRET_NAME = "^[A-Za-z_][A-Za-z0-9_]{0,127}$";
export const SECRET_TYPES = ["api_key", "token", "password", "env_var"] as const;
export const SECRET_SCOPES = ["global", "agent"] as const;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface SecretDoc {
	id: string;
	org_id: string;
	name: string;
	/** base64(iv | tag | ciphertext), see vault.ts. */
	ciphertext: string;
	type: (typeof SECRET_TYPES)[number];
	scope: (typeof SECRET_SCOPES)[number];
	agent_id: string | null;
	description: string;
	rotation_days: number | null;
	version: number;
	last_rotated_at: string | null;
	next_rotation_at: string | null;
	/** The `next_rotation_at` for which `secret.rotation_due` was already emitted. */
	due_notified_for: string | null;
	created_at: string;
	updated_at: string;
}

/** When the value last changed (the last rotation, else the creation): the base of `next_rotation_at`. */
export const valueChangedAt = (doc: Pick<SecretDoc, "last_rotated_at" | "created_at">): string => doc.last_rotated_at ?? doc.created_at;

export function nextRotationAt(valueChangedAt: string, rotationDays: number | null): string | null {
	if (rotationDays == null) return null;
	return new Date(new Date(valueChangedAt).getTime() + rotationDays * DAY_MS).toISOString();
}

export const isRotationDue = (doc: Pick<SecretDoc, "next_rotation_at">, now = Date.now()): boolean =>
	doc.next_rotation_at != null && new Date(doc.next_rotation_at).getTime() <= now;

/** The Secret as the API shows it: metadata only, never the value (§14). */
export function presentSecret(doc: SecretDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		name: doc.name,
		has_value: !!doc.ciphertext,
		type: doc.type,
		scope: doc.scope,
		agent_id: doc.agent_id ?? null,
		description: doc.description ?? "",
		rotation_days: doc.rotation_days ?? null,
		version: doc.version,
		last_rotated_at: doc.last_rotated_at ?? null,
		next_rotation_at: doc.next_rotation_at ?? null,
		rotation_due: isRotationDue(doc),
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

/** `scope`/`agent_id` consistency on create (§14). */
export function scopeProblems(scope: string, agentId: string | null | undefined): FieldProblem[] {
	if (scope === "agent" && (agentId == null || agentId === "")) return [{ field: "agent_id", message: "is required when scope is agent" }];
	if (scope === "global" && agentId != null) return [{ field: "agent_id", message: "must be null or absent when scope is global" }];
	return [];
}

/** Filter for `rotation_due=true|false` at `nowIso`. */
export function rotationDueFilter(due: boolean, nowIso: string): Record<string, unknown> {
	return due ? { next_rotation_at: { $lte: nowIso } } : { $or: [{ next_rotation_at: null }, { next_rotation_at: { $gt: nowIso } }] };
}

export const SECRET_SCHEMA = {
	type: "object",
	properties: {
		id: { type: "string" },
		org_id: { type: "string" },
		name: { type: "string", pattern: SECRET_NAME },
		has_value: { type: "boolean" },
		type: { enum: [...SECRET_TYPES] },
		scope: { enum: [...SECRET_SCOPES] },
		agent_id: { type: ["string", "null"] },
		description: { type: "string" },
		rotation_days: { type: ["integer", "null"], minimum: 1, maximum: 3650 },
		version: { type: "integer" },
		last_rotated_at: { type: ["string", "null"], format: "date-time" },
		next_rotation_at: { type: ["string", "null"], format: "date-time" },
		rotation_due: { type: "boolean" },
		created_at: { type: "string", format: "date-time" },
		updated_at: { type: "string", format: "date-time" }
	}
};
