import { entitySchema, enumOf, INTEGER, nullable, NULLABLE_STRING, objectSchema, STRING, STRINGS, TIMESTAMP } from "../../lib/openapi-schema";
import { slug } from "../../lib/validation";

export const CATEGORIES = ["customer_support", "sales", "marketing", "engineering", "data", "research", "operations", "productivity", "other"] as const;
export const VISIBILITIES = ["org", "public"] as const;
export const SORTS = ["newest", "popular", "rating"] as const;

/** The agent fields a template snapshots (§10). */
export const CONFIG_FIELDS = ["model", "system_prompt", "temperature", "max_tokens", "max_steps", "memory_enabled"] as const;
/** The tool fields a template carries. */
const TOOL_FIELDS = ["name", "description", "type", "endpoint", "method", "headers", "config", "input_schema", "safety_level", "rate_limit", "timeout_seconds"] as const;

export interface TemplateDoc {
	id: string;
	/** The author org; `builtin` for the platform's own templates (never an org id). */
	org_id: string;
	name: string;
	description: string;
	category: (typeof CATEGORIES)[number];
	tags: string[];
	visibility: (typeof VISIBILITIES)[number];
	source: "builtin" | "org";
	author_org_id: string | null;
	author_name: string | null;
	config: Record<string, unknown>;
	tools: Record<string, unknown>[];
	version: number;
	installs: number;
	rating_sum: number;
	rating_count: number;
	created_at: string;
	updated_at: string;
}

export interface ReviewDoc {
	id: string;
	org_id: string;
	template_id: string;
	rating: number;
	comment: string;
	author_name: string;
	created_at: string;
	updated_at: string;
}

export const BUILTIN_ORG = "builtin";

export const TEMPLATE_TAGS = { type: "array", items: { type: "string", pattern: "^[a-z0-9][a-z0-9_-]{0,31}$" }, max: 20, optional: true };

export function templateRules(optional: boolean) {
	return {
		name: slug(optional ? { optional: true } : {}),
		description: { type: "string", max: 4000, optional: true },
		category: { type: "enum", values: [...CATEGORIES], optional },
		tags: TEMPLATE_TAGS,
		visibility: { type: "enum", values: [...VISIBILITIES], optional: true }
	};
}

const SECRET_REFERENCE = /^\{\{\s*secrets\.[A-Za-z_][A-Za-z0-9_]*\s*\}\}$/;

/** Only `{{secrets.…}}` references survive in a shared definition; literal values become "" (§10). */
function scrubbed(values: Record<string, unknown> | null | undefined, keep: readonly string[] = []): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(values ?? {})) {
		out[key] = typeof value !== "string" || keep.includes(key) || SECRET_REFERENCE.test(value) ? value : "";
	}
	return out;
}

/** A tool's shareable definition. A function tool keeps which built-in function it runs: that names code, not a secret. */
export function toolDefinition(tool: Record<string, any>): Record<string, unknown> {
	const def: Record<string, unknown> = {};
	for (const field of TOOL_FIELDS) if (tool[field] !== undefined) def[field] = tool[field];
	def.headers = scrubbed(tool.headers);
	def.config = scrubbed(tool.config, tool.type === "function" ? ["function"] : []);
	return def;
}

export function snapshotConfig(config: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(CONFIG_FIELDS.map(f => [f, config[f] ?? null]));
}

export const ratingOf = (doc: TemplateDoc): number | null => (doc.rating_count ? Math.round((doc.rating_sum / doc.rating_count) * 100) / 100 : null);

export function presentTemplate(doc: TemplateDoc) {
	return {
		id: doc.id,
		name: doc.name,
		description: doc.description,
		category: doc.category,
		tags: doc.tags,
		visibility: doc.visibility,
		source: doc.source,
		author_org_id: doc.author_org_id,
		author_name: doc.author_name,
		config: doc.config,
		tools: doc.tools,
		version: doc.version,
		installs: doc.installs,
		rating: ratingOf(doc),
		rating_count: doc.rating_count,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

export function presentReview(doc: ReviewDoc) {
	return {
		id: doc.id,
		template_id: doc.template_id,
		org_id: doc.org_id,
		rating: doc.rating,
		comment: doc.comment,
		author_name: doc.author_name,
		created_at: doc.created_at,
		updated_at: doc.updated_at
	};
}

const BUILTIN_CONFIG = { model: "gpt-4o-mini", temperature: 0.3, max_tokens: 1024, max_steps: 10, memory_enabled: false };

/** The three public built-in templates seeded on first start (§10). */
export const BUILTIN_TEMPLATES = [
	{
		name: "customer-support",
		category: "customer_support",
		tags: ["support", "helpdesk"],
		description: "Answers customer questions politely and escalates what it cannot solve.",
		system_prompt: "You are a friendly customer support agent. Answer clearly and briefly; when you cannot help, say so and offer to escalate to a human."
	},
	{
		name: "research-assistant",
		category: "research",
		tags: ["research", "analysis"],
		description: "Investigates a question and reports findings with their sources and open points.",
		system_prompt: "You are a careful research assistant. Break the question down, state what you know and how sure you are, and list open questions."
	},
	{
		name: "meeting-summarizer",
		category: "productivity",
		tags: ["meetings", "summaries"],
		description: "Turns meeting notes or transcripts into a summary with decisions and action items.",
		system_prompt: "You summarize meetings. Return: a three-sentence summary, the decisions taken, and the action items with their owners."
	}
].map(t => ({ ...t, config: { ...BUILTIN_CONFIG, system_prompt: t.system_prompt } }));

export const MARKETPLACE_SCHEMAS = {
	Template: objectSchema({
		id: STRING,
		name: STRING,
		description: STRING,
		category: enumOf(CATEGORIES),
		tags: STRINGS,
		visibility: enumOf(VISIBILITIES),
		source: enumOf(["builtin", "org"]),
		author_org_id: NULLABLE_STRING,
		author_name: NULLABLE_STRING,
		config: { type: "object" },
		tools: { type: "array", items: { type: "object" } },
		version: INTEGER,
		installs: INTEGER,
		rating: nullable("number"),
		rating_count: INTEGER,
		created_at: TIMESTAMP,
		updated_at: TIMESTAMP
	}),
	Review: entitySchema({ template_id: STRING, rating: INTEGER, comment: STRING, author_name: STRING }),
	Category: objectSchema({ category: enumOf(CATEGORIES), template_count: INTEGER })
};
