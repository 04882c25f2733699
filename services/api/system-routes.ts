import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import * as errors from "../../lib/errors";
import { buildOpenApi } from "./openapi";
import { toHttpError } from "./http-error";

// absolute-path avoids loading the 1 MB UI bundle into the server process.
const SWAGGER_DIR: string = require("swagger-ui-dist/absolute-path")();
const SWAGGER_ASSETS: Record<string, string> = {
	"swagger-ui.css": "text/css; charset=utf-8",
	"swagger-ui-bundle.js": "application/javascript; charset=utf-8",
	"swagger-ui-standalone-preset.js": "application/javascript; charset=utf-8",
	"favicon-32x32.png": "image/png"
};

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Fluxgate API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script>
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout" });
</script>
</body>
</html>
`;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	res.statusCode = status;
	res.setHeader("Content-Type", "application/json; charset=utf-8");
	res.end(JSON.stringify(body));
}

function sendError(this: any, req: any, res: ServerResponse, err: unknown): void {
	this.sendJsonError(req, res, toHttpError(err));
}

let openApiCache: { key: string; body: string } | null = null;

/** The five non-module endpoints (§0.17): no authentication, no rate limit. `this` is the gateway. */
export const systemAliases = {
	"GET /health"(this: any, _req: IncomingMessage, res: ServerResponse) {
		sendJson(res, 200, { status: "ok", version: this.config.version, uptime_seconds: Math.floor(process.uptime()) });
	},

	async "GET /ready"(this: any, req: IncomingMessage, res: ServerResponse) {
		if (!this.ready) return this.sendNotReady(req, res);
		const checks = await this.broker.call("admin.dependencyChecks").catch(() => ({
			database: { status: "down", latency_ms: null },
			transporter: { status: this.broker.transit ? (this.broker.transit.connected ? "up" : "down") : "not_configured", latency_ms: 0 }
		}));
		const ready = Object.values(checks as Record<string, { status: string }>).every(c => c.status !== "down");
		if (ready) return sendJson(res, 200, { status: "ready", checks });
		sendError.call(this, req, res, errors.serviceUnavailable("Not ready: a dependency is down", { status: "not_ready", checks }));
	},

	"GET /metrics"(this: any, _req: IncomingMessage, res: ServerResponse) {
		res.statusCode = 200;
		res.setHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
		res.end(this.httpMetrics.prometheusText());
	},

	"GET /openapi.json"(this: any, _req: IncomingMessage, res: ServerResponse) {
		const aliases = this.aliases as any[];
		const key = aliases.map(a => `${a.method} ${a.fullPath} ${a.action}`).join("|");
		if (!openApiCache || openApiCache.key !== key) {
			openApiCache = { key, body: JSON.stringify(buildOpenApi(this.broker, aliases, this.config.version)) };
		}
		res.statusCode = 200;
		res.setHeader("Content-Type", "application/json; charset=utf-8");
		res.end(openApiCache.body);
	},

	"GET /docs"(_req: IncomingMessage, res: ServerResponse) {
		res.statusCode = 200;
		res.setHeader("Content-Type", "text/html; charset=utf-8");
		res.end(DOCS_HTML);
	},

	"GET /docs/:asset"(this: any, req: any, res: ServerResponse) {
		const asset = req.$params?.asset ?? path.basename(req.url ?? "");
		const type = SWAGGER_ASSETS[asset];
		if (!type) return sendError.call(this, req, res, errors.routeNotFound("GET", `/docs/${asset}`));
		res.statusCode = 200;
		res.setHeader("Content-Type", type);
		res.setHeader("Cache-Control", "public, max-age=86400");
		fs.createReadStream(path.join(SWAGGER_DIR, asset)).pipe(res);
	}
};
