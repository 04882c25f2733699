import * as errors from "../../lib/errors";
import { BUILTIN_ROLES, isBuiltinRole, isPermission, normalizePermissions, PLATFORM_ADMIN } from "../../lib/permissions";
import type { Principal } from "../../lib/principal";

export interface RoleDoc {
	id: string;
	org_id: string;
	name: string;
	description: string;
	permissions: string[];
	created_at: string;
	updated_at: string;
}

/** Built-in roles predate every org; their timestamps are fixed. */
const BUILTIN_TIME = "2026-01-01T00:00:00.000Z";

export function presentRole(doc: RoleDoc) {
	return { id: doc.id, org_id: doc.org_id, name: doc.name, description: doc.description, permissions: doc.permissions, builtin: false, created_at: doc.created_at, updated_at: doc.updated_at };
}

export const builtinRoles = () =>
	Object.entries(BUILTIN_ROLES).map(([name, r]) => ({
		id: name,
		org_id: null,
		name,
		description: r.description,
		permissions: r.permissions,
		builtin: true,
		created_at: BUILTIN_TIME,
		updated_at: BUILTIN_TIME
	}));

/** Permissions granted by role names, given the org's custom roles. Unknown names grant nothing. */
export function expandRoles(roles: string[], custom: Map<string, RoleDoc>): { permissions: string[]; platformAdmin: boolean } {
	const perms: string[] = [];
	for (const role of roles) {
		if (isBuiltinRole(role)) perms.push(...BUILTIN_ROLES[role].permissions);
		else perms.push(...(custom.get(role)?.permissions ?? []));
	}
	return { permissions: normalizePermissions(perms), platformAdmin: roles.includes(PLATFORM_ADMIN) };
}

/** 400 for role names that exist neither built in nor in the org. */
export function checkRoleNames(roles: string[], custom: Map<string, RoleDoc>, field = "roles"): void {
	const problems = roles
		.map((r, i) => ({ r, i }))
		.filter(({ r }) => !isBuiltinRole(r) && !custom.has(r))
		.map(({ r, i }) => ({ field: `${field}[${i}]`, message: `unknown role "${r}"` }));
	if (problems.length) throw errors.validation(problems);
}

export function checkPermissionNames(perms: string[], field = "permissions"): void {
	const problems = perms
		.map((p, i) => ({ p, i }))
		.filter(({ p }) => !isPermission(p))
		.map(({ p, i }) => ({ field: `${field}[${i}]`, message: `unknown permission "${p}": see GET /api/v1/rbac/permissions` }));
	if (problems.length) throw errors.validation(problems);
}

/** No escalation (§13): what is granted must be held by the caller; platform_admin only by a platform admin. */
export function checkNoEscalation(caller: Principal, granted: string[], touchesPlatformAdmin: boolean): void {
	const held = new Set(caller.permissions);
	const missing = normalizePermissions(granted).filter(p => !held.has(p));
	if (touchesPlatformAdmin && !caller.platform_admin) missing.push(PLATFORM_ADMIN);
	if (missing.length) throw errors.privilegeEscalation(missing);
}
