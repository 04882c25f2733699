import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServiceBroker } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import { constantTimeEqual } from "../../lib/crypto";
import * as errors from "../../lib/errors";
import type { AuditActor } from "../../lib/principal";
import type { PublicKeyRule } from "../../lib/route-meta";

/** How the gate takes the key: a route's PublicKeyRule, or `"none"` for the credential-free widget script. */
type KeyRule = PublicKeyRule | "none";
import type { Settings } from "../../lib/settings";
import type { RateLimiter } from "./rate-limit";
import { setRateHeaders } from "./rate-limit";

/** What the gate reads of a publication (the publish module's stored document). */
export interface GatePublication {
	id: string;
	org_id: string;
	agent_id: string;
	slug: string;
	public_key: string;
	allowed_origins: string[];
	rate_limit: { max_requests: number; period: "minute" | "hour" };
	enabled: boolean;
	[field: string]: unknown;
}

const PUBLIC_PREFIX = "/api/v1/public/";
const PERIOD_SECONDS = { minute: 60, hour: 3600 } as const;
const ALLOW_HEADERS = "Content-Type, X-Fluxgate-Public-Key, Authorization, X-Request-Id, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID";
const EXPOSE_HEADERS = "X-Request-Id, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, Mcp-Session-Id";

export const isPublicPath = (path: string) => path.startsWith(PUBLIC_PREFIX);

const slugOfPath = (path: string) => decodeURIComponent(path.slice(PUBLIC_PREFIX.length).split("/")[0] ?? "");

function originAllowed(allowed: string[], origin: string): boolean {
	const wanted = origin.toLowerCase();
	return allowed.some(o => o === "*" || o === wanted);
}

type Req = IncomingMessage & { query?: Record<string, any>; $params?: Record<string, any> };

/**
 * Admission of the public published-agent routes (§28): the publication's key instead of a bearer
 * credential, its allowed origins (with CORS answers of their own) and its rate limit per client IP,
 * in the order of §0.9 (an unknown or disabled slug is 404 before anything else).
 */
export class PublicGate {
	constructor(
		private readonly broker: ServiceBroker,
		private readonly limiter: RateLimiter
	) {}

	private async lookup(slug: string): Promise<GatePublication | null> {
		if (!slug) return null;
		const doc = await callIfPresent<GatePublication | null>(this.broker, "publish.bySlug", { slug }, null);
		return doc?.enabled ? doc : null;
	}

	private keyOf(req: Req, rule: KeyRule | undefined): string | null {
		const header = req.headers["x-fluxgate-public-key"];
		if (typeof header === "string" && header) return header;
		if (typeof req.query?.key === "string" && req.query.key) return req.query.key;
		if (rule === "bearer") {
			const match = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
			if (match) return match[1];
		}
		return null;
	}

	/** CORS headers for an origin the publication allows; answers whether it allows it. */
	private cors(req: Req, res: ServerResponse, publication: GatePublication): boolean {
		const origin = req.headers.origin;
		if (typeof origin !== "string" || !originAllowed(publication.allowed_origins, origin)) return false;
		res.setHeader("Access-Control-Allow-Origin", origin);
		res.setHeader("Vary", "Origin");
		res.setHeader("Access-Control-Expose-Headers", EXPOSE_HEADERS);
		return true;
	}

	/** Preflight of a public route: 204 always, with CORS headers when the publication allows the origin. */
	async preflight(req: Req, res: ServerResponse, path: string): Promise<void> {
		try {
			const publication = await this.lookup(slugOfPath(path));
			if (publication && this.cors(req, res, publication)) {
				res.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
				res.setHeader("Access-Control-Allow-Headers", (req.headers["access-control-request-headers"] as string) ?? ALLOW_HEADERS);
				res.setHeader("Access-Control-Max-Age", "600");
			}
		} finally {
			res.statusCode = 204;
			res.end();
		}
	}

	/** Steps 1–4 of §0.9 for a public route; answers the publication or throws. */
	async admit(req: Req, res: ServerResponse, rule: KeyRule | undefined, settings: Settings, clientIp: string, requestId: string): Promise<GatePublication> {
		const publication = await this.lookup(String(req.$params?.slug ?? ""));
		if (!publication) throw errors.notFound("Publication");
		this.cors(req, res, publication);
		if (rule !== "none") {
			const key = this.keyOf(req, rule);
			if (!key || !constantTimeEqual(key, publication.public_key)) {
				if (key) await this.auditRejected(req, publication, clientIp, requestId);
				throw errors.invalidPublicKey();
			}
			const origin = req.headers.origin;
			if (typeof origin === "string" && !originAllowed(publication.allowed_origins, origin)) throw errors.originNotAllowed(origin);
		}
		const org: any = await this.broker.call("admin.getOrg", { id: publication.org_id });
		if (!org) throw errors.notFound("Publication");
		if (org.status === "suspended") throw errors.orgSuspended();
		if (settings.maintenance_mode) throw errors.maintenanceMode(settings.maintenance_message);
		const { max_requests: limit, period } = publication.rate_limit;
		const window = PERIOD_SECONDS[period] ?? 60;
		const { count, resetAt } = await this.limiter.hit(`pub:${publication.id}:${clientIp}`, window);
		setRateHeaders(res, limit, count, resetAt);
		if (count > limit) throw errors.rateLimited(limit, window);
		return publication;
	}

	/** `auth.token_rejected` for a wrong key of an existing publication (§18). */
	private async auditRejected(req: Req, publication: GatePublication, ip: string, requestId: string): Promise<void> {
		const actor = publicActor(publication);
		await this.broker
			.call("audit.record", {
				org_id: actor.org_id,
				actor_type: actor.type,
				actor_id: actor.id,
				actor_name: actor.name,
				action: "auth.token_rejected",
				resource_id: publication.id,
				outcome: "failure",
				status_code: 401,
				details: { reason: "wrong publication key" },
				ip,
				user_agent: req.headers["user-agent"] ?? null,
				request_id: requestId
			})
			.catch(err => this.broker.logger.error({ err }, "Could not audit a rejected publication key"));
	}
}

/** Audit entries of public traffic name the publication with actor type `public` (§18). */
export const publicActor = (publication: GatePublication): AuditActor => ({ type: "public", id: publication.id, name: publication.slug, org_id: publication.org_id });
