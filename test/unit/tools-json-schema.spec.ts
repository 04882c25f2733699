import { checkInputSchema, validateInput } from "../../services/tools/json-schema";

const schema = {
	type: "object",
	required: ["name", "items"],
	properties: {
		name: { type: "string", minLength: 2, maxLength: 5 },
		kind: { type: "string", enum: ["a", "b"], default: "a" },
		count: { type: "integer", minimum: 1, maximum: 3 },
		ratio: { type: "number", exclusiveMaximum: 1 },
		flag: { type: ["boolean", "null"] },
		items: {
			type: "array",
			maxItems: 2,
			items: { type: "object", required: ["name"], properties: { name: { type: "string" }, tags: { type: "array", items: { type: "string" } } } }
		},
		nested: { type: "object", properties: { level: { type: "integer", default: 1 } }, additionalProperties: false }
	}
};

describe("validateInput", () => {
	test("a valid input passes and gets its defaults, without changing the argument", () => {
		const input = { name: "abc", items: [{ name: "x" }], nested: {} };
		const { value, problems } = validateInput(schema, input);
		expect(problems).toEqual([]);
		expect(value).toEqual({ name: "abc", kind: "a", items: [{ name: "x" }], nested: { level: 1 } });
		expect(input).toEqual({ name: "abc", items: [{ name: "x" }], nested: {} });
	});

	test("every problem is reported with a dotted, indexed path", () => {
		const { problems } = validateInput(schema, {
			name: "a",
			kind: "c",
			count: 1.5,
			ratio: 1,
			flag: "yes",
			items: [{ name: "ok", tags: ["t", 3] }, {}, { name: "three" }],
			nested: { level: "x", extra: true }
		});
		expect(problems).toEqual(
			expect.arrayContaining([
				{ field: "name", message: "must be at least 2 characters long" },
				{ field: "kind", message: "must be one of: a, b" },
				{ field: "count", message: "must be an integer" },
				{ field: "ratio", message: "must be less than 1" },
				{ field: "flag", message: "must be a boolean or a null" },
				{ field: "items", message: "must contain at most 2 items" },
				{ field: "items[0].tags[1]", message: "must be a string" },
				{ field: "items[1].name", message: "is required" },
				{ field: "nested.level", message: "must be an integer" },
				{ field: "nested.extra", message: "is not allowed" }
			])
		);
		expect(problems).toHaveLength(10);
	});

	test("JSON values are never coerced, and a non-object input fails at the root", () => {
		expect(validateInput(schema, { name: "abc", items: [], count: "2" }).problems).toEqual([{ field: "count", message: "must be an integer" }]);
		expect(validateInput(schema, [1]).problems).toEqual([{ field: "", message: "must be an object" }]);
		expect(validateInput({ type: "object", required: ["a"] }, {}).problems).toEqual([{ field: "a", message: "is required" }]);
	});

	test("integers satisfy number; a default satisfies required", () => {
		expect(validateInput({ type: "object", properties: { x: { type: "number", minimum: 0 } } }, { x: 2 }).problems).toEqual([]);
		expect(validateInput({ type: "object", required: ["x"], properties: { x: { type: "string", default: "d" } } }, {}).value).toEqual({ x: "d" });
	});
});

describe("checkInputSchema", () => {
	test("the root type must be object", () => {
		expect(checkInputSchema({ type: "object", properties: {} })).toEqual([]);
		expect(checkInputSchema({ properties: {} })).toEqual([{ field: "input_schema.type", message: 'must be "object"' }]);
		expect(checkInputSchema({ type: "array" })).toEqual([{ field: "input_schema.type", message: 'must be "object"' }]);
	});

	test("keywords must have their JSON types", () => {
		const problems = checkInputSchema({ type: "object", required: "a", properties: { a: { type: "text" }, b: { minLength: -1 }, c: { pattern: "(" } } });
		expect(problems.map(p => p.field)).toEqual(["input_schema.properties.a.type", "input_schema.properties.b.minLength", "input_schema.properties.c.pattern", "input_schema.required"]);
	});
});
