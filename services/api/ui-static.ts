import fs from "node:fs";
import type { ServerResponse } from "node:http";
import path from "node:path";
import * as errors from "../../lib/errors";
import { toHttpError } from "./http-error";
import type { ApiThis, Req } from "./types";

/**
 * The web dashboard: the static files `npm run build` bundles into dist/ui (ui/build.mjs), served
 * at /ui/ without authentication (the page's API calls carry the user's token). `/` redirects here.
 */

const CONTENT_TYPES: Record<string, string> = {
	".html": "text/html; charset=utf-8",
	".js": "application/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".svg": "image/svg+xml",
	".png": "image/png",
	".ico": "image/x-icon",
	".json": "application/json; charset=utf-8",
	".map": "application/json; charset=utf-8",
	".txt": "text/plain; charset=utf-8"
};

/** Everything the page loads comes from this origin; no inline script is needed. */
export const UI_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Bundles carry a content hash in their name (app-XXXXXXXX.js): they never change, so they may be cached for good. */
const HASHED = /-[A-Z0-9]{8}\.(js|css)$/;
const UI_PREFIX = "/ui/";

/** dist/ui next to the compiled gateway; when the gateway runs from source (tsx, tests), the built copy in dist/. */
function findUiDir(): string {
	const candidates = [path.resolve(__dirname, "..", "..", "ui"), path.resolve(__dirname, "..", "..", "dist", "ui")];
	return candidates.find(dir => fs.existsSync(path.join(dir, "index.html"))) ?? candidates[candidates.length - 1];
}

let uiDir: string | null = null;
const dir = () => (uiDir ??= findUiDir());

/**
 * The dashboard path a request URL names (`/`, `/ui` or under `/ui/`, without its query), or null.
 * Every request asks, so API paths are turned away before anything is allocated.
 */
export function uiPathOf(url: string): string | null {
	if (url !== "/" && !url.startsWith("/?") && !url.startsWith("/ui")) return null;
	const q = url.indexOf("?");
	const pathname = q === -1 ? url : url.slice(0, q);
	return pathname === "/" || pathname === "/ui" || pathname.startsWith(UI_PREFIX) ? pathname : null;
}

/** The file under the dashboard directory that a request path names, or null when it would leave the directory. */
export function resolveUiFile(root: string, pathname: string): string | null {
	let relative: string;
	try {
		relative = decodeURIComponent(pathname.slice(UI_PREFIX.length));
	} catch {
		return null;
	}
	if (relative.includes("\0") || relative.includes("\\")) return null;
	if (relative === "" || relative.endsWith("/")) relative += "index.html";
	const full = path.resolve(root, relative);
	return full.startsWith(root + path.sep) ? full : null;
}

function redirect(res: ServerResponse, location: string): void {
	res.statusCode = 302;
	res.setHeader("Location", location);
	res.setHeader("Cache-Control", "no-cache");
	res.end();
}

function notFound(api: ApiThis, req: Req, res: ServerResponse, pathname: string): void {
	api.sendJsonError(req, res, toHttpError(errors.routeNotFound(req.method ?? "GET", pathname)));
}

function sendFile(req: Req, res: ServerResponse, file: string, size: number): void {
	const ext = path.extname(file).toLowerCase();
	res.statusCode = 200;
	res.setHeader("Content-Type", CONTENT_TYPES[ext] ?? "application/octet-stream");
	res.setHeader("Content-Length", String(size));
	res.setHeader("X-Content-Type-Options", "nosniff");
	res.setHeader("Cache-Control", HASHED.test(file) ? "public, max-age=31536000, immutable" : "no-cache");
	if (ext === ".html") {
		res.setHeader("Content-Security-Policy", UI_CSP);
		res.setHeader("X-Frame-Options", "DENY");
		res.setHeader("Referrer-Policy", "no-referrer");
	}
	if (req.method === "HEAD") return void res.end();
	const stream = fs.createReadStream(file);
	stream.once("error", () => res.destroy());
	stream.pipe(res);
}

/** Answers a dashboard request (a path uiPathOf returned). `this` is the gateway. */
export function serveUi(this: ApiThis, req: Req, res: ServerResponse, pathname: string): void {
	req.$alias = { fullPath: pathname === "/" || pathname === "/ui" ? pathname : "/ui/*path", keys: [] };
	if (req.method !== "GET" && req.method !== "HEAD") return notFound(this, req, res, pathname);
	if (pathname === "/" || pathname === "/ui") return redirect(res, UI_PREFIX);
	const root = dir();
	const file = resolveUiFile(root, pathname);
	if (!file) return notFound(this, req, res, pathname);
	fs.stat(file, (err, stat) => {
		if (!err && stat.isFile()) return sendFile(req, res, file, stat.size);
		// Paths without a file extension are the page's own routes: they get the page.
		if (!path.extname(file)) {
			const index = path.join(root, "index.html");
			return fs.stat(index, (indexErr, indexStat) => (indexErr ? notFound(this, req, res, pathname) : sendFile(req, res, index, indexStat.size)));
		}
		notFound(this, req, res, pathname);
	});
}
