/** The trust rules of §6 as pure functions: shared by the trust middleware, the check endpoint and memory sharing. */

export const TRUST_LEVELS = ["none", "low", "medium", "high", "full"] as const;
export const TRUST_ACTIONS = ["message", "delegate", "share_memory"] as const;
export const MESSAGE_TYPES = ["request", "response", "notify", "delegate"] as const;

export type TrustLevel = (typeof TRUST_LEVELS)[number];
export type TrustAction = (typeof TRUST_ACTIONS)[number];
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** What the middleware and the check need of a policy. */
export interface PolicyRule {
	id: string;
	source_agent_id: string;
	target_agent_id: string;
	trust_level: TrustLevel;
	allowed_actions: TrustAction[];
	enabled: boolean;
	expires_at: string | null;
}

export interface Verdict {
	allowed: boolean;
	policy_id: string | null;
	trust_level: TrustLevel | null;
	reason: string;
}

const RANK: Record<TrustLevel, number> = { none: 0, low: 1, medium: 2, high: 3, full: 4 };
const MINIMUM: Record<TrustAction, TrustLevel> = { message: "low", delegate: "medium", share_memory: "high" };

/** `request`, `response` and `notify` are the `message` action; `delegate` messages are `delegate`. */
export const actionOf = (messageType: string | undefined): TrustAction => (messageType === "delegate" ? "delegate" : "message");

/** The actions a level permits at most. */
export const actionsAllowedAt = (level: TrustLevel): TrustAction[] => TRUST_ACTIONS.filter(a => RANK[level] >= RANK[MINIMUM[a]]);

/** The default `allowed_actions` of a new policy (§6). */
export const defaultActions = (level: TrustLevel): TrustAction[] => (level === "none" ? [] : ["message"]);

/** Actions of the list that the level does not permit; `none` permits none. */
export const actionsAboveLevel = (level: TrustLevel, actions: readonly string[]): string[] => {
	const permitted = new Set<string>(actionsAllowedAt(level));
	return actions.filter(a => !permitted.has(a));
};

/** Whether `policy` (the one policy source → target, if any) allows `action` at `now`. */
export function evaluate(policy: PolicyRule | undefined | null, action: TrustAction, now = Date.now()): Verdict {
	if (!policy) return { allowed: false, policy_id: null, trust_level: null, reason: "No trust policy exists from the source agent to the target agent" };
	const base = { policy_id: policy.id, trust_level: policy.trust_level };
	if (!policy.enabled) return { allowed: false, ...base, reason: "The trust policy is disabled" };
	if (policy.expires_at && Date.parse(policy.expires_at) <= now) return { allowed: false, ...base, reason: `The trust policy expired at ${policy.expires_at}` };
	if (policy.trust_level === "none") return { allowed: false, ...base, reason: "Trust level none allows nothing" };
	if (!policy.allowed_actions.includes(action)) return { allowed: false, ...base, reason: `The trust policy does not list ${action} in allowed_actions` };
	if (RANK[policy.trust_level] < RANK[MINIMUM[action]]) {
		return { allowed: false, ...base, reason: `${action} needs trust level ${MINIMUM[action]} or higher, the policy has ${policy.trust_level}` };
	}
	return { allowed: true, ...base, reason: `Allowed by trust policy ${policy.id} (${policy.trust_level})` };
}

/** Key of the directional pair in policy indexes. */
export const pairKey = (source: string, target: string) => `${source}\u0000${target}`;
