import type { FieldProblem } from "../../lib/errors";
import { BOOLEAN, entitySchema, enumOf, NULLABLE_STRING, NULLABLE_TIMESTAMP, STRING } from "../../lib/openapi-schema";
import { dateTime, withBodyChecks } from "../../lib/validation";
import { actionsAboveLevel, MESSAGE_TYPES, TRUST_ACTIONS, TRUST_LEVELS, type MessageType, type TrustAction, type TrustLevel } from "./trust";

export interface PolicyDoc {
	id: string;
	org_id: string;
	source_agent_id: string;
	target_agent_id: string;
	trust_level: TrustLevel;
	allowed_actions: TrustAction[];
	enabled: boolean;
	expires_at: string | null;
	description: string;
	created_at: string;
	updated_at: string;
}

export interface MessageDoc {
	id: string;
	org_id: string;
	from_agent_id: string;
	to_agent_id: string;
	message_type: MessageType;
	content: string;
	in_reply_to: string | null;
	run_id: string | null;
	origin_run_id: string | null;
	metadata: Record<string, unknown>;
	created_at: string;
	updated_at: string;
}

/** A message on its way to the target's inbox: everything but what the receiving side fills in. */
export type OutboundMessage = Omit<MessageDoc, "run_id" | "created_at" | "updated_at">;

export const presentPolicy = (d: PolicyDoc) => ({
	id: d.id,
	org_id: d.org_id,
	source_agent_id: d.source_agent_id,
	target_agent_id: d.target_agent_id,
	trust_level: d.trust_level,
	allowed_actions: d.allowed_actions ?? [],
	enabled: d.enabled,
	expires_at: d.expires_at ?? null,
	description: d.description ?? "",
	created_at: d.created_at,
	updated_at: d.updated_at
});

export const presentMessage = (d: MessageDoc) => ({
	id: d.id,
	org_id: d.org_id,
	from_agent_id: d.from_agent_id,
	to_agent_id: d.to_agent_id,
	message_type: d.message_type,
	content: d.content,
	in_reply_to: d.in_reply_to ?? null,
	run_id: d.run_id ?? null,
	origin_run_id: d.origin_run_id ?? null,
	metadata: d.metadata ?? {},
	created_at: d.created_at,
	updated_at: d.updated_at
});

export const AGENT_REF = { type: "string", min: 1, max: 64 };
export const CONTENT = { type: "string", min: 1, max: 100000 };
const METADATA_MAX_BYTES = 16 * 1024;

export const METADATA = {
	type: "object",
	optional: true,
	custom: (value: unknown, errors: any[]) => {
		if (value && Buffer.byteLength(JSON.stringify(value)) > METADATA_MAX_BYTES) errors.push({ type: "bodyCheck", message: `must be at most ${METADATA_MAX_BYTES} bytes as JSON` });
		return value;
	}
};

const ACTIONS_RULE = { type: "array", items: { type: "enum", values: [...TRUST_ACTIONS] }, unique: true, optional: true };
const DESCRIPTION = { type: "string", max: 500, optional: true };
const EXPIRES_AT = dateTime({ optional: true, nullable: true });

/** `allowed_actions` must stay within what `trust_level` permits (`[]` for `none`). */
export function levelProblems(level: unknown, actions: unknown): FieldProblem[] {
	if (!TRUST_LEVELS.includes(level as TrustLevel) || !Array.isArray(actions)) return [];
	// Unknown actions are reported by the enum rule of each item.
	const known = (actions as unknown[]).filter((a): a is string => TRUST_ACTIONS.includes(a as TrustAction));
	const above = actionsAboveLevel(level as TrustLevel, known);
	if (!above.length) return [];
	const message = level === "none" ? "must be empty for trust level none" : `${above.join(", ")} needs a higher trust level than ${level}`;
	return [{ field: "allowed_actions", message }];
}

export const CREATE_POLICY_PARAMS = {
	source_agent_id: AGENT_REF,
	target_agent_id: withBodyChecks(AGENT_REF, body =>
		typeof body.source_agent_id === "string" && body.source_agent_id === body.target_agent_id ? [{ field: "target_agent_id", message: "must differ from source_agent_id" }] : []
	),
	trust_level: withBodyChecks({ type: "enum", values: [...TRUST_LEVELS] }, body => levelProblems(body.trust_level, body.allowed_actions)),
	allowed_actions: ACTIONS_RULE,
	enabled: { type: "boolean", optional: true },
	expires_at: EXPIRES_AT,
	description: DESCRIPTION
};

export const UPDATE_POLICY_PARAMS = {
	policy_id: "string",
	trust_level: { type: "enum", values: [...TRUST_LEVELS], optional: true },
	allowed_actions: ACTIONS_RULE,
	enabled: { type: "boolean", optional: true },
	expires_at: EXPIRES_AT,
	description: DESCRIPTION,
	source_agent_id: { type: "any", optional: true },
	target_agent_id: { type: "any", optional: true }
};

export const SEND_PARAMS = {
	from_agent_id: AGENT_REF,
	to_agent_id: AGENT_REF,
	content: CONTENT,
	message_type: withBodyChecks({ type: "enum", values: [...MESSAGE_TYPES], optional: true }, body =>
		body.message_type === "response" && (body.in_reply_to === undefined || body.in_reply_to === null) ? [{ field: "in_reply_to", message: "is required for a response" }] : []
	),
	in_reply_to: { type: "string", min: 1, max: 64, optional: true, nullable: true },
	metadata: METADATA
};

export const POLICY_SCHEMA = entitySchema({
	source_agent_id: STRING,
	target_agent_id: STRING,
	trust_level: enumOf(TRUST_LEVELS),
	allowed_actions: { type: "array", items: enumOf(TRUST_ACTIONS) },
	enabled: BOOLEAN,
	expires_at: NULLABLE_TIMESTAMP,
	description: { type: "string", maxLength: 500 }
});

export const MESSAGE_SCHEMA = entitySchema({
	from_agent_id: STRING,
	to_agent_id: STRING,
	message_type: enumOf(MESSAGE_TYPES),
	content: { type: "string", minLength: 1, maxLength: 100000 },
	in_reply_to: NULLABLE_STRING,
	run_id: NULLABLE_STRING,
	origin_run_id: NULLABLE_STRING,
	metadata: { type: "object" }
});

export const CHECK_SCHEMA = {
	type: "object",
	properties: { allowed: BOOLEAN, policy_id: NULLABLE_STRING, trust_level: { enum: [...TRUST_LEVELS, null] }, reason: STRING }
};
