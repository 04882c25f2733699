import type { Context, ServiceBroker } from "moleculer";

type Handler = (ctx: Context<any, any>) => Promise<unknown>;

/**
 * Middlewares a local read through the gateway does without: ErrorHandler only wraps non-Error
 * rejections and rethrows (the gateway's own catch answers every failure), Fallback only acts for an
 * action that declares a fallback (such an action takes broker.call). Every other middleware of the
 * node (hooks, trust, validation, bulkhead, context tracking, timeout) wraps the handler as it does
 * for broker.call, so validation, timeouts and tracking keep their meaning.
 */
const SKIPPED = new Set(["ErrorHandler", "Fallback"]);

interface LocalEndpoint {
	local: boolean;
	action: { name: string; fallback?: unknown; service?: any; [k: string]: any };
}

/**
 * Calls actions of this node the way broker.call does (one context, the node's middlewares), minus the
 * endpoint search and the two middlewares above; each action's handler chain is built once.
 */
export class LocalCalls {
	private readonly chains = new WeakMap<object, Handler | null>();

	constructor(private readonly broker: ServiceBroker) {}

	/** The local, available endpoint of an action; null when the action runs elsewhere (or not at all). */
	endpointOf(action: string): LocalEndpoint | null {
		const list = (this.broker.registry as any).getActionEndpoints(action);
		return list?.hasLocal() ? (list.nextLocal() ?? null) : null;
	}

	/** The handler chain of a local endpoint's action; null when it must go through broker.call. */
	chainOf(endpoint: LocalEndpoint): Handler | null {
		let chain = this.chains.get(endpoint.action);
		if (chain === undefined) {
			chain = this.build(endpoint.action);
			this.chains.set(endpoint.action, chain);
		}
		return chain;
	}

	private build(action: LocalEndpoint["action"]): Handler | null {
		// The service's own definition of the action: its raw handler, as the registry wrapped it.
		const def = action.service?._serviceSpecification?.actions?.[action.name];
		if (!def || typeof def.handler !== "function" || def.fallback || action.fallback) return null;
		const middlewares = (this.broker.middlewares as any).list as { name?: string; localAction?: (h: Handler, a: unknown) => Handler }[];
		return middlewares.reduce<Handler>((handler, mw) => (mw.localAction && !SKIPPED.has(mw.name ?? "") ? mw.localAction.call(this.broker, handler, def) : handler), def.handler);
	}

	/** A root context for a call of this endpoint, as broker.call makes it. */
	contextOf(endpoint: LocalEndpoint, params: Record<string, unknown>, opts: { requestID: string; meta: Record<string, unknown> }): Context<any, any> {
		return (this.broker as any).ContextFactory.create(this.broker, endpoint, params, opts);
	}
}
