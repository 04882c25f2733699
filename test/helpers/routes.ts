import type { TestApp } from "./app";
import { uid } from "./platform";

/** One route the gateway serves under /api/v1, with what its action declares. */
export interface RouteInfo {
	method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
	/** moleculer-web form, `/api/v1/rbac/roles/:role_id`. */
	path: string;
	/** OpenAPI form, `/api/v1/rbac/roles/{role_id}`. */
	openapiPath: string;
	action: string;
	params: string[];
	def: { access?: unknown; audit?: { action: string; resource?: string | null }; openapi?: any; params?: Record<string, any> };
}

/** Every /api/v1 route of the running gateway, read from its alias table (never a hand-picked list). */
export function gatewayRoutes(app: TestApp): RouteInfo[] {
	const services = app.broker.registry.getServiceList({ withActions: true, onlyAvailable: true } as any) as any[];
	const defs = new Map<string, any>();
	for (const svc of services) for (const [name, def] of Object.entries(svc.actions ?? {})) defs.set(name, def);
	const aliases = (app.broker.getLocalService("api") as any).aliases as any[];
	return aliases
		.filter(a => a.action && typeof a.fullPath === "string" && a.fullPath.startsWith("/api/v1/"))
		.map(a => ({
			method: String(a.method).toUpperCase() as RouteInfo["method"],
			path: a.fullPath,
			openapiPath: a.fullPath.replace(/:([A-Za-z0-9_]+)/g, "{$1}"),
			action: a.action,
			params: (a.keys ?? []).map((k: any) => k.name as string),
			def: defs.get(a.action) ?? {}
		}));
}

/** The path with every parameter replaced by `values[name]` or a random well-formed id. */
export function fillPath(route: RouteInfo, values: Record<string, string> = {}): string {
	return route.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => encodeURIComponent(values[name] ?? randomId(name)));
}

export const randomId = (param = "id") => `${param.replace(/_id$/, "").slice(0, 6)}_${uid(8)}`;

const STRING_CANDIDATES = ["sample-name", "sample_name", "SampleName", "sample", "ab", "a1", "x", "A", "sample.name", "*"];

/** A value that satisfies a JSON Schema (as the gateway's OpenAPI document writes them), required fields only. */
export function sampleFor(schema: any): unknown {
	if (!schema || typeof schema !== "object") return "sample";
	if (schema.const !== undefined) return schema.const;
	if (schema.default !== undefined) return schema.default;
	if (Array.isArray(schema.anyOf)) return sampleFor(schema.anyOf.find((s: any) => s?.type !== "null") ?? schema.anyOf[0]);
	if (Array.isArray(schema.enum)) return schema.enum[0];
	const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== "null") : schema.type;
	switch (type) {
		case "object": {
			const out: Record<string, unknown> = {};
			for (const key of schema.required ?? []) out[key] = sampleFor(schema.properties?.[key]);
			return out;
		}
		case "array":
			return Array.from({ length: schema.minItems ?? 0 }, () => sampleFor(schema.items));
		case "integer":
		case "number": {
			const min = schema.minimum ?? 1;
			return schema.maximum !== undefined ? Math.min(min, schema.maximum) : min;
		}
		case "boolean":
			return true;
		case "string": {
			if (schema.format === "email") return "sample@example.com";
			if (schema.format === "date-time") return new Date(Date.now() + 3600_000).toISOString();
			if (schema.format === "uri") return "https://example.com/sample";
			const min = schema.minLength ?? 1;
			const max = schema.maxLength ?? 1000;
			const re = schema.pattern ? new RegExp(schema.pattern) : null;
			const fits = (s: string) => s.length >= min && s.length <= max && (!re || re.test(s));
			const found = STRING_CANDIDATES.find(fits) ?? STRING_CANDIDATES.map(c => c.repeat(Math.ceil(min / c.length)).slice(0, Math.max(min, 1))).find(fits);
			return found ?? "x".repeat(min);
		}
		default:
			return "sample";
	}
}
