/** The built-in event catalogue (§9): what the platform announces, from which module, with which payload fields. */

export interface EventTypeInfo {
	event_type: string;
	module: string;
	description: string;
	payload_fields: string[];
}

interface Group {
	types: string[];
	module: string;
	description: string;
	fields: string[];
	/** Fields only some types of the group carry (`output` only on `run.completed`). */
	only?: Record<string, string[]>;
}

const RUN_FIELDS = ["run_id", "agent_id", "trigger", "mode", "status", "output", "error", "tokens_input", "tokens_output", "cost_usd", "latency_ms"];

const GROUPS: Group[] = [
	{ types: ["agent.created", "agent.updated", "agent.deleted"], module: "agents", description: "agent CRUD", fields: ["agent_id", "name", "version", "changed_fields"], only: { changed_fields: ["agent.updated"] } },
	{ types: ["lifecycle.promoted"], module: "lifecycle", description: "any state change of an agent", fields: ["agent_id", "from_state", "to_state", "reason"] },
	{ types: ["lifecycle.rolled_back"], module: "lifecycle", description: "rollback to an earlier version", fields: ["agent_id", "target_version", "new_version"] },
	{ types: ["ab_test.started", "ab_test.completed", "ab_test.rolled_back"], module: "lifecycle", description: "A/B tests", fields: ["ab_test_id", "agent_id", "version_a", "version_b", "winner", "error_rate_b"] },
	{
		types: ["run.queued", "run.started", "run.awaiting_approval", "run.completed", "run.failed", "run.cancelled", "run.blocked"],
		module: "runtime",
		description: "run status changes",
		fields: RUN_FIELDS,
		only: { output: ["run.completed"] }
	},
	{ types: ["tool.called", "tool.failed", "tool.circuit_opened"], module: "tools", description: "tool invocations", fields: ["tool_id", "tool_name", "run_id", "agent_id", "status", "latency_ms", "error"] },
	{ types: ["approval.requested", "approval.approved", "approval.rejected", "approval.expired"], module: "governance", description: "approvals", fields: ["approval_id", "kind", "run_id", "agent_id", "tool_name", "decided_by"] },
	{ types: ["escalation.created"], module: "governance", description: "an escalation rule fires", fields: ["approval_id", "run_id", "agent_id", "policy_id", "condition"] },
	{ types: ["governance.violation"], module: "governance", description: "a rule blocks, redacts or denies", fields: ["violation_id", "policy_id", "rule_type", "agent_id", "run_id", "action_taken"] },
	{ types: ["budget.alert", "budget.exceeded", "budget.reset"], module: "budgets", description: "budgets", fields: ["budget_id", "budget_name", "alert_id", "percentage_used", "used_usd", "limit_usd", "action_on_exceed"] },
	{ types: ["schedule.triggered", "schedule.skipped"], module: "schedules", description: "schedules", fields: ["schedule_id", "agent_id", "run_id", "reason"] },
	{ types: ["memory.created", "memory.updated", "memory.deleted"], module: "memory", description: "memory writes", fields: ["memory_id", "agent_id", "memory_type", "scope", "count"] },
	{ types: ["coordination.message_sent", "coordination.denied"], module: "coordination", description: "coordination", fields: ["message_id", "from_agent_id", "to_agent_id", "message_type", "action"] },
	{ types: ["workflow.started", "workflow.completed", "workflow.failed", "workflow.cancelled"], module: "workflows", description: "workflow executions", fields: ["execution_id", "workflow_id", "status", "error"] },
	{ types: ["knowledge.document_ready", "knowledge.document_failed"], module: "knowledge", description: "document processing", fields: ["document_id", "collection_id", "chunk_count", "error"] },
	{ types: ["mcp.tools_discovered", "mcp.server_error"], module: "mcp", description: "MCP discovery", fields: ["server_id", "tools_added", "tools_removed", "error"] },
	{ types: ["scaling.scaled"], module: "scaling", description: "replica change", fields: ["scaling_event_id", "rule_id", "agent_id", "direction", "from_replicas", "to_replicas"] },
	{ types: ["secret.rotated", "secret.rotation_due"], module: "secrets", description: "secrets", fields: ["secret_id", "name"] },
	{ types: ["chat.session_created", "chat.session_closed"], module: "chat", description: "chat sessions", fields: ["session_id", "agent_id"] },
	{ types: ["publish.published", "publish.unpublished"], module: "publish", description: "publications", fields: ["publication_id", "agent_id", "slug"] },
	{ types: ["intelligence.anomaly_detected"], module: "intelligence", description: "an anomaly is found", fields: ["anomaly_id", "agent_id", "metric", "observed_value"] },
	{ types: ["billing.invoice_issued"], module: "billing", description: "an invoice is issued", fields: ["invoice_id", "customer_id", "total_usd"] },
	{ types: ["webhook.delivery_failed"], module: "events", description: "a webhook delivery failed for good", fields: ["subscription_id", "delivery_id", "event_id", "attempts"] }
];

export const EVENT_CATALOGUE: EventTypeInfo[] = GROUPS.flatMap(g =>
	g.types.map(type => ({
		event_type: type,
		module: g.module,
		description: `${type}: ${g.description}`,
		payload_fields: g.fields.filter(f => !g.only?.[f] || g.only[f].includes(type))
	}))
);

const BY_TYPE = new Map(EVENT_CATALOGUE.map(e => [e.event_type, e]));

export const BUILTIN_TYPES: string[] = EVENT_CATALOGUE.map(e => e.event_type);

export const RESERVED_PREFIXES = [
	"agent.", "lifecycle.", "ab_test.", "run.", "tool.", "approval.", "escalation.", "governance.", "budget.", "schedule.", "memory.",
	"coordination.", "workflow.", "knowledge.", "mcp.", "scaling.", "secret.", "chat.", "publish.", "intelligence.", "billing.", "webhook."
];

export const WEBHOOK_FAILED = "webhook.delivery_failed";

/** A custom type may not be a built-in type nor use a built-in prefix (§9 row 7). */
export const isReservedType = (type: string): boolean => BY_TYPE.has(type) || RESERVED_PREFIXES.some(p => type.startsWith(p));

export const catalogueEntry = (type: string): EventTypeInfo | undefined => BY_TYPE.get(type);

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * One payload field from what a module broadcast: a top-level value, else from a nested entity
 * (`{run: {...}}` gives `run_id` from `run.id` and `status` from `run.status`). Missing fields are null.
 */
function fieldOf(source: Record<string, unknown>, field: string): unknown {
	if (source[field] !== undefined) return source[field];
	for (const [key, value] of Object.entries(source)) {
		if (!isPlainObject(value)) continue;
		if (field === `${key}_id` && value.id !== undefined) return value.id;
		if (value[field] !== undefined) return value[field];
	}
	return null;
}

/** The stored payload of a platform event: exactly the catalogue's fields for its type. */
export function shapePayload(type: string, broadcast: Record<string, unknown>): Record<string, unknown> {
	const entry = BY_TYPE.get(type);
	if (!entry) return {};
	return Object.fromEntries(entry.payload_fields.map(f => [f, fieldOf(broadcast, f)]));
}

/** The subscription `event_type` values that match an event type: itself, `*` and every `prefix.*`. */
export function matchingPatterns(type: string): string[] {
	const patterns = [type, "*"];
	const parts = type.split(".");
	for (let i = 1; i < parts.length; i++) patterns.push(`${parts.slice(0, i).join(".")}.*`);
	return patterns;
}

export function patternMatches(pattern: string, type: string): boolean {
	return matchingPatterns(type).includes(pattern);
}
