import type { ServerResponse } from "node:http";
import * as errors from "../../lib/errors";
import type { Principal } from "../../lib/principal";
import type { Settings } from "../../lib/settings";
import { readRawBody } from "./body";
import { setRateHeaders, WINDOW_SECONDS } from "./rate-limit";
import { clientIp, type ApiThis, type Req } from "./types";

const MAINTENANCE_EXEMPT = /^\/api\/v1\/(auth\/login|auth\/refresh|admin(\/.*)?)$/;
const PUBLIC_LIMIT_PER_MINUTE = 10;
const PRINCIPAL_REUSE_MS = 1_000;
const PRINCIPAL_CACHE_SIZE = 10_000;

function bearerToken(req: Req, allowQuery: boolean): string | null {
	const header = req.headers.authorization;
	if (header) {
		const match = /^bearer\s+(\S+)\s*$/i.exec(header);
		return match ? match[1] : null;
	}
	if (allowQuery && typeof req.query?.access_token === "string") return req.query.access_token;
	return null;
}

/** §0.9 steps 1–4 of the gateway: the credential, a suspended org, maintenance mode and the rate limits. */
export const admissionMethods = {
	/**
	 * Steps 1–4 of §0.9 for a bearer-authenticated request; answers the principal or throws. With the
	 * credential, the settings and the counts at hand (the common case) it answers without a promise.
	 */
	admit(this: ApiThis, req: Req, res: ServerResponse, allowQueryToken: boolean): Principal | Promise<Principal> {
		// Resolutions are remembered by the Authorization header as sent: a known one needs no parsing.
		const header = req.headers.authorization;
		const cached = header === undefined ? undefined : this.principals.get(header);
		if (cached && cached.until > Date.now()) return this.admitPrincipal(req, res, cached.principal);
		const token = bearerToken(req, allowQueryToken);
		if (!token) throw errors.unauthenticated();
		return this.resolvePrincipal(req, token, header ?? `?${token}`).then((principal: Principal) => this.admitPrincipal(req, res, principal));
	},

	admitPrincipal(this: ApiThis, req: Req, res: ServerResponse, principal: Principal): Principal | Promise<Principal> {
		req.$principal = principal;
		if (principal.org_status === "suspended") throw errors.orgSuspended();
		const settings = this.settingsCache.get();
		if (settings instanceof Promise) return settings.then(s => this.countRequest(req, res, principal, s));
		return this.countRequest(req, res, principal, settings);
	},

	/** Maintenance mode, then the principal's rate limit (§0.11). */
	countRequest(this: ApiThis, req: Req, res: ServerResponse, principal: Principal, settings: Settings): Principal | Promise<Principal> {
		if (settings.maintenance_mode && !MAINTENANCE_EXEMPT.test(req.parsedUrl ?? "")) throw errors.maintenanceMode(settings.maintenance_message);
		const limit = principal.rate_limit_per_minute ?? settings.default_rate_limit_per_minute;
		const counted = this.limiter.hit(this.limiter.principalKey(principal.id));
		const check = ({ count, resetAt }: { count: number; resetAt: number }) => {
			setRateHeaders(res, limit, count, resetAt);
			if (count > limit) throw errors.rateLimited(limit, WINDOW_SECONDS);
			return principal;
		};
		return counted instanceof Promise ? counted.then(check) : check(counted);
	},

	/**
	 * The principal of a bearer token. A resolution is reused for a second at most (never past the
	 * credential's own end) and dropped at once when users, keys, roles, sessions or orgs change.
	 */
	async resolvePrincipal(this: ApiThis, req: Req, token: string, cacheKey: string): Promise<Principal> {
		const now = Date.now();
		const cached = this.principals.get(cacheKey);
		if (cached && cached.until > now) return cached.principal;
		const principal: Principal = await this.broker.call(
			"auth.authenticate",
			{ token },
			{ requestID: req.$requestId, meta: { client: { ip: clientIp(req), user_agent: req.headers["user-agent"] ?? null } } }
		);
		if (this.principals.size >= PRINCIPAL_CACHE_SIZE) this.principals.clear();
		this.principals.set(cacheKey, { principal, until: Math.min(now + PRINCIPAL_REUSE_MS, principal.valid_until ?? now) });
		return principal;
	},

	/** Credential-free routes: 10 per minute per client IP; login also per e-mail (§0.11). */
	async limitPublicRoute(this: ApiThis, req: Req, res: ServerResponse, kind: "login" | "ip") {
		const settings = await this.settingsCache.get();
		if (settings.maintenance_mode && !MAINTENANCE_EXEMPT.test(req.parsedUrl ?? "")) throw errors.maintenanceMode(settings.maintenance_message);
		const counters = [await this.limiter.hitSliding(`ip:${req.parsedUrl}:${clientIp(req)}`)];
		if (kind === "login") {
			const email = await this.peekEmail(req);
			if (email) counters.push(await this.limiter.hitSliding(`email:${email}`));
		}
		const worst = counters.reduce((a, b) => (b.count > a.count ? b : a));
		setRateHeaders(res, PUBLIC_LIMIT_PER_MINUTE, worst.count, worst.resetAt);
		if (worst.count > PUBLIC_LIMIT_PER_MINUTE) throw errors.rateLimited(PUBLIC_LIMIT_PER_MINUTE, WINDOW_SECONDS);
	},

	async peekEmail(this: ApiThis, req: Req): Promise<string | null> {
		try {
			const settings = await this.settingsCache.get();
			req.$rawBody = await readRawBody(req, settings.max_body_bytes);
			const body = JSON.parse(req.$rawBody.toString("utf8"));
			return typeof body?.email === "string" ? body.email.toLowerCase() : null;
		} catch (err: any) {
			if (err?.type === "PAYLOAD_TOO_LARGE") req.$bodyError = err;
			return null;
		}
	},
};
