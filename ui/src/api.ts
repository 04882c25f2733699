/** The dashboard's client of the REST API (/api/v1): credentials, refresh, the error body. */
import { FluxgateError } from "../../sdk/src/errors";

const STORE_KEY = "fluxgate.session";
const BASE = "/api/v1";

export type Session = { kind: "user"; access_token: string; refresh_token: string } | { kind: "api_key"; key: string };

/** An error answered by the API, as its body states it: the SDK's error class, shared with the dashboard. */
export { FluxgateError as ApiError };

export interface List<T> {
	items: T[];
	total: number;
	limit: number;
	offset: number;
}

let session: Session | null = load();
/** Why the last session ended without a sign-out, for the sign-in page to say. */
let endedBecause: string | null = null;

export function sessionEndReason(): string | null {
	return endedBecause;
}
const listeners = new Set<(s: Session | null) => void>();

function load(): Session | null {
	try {
		const raw = sessionStorage.getItem(STORE_KEY);
		return raw ? (JSON.parse(raw) as Session) : null;
	} catch {
		return null;
	}
}

export function currentSession(): Session | null {
	return session;
}

export function setSession(next: Session | null): void {
	session = next;
	if (next) endedBecause = null;
	if (next) sessionStorage.setItem(STORE_KEY, JSON.stringify(next));
	else sessionStorage.removeItem(STORE_KEY);
	for (const listener of listeners) listener(next);
}

export function onSession(listener: (s: Session | null) => void): () => void {
	listeners.add(listener);
	return () => listeners.delete(listener);
}

/** The bearer credential of the session: an access token or an API key. */
export function token(): string | null {
	if (!session) return null;
	return session.kind === "user" ? session.access_token : session.key;
}

const toError = (res: Response) => FluxgateError.fromResponse(res);

let refreshing: Promise<boolean> | null = null;

/** Trades the refresh token for a new pair once, however many requests found the access token expired. */
function refresh(): Promise<boolean> {
	const current = session;
	if (!current || current.kind !== "user") return Promise.resolve(false);
	refreshing ??= fetch(`${BASE}/auth/refresh`, {
		method: "POST",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify({ refresh_token: current.refresh_token })
	})
		.then(async res => {
			if (!res.ok) return false;
			const pair = await res.json();
			setSession({ kind: "user", access_token: pair.access_token, refresh_token: pair.refresh_token });
			return true;
		})
		.catch(() => false)
		.finally(() => (refreshing = null));
	return refreshing;
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
	if (!query) return path;
	const params = new URLSearchParams();
	for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
	const text = params.toString();
	return text ? `${path}?${text}` : path;
}

/** One API call; a 401 TOKEN_EXPIRED of an access token is refreshed and retried once, any other 401 signs out. */
export async function api<T = any>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
	const send = () => {
		const headers: Record<string, string> = {};
		const bearer = token();
		if (bearer) headers.Authorization = `Bearer ${bearer}`;
		if (body !== undefined) headers["Content-Type"] = "application/json";
		return fetch(BASE + withQuery(path, query), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
	};
	let res = await send();
	if (res.status === 401 && session?.kind === "user" && !path.startsWith("/auth/login")) {
		const err = await toError(res.clone());
		if (err.code === "TOKEN_EXPIRED" && (await refresh())) res = await send();
	}
	if (!res.ok) {
		const err = await toError(res);
		if (res.status === 401 && session && !path.startsWith("/auth/")) {
			endedBecause = `Signed out: ${err.message} (${err.code})`;
			setSession(null);
		}
		throw err;
	}
	if (res.status === 204) return undefined as T;
	return (await res.json()) as T;
}

export const get = <T = any>(path: string, query?: Query) => api<T>("GET", path, undefined, query);
export const post = <T = any>(path: string, body: unknown = {}) => api<T>("POST", path, body);
export const put = <T = any>(path: string, body: unknown) => api<T>("PUT", path, body);

export async function loginWithPassword(email: string, password: string): Promise<void> {
	const pair = await api("POST", "/auth/login", { email, password });
	setSession({ kind: "user", access_token: pair.access_token, refresh_token: pair.refresh_token });
}

/** Checks the key against /auth/me before keeping it. */
export async function loginWithKey(key: string): Promise<void> {
	const res = await fetch(`${BASE}/auth/me`, { headers: { Authorization: `Bearer ${key}` } });
	if (!res.ok) throw await toError(res);
	setSession({ kind: "api_key", key });
}

export async function logout(): Promise<void> {
	const current = session;
	if (current?.kind === "user") await api("POST", "/auth/logout", { refresh_token: current.refresh_token }).catch(() => undefined);
	setSession(null);
}

/** URL of an SSE endpoint with the credential as `access_token` (EventSource cannot set headers). */
export function streamUrl(path: string): string {
	return withQuery(BASE + path, { access_token: token() });
}
