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

export const USER_SCHEMA = {
	type: "object",
	properties: {
		id: { type: "string" },
		org_id: { type: "string" },
		email: { type: "string", format: "email" },
		name: { type: "string" },
		has_password: { type: "boolean" },
		roles: { type: "array", items: { type: "string" } },
		status: { enum: ["active", "disabled"] },
		last_login_at: { type: ["string", "null"], format: "date-time" },
		created_at: { type: "string", format: "date-time" },
		updated_at: { type: "string", format: "date-time" }
	}
};

export const API_KEY_SCHEMA = {
	type: "object",
	properties: {
		id: { type: "string" },
		org_id: { type: "string" },
		name: { type: "string" },
		prefix: { type: "string" },
		key: { type: "string", description: "Only in create and rotate responses" },
		roles: { type: "array", items: { type: "string" } },
		permissions: { type: "array", items: { type: "string" } },
		effective_permissions: { type: "array", items: { type: "string" } },
		created_by: { type: ["string", "null"] },
		expires_at: { type: ["string", "null"], format: "date-time" },
		rate_limit_per_minute: { type: ["integer", "null"] },
		last_used_at: { type: ["string", "null"], format: "date-time" },
		created_at: { type: "string", format: "date-time" },
		updated_at: { type: "string", format: "date-time" }
	}
};

export const ROLE_SCHEMA = {
	type: "object",
	properties: {
		id: { type: "string" },
		org_id: { type: ["string", "null"] },
		name: { type: "string" },
		description: { type: "string" },
		permissions: { type: "array", items: { type: "string" } },
		builtin: { type: "boolean" },
		created_at: { type: "string", format: "date-time" },
		updated_at: { type: "string", format: "date-time" }
	}
};

export const PERMISSION_SCHEMA = {
	type: "object",
	properties: { permission: { type: "string" }, module: { type: "string" }, action: { type: "string" }, description: { type: "string" } }
};
