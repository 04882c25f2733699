import "moleculer";

declare module "moleculer" {
	namespace Service {
		interface ActionSchema {
			/** `"<METHOD> <path>"` relative to the service's `settings.rest` base; makes the action an HTTP route. */
			rest?: string;
			/** Who may call the route: see RouteAccess in lib/route-meta.ts. */
			access?: import("../lib/route-meta").RouteAccess;
			/** How a `"publication"` route takes the publication key: see PublicKeyRule in lib/route-meta.ts. */
			publicKey?: import("../lib/route-meta").PublicKeyRule;
			/** Audit action for mutating routes, e.g. `role.create` (§18). */
			audit?: import("../lib/route-meta").AuditSpec;
			/** Response and documentation facts for the gateway and the OpenAPI document. */
			openapi?: import("../lib/route-meta").OpenApiSpec;
			/** Receives agent-to-agent traffic: the trust middleware checks the sending agent before the handler runs. */
			trust?: boolean;
		}
	}
}
