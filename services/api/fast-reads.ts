import type { IncomingMessage, ServerResponse } from "node:http";
import { Stream } from "node:stream";

/** What the gateway reads of a moleculer-web alias. */
export interface Alias {
	action: string;
	fullPath: string;
	method: string;
	keys: { name: string }[];
	route: { path: string };
	isMethod(method: string): boolean;
	match(url: string): Record<string, string> | false;
}

export interface FoundAlias {
	alias: Alias;
	params: Record<string, string>;
}

interface Patterned {
	alias: Alias;
	position: number;
	/** The literal start of the path (up to its first parameter): most URLs are ruled out by it alone. */
	prefix: string;
}

/**
 * moleculer-web's aliases, indexed: literal paths by method and path, parameterised ones behind their
 * literal prefix. Resolves exactly as moleculer-web's linear scan does (first alias in order that
 * matches), without running every alias's regular expression on every request.
 */
export class AliasIndex {
	private readonly literal = new Map<string, { alias: Alias; position: number }>();
	private readonly patterned: Patterned[] = [];

	constructor(
		readonly source: readonly Alias[],
		readonly size = source.length
	) {
		source.forEach((alias, position) => {
			const parametric = /[:*(]/.test(alias.fullPath);
			const key = `${alias.method} ${alias.fullPath}`;
			if (!parametric && alias.method !== "*" && !this.literal.has(key)) this.literal.set(key, { alias, position });
			else this.patterned.push({ alias, position, prefix: alias.fullPath.split(/[:*(]/)[0] });
		});
	}

	/** True while the index still describes moleculer-web's current alias list. */
	describes(aliases: readonly Alias[]): boolean {
		return aliases === this.source && aliases.length === this.size;
	}

	resolve(url: string, method: string): FoundAlias | false {
		const literal = this.literal.get(`${method} ${url}`);
		const before = literal ? literal.position : Infinity;
		for (const candidate of this.patterned) {
			if (candidate.position > before) break;
			if (!url.startsWith(candidate.prefix) || !candidate.alias.isMethod(method)) continue;
			const params = candidate.alias.match(url);
			if (params) return { alias: candidate.alias, params };
		}
		return literal ? { alias: literal.alias, params: {} } : false;
	}
}

/** Sends an action's result the way moleculer-web would, for the read path that bypasses it. */
export function sendResult(res: ServerResponse, status: number, meta: Record<string, any>, data: unknown): void {
	res.statusCode = status;
	const headers: Record<string, string> | undefined = meta.$responseHeaders;
	if (headers) for (const name of Object.keys(headers)) res.setHeader(name, headers[name]);
	const type: string | undefined = meta.$responseType;
	if (data instanceof Stream) {
		res.setHeader("Content-Type", type ?? "application/octet-stream");
		(data as unknown as NodeJS.ReadableStream).pipe(res);
		return;
	}
	if (Buffer.isBuffer(data)) {
		res.setHeader("Content-Type", type ?? "application/octet-stream");
		res.end(data);
		return;
	}
	if (typeof data === "string" && type) {
		res.setHeader("Content-Type", type);
		res.end(data);
		return;
	}
	res.setHeader("Content-Type", type ?? "application/json; charset=utf-8");
	res.end(data === undefined ? "" : JSON.stringify(data));
}

/** `?a=1&b=2` of a request URL, and the path without it and without a trailing slash. */
export function splitUrl(req: IncomingMessage): { path: string; search: string } {
	const url = req.url ?? "/";
	const q = url.indexOf("?");
	let path = q === -1 ? url : url.slice(0, q);
	if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
	return { path, search: q === -1 ? "" : url.slice(q + 1) };
}
