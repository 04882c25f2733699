import type { ServiceBroker } from "moleculer";
import type { MultipartSpec, OpenApiSpec, RouteAccess } from "../../lib/route-meta";

type Json = Record<string, any>;

const TAGS: Record<string, string> = {
	agents: "Agents", runtime: "Runtime", tools: "Tools", memory: "Memory", lifecycle: "Lifecycle", coordination: "Coordination",
	schedules: "Schedules", budgets: "Budgets", events: "Events", marketplace: "Marketplace", cost: "Cost", governance: "Governance",
	rbac: "RBAC", secrets: "Secrets", scaling: "Scaling", intelligence: "Intelligence", analytics: "Analytics", audit: "Audit",
	chat: "Chat", knowledge: "Knowledge", workflows: "Workflows", mcp: "MCP", prompts: "Prompts", billing: "Billing",
	auth: "Auth", admin: "Admin", providers: "Providers", publish: "Publish", public: "Publish"
};

const ERROR_BODY = {
	type: "object",
	required: ["error"],
	properties: {
		error: {
			type: "object",
			required: ["code", "message", "details", "request_id"],
			properties: {
				code: { type: "string", description: "Stable UPPER_SNAKE code" },
				message: { type: "string" },
				details: { description: "Array, object or null" },
				request_id: { type: "string" }
			}
		}
	}
};

const listEnvelope = (items: Json) => ({
	type: "object",
	required: ["items", "total", "limit", "offset"],
	properties: { items: { type: "array", items }, total: { type: "integer" }, limit: { type: "integer" }, offset: { type: "integer" } }
});

/** fastest-validator rule → JSON Schema (draft 2020-12, as OpenAPI 3.1 uses). */
export function ruleToSchema(rule: any): Json {
	if (typeof rule === "string") {
		const [type, ...flags] = rule.split("|");
		return ruleToSchema({ type, optional: flags.includes("optional") });
	}
	if (Array.isArray(rule)) return { anyOf: rule.map(ruleToSchema) };
	if (!rule || typeof rule !== "object") return {};
	let schema: Json;
	switch (rule.type) {
		case "string":
			schema = { type: "string" };
			if (rule.min != null) schema.minLength = rule.min;
			if (rule.max != null) schema.maxLength = rule.max;
			if (rule.length != null) schema.minLength = schema.maxLength = rule.length;
			if (rule.pattern) schema.pattern = rule.pattern instanceof RegExp ? rule.pattern.source : String(rule.pattern);
			if (rule.enum) schema.enum = rule.enum;
			if (rule.openapiFormat) schema.format = rule.openapiFormat;
			break;
		case "email":
			schema = { type: "string", format: "email" };
			if (rule.max != null) schema.maxLength = rule.max;
			break;
		case "url":
			schema = { type: "string", format: "uri" };
			break;
		case "number":
			schema = { type: rule.integer ? "integer" : "number" };
			if (rule.min != null) schema.minimum = rule.min;
			if (rule.max != null) schema.maximum = rule.max;
			break;
		case "boolean":
			schema = { type: "boolean" };
			break;
		case "enum":
			schema = { enum: rule.values };
			break;
		case "array":
			schema = { type: "array" };
			if (rule.items) schema.items = ruleToSchema(rule.items);
			if (rule.min != null) schema.minItems = rule.min;
			if (rule.max != null) schema.maxItems = rule.max;
			if (rule.unique) schema.uniqueItems = true;
			break;
		case "object":
			schema = rule.props ? objectSchema(rule.props) : { type: "object" };
			break;
		case "record":
			schema = { type: "object", additionalProperties: rule.value ? ruleToSchema(rule.value) : {} };
			break;
		case "multi":
			schema = { anyOf: (rule.rules ?? []).map(ruleToSchema) };
			break;
		default:
			schema = {};
	}
	if (rule.nullable && schema.type) schema.type = [schema.type, "null"];
	else if (rule.nullable) schema = { anyOf: [schema, { type: "null" }] };
	if (rule.default !== undefined && typeof rule.default !== "function") schema.default = rule.default;
	if (rule.description) schema.description = rule.description;
	return schema;
}

function isOptional(rule: any): boolean {
	if (typeof rule === "string") return rule.split("|").includes("optional");
	return !!rule?.optional || rule?.default !== undefined;
}

function objectSchema(props: Record<string, any>): Json {
	const properties: Json = {};
	const required: string[] = [];
	for (const [name, rule] of Object.entries(props)) {
		if (name.startsWith("$$")) continue;
		properties[name] = ruleToSchema(rule);
		if (!isOptional(rule)) required.push(name);
	}
	return required.length ? { type: "object", properties, required } : { type: "object", properties };
}

function responseSchema(response: OpenApiSpec["response"]): Json | null {
	if (!response) return null;
	if (typeof response === "object") return response;
	if (response.startsWith("List:")) return listEnvelope({ $ref: `#/components/schemas/${response.slice(5)}` });
	return { $ref: `#/components/schemas/${response}` };
}

/** Error responses every operation shares, referenced by status so each operation stays small. */
const ERROR_RESPONSES: Record<string, string> = {
	"400": "Invalid input",
	"401": "Missing, invalid or expired credential",
	"403": "Permission missing, or organization suspended",
	"404": "Not found",
	"409": "Conflict: uniqueness or state",
	"413": "Body too large",
	"415": "Body is not JSON",
	"429": "Rate limit exceeded",
	"500": "Unexpected failure"
};
const errorRef = (status: string) => ({ $ref: `#/components/responses/Error${status}` });

function errorResponses(method: string, access: RouteAccess | undefined, hasPathParams: boolean): Json {
	const statuses = ["400", "429", "500"];
	if (access !== "public") statuses.push("401", "403");
	if (hasPathParams || method !== "GET") statuses.push("404");
	if (method === "POST" || method === "PUT") statuses.push("409", "413", "415");
	return Object.fromEntries(statuses.sort().map(status => [status, errorRef(status)]));
}

/** Credential-free routes need none; public published-agent routes take the publication key (§28). */
function securityOf(def: { access?: RouteAccess }): Json[] {
	if (def.access === "public") return [];
	if (def.access === "publication") return [{ publicKey: [] }];
	return [{ bearerAuth: [] }];
}

function multipartSchema(spec: MultipartSpec): Json {
	const properties: Json = { [spec.file]: { type: "string", format: "binary", maxLength: spec.maxFileBytes } };
	for (const field of spec.fields) properties[field] = { type: "string" };
	return { type: "object", required: [spec.file], properties };
}

interface AliasLike {
	method: string;
	fullPath: string;
	action: string | null;
	keys?: { name: string }[];
}

/** OpenAPI 3.1 document of every route the gateway serves, generated from the actions behind them. */
export function buildOpenApi(broker: ServiceBroker, aliases: AliasLike[], version: string): Json {
	const services = broker.registry.getServiceList({ withActions: true, onlyAvailable: true }) as any[];
	const actions = new Map<string, any>();
	const schemas: Json = { Error: ERROR_BODY };
	for (const svc of services) {
		for (const [name, action] of Object.entries(svc.actions ?? {})) actions.set(name, action);
		Object.assign(schemas, svc.metadata?.schemas ?? {});
	}

	const paths: Json = {};
	const tags = new Set<string>();
	for (const alias of aliases) {
		if (!alias.action || !alias.fullPath.startsWith("/api/v1")) continue;
		const def = actions.get(alias.action);
		if (!def) continue;
		const meta: OpenApiSpec = def.openapi ?? { summary: alias.action };
		const path = alias.fullPath.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
		const method = alias.method.toUpperCase();
		const tag = TAGS[path.split("/")[3]] ?? "Other";
		tags.add(tag);
		const pathNames = (alias.keys ?? []).map(k => k.name);
		const params: Record<string, any> = def.params ?? {};
		const queryNames = method === "GET" || method === "DELETE" ? Object.keys(params).filter(n => !pathNames.includes(n) && !n.startsWith("$$")) : (meta.query ?? []);
		const parameters = [
			...pathNames.map(name => ({ name, in: "path", required: true, schema: { type: "string" } })),
			...queryNames.map(name => ({ name, in: "query", required: false, schema: ruleToSchema(params[name]) }))
		];
		const operation: Json = {
			operationId: alias.action,
			summary: meta.summary,
			tags: [tag],
			parameters,
			security: securityOf(def),
			"x-permissions": def.access ?? null,
			responses: {}
		};
		if (method === "POST" || method === "PUT" || method === "PATCH") {
			const bodyProps = Object.fromEntries(Object.entries(params).filter(([n]) => !pathNames.includes(n) && !queryNames.includes(n)));
			const jsonSchema = objectSchema(bodyProps);
			if (meta.multipart?.jsonRequired) jsonSchema.required = [...(jsonSchema.required ?? []), ...meta.multipart.jsonRequired];
			operation.requestBody = { required: false, content: { "application/json": { schema: jsonSchema } } };
			if (meta.multipart) operation.requestBody.content["multipart/form-data"] = { schema: multipartSchema(meta.multipart) };
		}
		const status = String(meta.status ?? 200);
		const schema = responseSchema(meta.response);
		operation.responses[status] =
			status === "204"
				? { description: "No content" }
				: { description: meta.summary, content: { [meta.produces ?? "application/json"]: schema ? { schema } : {} } };
		Object.assign(operation.responses, errorResponses(method, def.access, pathNames.length > 0));
		paths[path] = paths[path] ?? {};
		paths[path][method.toLowerCase()] = operation;
	}

	return {
		openapi: "3.1.0",
		info: { title: "Fluxgate API", version, description: "Control plane for AI agents. Every module endpoint is under /api/v1." },
		servers: [{ url: "/" }],
		tags: [...tags].sort().map(name => ({ name })),
		paths,
		components: {
			schemas,
			responses: Object.fromEntries(
				Object.entries(ERROR_RESPONSES).map(([status, description]) => [
					`Error${status}`,
					{ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } }
				])
			),
			securitySchemes: {
				bearerAuth: { type: "http", scheme: "bearer", description: "API key (fgk_…) or access token" },
				publicKey: { type: "apiKey", in: "header", name: "X-Fluxgate-Public-Key", description: "A publication's public key (fgp_…); also accepted as the query parameter key" }
			}
		}
	};
}
