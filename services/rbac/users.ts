import { BOOLEAN, entitySchema, enumOf, nullable, NULLABLE_STRING, NULLABLE_TIMESTAMP, objectSchema, STRING, STRINGS } from "../../lib/openapi-schema";

export interface UserDoc {
	id: string;
	org_id: string;
	email: string;
	name: string;
	password_hash: string | null;
	roles: string[];
	status: "active" | "disabled";
	last_login_at: string | null;
	created_at: string;
	updated_at: string;
}

export interface ApiKeyDoc {
	id: string;
	org_id: string;
	name: string;
	prefix: string;
	key_hash: string;
	/** Hashes of rotated-out keys: valid until `valid_until`, then kept so a late use is attributable. */
	previous_hashes: { hash: string; valid_until: string }[];
	roles: string[];
	permissions: string[];
	created_by: string | null;
	/** The user the key acts for: `created_by`, or the bootstrap user for the bootstrap key. */
	user_id: string | null;
	expires_at: string | null;
	rate_limit_per_minute: number | null;
	last_used_at: string | null;
	revoked_at: string | null;
	created_at: string;
	updated_at: string;
}

export function presentUser(doc: UserDoc) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		email: doc.email,
		name: doc.name,
		has_password: !!doc.password_hash,
		roles: doc.roles,
		status: doc.status,
		last_login_at: doc.last_login_at ?? null,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

export function presentKey(doc: ApiKeyDoc, effective: string[]) {
	return {
		id: doc.id,
		org_id: doc.org_id,
		name: doc.name,
		prefix: doc.prefix,
		roles: doc.roles,
		permissions: doc.permissions,
		effective_permissions: effective,
		created_by: doc.created_by,
		expires_at: doc.expires_at,
		rate_limit_per_minute: doc.rate_limit_per_minute,
		last_used_at: doc.last_used_at ?? null,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

export const USER_SCHEMA = entitySchema({
	email: { type: "string", format: "email" },
	name: STRING,
	has_password: BOOLEAN,
	roles: STRINGS,
	status: enumOf(["active", "disabled"]),
	last_login_at: NULLABLE_TIMESTAMP
});

export const API_KEY_SCHEMA = entitySchema({
	name: STRING,
	prefix: STRING,
	key: { type: "string", description: "Only in create and rotate responses" },
	roles: STRINGS,
	permissions: STRINGS,
	effective_permissions: STRINGS,
	created_by: NULLABLE_STRING,
	expires_at: NULLABLE_TIMESTAMP,
	rate_limit_per_minute: nullable("integer"),
	last_used_at: NULLABLE_TIMESTAMP
});

export const ROLE_SCHEMA = entitySchema({ org_id: NULLABLE_STRING, name: STRING, description: STRING, permissions: STRINGS, builtin: BOOLEAN });

export const PERMISSION_SCHEMA = objectSchema({ permission: STRING, module: STRING, action: STRING, description: STRING });
