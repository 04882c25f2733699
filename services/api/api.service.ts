import type { Schema } from "../../lib/schema";
import http, { type ServerResponse } from "node:http";
import type { Context } from "moleculer";
import ApiGateway from "moleculer-web";
import * as errors from "../../lib/errors";
import { newRequestId, REQUEST_ID_PATTERN } from "../../lib/ids";
import { actorOf, missingPermissions, type AuditActor, type Principal } from "../../lib/principal";
import type { AuditSpec, RouteAccess } from "../../lib/route-meta";
import { defaultSettings, SettingsCache, type Settings } from "../../lib/settings";
import { toFieldProblems } from "../../lib/validation";
import type { FieldProblem } from "../../lib/errors";
import { PlatformMixin } from "../../mixins/platform.mixin";
import { checkMediaType, parseJsonBody, readRawBody } from "./body";
import { splitUrl } from "./fast-reads";
import { toHttpError } from "./http-error";
import { isMultipart, readMultipart, withoutFileData } from "./multipart";
import { LocalCalls } from "./local-call";
import { HttpMetrics } from "./metrics";
import { isPublicPath, publicActor, PublicGate } from "./public-gate";
import { RateLimiter, WINDOW_SECONDS } from "./rate-limit";
import { nullProblems } from "./nulls";
import { redactBody } from "./redact";
import { admissionMethods } from "./admission";
import { gateMethods } from "./gate";
import { readPathMethods } from "./read-path";
import { systemAliases } from "./system-routes";
import { serveUi, uiPathOf } from "./ui-static";
import { clientIp, clientOf, type ActionDef, type ApiThis, type Req } from "./types";

const STREAM_GRACE_MS = 2_000;
const GATED = /^\/(api\/v1(\/|$)|openapi\.json$)/;

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const ApiService: Schema<ApiThis> = {
	name: "api",
	mixins: [ApiGateway as any, PlatformMixin],

	settings: {
		// The gateway opens its own server only once the node is ready (openGate), never before.
		server: false,
		port: 8000,
		ip: "0.0.0.0",
		logRequest: null,
		logResponse: null,
		log4XXResponses: false,
		rootCallOptions(options: any, req: Req) {
			options.requestID = req.$requestId;
		},
		routes: [
			{
				name: "api",
				path: "/api/v1",
				autoAliases: true,
				mappingPolicy: "restrict",
				bodyParsers: false,
				mergeParams: true,
				authentication: true,
				authorization: true,
				logging: false,
				pathToRegexpOptions: { sensitive: true },
				onAfterCall(this: ApiThis, ctx: Context<any, any>, _route: any, req: Req, res: ServerResponse, data: unknown) {
					return this.afterCall(ctx, req, res, data);
				},
				onError(this: ApiThis, req: Req, res: ServerResponse, err: unknown) {
					return this.replyError(req, res, err);
				}
			},
			{
				name: "system",
				path: "/",
				autoAliases: false,
				mappingPolicy: "restrict",
				bodyParsers: false,
				logging: false,
				aliases: systemAliases
			}
		],
		onError(this: ApiThis, req: Req, res: ServerResponse, err: unknown) {
			return this.replyError(req, res, err);
		}
	},

	actions: {
		listAliases: false
	},

	events: {
		"settings.changed"(this: ApiThis, ctx: Context<Settings>) {
			this.settingsCache.set(ctx.params);
		},
		"$api.aliases.regenerated"(this: ApiThis) {
			this.aliasIndex = null;
		},
		"principals.changed"(this: ApiThis) {
			this.principals.clear();
		},
		"org.changed"(this: ApiThis) {
			this.principals.clear();
		}
	},

	methods: {
		...gateMethods,
		...readPathMethods,
		...admissionMethods,

		/** Entry of every HTTP request: request id, metrics, CORS, then moleculer-web's routing. */
		httpHandler(this: ApiThis, req: Req, res: ServerResponse, next?: unknown) {
			const incoming = req.headers["x-request-id"];
			req.$requestId = typeof incoming === "string" && REQUEST_ID_PATTERN.test(incoming) ? incoming : newRequestId();
			req.$startedAt = HttpMetrics.now();
			res.setHeader("X-Request-Id", req.$requestId);
			if (req.headers["x-correlation-id"] !== undefined) delete req.headers["x-correlation-id"];
			if (!this.ready && GATED.test(req.url ?? "")) {
				this.httpMetrics.track(req, res);
				return this.sendNotReady(req, res);
			}
			const pathname = uiPathOf(req.url ?? "/");
			if (pathname) {
				this.httpMetrics.track(req, res);
				return serveUi.call(this, req, res, pathname);
			}
			const settings = this.settingsCache.get();
			if (settings instanceof Promise) {
				return settings.then(s => this.dispatch(s, req, res, next));
			}
			return this.dispatch(settings, req, res, next);
		},

		/** Authenticated reads take the read path (read-path.ts), which counts its own answers; the rest is counted when it finishes. */
		dispatch(this: ApiThis, settings: Settings, req: Req, res: ServerResponse, next?: unknown) {
			const { path, search } = splitUrl(req);
			// Public routes answer CORS with their publication's allowed_origins (public-gate.ts).
			if (isPublicPath(path)) {
				this.httpMetrics.track(req, res);
				if (req.method === "OPTIONS") return this.publicGate.preflight(req, res, path);
				return (ApiGateway as any).methods.httpHandler.call(this, req, res, next);
			}
			const origin = req.headers.origin;
			const corsAllowed = typeof origin === "string" && settings.cors_allowed_origins.some(o => o === "*" || o === origin);
			if (corsAllowed) {
				res.setHeader("Access-Control-Allow-Origin", origin as string);
				res.setHeader("Vary", "Origin");
				res.setHeader("Access-Control-Expose-Headers", "X-Request-Id, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After");
			}
			if (req.method === "GET" && this.serveRead(req, res, path, search)) return;
			this.httpMetrics.track(req, res);
			if (req.method === "OPTIONS") {
				if (corsAllowed) {
					res.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
					res.setHeader("Access-Control-Allow-Headers", (req.headers["access-control-request-headers"] as string) ?? "Authorization, Content-Type");
					res.setHeader("Access-Control-Max-Age", "600");
				}
				res.statusCode = 204;
				res.end();
				return;
			}
			return (ApiGateway as any).methods.httpHandler.call(this, req, res, next);
		},

		/** moleculer-web hook: authentication and the checks that precede route resolution (§0.9 steps 1–4). */
		async authenticate(this: ApiThis, ctx: Context<any, any>, _route: any, req: Req, res: ServerResponse) {
			const action = req.$action as ActionDef;
			const rateLimit = action.openapi?.rateLimit ?? "ip";
			if (action.access === "public" && rateLimit !== "publication") {
				await this.limitPublicRoute(req, res, rateLimit);
				return null;
			}
			ctx.meta.client = clientOf(req);
			if (action.access === "publication" || action.access === "public") {
				const keyRule = action.access === "public" ? "none" : action.publicKey;
				const publication = await this.publicGate.admit(req, res, keyRule, await this.settingsCache.get(), clientIp(req), req.$requestId);
				const { public_key: _key, ...visible } = publication;
				ctx.meta.publication = visible;
				ctx.meta.auditActor = publicActor(publication);
				return null;
			}
			const principal = await this.admit(req, res, !!action.openapi?.produces?.includes("event-stream"));
			ctx.meta.principal = principal;
			return null;
		},

		/** moleculer-web hook: permission (step 6), media type and size (7), JSON body (8). */
		async authorize(this: ApiThis, ctx: Context<any, any>, _route: any, req: Req) {
			const action = req.$action as ActionDef;
			const principal = ctx.meta.principal as Principal | undefined;
			if (principal) this.checkAccess(principal, action.access);
			const params = req.$params as Record<string, any>;
			if (!BODY_METHODS.has(req.method as string)) return;
			if (req.$bodyError) throw req.$bodyError;
			const upload = action.openapi?.multipart;
			const body = upload && isMultipart(req) ? await readMultipart(req, upload) : await this.readJsonBody(req);
			const pathNames: string[] = (req.$alias?.keys ?? []).map((k: any) => k.name);
			const queryNames = action.openapi?.query ?? [];
			const merged: Record<string, any> = { ...body };
			for (const name of queryNames) if (req.query?.[name] !== undefined) merged[name] = req.query[name];
			for (const name of pathNames) merged[name] = params[name];
			for (const key of Object.keys(params)) delete params[key];
			Object.assign(params, merged);
			ctx.meta.body = upload ? withoutFileData(body, upload) : body;
			this.rejectNulls(action, merged);
			const idempotencyKey = req.headers["idempotency-key"];
			if (typeof idempotencyKey === "string") ctx.meta.idempotencyKey = idempotencyKey;
		},

		async readJsonBody(this: ApiThis, req: Req): Promise<Record<string, unknown>> {
			if (!req.$rawBody) checkMediaType(req);
			const settings = await this.settingsCache.get();
			const raw = req.$rawBody ?? (await readRawBody(req, settings.max_body_bytes));
			return parseJsonBody(raw, req.headers["content-type"]);
		},

		/** 400 for `null` on non-nullable fields, reported together with every other field problem (§0.6, §0.8). */
		rejectNulls(this: ApiThis, action: ActionDef & { params?: Record<string, any> }, params: Record<string, any>) {
			const nulls = nullProblems(params, action.params);
			if (!nulls.length) return;
			const rest = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== null));
			let others: FieldProblem[] = [];
			try {
				this.broker.validator.validate(rest, action.params as Record<string, any>);
			} catch (err: any) {
				others = toFieldProblems(err?.data);
			}
			const named = new Set(nulls.map(n => n.field));
			throw errors.validation([...nulls, ...others.filter(o => !named.has(o.field))]);
		},

		checkAccess(this: ApiThis, principal: Principal, access: RouteAccess | undefined) {
			if (Array.isArray(access)) {
				const missing = missingPermissions(principal, access);
				if (missing.length) throw errors.permissionDenied(missing);
				return;
			}
			if (access === "authenticated") return;
			if (access === "user") {
				if (principal.type !== "user") throw errors.permissionDenied(["user access token"]);
				return;
			}
			if (access === "platform_admin") {
				if (!principal.platform_admin) throw errors.permissionDenied(["platform_admin"]);
				return;
			}
			throw errors.internal();
		},

		async afterCall(this: ApiThis, ctx: Context<any, any>, req: Req, res: ServerResponse, data: unknown) {
			const action = req.$action as ActionDef;
			const status = ctx.meta.$statusCode ?? action.openapi?.status ?? 200;
			ctx.meta.$statusCode = status;
			if (status === 201) ctx.meta.$location = data && typeof data === "object" && "id" in data ? `${req.parsedUrl}/${(data as any).id}` : req.parsedUrl;
			if (action.audit) await this.audit(req, action, "success", status, data);
			return status === 204 ? null : data;
		},

		/** moleculer-web logs every 5xx with its stack before answering; replyError decides what is worth logging. */
		errorHandler(this: ApiThis, req: Req, res: ServerResponse, err: unknown) {
			this.sendError(req, res, err);
		},

		/** Any failure while serving a request: audit it when it is attributable, then answer §0.8's body. */
		async replyError(this: ApiThis, req: Req, res: ServerResponse, err: any) {
			const http = toHttpError(err);
			if (http.status === 500) this.logger.error({ err, request_id: req.$requestId }, "Request failed");
			else if (http.status > 500 && http.code !== "MAINTENANCE_MODE") this.logger.warn({ code: http.code, message: http.message, request_id: req.$requestId }, "Dependency unavailable");
			const action = req.$action as ActionDef | undefined;
			if (http.code === "PERMISSION_DENIED" && action) await this.audit(req, { ...action, audit: { action: "permission.denied", resource: null } }, "denied", 403);
			// A failed login (401) is attributable once the e-mail names a user; audit() skips requests without an actor.
			else if (action?.audit) await this.audit(req, action, "failure", http.status);
			this.sendJsonError(req, res, http);
		},

		sendJsonError(this: ApiThis, req: Req, res: ServerResponse, http: ReturnType<typeof toHttpError>) {
			if (res.headersSent) return res.end();
			res.statusCode = http.status;
			res.setHeader("Content-Type", "application/json; charset=utf-8");
			if (http.status === 401) res.setHeader("WWW-Authenticate", "Bearer");
			if (http.code === "MAINTENANCE_MODE") res.setHeader("Retry-After", "120");
			if (http.status === 429) {
				// A module's own limit (e.g. TOOL_RATE_LIMITED) states its wait in details.retry_after_seconds.
				const own = Number((http.details as any)?.retry_after_seconds);
				const reset = Number(res.getHeader("X-RateLimit-Reset"));
				const window = Number((http.details as any)?.window_seconds) || WINDOW_SECONDS;
				res.setHeader("Retry-After", String(own >= 1 ? Math.ceil(own) : Math.min(window, Math.max(1, Math.ceil(reset - Date.now() / 1000)))));
			}
			// Only a 401 of bearer authentication goes uncounted; a login or refresh answered 401 was counted (§0.11).
			if (http.status === 401 && !req.$principal && req.$action?.access !== "public") {
				res.removeHeader("X-RateLimit-Limit");
				res.removeHeader("X-RateLimit-Remaining");
				res.removeHeader("X-RateLimit-Reset");
			}
			res.end(JSON.stringify({ error: { code: http.code, message: http.message, details: http.details, request_id: req.$requestId } }));
		},

		/** Unknown path or method: authentication and admission still come first (§0.9 step 5). */
		async send404(this: ApiThis, req: Req, res: ServerResponse) {
			const path = req.parsedUrl ?? req.url ?? "";
			try {
				// Public published-agent paths carry no bearer credential: an unknown one is simply 404.
				if ((path === "/api/v1" || path.startsWith("/api/v1/")) && !isPublicPath(path)) await this.admit(req, res, false);
				throw errors.routeNotFound(req.method as string, path);
			} catch (err) {
				this.sendJsonError(req, res, toHttpError(err));
			}
		},

		async audit(this: ApiThis, req: Req, action: ActionDef, outcome: "success" | "failure" | "denied", status: number, data?: any) {
			const ctx = req.$ctx as Context<any, any>;
			const actor: AuditActor | null = ctx?.meta.auditActor ?? (ctx?.meta.principal ? actorOf(ctx.meta.principal) : null);
			const spec = action.audit as AuditSpec;
			if (!actor) return;
			const pathNames: string[] = (req.$alias?.keys ?? []).map((k: any) => k.name);
			const resourceParam = spec.resource === undefined ? pathNames[0] : spec.resource;
			let resourceId: string | null = resourceParam ? (req.$params?.[resourceParam] ?? null) : null;
			if (spec.resource === undefined && !resourceParam) resourceId = ctx.meta.auditResourceId ?? data?.id ?? null;
			if (ctx.meta.auditResourceId !== undefined) resourceId = ctx.meta.auditResourceId;
			const entry = {
				org_id: actor.org_id,
				actor_type: actor.type,
				actor_id: actor.id,
				actor_name: actor.name,
				action: ctx?.meta.auditAction ?? spec.action,
				resource_id: resourceId,
				outcome,
				status_code: status,
				details: { ...redactBody(ctx?.meta.body ?? {}), ...(ctx?.meta.auditDetails ?? {}) },
				ip: clientIp(req),
				user_agent: req.headers["user-agent"] ?? null,
				request_id: req.$requestId
			};
			try {
				await this.broker.call("audit.record", entry, { requestID: req.$requestId });
			} catch (err) {
				this.logger.error({ err, request_id: req.$requestId }, "Could not write the audit entry");
			}
		}
	},

	created(this: ApiThis) {
		this.settings.port = this.config.port;
		this.ready = false;
		this.aliasIndex = null;
		this.server = http.createServer((req, res) => this.httpHandler(req, res));
		this.server.requestTimeout = this.settings.requestTimeout ?? 300_000;
		this.principals = new Map();
		this.limiter = new RateLimiter(this.platform.redis, this.config.namespace);
		this.publicGate = new PublicGate(this.broker, this.limiter);
		this.httpMetrics = new HttpMetrics(this.broker);
		this.localCalls = new LocalCalls(this.broker);
		this.settingsCache = new SettingsCache(
			() => this.broker.call("admin.currentSettings"),
			() => defaultSettings(this.config)
		);
	},

	stopped(this: ApiThis) {
		this.ready = false;
		if (!this.server.listening) return;
		// Open streams (SSE) would hold close() forever: they get a grace period, then are cut.
		setTimeout(() => this.server.closeAllConnections(), STREAM_GRACE_MS).unref();
		return new Promise<void>(resolve => this.server.close(() => resolve()));
	}
};

export default ApiService;
