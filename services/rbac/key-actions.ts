import type { Schema } from "../../lib/schema";
import { sha256Hex } from "../../lib/crypto";
import * as errors from "../../lib/errors";
import { nowIso } from "../../lib/time";
import { displayName, futureDateTime, LIST_QUERY, listOptions, query } from "../../lib/validation";
import { checkNoEscalation, checkPermissionNames, checkRoleNames, expandRoles } from "./access";
import type { ApiKeyDoc } from "./users";
import { type Ctx, generateApiKey, PERMS_RULE, type RbacThis } from "./service-model";

/** API key actions (§13): list, create, read, revoke and rotate; the key value is returned once. */
export const keyActions: NonNullable<Schema<RbacThis>["actions"]> = {
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
	}
};
