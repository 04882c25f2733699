import type { Schema } from "../../lib/schema";
import type { Context } from "moleculer";
import { verifyPassword } from "../../lib/crypto";
import { registerMetric } from "../../lib/metrics";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { AuditActor, Principal } from "../../lib/principal";
import type { Settings } from "../../lib/settings";
import type { Repository } from "../../lib/store";
import { nowIso } from "../../lib/time";
import { displayName, email, password } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { ACCESS_TTL_SECONDS, hashToken, newRefreshToken, readAccessToken, REFRESH_TTL_SECONDS, signAccessToken } from "./tokens";

interface SessionDoc {
	id: string;
	org_id: string;
	user_id: string;
	revoked_at: string | null;
	created_at: string;
	updated_at: string;
}

interface RefreshDoc {
	id: string;
	org_id: string;
	session_id: string;
	user_id: string;
	token_hash: string;
	used_at: string | null;
	expires_at: string;
	created_at: string;
	updated_at: string;
}

interface AuthThis extends PlatformThis {
	repos: { sessions: Repository<SessionDoc>; refresh_tokens: Repository<RefreshDoc> };
	principals: Map<string, { principal: Principal; until: number }>;
	keyTouchedAt: Map<string, number>;
	[k: string]: any;
}

/** A resolved credential and the epoch milliseconds at which it stops being valid. */
type Resolved = { principal: Principal; validUntil: number };

type Ctx<P = any> = Context<P, { principal: Principal; client?: { ip: string; user_agent: string | null }; auditActor?: AuditActor; auditAction?: string }>;

/** How long a resolved credential is reused; any change to users, keys, roles, orgs or sessions clears it. */
const PRINCIPAL_CACHE_MS = 10_000;
const KEY_TOUCH_INTERVAL_MS = 60_000;

const TOKEN_PAIR_SCHEMA = {
	type: "object",
	properties: {
		access_token: { type: "string" },
		refresh_token: { type: "string" },
		token_type: { const: "Bearer" },
		expires_in: { type: "integer" },
		refresh_expires_in: { type: "integer" },
		user: { $ref: "#/components/schemas/User" }
	}
};

const ORG_SUMMARY_SCHEMA = {
	type: "object",
	properties: { id: { type: "string" }, name: { type: "string" }, slug: { type: "string" }, status: { enum: ["active", "suspended"] } }
};

const ME_SCHEMA = {
	type: "object",
	required: ["principal_type", "org", "roles", "permissions"],
	properties: {
		principal_type: { enum: ["user", "api_key"] },
		user: { anyOf: [{ $ref: "#/components/schemas/User" }, { type: "null" }] },
		api_key: { anyOf: [{ $ref: "#/components/schemas/ApiKey" }, { type: "null" }] },
		org: ORG_SUMMARY_SCHEMA,
		roles: { type: "array", items: { type: "string" } },
		permissions: { type: "array", items: { type: "string" } }
	}
};

const orgSummary = (org: any) => ({ id: org.id, name: org.name, slug: org.slug, status: org.status });

const AuthService: Schema<AuthThis> = {
	name: "auth",
	mixins: [
		StoreMixin({
			sessions: [{ fields: ["user_id"] }],
			refresh_tokens: [{ fields: ["token_hash"], unique: true }, { fields: ["session_id"] }]
		})
	],
	settings: { rest: "/auth", $dependencyInterval: 50 },
	dependencies: ["rbac", "admin"],
	metadata: { schemas: { TokenPair: TOKEN_PAIR_SCHEMA, Me: ME_SCHEMA } },

	actions: {
		register: {
			rest: "POST /register",
			access: "public",
			audit: { action: "auth.register", resource: null },
			openapi: { summary: "Create an organization and its first owner", status: 201, response: "TokenPair", rateLimit: "ip" },
			params: { email: email(), password: password(), name: displayName(), org_name: { type: "string", min: 1, max: 100 } },
			async handler(this: AuthThis, ctx: Ctx) {
				const p = ctx.params;
				const settings: Settings = await ctx.call("admin.currentSettings");
				const orgCount: number = await ctx.call("admin.countOrgs");
				if (!settings.open_registration && orgCount > 0) throw errors.registrationClosed();
				if (await ctx.call("rbac.emailTaken", { email: p.email })) throw errors.alreadyExists("email", p.email);
				const firstUser = ((await ctx.call("rbac.countUsers", {})) as number) === 0;
				const org: any = await ctx.call("admin.createOrg", { name: p.org_name });
				let user: any;
				try {
					user = await ctx.call("rbac.createOrgUser", {
						org_id: org.id,
						email: p.email,
						name: p.name,
						password: p.password,
						roles: firstUser ? ["owner", "platform_admin"] : ["owner"]
					});
				} catch (err) {
					await ctx.call("admin.removeOrg", { id: org.id });
					throw err;
				}
				ctx.meta.auditActor = { type: "user", id: user.id, name: user.email, org_id: org.id };
				return { ...(await this.issueTokens(user, null)), org: orgSummary(org) };
			}
		},

		login: {
			rest: "POST /login",
			access: "public",
			audit: { action: "auth.login", resource: null },
			openapi: { summary: "Sign in with e-mail and password", response: "TokenPair", rateLimit: "login" },
			params: { email: { type: "string", min: 1, max: 254 }, password: { type: "string", min: 1, max: 1024 } },
			async handler(this: AuthThis, ctx: Ctx) {
				const record: any = await ctx.call("rbac.userForLogin", { email: ctx.params.email });
				const ok = await verifyPassword(ctx.params.password, record?.password_hash);
				if (!record) throw errors.invalidCredentials();
				ctx.meta.auditActor = { type: "user", id: record.id, name: record.email, org_id: record.org_id };
				ctx.meta.auditAction = "auth.login_failed";
				if (!ok) throw errors.invalidCredentials();
				if (record.status !== "active") throw errors.userDisabled();
				const org: any = await ctx.call("admin.getOrg", { id: record.org_id });
				if (!org || org.status !== "active") throw errors.orgSuspended();
				ctx.meta.auditAction = undefined;
				const user = await ctx.call("rbac.touchUserLogin", { id: record.id });
				return this.issueTokens(user, null);
			}
		},

		refresh: {
			rest: "POST /refresh",
			access: "public",
			audit: { action: "auth.refresh", resource: null },
			openapi: { summary: "Exchange a refresh token for a new token pair", response: "TokenPair", rateLimit: "ip" },
			params: { refresh_token: { type: "string", min: 1, max: 512 } },
			async handler(this: AuthThis, ctx: Ctx) {
				const tokens = this.repos.refresh_tokens.platformWide();
				const stored = await tokens.findOne({ token_hash: hashToken(ctx.params.refresh_token) });
				if (!stored) throw errors.invalidRefreshToken();
				const access: any = await ctx.call("rbac.userAccess", { id: stored.user_id });
				// A known token names its user: a refused refresh (reuse above all) is audited for that org (§0.16).
				ctx.meta.auditActor = { type: "user", id: stored.user_id, name: access?.user.email ?? null, org_id: stored.org_id };
				const session = await this.repos.sessions.forOrg(stored.org_id).get(stored.session_id);
				if (stored.used_at) {
					// Reuse of a spent token: the family is compromised, revoke all of it (§25).
					await this.revokeSessions(ctx, { id: stored.session_id });
					throw errors.invalidRefreshToken();
				}
				if (!session || session.revoked_at || stored.expires_at <= nowIso()) throw errors.invalidRefreshToken();
				if (!access || access.user.status !== "active") throw errors.invalidRefreshToken();
				const spent = await tokens.updateWhere({ id: stored.id, used_at: null }, { $set: { used_at: nowIso() } });
				if (!spent) throw errors.invalidRefreshToken();
				return this.issueTokens(access.user, session.id);
			}
		},

		logout: {
			rest: "POST /logout",
			access: "authenticated",
			audit: { action: "auth.logout", resource: null },
			openapi: { summary: "Revoke the current access token and its refresh token family", status: 204 },
			params: { refresh_token: { type: "string", max: 512, optional: true } },
			async handler(this: AuthThis, ctx: Ctx) {
				const principal = ctx.meta.principal;
				if (principal.type !== "user") return null;
				const ids = new Set<string>([principal.session_id as string]);
				if (ctx.params.refresh_token) {
					const stored = await this.repos.refresh_tokens.forOrg(principal.org_id).findOne({ token_hash: hashToken(ctx.params.refresh_token), user_id: principal.id });
					if (stored) ids.add(stored.session_id);
				}
				await this.revokeSessions(ctx, { id: { $in: [...ids] } });
				return null;
			}
		},

		me: {
			rest: "GET /me",
			access: "authenticated",
			openapi: { summary: "Who am I: principal, org, roles and permissions", response: "Me" },
			async handler(this: AuthThis, ctx: Ctx) {
				const p = ctx.meta.principal;
				const org: any = await ctx.call("admin.getOrg", { id: p.org_id });
				let user = null;
				let apiKey = null;
				if (p.type === "user") user = ((await ctx.call("rbac.userAccess", { id: p.id })) as any)?.user ?? null;
				else apiKey = await ctx.call("rbac.getKey", { key_id: p.id });
				return { principal_type: p.type, user, api_key: apiKey, org: orgSummary(org), roles: p.roles, permissions: p.permissions };
			}
		},

		changePassword: {
			rest: "POST /change-password",
			access: "user",
			audit: { action: "auth.change_password", resource: null },
			openapi: { summary: "Change your password; your other sessions are revoked", status: 204 },
			params: { current_password: { type: "string", min: 1, max: 1024 }, new_password: password() },
			async handler(this: AuthThis, ctx: Ctx) {
				const p = ctx.meta.principal;
				const record: any = await ctx.call("rbac.userRecord", { id: p.id });
				if (!record || !(await verifyPassword(ctx.params.current_password, record.password_hash))) {
					throw errors.fieldError("current_password", "is not your current password");
				}
				await ctx.call("rbac.setPassword", { id: p.id, password: ctx.params.new_password });
				await this.revokeSessions(ctx, { user_id: p.id, id: { $ne: p.session_id } });
				return null;
			}
		},

		// Internal actions.

		/** Resolves a bearer credential to its principal (§0.2), or throws the 401 it deserves. */
		authenticate: {
			visibility: "public",
			params: { token: "string" },
			async handler(this: AuthThis, ctx: Ctx<{ token: string }>): Promise<Principal> {
				const { token } = ctx.params;
				const cacheKey = token.startsWith("fgk_") ? hashToken(token) : token;
				const cached = this.principals.get(cacheKey);
				let principal: Principal;
				if (cached && cached.until > Date.now()) principal = cached.principal;
				else {
					const resolved: Resolved = token.startsWith("fgk_") ? await this.resolveKey(ctx, cacheKey) : await this.resolveAccessToken(ctx, token);
					principal = resolved.principal;
					// Never reuse a credential past its own end (expiry, rotation grace).
					this.principals.set(cacheKey, { principal, until: Math.min(Date.now() + PRINCIPAL_CACHE_MS, resolved.validUntil) });
				}
				if (principal.type === "api_key") this.touchKey(ctx, principal.id);
				return { ...principal, valid_until: this.principals.get(cacheKey)?.until ?? Date.now() };
			}
		},

		revokeUserSessions: {
			visibility: "public",
			params: { user_id: "string" },
			async handler(this: AuthThis, ctx: Ctx<{ user_id: string }>) {
				await this.revokeSessions(ctx, { user_id: ctx.params.user_id });
				return true;
			}
		}
	},

	events: {
		"principals.changed"(this: AuthThis) {
			this.principals.clear();
		},
		"org.changed"(this: AuthThis) {
			this.principals.clear();
		}
	},

	methods: {
		async issueTokens(this: AuthThis, user: any, sessionId: string | null) {
			let sid = sessionId;
			if (!sid) {
				sid = newId("ses");
				await this.repos.sessions.forOrg(user.org_id).insert({ id: sid, user_id: user.id, revoked_at: null });
			}
			const refresh = newRefreshToken();
			await this.repos.refresh_tokens.forOrg(user.org_id).insert({
				id: newId("rft"),
				session_id: sid,
				user_id: user.id,
				token_hash: hashToken(refresh),
				used_at: null,
				expires_at: new Date(Date.now() + REFRESH_TTL_SECONDS * 1000).toISOString()
			});
			return {
				access_token: signAccessToken(user.id, user.org_id, sid, this.platform.jwtSecret),
				refresh_token: refresh,
				token_type: "Bearer",
				expires_in: ACCESS_TTL_SECONDS,
				refresh_expires_in: REFRESH_TTL_SECONDS,
				user
			};
		},

		async revokeSessions(this: AuthThis, ctx: Context, filter: Record<string, any>) {
			await this.repos.sessions.platformWide().updateMany({ ...filter, revoked_at: null }, { $set: { revoked_at: nowIso() } });
			ctx.broadcast("principals.changed", {});
		},

		async resolveKey(this: AuthThis, ctx: Ctx, hash: string): Promise<Resolved> {
			const found: any = await ctx.call("rbac.keyAccess", { hash });
			if (!found) throw errors.unauthenticated("Unknown API key: check the key, or create one with POST /api/v1/rbac/api-keys");
			const key = found.key;
			const actor: AuditActor = { type: "api_key", id: key.id, name: key.name, org_id: key.org_id };
			if (found.revoked) await this.rejected(ctx, actor, "revoked API key", errors.unauthenticated("This API key was revoked"));
			if (found.rotated_until && found.rotated_until <= nowIso()) {
				await this.rejected(ctx, actor, "rotated-out API key", errors.unauthenticated("This API key was rotated: use the new key"));
			}
			if (key.expires_at && key.expires_at <= nowIso()) await this.rejected(ctx, actor, "expired API key", errors.tokenExpired("This API key has expired"));
			const org: any = await ctx.call("admin.getOrg", { id: key.org_id });
			if (!org) throw errors.unauthenticated();
			const ends = [key.expires_at, found.rotated_until].filter(Boolean).map((t: string) => Date.parse(t));
			const principal: Principal = {
				type: "api_key",
				id: key.id,
				name: key.name,
				user_id: found.user_id,
				org_id: key.org_id,
				org_status: org.status,
				roles: key.roles,
				permissions: found.permissions,
				platform_admin: found.platform_admin,
				rate_limit_per_minute: key.rate_limit_per_minute ?? org.limits?.rate_limit_per_minute ?? null
			};
			return { principal, validUntil: Math.min(Infinity, ...ends) };
		},

		async resolveAccessToken(this: AuthThis, ctx: Ctx, token: string): Promise<Resolved> {
			const claims = readAccessToken(token, this.platform.jwtSecret);
			if (!claims) throw errors.unauthenticated();
			const access: any = await ctx.call("rbac.userAccess", { id: claims.sub });
			const actor: AuditActor = { type: "user", id: claims.sub, name: access?.user.email ?? null, org_id: claims.org };
			if (claims.exp <= Date.now() / 1000) await this.rejected(ctx, actor, "expired access token", errors.tokenExpired("The access token has expired: refresh it"));
			if (!access) await this.rejected(ctx, actor, "token of a deleted user", errors.unauthenticated("This user no longer exists"));
			if (access.user.status !== "active") await this.rejected(ctx, actor, "token of a disabled user", errors.unauthenticated("This user is disabled"));
			const session = await this.repos.sessions.forOrg(claims.org).get(claims.sid);
			if (!session || session.revoked_at) throw errors.unauthenticated("This session was signed out: sign in again");
			const org: any = await ctx.call("admin.getOrg", { id: claims.org });
			if (!org) throw errors.unauthenticated();
			const principal: Principal = {
				type: "user",
				id: access.user.id,
				name: access.user.email,
				user_id: access.user.id,
				org_id: access.user.org_id,
				org_status: org.status,
				roles: access.user.roles,
				permissions: access.permissions,
				platform_admin: access.platform_admin,
				rate_limit_per_minute: org.limits?.rate_limit_per_minute ?? null,
				session_id: claims.sid,
				token_id: claims.jti
			};
			return { principal, validUntil: claims.exp * 1000 };
		},

		/** A refused credential that still names an org is audited as `auth.token_rejected` (§18). */
		async rejected(this: AuthThis, ctx: Ctx, actor: AuditActor, reason: string, error: Error): Promise<never> {
			this.broker.metrics.increment("fluxgate.auth.failures.total");
			await ctx
				.call("audit.record", {
					org_id: actor.org_id,
					actor_type: actor.type,
					actor_id: actor.id,
					actor_name: actor.name,
					action: "auth.token_rejected",
					resource_id: null,
					outcome: "failure",
					status_code: 401,
					details: { reason },
					ip: ctx.meta.client?.ip ?? null,
					user_agent: ctx.meta.client?.user_agent ?? null,
					request_id: ctx.requestID ?? null
				})
				.catch(err => this.logger.error({ err }, "Could not audit a rejected credential"));
			throw error;
		},

		touchKey(this: AuthThis, ctx: Context, keyId: string) {
			const last = this.keyTouchedAt.get(keyId) ?? 0;
			if (Date.now() - last < KEY_TOUCH_INTERVAL_MS) return;
			this.keyTouchedAt.set(keyId, Date.now());
			ctx.call("rbac.touchKey", { id: keyId }).catch(err => this.logger.warn({ err }, "Could not record key use"));
		}
	},

	created(this: AuthThis) {
		this.principals = new Map();
		this.keyTouchedAt = new Map();
		registerMetric(this.broker, { type: "counter", name: "fluxgate.auth.failures.total", description: "Rejected credentials and failed logins" });
	}
};

export default AuthService;
