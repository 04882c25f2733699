/** Building blocks of the OpenAPI entity schemas that services declare in `metadata.schemas`. */

type Json = Record<string, unknown>;

export const STRING = { type: "string" };
export const INTEGER = { type: "integer" };
export const NUMBER = { type: "number" };
export const BOOLEAN = { type: "boolean" };
export const TIMESTAMP = { type: "string", format: "date-time" };
export const STRINGS = { type: "array", items: STRING };

/** `T?` of the contract's entity tables. */
export const nullable = (type: "string" | "integer" | "number" | "object", extra: Json = {}): Json => ({ type: [type, "null"], ...extra });
export const NULLABLE_STRING = nullable("string");
export const NULLABLE_TIMESTAMP = nullable("string", { format: "date-time" });

export const enumOf = (values: readonly (string | null)[]): Json => ({ enum: [...values] });

export const objectSchema = (properties: Json, extra: Json = {}): Json => ({ type: "object", ...extra, properties });

/** An entity: read-only `id` and `org_id`, its own fields, then `created_at` and `updated_at` (§0.5). */
export const entitySchema = (fields: Json, extra: Json = {}): Json =>
	objectSchema({ id: STRING, org_id: STRING, ...fields, created_at: TIMESTAMP, updated_at: TIMESTAMP }, extra);
