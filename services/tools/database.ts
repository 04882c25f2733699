import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { invalidToolInput, ToolCallError, toolUnavailable } from "./errors";
import type { ToolDoc } from "./model";
import type { SecretScope } from "./secrets";

export interface QueryResult {
	rows: unknown[];
	row_count: number;
	truncated: boolean;
}

/**
 * SQL with `:name` parameters → `$n` placeholders and their names in order. Quoted strings, quoted
 * identifiers, dollar-quoted bodies, comments and `::` casts are left alone.
 */
export function toPositional(sql: string): { text: string; names: string[] } {
	const names: string[] = [];
	let out = "";
	let i = 0;
	while (i < sql.length) {
		const c = sql[i];
		const rest = sql.slice(i);
		let m: RegExpExecArray | null;
		if (c === "'" || c === '"') {
			let j = i + 1;
			const backslashes = c === "'" && /[eE]$/.test(sql.slice(0, i));
			while (j < sql.length) {
				if (backslashes && sql[j] === "\\") j += 2;
				else if (sql[j] === c && sql[j + 1] === c) j += 2;
				else if (sql[j] === c) break;
				else j++;
			}
			out += sql.slice(i, j + 1);
			i = j + 1;
		} else if (rest.startsWith("--")) {
			const end = sql.indexOf("\n", i);
			const j = end < 0 ? sql.length : end;
			out += sql.slice(i, j);
			i = j;
		} else if (rest.startsWith("/*")) {
			const end = sql.indexOf("*/", i + 2);
			const j = end < 0 ? sql.length : end + 2;
			out += sql.slice(i, j);
			i = j;
		} else if ((m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(rest))) {
			const end = sql.indexOf(m[0], i + m[0].length);
			const j = end < 0 ? sql.length : end + m[0].length;
			out += sql.slice(i, j);
			i = j;
		} else if (rest.startsWith("::")) {
			out += "::";
			i += 2;
		} else if ((m = /^:([A-Za-z_][A-Za-z0-9_]*)/.exec(rest)) && !/[A-Za-z0-9_\]]$/.test(out)) {
			let index = names.indexOf(m[1]);
			if (index < 0) index = names.push(m[1]) - 1;
			out += `$${index + 1}`;
			i += m[0].length;
		} else {
			out += c;
			i++;
		}
	}
	return { text: out, names };
}

const jsonSafe = (rows: unknown[]): unknown[] =>
	JSON.parse(JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));

function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
	let timer: NodeJS.Timeout;
	const timeout = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => {
			onTimeout();
			reject(new ToolCallError("TOOL_TIMEOUT", `The query did not finish within ${ms / 1000} s (timeout_seconds of the tool)`));
		}, ms);
	});
	return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** `postgres`: one read-only transaction; at most `max_rows` rows are fetched through a cursor. */
export async function queryPostgres(tool: ToolDoc, input: Record<string, unknown>, secrets: SecretScope): Promise<QueryResult> {
	const connectionString = await secrets.resolve(String(tool.config.connection));
	const maxRows: number = tool.config.max_rows ?? 100;
	const timeoutMs = tool.timeout_seconds * 1000;
	const sql = String(tool.config.query).trim().replace(/;\s*$/, "");
	const { text, names } = toPositional(sql);
	const values = names.map(n => {
		const v = input[n];
		return v === undefined ? null : v;
	});
	let client: Client;
	try {
		client = new Client({ connectionString, connectionTimeoutMillis: timeoutMs, statement_timeout: timeoutMs, query_timeout: timeoutMs + 1000, application_name: "fluxgate-tool" });
	} catch (err: any) {
		throw toolUnavailable(`The connection string is not valid: ${err?.message ?? "unreadable"}`);
	}
	client.on("error", () => undefined);
	const work = async (): Promise<QueryResult> => {
		try {
			await client.connect();
		} catch (err: any) {
			throw toolUnavailable(`Could not connect to the database: ${err?.message ?? "connection failed"}`);
		}
		try {
			await client.query("BEGIN READ ONLY");
			const cursor = /^(select|with|values|table)\b/i.test(sql.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*/, ""));
			// A named (prepared) statement is always a single statement: nothing can end the read-only transaction.
			const name = `fg_${randomBytes(6).toString("hex")}`;
			let rows: unknown[];
			if (cursor) {
				await client.query({ name, text: `DECLARE fg_rows NO SCROLL CURSOR FOR ${text}`, values });
				rows = (await client.query(`FETCH ${maxRows + 1} FROM fg_rows`)).rows;
			} else {
				rows = (await client.query({ name, text, values })).rows ?? [];
			}
			const truncated = rows.length > maxRows;
			const kept = jsonSafe(rows.slice(0, maxRows));
			return { rows: kept, row_count: kept.length, truncated };
		} catch (err: any) {
			if (err instanceof ToolCallError) throw err;
			const code = typeof err?.code === "string" ? err.code : "";
			if (code === "57014") throw new ToolCallError("TOOL_TIMEOUT", `The query did not finish within ${tool.timeout_seconds} s (timeout_seconds of the tool)`);
			if (code.startsWith("22")) throw invalidToolInput(`The database refused an input value: ${err.message}`);
			throw toolUnavailable(`The query failed: ${err?.message ?? "database error"}${code ? ` (SQLSTATE ${code})` : ""}`);
		} finally {
			await client.query("ROLLBACK").catch(() => undefined);
		}
	};
	try {
		return await withTimeout(work(), timeoutMs + 2000, () => void client.end().catch(() => undefined));
	} finally {
		client.end().catch(() => undefined);
	}
}

/** `{{input.path}}` placeholders of a MongoDB filter, rendered as JSON values. */
const INPUT_PLACEHOLDER = /\{\{\s*input\.([A-Za-z0-9_.]+)\s*\}\}/g;

function inputAt(input: Record<string, unknown>, path: string): unknown {
	let v: any = input;
	for (const part of path.split(".")) v = v == null ? undefined : v[part];
	return v === undefined ? null : v;
}

function assertNoOperators(value: unknown, path: string): void {
	if (value !== null && typeof value === "object") {
		for (const [k, v] of Object.entries(value)) {
			if (k.startsWith("$")) throw invalidToolInput(`${path}: must not contain query operators ($…)`);
			assertNoOperators(v, path);
		}
	}
}

/** The MongoDB filter of a tool with the input filled in; input values never become operators. */
export function renderMongoFilter(query: unknown, input: Record<string, unknown>): Record<string, unknown> {
	const value = (path: string) => {
		const v = inputAt(input, path);
		assertNoOperators(v, path);
		return v;
	};
	const renderString = (s: string): unknown => {
		const whole = /^\{\{\s*input\.([A-Za-z0-9_.]+)\s*\}\}$/.exec(s);
		if (whole) return value(whole[1]);
		return s.replace(INPUT_PLACEHOLDER, (_m, p: string) => {
			const v = value(p);
			return typeof v === "string" ? v : JSON.stringify(v);
		});
	};
	const walk = (node: unknown): unknown => {
		if (typeof node === "string") return renderString(node);
		if (Array.isArray(node)) return node.map(walk);
		if (node !== null && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
		return node;
	};
	let filter: unknown = query ?? {};
	if (typeof filter === "string") {
		// Unquoted placeholders (`{"age": {{input.age}}}`) become JSON literals; quoted ones are handled by walk().
		const text = filter.replace(/("(?:[^"\\]|\\.)*")|\{\{\s*input\.([A-Za-z0-9_.]+)\s*\}\}/g, (m, quoted: string | undefined, p: string | undefined) =>
			quoted !== undefined ? m : JSON.stringify(value(p as string))
		);
		try {
			filter = JSON.parse(text);
		} catch {
			throw toolUnavailable("The configured MongoDB filter is not valid JSON");
		}
	}
	const rendered = walk(filter);
	if (rendered === null || typeof rendered !== "object" || Array.isArray(rendered)) throw toolUnavailable("The configured MongoDB filter must be a JSON object");
	return rendered as Record<string, unknown>;
}

/** `mongodb`: a `find` with the rendered filter, at most `max_rows` documents. */
export async function queryMongo(tool: ToolDoc, input: Record<string, unknown>, secrets: SecretScope): Promise<QueryResult> {
	let MongoClient: any;
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		MongoClient = require("mongoose").mongo?.MongoClient;
	} catch {
		MongoClient = null;
	}
	if (!MongoClient) throw toolUnavailable("MongoDB database tools need the MongoDB driver, which is not installed on this node");
	const uri = await secrets.resolve(String(tool.config.connection));
	const filter = renderMongoFilter(tool.config.query, input);
	const maxRows: number = tool.config.max_rows ?? 100;
	const timeoutMs = tool.timeout_seconds * 1000;
	let client: any;
	try {
		client = new MongoClient(uri, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs, socketTimeoutMS: timeoutMs + 1000 });
	} catch (err: any) {
		throw toolUnavailable(`The connection string is not valid: ${err?.message ?? "unreadable"}`);
	}
	const work = async (): Promise<QueryResult> => {
		try {
			await client.connect();
		} catch (err: any) {
			throw toolUnavailable(`Could not connect to the database: ${err?.message ?? "connection failed"}`);
		}
		try {
			const docs: unknown[] = await client
				.db()
				.collection(String(tool.config.collection))
				.find(filter, { limit: maxRows + 1, maxTimeMS: timeoutMs })
				.toArray();
			const truncated = docs.length > maxRows;
			const rows = jsonSafe(docs.slice(0, maxRows));
			return { rows, row_count: rows.length, truncated };
		} catch (err: any) {
			if (err?.code === 50) throw new ToolCallError("TOOL_TIMEOUT", `The query did not finish within ${tool.timeout_seconds} s (timeout_seconds of the tool)`);
			throw toolUnavailable(`The query failed: ${err?.message ?? "database error"}`);
		}
	};
	try {
		return await withTimeout(work(), timeoutMs + 2000, () => void client.close().catch(() => undefined));
	} finally {
		client.close().catch(() => undefined);
	}
}
