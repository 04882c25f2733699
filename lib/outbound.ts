import dns from "node:dns/promises";
import net from "node:net";
import { FluxError } from "./errors";

/** Where outbound calls may go (§0.15): admin settings plus the process override. */
export interface OutboundPolicy {
	allowPrivateNetwork: boolean;
	allowedHosts: string[];
}

export class OutboundError extends FluxError {
	constructor(code: "SSRF_BLOCKED" | "TIMEOUT" | "RESPONSE_TOO_LARGE" | "NETWORK_ERROR", message: string) {
		super(502, code, message);
	}
}

const BLOCKED_V4: [string, number][] = [
	["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
	["192.0.0.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["224.0.0.0", 4], ["240.0.0.0", 4]
];

function v4ToInt(ip: string): number {
	return ip.split(".").reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
}

function inV4Cidr(ip: string, base: string, bits: number): boolean {
	const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
	return (v4ToInt(ip) & mask) === (v4ToInt(base) & mask);
}

/** Loopback, link-local, private (RFC 1918/4193), CGNAT, metadata and other non-public addresses. */
export function isPrivateAddress(ip: string): boolean {
	if (net.isIPv4(ip)) return BLOCKED_V4.some(([base, bits]) => inV4Cidr(ip, base, bits));
	const lower = ip.toLowerCase();
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
	if (mapped) return isPrivateAddress(mapped[1]);
	return lower === "::1" || lower === "::" || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower) || lower.startsWith("ff");
}

function hostAllowed(host: string, ip: string, allowed: string[]): boolean {
	return allowed.some(entry => {
		const [base, bits] = entry.split("/");
		if (bits !== undefined && net.isIPv4(base) && net.isIPv4(ip)) return inV4Cidr(ip, base, Number(bits));
		return entry.toLowerCase() === host.toLowerCase() || entry === ip;
	});
}

/** Refuses a URL whose host resolves to a non-public address unless the policy allows it. */
export async function assertOutboundAllowed(url: URL, policy: OutboundPolicy): Promise<void> {
	if (url.protocol !== "http:" && url.protocol !== "https:") throw new OutboundError("SSRF_BLOCKED", `Only http and https URLs may be called, not ${url.protocol}`);
	if (policy.allowPrivateNetwork) return;
	const host = url.hostname.replace(/^\[|\]$/g, "");
	const addresses = net.isIP(host) ? [host] : (await dns.lookup(host, { all: true }).catch(() => [])).map(a => a.address);
	if (!addresses.length) throw new OutboundError("NETWORK_ERROR", `Cannot resolve ${host}`);
	for (const ip of addresses) {
		if (isPrivateAddress(ip) && !hostAllowed(host, ip, policy.allowedHosts)) {
			throw new OutboundError("SSRF_BLOCKED", `${host} resolves to a private or loopback address (${ip}); allow it in outbound_allowed_hosts`);
		}
	}
}

export interface OutboundRequest {
	method?: string;
	headers?: Record<string, string>;
	body?: string;
	timeoutMs: number;
	maxBytes: number;
	signal?: AbortSignal;
}

export interface OutboundResponse {
	status: number;
	headers: Headers;
	text: string;
}

/** fetch with the SSRF guard, a timeout and a response size cap. */
export async function outboundFetch(rawUrl: string, req: OutboundRequest, policy: OutboundPolicy): Promise<OutboundResponse> {
	const url = new URL(rawUrl);
	await assertOutboundAllowed(url, policy);
	const timeout = AbortSignal.timeout(req.timeoutMs);
	const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
	let res: Response;
	try {
		res = await fetch(url, { method: req.method ?? "GET", headers: req.headers, body: req.body, signal, redirect: "manual" });
	} catch (err: any) {
		if (timeout.aborted) throw new OutboundError("TIMEOUT", `No answer from ${url.host} within ${req.timeoutMs} ms`);
		throw new OutboundError("NETWORK_ERROR", `Could not reach ${url.host}: ${err?.cause?.code ?? err?.message ?? "network error"}`);
	}
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		for await (const chunk of res.body ?? []) {
			size += chunk.length;
			if (size > req.maxBytes) {
				await res.body?.cancel().catch(() => undefined);
				throw new OutboundError("RESPONSE_TOO_LARGE", `The response from ${url.host} is larger than ${req.maxBytes} bytes`);
			}
			chunks.push(chunk);
		}
	} catch (err) {
		if (err instanceof OutboundError) throw err;
		if (timeout.aborted) throw new OutboundError("TIMEOUT", `No answer from ${url.host} within ${req.timeoutMs} ms`);
		throw new OutboundError("NETWORK_ERROR", `Reading the response from ${url.host} failed`);
	}
	return { status: res.status, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") };
}

/** The policy in force for this node: admin settings, with FLUXGATE_ALLOW_PRIVATE_NETWORK=true always winning. */
export function outboundPolicy(settings: { allow_private_network: boolean; outbound_allowed_hosts: string[] }, processAllowsPrivate: boolean): OutboundPolicy {
	return { allowPrivateNetwork: processAllowsPrivate || settings.allow_private_network, allowedHosts: settings.outbound_allowed_hosts };
}
