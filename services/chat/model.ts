import { entitySchema, enumOf, INTEGER, NULLABLE_STRING, NULLABLE_TIMESTAMP, nullable, NUMBER, objectSchema, STRING, TIMESTAMP } from "../../lib/openapi-schema";

export const SESSION_STATUSES = ["active", "closed"] as const;
export const MESSAGE_ROLES = ["user", "assistant"] as const;
export const MESSAGE_STATUSES = ["pending", "completed", "failed", "blocked"] as const;

export type SessionStatus = (typeof SESSION_STATUSES)[number];
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
type RunError = { code: string; message: string };

/** How long a non-streaming send waits for the reply (§19 row 6). */
export const REPLY_WAIT_MS = 120_000;
/** Earlier messages given to the model as context (§19). */
export const HISTORY_LIMIT = 50;
export const TITLE_FROM_MESSAGE_CHARS = 60;

export interface SessionDoc {
	id: string;
	org_id: string;
	agent_id: string;
	end_user_id: string | null;
	customer_id: string | null;
	publication_id: string | null;
	title: string | null;
	status: SessionStatus;
	metadata: Record<string, unknown>;
	message_count: number;
	last_message_at: string | null;
	/** Next message position: messages are ordered by it, not by timestamps that may tie. */
	next_seq: number;
	created_at: string;
	updated_at: string;
}

export interface MessageDoc {
	id: string;
	org_id: string;
	session_id: string;
	seq: number;
	role: (typeof MESSAGE_ROLES)[number];
	content: string;
	status: MessageStatus;
	in_reply_to: string | null;
	run_id: string | null;
	error: RunError | null;
	tokens_input: number;
	tokens_output: number;
	cost_usd: number;
	created_at: string;
	updated_at: string;
}

/** The run fields an assistant message takes over once the run is terminal. */
export interface FinishedRun {
	id: string;
	status: string;
	output: string | null;
	error: RunError | null;
	tokens_input: number;
	tokens_output: number;
	cost_usd: number;
}

const RUN_TO_MESSAGE: Record<string, MessageStatus> = { completed: "completed", failed: "failed", cancelled: "failed", blocked: "blocked" };

/** The assistant message's final fields for a terminal run (§19: content = output, or `""` with the run's error). */
export function replyFields(run: FinishedRun): Pick<MessageDoc, "status" | "content" | "error" | "tokens_input" | "tokens_output" | "cost_usd"> {
	const status = RUN_TO_MESSAGE[run.status] ?? "failed";
	return {
		status,
		content: status === "completed" ? (run.output ?? "") : "",
		error: status === "completed" ? null : (run.error ?? { code: "INTERNAL_ERROR", message: `The run ended ${run.status}` }),
		tokens_input: run.tokens_input ?? 0,
		tokens_output: run.tokens_output ?? 0,
		cost_usd: run.cost_usd ?? 0
	};
}

export function presentSession(doc: SessionDoc) {
	const { id, org_id, agent_id, title, status, metadata, message_count, created_at, updated_at } = doc;
	return {
		id,
		org_id,
		agent_id,
		end_user_id: doc.end_user_id ?? null,
		customer_id: doc.customer_id ?? null,
		publication_id: doc.publication_id ?? null,
		title: title ?? null,
		status,
		metadata: metadata ?? {},
		message_count: message_count ?? 0,
		last_message_at: doc.last_message_at ?? null,
		created_at,
		updated_at
	};
}

export function presentMessage(doc: MessageDoc) {
	const { id, org_id, session_id, role, content, status, tokens_input, tokens_output, cost_usd, created_at, updated_at } = doc;
	return {
		id,
		org_id,
		session_id,
		role,
		content,
		status,
		in_reply_to: doc.in_reply_to ?? null,
		run_id: doc.run_id ?? null,
		error: doc.error ?? null,
		tokens_input,
		tokens_output,
		cost_usd,
		created_at,
		updated_at
	};
}

export type ChatMessage = ReturnType<typeof presentMessage>;

export const SESSION_SCHEMA = entitySchema({
	agent_id: STRING,
	end_user_id: NULLABLE_STRING,
	customer_id: NULLABLE_STRING,
	publication_id: NULLABLE_STRING,
	title: nullable("string", { maxLength: 200 }),
	status: enumOf(SESSION_STATUSES),
	metadata: { type: "object" },
	message_count: INTEGER,
	last_message_at: NULLABLE_TIMESTAMP
});

const ERROR_SCHEMA = nullable("object", { properties: { code: STRING, message: STRING } });

export const MESSAGE_SCHEMA = objectSchema({
	id: STRING,
	org_id: STRING,
	session_id: STRING,
	role: enumOf(MESSAGE_ROLES),
	content: STRING,
	status: enumOf(MESSAGE_STATUSES),
	in_reply_to: NULLABLE_STRING,
	run_id: NULLABLE_STRING,
	error: ERROR_SCHEMA,
	tokens_input: INTEGER,
	tokens_output: INTEGER,
	cost_usd: NUMBER,
	created_at: TIMESTAMP,
	updated_at: TIMESTAMP
});
