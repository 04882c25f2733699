import type { Schema } from "../../lib/schema";
import type { Context } from "moleculer";
import { hashPassword, randomUrlSafe, sha256Hex } from "../../lib/crypto";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import { isBuiltinRole, normalizePermissions, PERMISSION_CATALOGUE, PLATFORM_ADMIN } from "../../lib/permissions";
import type { Principal } from "../../lib/principal";
import type { Repository } from "../../lib/store";
import { writeUnique } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { displayName, email, futureDateTime, LIST_QUERY, listOptions, password, query, ROLE_NAME, substringFilter } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { builtinRoles, checkNoEscalation, checkPermissionNames, checkRoleNames, expandRoles, presentRole, type RoleDoc } from "./access";
import { API_KEY_SCHEMA, PERMISSION_SCHEMA, presentKey, presentUser, ROLE_SCHEMA, USER_SCHEMA, type ApiKeyDoc, type UserDoc } from "./users";

interface RbacThis extends PlatformThis {
	repos: { roles: Repository<RoleDoc>; users: Repository<UserDoc>; api_keys: Repository<ApiKeyDoc> };
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal; auditResourceId?: string }>;

const ROLES_RULE = { type: "array", items: "string", min: 1, max: 50 };
const PERMS_RULE = { type: "array", items: "string", max: 104 };

/** A new API key: `fgk_` and 40 URL-safe characters from a CSPRNG (§0.2). */
export const generateApiKey = () => `fgk_${randomUrlSafe(40)}`;

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

		listKeys: {
			rest: "GET /api-keys",
			access: ["rbac:read"],
			openapi: { summary: "List API keys (never the key itself)", response: "List:ApiKey" },
			params: { ...LIST_QUERY, created_by: query({ type: "string", max: 64 }) },
			async handler(this: RbacThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const filter: Record<string, any> = { revoked_at: null };
				if (ctx.params.created_by) filter.created_by = ctx.params.created_by;
				const [page, custom] = await Promise.all([this.repos.api_keys.forOrg(orgId).list(filter, listOptions(ctx.params)), this.customRoles(orgId)]);
				return { ...page, items: page.items.map(k => this.presentKeyWith(k, custom)) };
			}
		},

		createKey: {
			rest: "POST /api-keys",
			access: ["rbac:write"],
			audit: { action: "api_key.create" },
			openapi: { summary: "Create an API key (shown once)", status: 201, response: "ApiKey" },
			params: {
				name: displayName(),
				roles: { type: "array", items: "string", max: 50, optional: true },
				permissions: { ...PERMS_RULE, optional: true },
				expires_at: futureDateTime({ optional: true, nullable: true }),
				rate_limit_per_minute: { type: "number", integer: true, min: 1, max: 100000, optional: true, nullable: true }
			},
			async handler(this: RbacThis, ctx: Ctx) {
				const p = ctx.params;
				const roles: string[] = [...new Set((p.roles ?? []) as string[])];
				const permissions: string[] = [...new Set((p.permissions ?? []) as string[])];
				if (!roles.length && !permissions.length) {
					throw errors.validation([{ field: "roles", message: "roles and permissions must not both be empty" }]);
				}
				const principal = ctx.meta.principal;
				const custom = await this.customRoles(principal.org_id);
				checkRoleNames(roles, custom);
				checkPermissionNames(permissions);
				const expanded = expandRoles(roles, custom);
				checkNoEscalation(principal, [...expanded.permissions, ...permissions], expanded.platformAdmin);
				const key = generateApiKey();
				const doc = await this.insertKey({
					org_id: principal.org_id,
					name: p.name,
					key,
					roles,
					permissions,
					created_by: principal.user_id,
					user_id: principal.user_id,
					expires_at: p.expires_at ? new Date(p.expires_at).toISOString() : null,
					rate_limit_per_minute: p.rate_limit_per_minute ?? null
				});
				return { ...this.presentKeyWith(doc, custom), key };
			}
		},

		getKey: {
			rest: "GET /api-keys/:key_id",
			access: ["rbac:read"],
			openapi: { summary: "Get an API key (never the key itself)", response: "ApiKey" },
			params: { key_id: "string" },
			async handler(this: RbacThis, ctx: Ctx) {
				const key = await this.requireKey(ctx, ctx.params.key_id);
				return this.presentKeyWith(key, await this.customRoles(key.org_id));
			}
		},

		revokeKey: {
			rest: "DELETE /api-keys/:key_id",
			access: ["rbac:write"],
			audit: { action: "api_key.revoke" },
			openapi: { summary: "Revoke an API key", status: 204 },
			params: { key_id: "string" },
			async handler(this: RbacThis, ctx: Ctx) {
				const key = await this.requireKey(ctx, ctx.params.key_id);
				await this.repos.api_keys.forOrg(key.org_id).update(key.id, { revoked_at: nowIso() });
				this.principalsChanged(ctx);
				return null;
			}
		},

		rotateKey: {
			rest: "POST /api-keys/:key_id/rotate",
			access: ["rbac:write"],
			audit: { action: "api_key.rotate" },
			openapi: { summary: "Issue a new key value; the old one stays valid for grace_seconds", response: "ApiKey" },
			params: { key_id: "string", grace_seconds: { type: "number", integer: true, min: 0, max: 86400, optional: true } },
			async handler(this: RbacThis, ctx: Ctx) {
				const key = await this.requireKey(ctx, ctx.params.key_id);
				const grace = ctx.params.grace_seconds ?? 0;
				const value = generateApiKey();
				const validUntil = new Date(Date.now() + grace * 1000).toISOString();
				const updated = (await this.repos.api_keys.forOrg(key.org_id).update(key.id, {
					key_hash: sha256Hex(value),
					prefix: value.slice(0, 12),
					previous_hashes: [...(key.previous_hashes ?? []).slice(-9), { hash: key.key_hash, valid_until: validUntil }]
				})) as ApiKeyDoc;
				this.principalsChanged(ctx);
				return { ...this.presentKeyWith(updated, await this.customRoles(key.org_id)), key: value };
			}
		},

		// Internal actions for auth, admin and bootstrap.

		emailTaken: {
			visibility: "public",
			params: { email: "string" },
			async handler(this: RbacThis, ctx: Context<{ email: string }>) {
				return !!(await this.repos.users.platformWide().findOne({ email: ctx.params.email.toLowerCase() }));
			}
		},

		createOrgUser: {
			visibility: "public",
			params: { org_id: "string", email: "string", name: "string", password: { type: "string", optional: true }, roles: { type: "array", items: "string" } },
			async handler(this: RbacThis, ctx: Context<any>) {
				return presentUser(await this.insertUser(ctx.params));
			}
		},

		countUsers: {
			visibility: "public",
			params: { org_id: { type: "string", optional: true } },
			handler(this: RbacThis, ctx: Context<{ org_id?: string }>) {
				const { org_id } = ctx.params;
				return org_id ? this.repos.users.forOrg(org_id).count() : this.repos.users.platformWide().count();
			}
		},

		/** The user record auth needs to sign someone in (with the password hash; never leaves the services). */
		userForLogin: {
			visibility: "public",
			params: { email: "string" },
			async handler(this: RbacThis, ctx: Context<{ email: string }>) {
				return this.repos.users.platformWide().findOne({ email: ctx.params.email.toLowerCase() });
			}
		},

		userRecord: {
			visibility: "public",
			params: { id: "string" },
			handler(this: RbacThis, ctx: Context<{ id: string }>) {
				return this.repos.users.platformWide().get(ctx.params.id);
			}
		},

		setPassword: {
			visibility: "public",
			params: { id: "string", password: "string" },
			async handler(this: RbacThis, ctx: Context<{ id: string; password: string }>) {
				await this.repos.users.platformWide().update(ctx.params.id, { password_hash: await hashPassword(ctx.params.password) });
				return true;
			}
		},

		touchUserLogin: {
			visibility: "public",
			params: { id: "string" },
			async handler(this: RbacThis, ctx: Context<{ id: string }>) {
				const doc = await this.repos.users.platformWide().update(ctx.params.id, { last_login_at: nowIso() });
				return doc ? presentUser(doc) : null;
			}
		},

		/** Effective access of a user: its record and permissions, for principal resolution. */
		userAccess: {
			visibility: "public",
			params: { id: "string" },
			async handler(this: RbacThis, ctx: Context<{ id: string }>) {
				const user = await this.repos.users.platformWide().get(ctx.params.id);
				if (!user) return null;
				const expanded = expandRoles(user.roles, await this.customRoles(user.org_id));
				return { user: presentUser(user), permissions: expanded.permissions, platform_admin: expanded.platformAdmin };
			}
		},

		/** The key with this hash (current, or rotated out), with its effective access. */
		keyAccess: {
			visibility: "public",
			params: { hash: "string" },
			async handler(this: RbacThis, ctx: Context<{ hash: string }>) {
				const keys = this.repos.api_keys.platformWide();
				const { hash } = ctx.params;
				let key = await keys.findOne({ key_hash: hash });
				let rotatedUntil: string | null = null;
				if (!key) {
					key = await keys.findOne({ "previous_hashes.hash": hash });
					if (!key) return null;
					rotatedUntil = key.previous_hashes.find(p => p.hash === hash)?.valid_until ?? null;
				}
				const custom = await this.customRoles(key.org_id);
				const expanded = expandRoles(key.roles, custom);
				const permissions = [...new Set([...expanded.permissions, ...key.permissions])];
				return {
					key: this.presentKeyWith(key, custom),
					user_id: key.user_id ?? key.created_by,
					revoked: !!key.revoked_at,
					rotated_until: rotatedUntil,
					permissions: normalizePermissions(permissions),
					platform_admin: expanded.platformAdmin
				};
			}
		},

		touchKey: {
			visibility: "public",
			params: { id: "string" },
			async handler(this: RbacThis, ctx: Context<{ id: string }>) {
				await this.repos.api_keys.platformWide().update(ctx.params.id, { last_used_at: nowIso() });
				return true;
			}
		}
	},

	methods: {
		async customRoles(this: RbacThis, orgId: string): Promise<Map<string, RoleDoc>> {
			const roles = await this.repos.roles.forOrg(orgId).find();
			return new Map(roles.map(r => [r.name, r]));
		},

		async requireRole(this: RbacThis, ctx: Ctx, id: string): Promise<RoleDoc> {
			const role = await this.repos.roles.forOrg(ctx.meta.principal.org_id).get(id);
			if (!role) throw errors.notFound("Role");
			return role;
		},

		async requireUser(this: RbacThis, ctx: Ctx, id: string): Promise<UserDoc> {
			const user = await this.repos.users.forOrg(ctx.meta.principal.org_id).get(id);
			if (!user) throw errors.notFound("User");
			return user;
		},

		async requireKey(this: RbacThis, ctx: Ctx, id: string): Promise<ApiKeyDoc> {
			const key = await this.repos.api_keys.forOrg(ctx.meta.principal.org_id).get(id);
			if (!key || key.revoked_at) throw errors.notFound("API key");
			return key;
		},

		presentKeyWith(this: RbacThis, key: ApiKeyDoc, custom: Map<string, RoleDoc>) {
			const expanded = expandRoles(key.roles, custom);
			return presentKey(key, normalizePermissions([...expanded.permissions, ...key.permissions]));
		},

		async insertUser(this: RbacThis, input: { org_id: string; email: string; name: string; password?: string | null; roles: string[] }): Promise<UserDoc> {
			const address = input.email.toLowerCase();
			const password_hash = input.password ? await hashPassword(input.password) : null;
			return writeUnique("email", address, () =>
				this.repos.users.forOrg(input.org_id).insert({
					id: newId("usr"),
					email: address,
					name: input.name,
					password_hash,
					roles: [...new Set(input.roles)],
					status: "active",
					last_login_at: null
				})
			);
		},

		insertKey(this: RbacThis, input: { org_id: string; name: string; key: string; roles: string[]; permissions: string[]; created_by: string | null; user_id: string | null; expires_at?: string | null; rate_limit_per_minute?: number | null }) {
			return this.repos.api_keys.forOrg(input.org_id).insert({
				id: newId("key"),
				name: input.name,
				prefix: input.key.slice(0, 12),
				key_hash: sha256Hex(input.key),
				previous_hashes: [],
				roles: input.roles,
				permissions: input.permissions,
				created_by: input.created_by,
				user_id: input.user_id,
				expires_at: input.expires_at ?? null,
				rate_limit_per_minute: input.rate_limit_per_minute ?? null,
				last_used_at: null,
				revoked_at: null
			});
		},

		/** LAST_OWNER (§13): some other active user of the org must hold `owner`. */
		async ensureAnotherOwner(this: RbacThis, user: UserDoc) {
			const others = await this.repos.users.forOrg(user.org_id).count({ roles: "owner", status: "active", id: { $ne: user.id } });
			if (others === 0) throw errors.lastOwner();
		},

		principalsChanged(this: RbacThis, ctx: Context) {
			ctx.broadcast("principals.changed", {});
		},

		/** First start on an empty store (§0.2): org `default`, its owner (also platform admin) and a key. */
		async bootstrap(this: RbacThis) {
			if ((await this.broker.call("admin.countOrgs")) as number > 0) return;
			const cfg = this.config;
			let org: any;
			try {
				org = await this.broker.call("admin.createOrg", { name: "default", slug: "default" });
			} catch (err: any) {
				if (err?.type === "ALREADY_EXISTS") return; // another node bootstrapped concurrently
				throw err;
			}
			const user = await this.insertUser({
				org_id: org.id,
				email: cfg.bootstrapEmail,
				name: "Owner",
				password: cfg.bootstrapPassword,
				roles: ["owner", PLATFORM_ADMIN]
			});
			const key = cfg.bootstrapKey ?? generateApiKey();
			await this.insertKey({ org_id: org.id, name: "bootstrap", key, roles: ["owner", PLATFORM_ADMIN], permissions: [], created_by: null, user_id: user.id });
			this.logger.info({ org_id: org.id, user_id: user.id }, "Bootstrapped organization 'default' and its owner");
			if (!cfg.bootstrapKey) {
				// Printed once, on the first start only, so the operator can reach the API.
				process.stdout.write(`\nFluxgate bootstrap API key (shown once, store it now): ${key}\n\n`);
			}
		}
	},

	async started(this: RbacThis) {
		await this.bootstrap();
	}
};

export default RbacService;
