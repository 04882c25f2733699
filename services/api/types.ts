import type http from "node:http";
import type { IncomingMessage } from "node:http";
import type { Context } from "moleculer";
import type { Principal } from "../../lib/principal";
import type { AuditSpec, OpenApiSpec, PublicKeyRule, RouteAccess } from "../../lib/route-meta";
import type { SettingsCache } from "../../lib/settings";
import type { PlatformThis } from "../../mixins/platform.mixin";
import type { AliasIndex } from "./fast-reads";
import type { LocalCalls } from "./local-call";
import type { HttpMetrics } from "./metrics";
import type { PublicGate } from "./public-gate";
import type { RateLimiter } from "./rate-limit";

/** A request as the gateway sees it: moleculer-web's fields and the gateway's own. */
export type Req = IncomingMessage & {
	$ctx?: Context<any, any>;
	$action?: any;
	$alias?: any;
	$params?: Record<string, any>;
	$requestId: string;
	$rawBody?: Buffer;
	$bodyError?: unknown;
	$principal?: Principal | null;
	/** performance.now() when the request arrived. */
	$startedAt: number;
	parsedUrl?: string;
	query?: Record<string, any>;
};

export interface ActionDef {
	name: string;
	access?: RouteAccess;
	publicKey?: PublicKeyRule;
	audit?: AuditSpec;
	openapi?: OpenApiSpec;
	rest?: string;
}

export interface ApiThis extends PlatformThis {
	settingsCache: SettingsCache;
	limiter: RateLimiter;
	publicGate: PublicGate;
	httpMetrics: HttpMetrics;
	localCalls: LocalCalls;
	principals: Map<string, { principal: Principal; until: number }>;
	server: http.Server;
	aliasIndex: AliasIndex | null;
	/** True from the moment every local service has started and the routes are built until the node begins to stop. */
	ready: boolean;
	[method: string]: any;
}

export function clientIp(req: IncomingMessage): string {
	return req.socket.remoteAddress ?? "unknown";
}

/** Who is calling, for every handler: client IP, user agent and the base URL the request came to. */
export function clientOf(req: IncomingMessage) {
	const forwarded = req.headers["x-forwarded-proto"];
	const proto = (forwarded && String(forwarded).split(",")[0].trim()) || "http";
	const host = req.headers["x-forwarded-host"] ?? req.headers.host;
	return { ip: clientIp(req), user_agent: req.headers["user-agent"] ?? null, base_url: host ? `${proto}://${host}` : null };
}
