import type { FieldProblem } from "../../lib/errors";

/**
 * The JSON Schema (draft 2020-12) subset tool inputs are checked against (§3): `type`, `required`,
 * `enum`, `const`, `minimum`/`maximum` (and exclusive forms), `minLength`/`maxLength`, `pattern`,
 * `items`, `minItems`/`maxItems`, `properties`, `additionalProperties: false`, and `default`s.
 */
export type JsonSchema = Record<string, any>;

export interface SchemaResult {
	/** The input with schema defaults applied (a copy; the argument is not changed). */
	value: any;
	problems: FieldProblem[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function typeOf(v: unknown): string {
	if (v === null) return "null";
	if (Array.isArray(v)) return "array";
	if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
	return typeof v;
}

function matchesType(v: unknown, type: string): boolean {
	const actual = typeOf(v);
	if (type === "number") return actual === "number" || actual === "integer";
	return actual === type;
}

const childPath = (base: string, key: string) => (base ? `${base}.${key}` : key);
const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Validates `input` against `schema` and applies defaults; field paths read like `items[0].name`. */
export function validateInput(schema: JsonSchema, input: unknown): SchemaResult {
	const problems: FieldProblem[] = [];
	const value = walk(schema, clone(input), "", problems);
	return { value, problems };
}

function walk(schema: JsonSchema, value: any, path: string, problems: FieldProblem[]): any {
	if (!isObject(schema)) return value;
	const report = (message: string) => problems.push({ field: path, message });

	if (schema.type !== undefined) {
		const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
		if (!types.some(t => matchesType(value, t))) {
			report(`must be ${types.map(t => (t === "integer" || t === "object" || t === "array" ? `an ${t}` : `a ${t}`)).join(" or ")}`);
			return value;
		}
	}
	if (Array.isArray(schema.enum) && !schema.enum.some((e: unknown) => sameJson(e, value))) {
		report(`must be one of: ${schema.enum.map((e: unknown) => (typeof e === "string" ? e : JSON.stringify(e))).join(", ")}`);
	}
	if ("const" in schema && !sameJson(schema.const, value)) report(`must equal ${JSON.stringify(schema.const)}`);

	if (typeof value === "number") {
		if (typeof schema.minimum === "number" && value < schema.minimum) report(`must be at least ${schema.minimum}`);
		if (typeof schema.maximum === "number" && value > schema.maximum) report(`must be at most ${schema.maximum}`);
		if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum) report(`must be greater than ${schema.exclusiveMinimum}`);
		if (typeof schema.exclusiveMaximum === "number" && value >= schema.exclusiveMaximum) report(`must be less than ${schema.exclusiveMaximum}`);
	}

	if (typeof value === "string") {
		const length = [...value].length;
		if (typeof schema.minLength === "number" && length < schema.minLength) report(`must be at least ${schema.minLength} characters long`);
		if (typeof schema.maxLength === "number" && length > schema.maxLength) report(`must be at most ${schema.maxLength} characters long`);
		if (typeof schema.pattern === "string") {
			let re: RegExp | null = null;
			try {
				re = new RegExp(schema.pattern, "u");
			} catch {
				re = null;
			}
			if (re && !re.test(value)) report(`must match ${schema.pattern}`);
		}
	}

	if (Array.isArray(value)) {
		if (typeof schema.minItems === "number" && value.length < schema.minItems) report(`must contain at least ${schema.minItems} items`);
		if (typeof schema.maxItems === "number" && value.length > schema.maxItems) report(`must contain at most ${schema.maxItems} items`);
		if (isObject(schema.items)) {
			for (let i = 0; i < value.length; i++) value[i] = walk(schema.items, value[i], `${path}[${i}]`, problems);
		}
	}

	if (isObject(value)) {
		const properties: Record<string, JsonSchema> = isObject(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
		for (const [key, sub] of Object.entries(properties)) {
			if (value[key] === undefined && isObject(sub) && "default" in sub) value[key] = clone(sub.default);
		}
		if (Array.isArray(schema.required)) {
			for (const key of schema.required) if (typeof key === "string" && value[key] === undefined) problems.push({ field: childPath(path, key), message: "is required" });
		}
		for (const [key, sub] of Object.entries(properties)) {
			if (value[key] !== undefined) value[key] = walk(sub, value[key], childPath(path, key), problems);
		}
		if (schema.additionalProperties === false) {
			for (const key of Object.keys(value)) if (!(key in properties)) problems.push({ field: childPath(path, key), message: "is not allowed" });
		} else if (isObject(schema.additionalProperties)) {
			for (const key of Object.keys(value)) {
				if (!(key in properties)) value[key] = walk(schema.additionalProperties, value[key], childPath(path, key), problems);
			}
		}
	}
	return value;
}

const SCHEMA_TYPES = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);

/** Problems of a tool's `input_schema` itself: root `type` must be `object`, keywords must have their JSON types. */
export function checkInputSchema(schema: unknown, field = "input_schema"): FieldProblem[] {
	if (!isObject(schema)) return [{ field, message: "must be an object" }];
	if (schema.type !== "object") return [{ field: `${field}.type`, message: 'must be "object"' }];
	const problems: FieldProblem[] = [];
	const check = (node: unknown, path: string): void => {
		if (!isObject(node)) {
			problems.push({ field: path, message: "must be a JSON Schema object" });
			return;
		}
		if (node.type !== undefined) {
			const types = Array.isArray(node.type) ? node.type : [node.type];
			if (!types.length || types.some(t => typeof t !== "string" || !SCHEMA_TYPES.has(t))) {
				problems.push({ field: `${path}.type`, message: `must be one of: ${[...SCHEMA_TYPES].join(", ")}` });
			}
		}
		if (node.properties !== undefined) {
			if (!isObject(node.properties)) problems.push({ field: `${path}.properties`, message: "must be an object" });
			else for (const [k, v] of Object.entries(node.properties)) check(v, `${path}.properties.${k}`);
		}
		if (node.required !== undefined && (!Array.isArray(node.required) || node.required.some(r => typeof r !== "string"))) {
			problems.push({ field: `${path}.required`, message: "must be an array of strings" });
		}
		if (node.enum !== undefined && !Array.isArray(node.enum)) problems.push({ field: `${path}.enum`, message: "must be an array" });
		if (node.items !== undefined) check(node.items, `${path}.items`);
		for (const k of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]) {
			if (node[k] !== undefined && typeof node[k] !== "number") problems.push({ field: `${path}.${k}`, message: "must be a number" });
		}
		for (const k of ["minLength", "maxLength", "minItems", "maxItems"]) {
			if (node[k] !== undefined && !(Number.isInteger(node[k]) && (node[k] as number) >= 0)) problems.push({ field: `${path}.${k}`, message: "must be a non-negative integer" });
		}
		if (node.pattern !== undefined) {
			try {
				new RegExp(String(node.pattern), "u");
				if (typeof node.pattern !== "string") throw new Error();
			} catch {
				problems.push({ field: `${path}.pattern`, message: "must be a valid regular expression" });
			}
		}
	};
	check(schema, field);
	return problems;
}
