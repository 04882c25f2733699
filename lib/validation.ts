import { escapeRegex, timeRange } from "./filters";
import { parseIsoDateTime } from "./time";
import type { FieldProblem } from "./errors";

/** fastest-validator messages without the field name: the error body names the field separately. */
export const VALIDATION_MESSAGES: Record<string, string> = {
	required: "is required",
	string: "must be a string",
	stringEmpty: "must not be empty",
	stringMin: "must be at least {expected} characters long",
	stringMax: "must be at most {expected} characters long",
	stringLength: "must be {expected} characters long",
	stringPattern: "must match {expected}",
	stringEnum: "must be one of: {expected}",
	number: "must be a number",
	numberMin: "must be at least {expected}",
	numberMax: "must be at most {expected}",
	numberInteger: "must be an integer",
	numberPositive: "must be positive",
	array: "must be an array",
	arrayEmpty: "must not be empty",
	arrayMin: "must contain at least {expected} items",
	arrayMax: "must contain at most {expected} items",
	arrayUnique: "must not contain duplicates",
	arrayEnum: "contains {actual}, which is not one of: {expected}",
	boolean: "must be a boolean",
	enumValue: "must be one of: {expected}",
	email: "must be a valid e-mail address",
	emailEmpty: "must not be empty",
	emailMax: "must be at most {expected} characters long",
	object: "must be an object",
	objectStrict: "has unknown properties: {actual}",
	record: "must be an object",
	url: "must be a valid URL",
	forbidden: "must not be set",
	dateTime: "must be an ISO-8601 date-time with Z or a numeric offset",
	notBlank: "must not be blank",
	futureDateTime: "must be in the future"
};

type Rule = Record<string, any>;

// Patterns are strings: they survive the transporter in action definitions, and messages quote them as written.
export const SLUG = "^[a-z0-9][a-z0-9-]{1,62}$";
export const ROLE_NAME = "^[a-z][a-z0-9_-]{1,48}$";

/** Display name: 1–100 characters, not blank. */
export const displayName = (extra: Rule = {}): Rule => ({
	type: "string",
	min: 1,
	max: 100,
	...extra,
	custom: (value: unknown, errors: any[]) => {
		// An empty string already fails `min`: report one problem per field.
		if (typeof value === "string" && value.length > 0 && value.trim() === "") errors.push({ type: "notBlank" });
		return value;
	}
});

export const slug = (extra: Rule = {}): Rule => ({ type: "string", pattern: SLUG, ...extra });

export const dateTime = (extra: Rule = {}): Rule => ({
	type: "string",
	openapiFormat: "date-time",
	...extra,
	custom: (value: unknown, errors: any[]) => {
		if (value != null && !parseIsoDateTime(value)) errors.push({ type: "dateTime" });
		return value;
	}
});

export const futureDateTime = (extra: Rule = {}): Rule => ({
	type: "string",
	openapiFormat: "date-time",
	...extra,
	custom: (value: unknown, errors: any[]) => {
		if (value == null) return value;
		const d = parseIsoDateTime(value);
		if (!d) errors.push({ type: "dateTime" });
		else if (d.getTime() <= Date.now()) errors.push({ type: "futureDateTime" });
		return value;
	}
});

const METADATA_MAX_BYTES = 16 * 1024;

/** A `metadata` object of at most 16 KiB as JSON (§1, §2). */
export const metadata = (extra: Rule = {}): Rule => ({
	type: "object",
	custom: (value: unknown, errors: any[]) => {
		if (value && typeof value === "object" && Buffer.byteLength(JSON.stringify(value)) > METADATA_MAX_BYTES) {
			errors.push({ type: "objectMaxSize", message: `must be at most ${METADATA_MAX_BYTES} bytes as JSON` });
		}
		return value;
	},
	...extra
});

export const password = (extra: Rule = {}): Rule => ({ type: "string", min: 8, max: 128, ...extra });
export const email = (extra: Rule = {}): Rule => ({ type: "email", max: 254, ...extra });

/**
 * `rule` with checks across the whole body run by the validator itself, so their problems are
 * reported together with every other field problem (§0.8). Attach it to a required field.
 */
export function withBodyChecks(rule: Record<string, unknown>, check: (body: Record<string, any>) => FieldProblem[]) {
	return {
		...rule,
		custom: (value: unknown, errors: any[], schema: unknown, path: string, parent: unknown, context: { data?: Record<string, any> }) => {
			// The rule's own custom check (e.g. a display name's "not blank") still runs.
			if (typeof rule.custom === "function") value = rule.custom(value, errors, schema, path, parent, context);
			for (const p of check(context?.data ?? {})) errors.push({ type: "bodyCheck", field: p.field, message: p.message });
			return value;
		}
	};
}

/** A query parameter: strings from the URL converted to the rule's type. */
export const query = (rule: Rule): Rule => ({ optional: true, convert: true, ...rule });

export const LIST_QUERY = {
	limit: query({ type: "number", integer: true, min: 1, max: 200 }),
	offset: query({ type: "number", integer: true, min: 0 }),
	order: query({ type: "enum", values: ["asc", "desc"] })
};

export interface ListParams {
	limit?: number;
	offset?: number;
	order?: "asc" | "desc";
}

export const listOptions = (p: ListParams) => ({ limit: p.limit ?? 50, offset: p.offset ?? 0, order: p.order ?? "desc" });

/** `created_after` (inclusive) and `created_before` (exclusive) query parameters of a list (§0.10). */
export const CREATED_RANGE_QUERY = {
	created_after: dateTime({ optional: true }),
	created_before: dateTime({ optional: true })
};

/** Adds the `created_at` bounds of `CREATED_RANGE_QUERY` to a list filter (nothing when neither is given). */
export function withCreatedRange<F extends Record<string, unknown>>(filter: F, p: { created_after?: string; created_before?: string }): F {
	const range = timeRange(p.created_after, p.created_before);
	return range ? { ...filter, created_at: range } : filter;
}

/** Filter matching a case-insensitive substring of any of `fields` (the text is taken literally). */
export function substringFilter(text: string, fields: string[]): { $or: Record<string, RegExp>[] } {
	const re = new RegExp(escapeRegex(text), "i");
	return { $or: fields.map(f => ({ [f]: re })) };
}

/** Turns fastest-validator problems into the error body's `details`. */
export function toFieldProblems(data: unknown): FieldProblem[] {
	if (!Array.isArray(data)) return [];
	return data.map((item: any) => ({
		field: String(item.field ?? "").replace(/^\$\$root\.?/, ""),
		// fastest-validator quotes patterns as RegExp literals; the contract quotes them bare.
		message: String(item.message ?? "is invalid").replace(/must match \/(.*)\/[a-z]*$/, "must match $1")
	}));
}
