import { Errors, type Context, type ServiceBroker } from "moleculer";

type Handler = (ctx: Context<any, any>) => Promise<unknown>;

/**
 * Middlewares a local read through the gateway does without: ErrorHandler only wraps non-Error
 * rejections and rethrows (the gateway's own catch answers every failure), Fallback only acts for an
 * action that declares a fallback (such an action takes broker.call), and Timeout's timer per call is
 * replaced by one sweep per second over the calls in flight (`run`). Every other middleware of the
 * node (hooks, trust, validation, bulkhead, context tracking) wraps the handler as it does for
 * broker.call.
 */
const SKIPPED = new Set(["ErrorHandler", "Fallback", "Timeout"]);
const SWEEP_MS = 1_000;

interface InFlight {
	deadline: number;
	action: string;
	requestID: string;
	reject(err: Error): void;
}

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
	private readonly inFlight = new Set<InFlight>();
	private sweeper: NodeJS.Timeout | null = null;

	constructor(private readonly broker: ServiceBroker) {}

	/**
	 * Runs a call through its chain under the timeout broker.call would give it (the call's, the
	 * action's, else the node's requestTimeout): past it, the call fails with RequestTimeoutError, at
	 * most a sweep later than Timeout's own timer would have.
	 */
	run(endpoint: LocalEndpoint, chain: Handler, ctx: Context<any, any>): Promise<unknown> {
		const options = ctx.options as { timeout?: number | null };
		const timeout = options.timeout ?? endpoint.action.timeout ?? this.broker.options.requestTimeout;
		if (!(timeout > 0)) return chain(ctx);
		options.timeout = timeout;
		return new Promise((resolve, reject) => {
			const call: InFlight = { deadline: Date.now() + timeout, action: endpoint.action.name, requestID: ctx.requestID as string, reject };
			this.inFlight.add(call);
			this.sweeper ??= setInterval(() => this.sweep(), SWEEP_MS).unref();
			chain(ctx).then(
				value => {
					this.inFlight.delete(call);
					resolve(value);
				},
				err => {
					this.inFlight.delete(call);
					reject(err);
				}
			);
		});
	}

	private sweep(): void {
		const now = Date.now();
		for (const call of this.inFlight) {
			if (call.deadline > now) continue;
			this.inFlight.delete(call);
			this.broker.logger.warn(`Request '${call.action}' is timed out.`, { requestID: call.requestID });
			call.reject(new Errors.RequestTimeoutError({ action: call.action, nodeID: this.broker.nodeID }));
		}
		if (!this.inFlight.size && this.sweeper) {
			clearInterval(this.sweeper);
			this.sweeper = null;
		}
	}

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
