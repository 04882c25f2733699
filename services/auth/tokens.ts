import { randomUrlSafe, sha256Hex, signJwt, verifyJwt } from "../../lib/crypto";
import { newId } from "../../lib/ids";

export const ACCESS_TTL_SECONDS = 900;
export const REFRESH_TTL_SECONDS = 30 * 24 * 3600;

export interface AccessClaims {
	sub: string;
	org: string;
	sid: string;
	jti: string;
	iat: number;
	exp: number;
}

export function signAccessToken(userId: string, orgId: string, sessionId: string, secret: string): string {
	const iat = Math.floor(Date.now() / 1000);
	const claims: AccessClaims = { sub: userId, org: orgId, sid: sessionId, jti: newId("jti"), iat, exp: iat + ACCESS_TTL_SECONDS };
	return signJwt(claims as unknown as Record<string, unknown>, secret);
}

/** Claims of a correctly signed access token, expired or not; null when it is not ours. */
export function readAccessToken(token: string, secret: string): AccessClaims | null {
	const claims = verifyJwt(token, secret);
	if (!claims || typeof claims.sub !== "string" || typeof claims.sid !== "string" || typeof claims.exp !== "number") return null;
	return claims as AccessClaims;
}

export const newRefreshToken = () => `fgr_${randomUrlSafe(48)}`;
export const hashToken = sha256Hex;
