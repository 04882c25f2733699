import type { Context, Middleware, ServiceBroker } from "moleculer";
import { forbidden } from "../lib/errors";
import { SOURCE_AGENT_META, type SourceAgent } from "../services/coordination/deliver";
import { actionOf, evaluate, pairKey, type PolicyRule, type TrustAction } from "../services/coordination/trust";

/** Event the coordination service broadcasts after any change of an org's trust policies. */
export const POLICIES_CHANGED = "coordination.policies.changed";
/** Safety net for a missed invalidation event (a node partitioned while a policy changed). */
const CACHE_TTL_MS = 60_000;
const ACTOR_PREFIX = "agent-actor.";

type PolicyIndex = Map<string, PolicyRule>;

const caches = new WeakMap<ServiceBroker, PolicyCache>();

/** This node's policy cache (set up by the trust middleware), for hot paths that need policies without I/O. */
export const policyCacheOf = (broker: ServiceBroker): PolicyCache | undefined => caches.get(broker);

/** Each node's copy of the orgs' trust policies, loaded on first use and dropped on change events. */
export class PolicyCache {
	private readonly entries = new Map<string, { index: PolicyIndex; loadedAt: number }>();
	private readonly loading = new Map<string, Promise<PolicyIndex>>();
	private readonly generations = new Map<string, number>();
	loads = 0;

	constructor(private readonly fetch: (orgId: string) => Promise<PolicyRule[] | null>) {}

	/** The org's index when cached and fresh: the hot path, no I/O. */
	peek(orgId: string): PolicyIndex | undefined {
		const entry = this.entries.get(orgId);
		if (!entry) return undefined;
		if (Date.now() - entry.loadedAt > CACHE_TTL_MS) {
			this.entries.delete(orgId);
			return undefined;
		}
		return entry.index;
	}

	load(orgId: string): Promise<PolicyIndex> {
		const pending = this.loading.get(orgId);
		if (pending) return pending;
		const generation = this.generations.get(orgId) ?? 0;
		this.loads += 1;
		const promise = this.fetch(orgId)
			.then(rules => {
				const index: PolicyIndex = new Map((rules ?? []).map(r => [pairKey(r.source_agent_id, r.target_agent_id), r]));
				// A change announced while loading makes this answer stale: use it once, do not keep it.
				if (rules && (this.generations.get(orgId) ?? 0) === generation) this.entries.set(orgId, { index, loadedAt: Date.now() });
				return index;
			})
			.finally(() => this.loading.delete(orgId));
		this.loading.set(orgId, promise);
		return promise;
	}

	/** Whether the agent is the source of at least one enabled policy (cached like every lookup). */
	async isSource(orgId: string, agentId: string): Promise<boolean> {
		const index = this.peek(orgId) ?? (await this.load(orgId));
		for (const rule of index.values()) if (rule.source_agent_id === agentId && rule.enabled) return true;
		return false;
	}

	invalidate(orgId?: string): void {
		const orgs = orgId ? [orgId] : [...this.entries.keys()];
		for (const org of orgs) {
			this.entries.delete(org);
			this.loading.delete(org);
			this.generations.set(org, (this.generations.get(org) ?? 0) + 1);
		}
	}
}

interface Target {
	org_id: string | undefined;
	agent_id: string | undefined;
}

function denied(broker: ServiceBroker, ctx: Context<any, any>, source: SourceAgent | undefined, target: Target, action: TrustAction, reason: string): Error {
	const params = ctx.params ?? {};
	const orgId = source?.org_id ?? target.org_id;
	const details = { source_agent_id: source?.agent_id ?? null, target_agent_id: target.agent_id ?? null, action };
	if (orgId) {
		broker.broadcast("coordination.denied", {
			org_id: orgId,
			message_id: params.id ?? null,
			from_agent_id: details.source_agent_id,
			to_agent_id: details.target_agent_id,
			message_type: params.message_type ?? null,
			action,
			origin_run_id: params.origin_run_id ?? null,
			reason
		});
	}
	return forbidden("TRUST_POLICY_DENIED", `No trust policy allows ${action} from ${details.source_agent_id ?? "an unidentified sender"} to ${details.target_agent_id}: ${reason}`, details);
}

/**
 * Checks every call and event from one agent to another against the trust policies (§6): actions
 * declared `trust: true` (agent inboxes) and events handled by agent actors whose context names a
 * sending agent. A refused call fails with TRUST_POLICY_DENIED before its handler runs, a refused
 * event is dropped; both are announced as `coordination.denied`.
 */
export function TrustMiddleware(): Middleware & { cache?: PolicyCache } {
	let broker: ServiceBroker;
	let cache: PolicyCache;

	/** Resolves to nothing when allowed, else throws. Synchronous when the org's policies are cached. */
	function check(ctx: Context<any, any>, target: Target): void | Promise<void> {
		const params = ctx.params ?? {};
		const source: SourceAgent | undefined = ctx.meta?.[SOURCE_AGENT_META];
		const action = actionOf(params.message_type);
		if (!source?.agent_id || !source.org_id) throw denied(broker, ctx, source, target, action, "the call does not name its sending agent");
		// An actor calling from its own context is its agent: it cannot speak for another one.
		const callerActor = typeof ctx.caller === "string" && ctx.caller.startsWith(ACTOR_PREFIX) ? ctx.caller.slice(ACTOR_PREFIX.length) : null;
		if (
			(target.org_id && target.org_id !== source.org_id) ||
			(params.from_agent_id !== undefined && params.from_agent_id !== source.agent_id) ||
			(callerActor !== null && callerActor !== source.agent_id)
		) {
			throw denied(broker, ctx, source, target, action, "the sender does not match the message");
		}
		const decide = (index: PolicyIndex) => {
			const verdict = evaluate(index.get(pairKey(source.agent_id, target.agent_id ?? "")), action);
			if (!verdict.allowed) throw denied(broker, ctx, source, target, action, verdict.reason);
		};
		const index = cache.peek(source.org_id);
		if (index) return decide(index);
		return cache.load(source.org_id).then(decide);
	}

	const middleware: Middleware & { cache?: PolicyCache } = {
		name: "Trust",

		created(this: ServiceBroker, b: ServiceBroker) {
			broker = b;
			cache = new PolicyCache(async orgId => {
				if (!(broker.registry as any).actions.isAvailable("coordination.policiesFor")) return null;
				return broker.call("coordination.policiesFor", { org_id: orgId });
			});
			middleware.cache = cache;
			caches.set(broker, cache);
			broker.createService({
				name: "$trust",
				events: {
					[POLICIES_CHANGED](ctx: Context<{ org_id?: string }>) {
						cache.invalidate(ctx.params?.org_id);
					},
					// A node that was away may have missed changes.
					"$transporter.connected"() {
						cache.invalidate();
					}
				}
			});
		},

		localAction(next: any, action: any) {
			if (action.trust !== true) return next;
			const metadata = action.service?.metadata ?? {};
			return function trustChecked(ctx: Context<any, any>) {
				const target = { org_id: metadata.org_id ?? ctx.params?.org_id, agent_id: metadata.agent_id ?? ctx.params?.to_agent_id };
				let verdict: void | Promise<void>;
				try {
					verdict = check(ctx, target);
				} catch (err) {
					return Promise.reject(err);
				}
				return verdict ? verdict.then(() => next(ctx)) : next(ctx);
			};
		},

		localEvent(next: any, event: any) {
			const metadata = event.service?.metadata;
			if (!metadata?.actor) return next;
			return function trustChecked(ctx: Context<any, any>) {
				// Platform events (no sending agent) reach actors unchecked; agent-to-agent events are checked.
				if (!ctx.meta?.[SOURCE_AGENT_META]) return next(ctx);
				const target = { org_id: metadata.org_id, agent_id: metadata.agent_id };
				try {
					const verdict = check(ctx, target);
					return verdict ? verdict.then(() => next(ctx), () => undefined) : next(ctx);
				} catch {
					return Promise.resolve();
				}
			};
		}
	} as any;
	return middleware;
}
