import type { Schema } from "../../lib/schema";
import type { Context } from "moleculer";
import { hashPassword } from "../../lib/crypto";
import { normalizePermissions } from "../../lib/permissions";
import { nowIso } from "../../lib/time";
import { expandRoles } from "./access";
import { presentUser } from "./users";
import type { RbacThis } from "./service-model";

/** Internal actions for auth, admin and bootstrap: user and key lookups, credential resolution, touches. */
export const internalActions: NonNullable<Schema<RbacThis>["actions"]> = {
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
};
