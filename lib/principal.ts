/** Who is calling, as resolved by auth from a bearer credential; travels in `ctx.meta.principal`. */
export interface Principal {
	type: "user" | "api_key";
	/** User id or API key id. */
	id: string;
	/** E-mail of the user, or the key's name. */
	name: string;
	/** The user acting: the user itself, or the key's `created_by` (null for the bootstrap key). */
	user_id: string | null;
	org_id: string;
	org_status: "active" | "suspended";
	roles: string[];
	/** Effective org permissions, catalogue order. */
	permissions: string[];
	platform_admin: boolean;
	/** Requests per minute for this principal: key override, else org override, else null (instance default). */
	rate_limit_per_minute: number | null;
	/** Access-token session (refresh token family). */
	session_id?: string;
	token_id?: string;
	/** Until when (epoch ms) this resolution may be reused: never past the credential's own end. */
	valid_until?: number;
}

/** Who an audit entry names as actor. */
export interface AuditActor {
	type: "user" | "api_key" | "system" | "public" | "anonymous";
	id: string | null;
	name: string | null;
	org_id: string;
}

export const actorOf = (p: Principal): AuditActor => ({ type: p.type, id: p.id, name: p.name, org_id: p.org_id });

const heldSets = new WeakMap<Principal, Set<string>>();

export function missingPermissions(p: Principal, required: string[]): string[] {
	let held = heldSets.get(p);
	if (!held) heldSets.set(p, (held = new Set(p.permissions)));
	return required.filter(r => !held.has(r));
}
