import { createHmac } from "node:crypto";
import { outboundFetch, OutboundError, type OutboundPolicy } from "../../lib/outbound";
import type { DeliveryError } from "./model";

/** Any 2xx within this time succeeds (§9). */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** A receiver's answer larger than this fails the attempt (RESPONSE_TOO_LARGE). */
const RESPONSE_CAP_BYTES = 256 * 1024;

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` (§9). */
export function signature(secret: string, timestamp: number, body: string): string {
	return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex")}`;
}

export interface WebhookRequest {
	url: string;
	secret: string;
	deliveryId: string;
	eventType: string;
	body: string;
}

export interface AttemptOutcome {
	ok: boolean;
	statusCode: number | null;
	error: DeliveryError | null;
	/** False when trying again cannot help (the target is refused by the SSRF guard). */
	retryable: boolean;
}

/** One signed POST of a delivery (§9 webhook targets), through the SSRF guard. */
export async function postWebhook(req: WebhookRequest, policy: OutboundPolicy): Promise<AttemptOutcome> {
	const timestamp = Math.floor(Date.now() / 1000);
	try {
		const res = await outboundFetch(
			req.url,
			{
				method: "POST",
				headers: {
					"Content-Type": "application/json",
					"User-Agent": "Fluxgate-Webhook",
					"X-Fluxgate-Event": req.eventType,
					"X-Fluxgate-Delivery": req.deliveryId,
					"X-Fluxgate-Timestamp": String(timestamp),
					"X-Fluxgate-Signature": signature(req.secret, timestamp, req.body)
				},
				body: req.body,
				timeoutMs: WEBHOOK_TIMEOUT_MS,
				maxBytes: RESPONSE_CAP_BYTES
			},
			policy
		);
		if (res.status >= 200 && res.status < 300) return { ok: true, statusCode: res.status, error: null, retryable: false };
		return { ok: false, statusCode: res.status, error: { code: "HTTP_ERROR", message: `The receiver answered ${res.status}` }, retryable: true };
	} catch (err) {
		if (err instanceof OutboundError) {
			return { ok: false, statusCode: null, error: { code: err.type, message: err.message }, retryable: err.type !== "SSRF_BLOCKED" };
		}
		return { ok: false, statusCode: null, error: { code: "NETWORK_ERROR", message: (err as Error)?.message ?? "network error" }, retryable: true };
	}
}
