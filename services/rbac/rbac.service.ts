import type { Schema } from "../../lib/schema";
import { hashPassword } from "../../lib/crypto";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import { isBuiltinRole, PERMISSION_CATALOGUE, PLATFORM_ADMIN } from "../../lib/permissions";
import { writeUnique } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { displayName, email, LIST_QUERY, listOptions, password, query, ROLE_NAME, substringFilter } from "../../lib/validation";
import { StoreMixin } from "../../mixins/platform.mixin";
import { builtinRoles, checkNoEscalation, checkPermissionNames, checkRoleNames, expandRoles, presentRole, type RoleDoc } from "./access";
import { API_KEY_SCHEMA, PERMISSION_SCHEMA, presentUser, ROLE_SCHEMA, USER_SCHEMA, type UserDoc } from "./users";
import { type Ctx, PERMS_RULE, type RbacThis, ROLES_RULE } from "./service-model";
import { keyActions } from "./key-actions";
import { internalActions } from "./internal-actions";
import { rbacMethods } from "./methods";

const RbacService: Schema<RbacThis> = {
	name: "rbac",
	mixins: [
		StoreMixin({
			roles: [{ fields: ["org_id", "name"], unique: true }],
			users: [{ fields: ["email"], unique: true }],
			api_keys: [{ fields: ["key_hash"], unique: true }, { fields: ["created_by"] }]
		})
	],
	// Poll the dependencies quickly: they start in the same process moments later.
	settings: { rest: "/rbac", $dependencyInterval: 50 },
	dependencies: ["admin"],
	metadata: { schemas: { Role: ROLE_SCHEMA, User: USER_SCHEMA, ApiKey: API_KEY_SCHEMA, Permission: PERMISSION_SCHEMA } },

	actions: {
		listRoles: {
			rest: "GET /roles",
			access: ["rbac:read"],
			openapi: { summary: "List roles, built-in ones included", response: "List:Role" },
			params: { ...LIST_QUERY, builtin: query({ type: "boolean" }) },
			async handler(this: RbacThis, ctx: Ctx) {
				const { limit, offset, order } = listOptions(ctx.params);
				const custom = (await this.repos.roles.forOrg(ctx.meta.principal.org_id).find()).map(presentRole);
				let all: any[] = [...builtinRoles(), ...custom];
				if (ctx.params.builtin !== undefined) all = all.filter(r => r.builtin === ctx.params.builtin);
				const dir = order === "asc" ? 1 : -1;
				all.sort((a, b) => dir * (a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id)));
				return { items: all.slice(offset, offset + limit), total: all.length, limit, offset };
			}
		},

		createRole: {
			rest: "POST /roles",
			access: ["rbac:write"],
			audit: { action: "role.create" },
			openapi: { summary: "Create a custom role", status: 201, response: "Role" },
			params: { name: { type: "string", pattern: ROLE_NAME }, permissions: { ...PERMS_RULE, min: 1 }, description: { type: "string", max: 500, optional: true } },
			async handler(this: RbacThis, ctx: Ctx) {
				const { name, permissions, description } = ctx.params;
				checkPermissionNames(permissions);
				checkNoEscalation(ctx.meta.principal, permissions, false);
				if (isBuiltinRole(name)) throw errors.alreadyExists("name", name);
				const doc = await writeUnique("name", name, () =>
					this.repos.roles.forOrg(ctx.meta.principal.org_id).insert({
						id: newId("role"),
						name,
						description: description ?? "",
						permissions: [...new Set(permissions as string[])]
					})
				);
				return presentRole(doc);
			}
		},

		getRole: {
			rest: "GET /roles/:role_id",
			access: ["rbac:read"],
			openapi: { summary: "Get a role", response: "Role" },
			params: { role_id: "string" },
			async handler(this: RbacThis, ctx: Ctx) {
				const builtin = builtinRoles().find(r => r.id === ctx.params.role_id);
				if (builtin) return builtin;
				return presentRole(await this.requireRole(ctx, ctx.params.role_id));
			}
		},

		updateRole: {
			rest: "PUT /roles/:role_id",
			access: ["rbac:write"],
			audit: { action: "role.update" },
			openapi: { summary: "Change a custom role", response: "Role" },
			params: {
				role_id: "string",
				name: { type: "string", optional: true },
				permissions: { ...PERMS_RULE, min: 1, optional: true },
				description: { type: "string", max: 500, optional: true }
			},
			async handler(this: RbacThis, ctx: Ctx) {
				const { role_id, name, permissions, description } = ctx.params;
				// Request problems answer before existence and state (§0.9).
				if (permissions !== undefined) checkPermissionNames(permissions);
				if (isBuiltinRole(role_id)) throw errors.builtinImmutable(`Role ${role_id}`);
				const role = await this.requireRole(ctx, role_id);
				if (name !== undefined && name !== role.name) throw errors.fieldError("name", "is immutable: create a new role instead");
				const set: Partial<RoleDoc> = {};
				if (permissions !== undefined) {
					checkNoEscalation(ctx.meta.principal, permissions, false);
					set.permissions = [...new Set(permissions as string[])];
				}
				if (description !== undefined) set.description = description;
				const updated = await this.repos.roles.forOrg(ctx.meta.principal.org_id).update(role_id, set);
				this.principalsChanged(ctx);
				return presentRole(updated as RoleDoc);
			}
		},

		deleteRole: {
			rest: "DELETE /roles/:role_id",
			access: ["rbac:write"],
			audit: { action: "role.delete" },
			openapi: { summary: "Delete a custom role no one holds", status: 204 },
			params: { role_id: "string" },
			async handler(this: RbacThis, ctx: Ctx) {
				const { role_id } = ctx.params;
				if (isBuiltinRole(role_id)) throw errors.builtinImmutable(`Role ${role_id}`);
				const role = await this.requireRole(ctx, role_id);
				const orgId = ctx.meta.principal.org_id;
				const [users, keys] = await Promise.all([
					this.repos.users.forOrg(orgId).find({ roles: role.name }),
					this.repos.api_keys.forOrg(orgId).find({ roles: role.name, revoked_at: null })
				]);
				if (users.length || keys.length) {
					throw errors.resourceInUse(`Role ${role.name} is held by ${users.length} user(s) and ${keys.length} API key(s): take it away first`, {
						users: users.map(u => u.id),
						api_keys: keys.map(k => k.id)
					});
				}
				await this.repos.roles.forOrg(orgId).delete(role_id);
				return null;
			}
		},

		listPermissions: {
			rest: "GET /permissions",
			access: ["rbac:read"],
			openapi: { summary: "The permission catalogue", response: "List:Permission" },
			params: { ...LIST_QUERY, module: query({ type: "string", max: 50 }) },
			handler(this: RbacThis, ctx: Ctx) {
				const { limit, offset } = listOptions(ctx.params);
				const all = ctx.params.module ? PERMISSION_CATALOGUE.filter(p => p.module === ctx.params.module) : PERMISSION_CATALOGUE;
				return { items: all.slice(offset, offset + limit), total: all.length, limit, offset };
			}
		},

		listUsers: {
			rest: "GET /users",
			access: ["rbac:read"],
			openapi: { summary: "List users", response: "List:User" },
			params: {
				...LIST_QUERY,
				status: query({ type: "enum", values: ["active", "disabled"] }),
				role: query({ type: "string", max: 50 }),
				search: query({ type: "string", max: 200 })
			},
			async handler(this: RbacThis, ctx: Ctx) {
				const filter: Record<string, any> = ctx.params.search ? substringFilter(ctx.params.search, ["email", "name"]) : {};
				if (ctx.params.status) filter.status = ctx.params.status;
				if (ctx.params.role) filter.roles = ctx.params.role;
				const page = await this.repos.users.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(ctx.params));
				return { ...page, items: page.items.map(presentUser) };
			}
		},

		createUser: {
			rest: "POST /users",
			access: ["rbac:write"],
			audit: { action: "user.create" },
			openapi: { summary: "Create a user", status: 201, response: "User" },
			params: { email: email(), name: displayName(), password: password(), roles: { ...ROLES_RULE, optional: true } },
			async handler(this: RbacThis, ctx: Ctx) {
				const { email: address, name, password: pw } = ctx.params;
				const roles: string[] = ctx.params.roles ?? ["viewer"];
				const orgId = ctx.meta.principal.org_id;
				const custom = await this.customRoles(orgId);
				checkRoleNames(roles, custom);
				const expanded = expandRoles(roles, custom);
				checkNoEscalation(ctx.meta.principal, expanded.permissions, expanded.platformAdmin);
				return presentUser(await this.insertUser({ org_id: orgId, email: address, name, password: pw, roles }));
			}
		},

		getUser: {
			rest: "GET /users/:user_id",
			access: ["rbac:read"],
			openapi: { summary: "Get a user", response: "User" },
			params: { user_id: "string" },
			async handler(this: RbacThis, ctx: Ctx) {
				return presentUser(await this.requireUser(ctx, ctx.params.user_id));
			}
		},

		updateUser: {
			rest: "PUT /users/:user_id",
			access: ["rbac:write"],
			audit: { action: "user.update" },
			openapi: { summary: "Change a user's name, status or password", response: "User" },
			params: {
				user_id: "string",
				name: displayName({ optional: true }),
				status: { type: "enum", values: ["active", "disabled"], optional: true },
				password: password({ optional: true })
			},
			async handler(this: RbacThis, ctx: Ctx) {
				const { user_id, name, status, password: pw } = ctx.params;
				const user = await this.requireUser(ctx, user_id);
				const disabling = status === "disabled" && user.status !== "disabled";
				if (disabling && user_id === ctx.meta.principal.user_id) throw errors.selfModification("You cannot disable yourself");
				if (disabling && user.roles.includes("owner")) await this.ensureAnotherOwner(user);
				const set: Partial<UserDoc> = {};
				if (name !== undefined) set.name = name;
				if (status !== undefined) set.status = status;
				if (pw !== undefined) set.password_hash = await hashPassword(pw);
				const updated = (await this.repos.users.forOrg(user.org_id).update(user_id, set)) as UserDoc;
				if (disabling) await ctx.call("auth.revokeUserSessions", { user_id });
				this.principalsChanged(ctx);
				return presentUser(updated);
			}
		},

		setUserRoles: {
			rest: "PUT /users/:user_id/roles",
			access: ["rbac:write"],
			audit: { action: "user.update" },
			openapi: { summary: "Replace a user's roles", response: "User" },
			params: { user_id: "string", roles: ROLES_RULE },
			async handler(this: RbacThis, ctx: Ctx) {
				const { user_id } = ctx.params;
				const roles = [...new Set(ctx.params.roles as string[])];
				const user = await this.requireUser(ctx, user_id);
				const custom = await this.customRoles(user.org_id);
				checkRoleNames(ctx.params.roles, custom);
				const added = roles.filter(r => !user.roles.includes(r));
				const adminChanged = roles.includes(PLATFORM_ADMIN) !== user.roles.includes(PLATFORM_ADMIN);
				checkNoEscalation(ctx.meta.principal, expandRoles(added, custom).permissions, adminChanged);
				if (user.roles.includes("owner") && !roles.includes("owner") && user.status === "active") await this.ensureAnotherOwner(user);
				const updated = (await this.repos.users.forOrg(user.org_id).update(user_id, { roles })) as UserDoc;
				this.principalsChanged(ctx);
				return presentUser(updated);
			}
		},

		deleteUser: {
			rest: "DELETE /users/:user_id",
			access: ["rbac:write"],
			audit: { action: "user.delete" },
			openapi: { summary: "Delete a user, its sessions and its API keys", status: 204 },
			params: { user_id: "string" },
			async handler(this: RbacThis, ctx: Ctx) {
				const { user_id } = ctx.params;
				const user = await this.requireUser(ctx, user_id);
				if (user_id === ctx.meta.principal.user_id) throw errors.selfModification("You cannot delete yourself");
				if (user.roles.includes("owner") && user.status === "active") await this.ensureAnotherOwner(user);
				await this.repos.users.forOrg(user.org_id).delete(user_id);
				await this.repos.api_keys.forOrg(user.org_id).updateMany({ created_by: user_id, revoked_at: null }, { $set: { revoked_at: nowIso() } });
				await ctx.call("auth.revokeUserSessions", { user_id });
				this.principalsChanged(ctx);
				return null;
			}
		},

		...keyActions,

		// Internal actions for auth, admin and bootstrap.

		...internalActions
	},

	methods: rbacMethods,

	async started(this: RbacThis) {
		await this.bootstrap();
	}
};

export default RbacService;
