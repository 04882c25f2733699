import type { FieldProblem } from "../../lib/errors";
import { BOOLEAN, entitySchema, INTEGER, NUMBER, objectSchema, STRING, STRINGS, TIMESTAMP } from "../../lib/openapi-schema";
import { placeholderNames } from "./template";

export const TAG = "^[a-z0-9][a-z0-9_-]{0,31}$";
export const VARIABLE_NAME = "^[A-Za-z_][A-Za-z0-9_]*$";
const VARIABLE_NAME_RE = new RegExp(VARIABLE_NAME);

export interface PromptVariable {
	name: string;
	description: string;
	required: boolean;
	default: unknown;
}

export interface PromptDoc {
	id: string;
	org_id: string;
	name: string;
	description: string;
	template: string;
	/** What the caller declared; `variables` adds the placeholders it left out. */
	declared_variables: Partial<PromptVariable>[];
	variables: PromptVariable[];
	tags: string[];
	version: number;
	created_by: string | null;
	created_at: string;
	updated_at: string;
}

export interface PromptVersionDoc {
	id: string;
	org_id: string;
	prompt_id: string;
	version: number;
	template: string;
	variables: PromptVariable[];
	created_by: string | null;
	created_at: string;
	updated_at: string;
}

export const VARIABLE_RULE = {
	type: "object",
	props: {
		name: { type: "string", pattern: VARIABLE_NAME },
		description: { type: "string", max: 2000, optional: true },
		required: { type: "boolean", optional: true },
		default: { type: "any", optional: true, nullable: true }
	}
};

export const VARIABLES_RULE = { type: "array", items: VARIABLE_RULE, max: 200, optional: true };
export const TEMPLATE_RULE = { type: "string", min: 1, max: 100000 };
export const TAGS_RULE = { type: "array", items: { type: "string", pattern: TAG }, max: 20, optional: true };
export const DESCRIPTION_RULE = { type: "string", max: 2000, optional: true };

/** Body checks beyond field shapes: unique declared names, valid placeholder names. */
export function promptProblems(body: { template?: unknown; variables?: unknown }): FieldProblem[] {
	const problems: FieldProblem[] = [];
	if (Array.isArray(body.variables)) {
		const seen = new Set<string>();
		body.variables.forEach((v: any, i) => {
			if (typeof v?.name !== "string") return;
			if (seen.has(v.name)) problems.push({ field: `variables[${i}].name`, message: `duplicates the variable ${v.name}` });
			seen.add(v.name);
		});
	}
	if (typeof body.template === "string") {
		const bad = placeholderNames(body.template).filter(n => !VARIABLE_NAME_RE.test(n));
		if (bad.length) problems.push({ field: "template", message: `placeholder names must match ${VARIABLE_NAME}: ${bad.map(n => `{{${n}}}`).join(", ")}` });
	}
	return problems;
}

/** The stored variable list: the declared ones with defaults filled in, then every undeclared placeholder (required). */
export function deriveVariables(template: string, declared: Partial<PromptVariable>[]): PromptVariable[] {
	const out: PromptVariable[] = declared.map(v => ({
		name: v.name as string,
		description: v.description ?? "",
		required: v.required ?? true,
		default: v.default ?? null
	}));
	const names = new Set(out.map(v => v.name));
	for (const name of placeholderNames(template)) {
		if (names.has(name)) continue;
		names.add(name);
		out.push({ name, description: "", required: true, default: null });
	}
	return out;
}

export function presentPrompt(doc: PromptDoc) {
	const { id, org_id, name, description, template, variables, tags, version, created_at, updated_at } = doc;
	return { id, org_id, name, description, template, variables, tags, version, created_at, updated_at };
}

export function presentVersion(doc: PromptVersionDoc) {
	const { id, prompt_id, version, template, variables, created_at, updated_at } = doc;
	return { id, prompt_id, version, template, variables, created_by: doc.created_by ?? null, created_at, updated_at };
}

const VARIABLE_SCHEMA = objectSchema({ name: STRING, description: STRING, required: BOOLEAN, default: {} });
const VARIABLES = { type: "array", items: VARIABLE_SCHEMA };

export const PROMPT_SCHEMA = entitySchema({
	name: STRING,
	description: STRING,
	template: STRING,
	variables: VARIABLES,
	tags: STRINGS,
	version: INTEGER
});

export const PROMPT_VERSION_SCHEMA = objectSchema({
	id: STRING,
	prompt_id: STRING,
	version: INTEGER,
	template: STRING,
	variables: VARIABLES,
	created_by: { type: ["string", "null"] },
	created_at: TIMESTAMP,
	updated_at: TIMESTAMP
});

export const RENDER_SCHEMA = objectSchema({ prompt_id: STRING, version: INTEGER, rendered: STRING });

export const TEST_RESULT_SCHEMA = objectSchema({
	rendered: STRING,
	output: STRING,
	model: STRING,
	tokens_input: INTEGER,
	tokens_output: INTEGER,
	cost_usd: NUMBER,
	latency_ms: INTEGER
});
