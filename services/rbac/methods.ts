import type { Schema } from "../../lib/schema";
import type { Context } from "moleculer";
import { hashPassword, sha256Hex } from "../../lib/crypto";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import { normalizePermissions, PLATFORM_ADMIN } from "../../lib/permissions";
import { writeUnique } from "../../lib/store";
import { expandRoles, type RoleDoc } from "./access";
import { presentKey, type ApiKeyDoc, type UserDoc } from "./users";
import { type Ctx, generateApiKey, type RbacThis } from "./service-model";

/** The RBAC service's methods: lookups, inserts, the last-owner guard, cache invalidation and the first-start bootstrap. */
export const rbacMethods: NonNullable<Schema<RbacThis>["methods"]> = {
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
};
