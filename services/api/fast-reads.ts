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

interface Entry {
	alias: Alias;
	position: number;
}

interface Patterned extends Entry {
	/** The literal start of the path (up to its first parameter): most URLs are ruled out by it alone. */
	prefix: string;
}

/** One path segment of the tree: literal children, the `:param` child, and the aliases that end here. */
interface SegmentNode {
	literal: Map<string, SegmentNode>;
	param: SegmentNode | null;
	/** The first alias (in moleculer-web's order) whose path ends at this node. */
	end: Entry | null;
}

/** Past this many remembered resolutions (distinct URLs) the memory starts over. */
const RESOLVED_LIMIT = 10_000;
const newNode = (): SegmentNode => ({ literal: new Map(), param: null, end: null });
const PARAM_SEGMENT = /^:[A-Za-z_$][\w$]*$/;
const SPECIAL = /[:*(){}?+![\]\\]/;

/** The segments of a path made only of literal and `:name` segments; null for anything else (wildcards, optional parts). */
function simpleSegments(fullPath: string): string[] | null {
	if (fullPath === "/" || !fullPath.startsWith("/")) return null;
	const segments = fullPath.slice(1).split("/");
	for (const segment of segments) if (segment === "" || (SPECIAL.test(segment) && !PARAM_SEGMENT.test(segment))) return null;
	return segments;
}

/**
 * moleculer-web's aliases, indexed: a tree of path segments per method for paths of literal and
 * `:name` segments, and the other aliases (wildcards, optional parts, any method) behind their literal
 * prefix. Resolves exactly as moleculer-web's linear scan does (the first alias in order whose
 * expression matches), and runs one alias's regular expression (the winner's, for its decoded
 * parameters) instead of every alias's.
 */
export class AliasIndex {
	private readonly trees = new Map<string, SegmentNode>();
	private readonly patterned: Patterned[] = [];
	/** Resolutions already made, per method and URL (ids in paths repeat: the same agent is read again and again). */
	private readonly resolved = new Map<string, Map<string, FoundAlias>>();
	private resolvedCount = 0;

	constructor(
		readonly source: readonly Alias[],
		readonly size = source.length
	) {
		source.forEach((alias, position) => {
			const segments = alias.method === "*" ? null : simpleSegments(alias.fullPath);
			if (!segments) {
				this.patterned.push({ alias, position, prefix: alias.fullPath.split(/[:*(]/)[0] });
				return;
			}
			let node = this.trees.get(alias.method);
			if (!node) this.trees.set(alias.method, (node = newNode()));
			for (const segment of segments) {
				if (segment.startsWith(":")) node = node.param ?? (node.param = newNode());
				else {
					let next = node.literal.get(segment);
					if (!next) node.literal.set(segment, (next = newNode()));
					node = next;
				}
			}
			if (!node.end) node.end = { alias, position };
		});
	}

	/** True while the index still describes moleculer-web's current alias list. */
	describes(aliases: readonly Alias[]): boolean {
		return aliases === this.source && aliases.length === this.size;
	}

	/** The alias of a URL; each answer gets its own copy of the parameters. */
	resolve(url: string, method: string): FoundAlias | false {
		let known = this.resolved.get(method);
		const hit = known?.get(url);
		if (hit) return { alias: hit.alias, params: { ...hit.params } };
		const found = this.lookup(url, method);
		if (!found) return false;
		if (this.resolvedCount >= RESOLVED_LIMIT) {
			this.resolved.clear();
			this.resolvedCount = 0;
			known = undefined;
		}
		if (!known) this.resolved.set(method, (known = new Map()));
		known.set(url, { alias: found.alias, params: { ...found.params } });
		this.resolvedCount += 1;
		return found;
	}

	private lookup(url: string, method: string): FoundAlias | false {
		const tree = this.trees.get(method);
		let best: Entry | null = null;
		if (tree && url.startsWith("/")) {
			// An alias's expression allows one trailing slash.
			const path = url.length > 1 && url.endsWith("/") ? url.slice(0, -1) : url;
			best = AliasIndex.walk(tree, path.split("/"), 1, null);
		}
		const before = best ? best.position : Infinity;
		for (const candidate of this.patterned) {
			if (candidate.position > before) break;
			if (!url.startsWith(candidate.prefix) || !candidate.alias.isMethod(method)) continue;
			const params = candidate.alias.match(url);
			if (params) return { alias: candidate.alias, params };
		}
		if (!best) return false;
		const params = best.alias.match(url);
		return params ? { alias: best.alias, params } : this.scan(url, method);
	}

	/** moleculer-web's own linear scan. */
	scan(url: string, method: string): FoundAlias | false {
		for (const alias of this.source) {
			if (!alias.isMethod(method)) continue;
			const params = alias.match(url);
			if (params) return { alias, params };
		}
		return false;
	}

	/** The first alias (lowest position) under `node` that matches segments[i..]. */
	private static walk(node: SegmentNode, segments: string[], i: number, best: Entry | null): Entry | null {
		if (i === segments.length) return node.end && (!best || node.end.position < best.position) ? node.end : best;
		const segment = segments[i];
		const literal = node.literal.get(segment);
		if (literal) best = AliasIndex.walk(literal, segments, i + 1, best);
		if (node.param && segment !== "") best = AliasIndex.walk(node.param, segments, i + 1, best);
		return best;
	}
}

/** Sends an action's result the way moleculer-web would, for the read path that bypasses it; answers true when a stream is still being sent. */
export function sendResult(res: ServerResponse, status: number, meta: Record<string, any>, data: unknown): boolean {
	res.statusCode = status;
	const headers: Record<string, string> | undefined = meta.$responseHeaders;
	if (headers) for (const name of Object.keys(headers)) res.setHeader(name, headers[name]);
	const type: string | undefined = meta.$responseType;
	if (data instanceof Stream) {
		res.setHeader("Content-Type", type ?? "application/octet-stream");
		(data as unknown as NodeJS.ReadableStream).pipe(res);
		return true;
	}
	if (Buffer.isBuffer(data)) {
		res.setHeader("Content-Type", type ?? "application/octet-stream");
		res.end(data);
		return false;
	}
	if (typeof data === "string" && type) {
		res.setHeader("Content-Type", type);
		res.end(data);
		return false;
	}
	res.setHeader("Content-Type", type ?? "application/json; charset=utf-8");
	res.end(data === undefined ? "" : JSON.stringify(data));
	return false;
}

/** `?a=1&b=2` of a request URL, and the path without it and without a trailing slash. */
export function splitUrl(req: IncomingMessage): { path: string; search: string } {
	const url = req.url ?? "/";
	const q = url.indexOf("?");
	let path = q === -1 ? url : url.slice(0, q);
	if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
	return { path, search: q === -1 ? "" : url.slice(q + 1) };
}
