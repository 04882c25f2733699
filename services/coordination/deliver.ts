import type { CallingOptions, Context, ServiceBroker } from "moleculer";
import type { OutboundMessage } from "./model";

/** `ctx.meta` field naming the agent a call comes from; the trust middleware checks calls carrying it. */
export const SOURCE_AGENT_META = "sourceAgent";

export interface SourceAgent {
	org_id: string;
	agent_id: string;
}

/** The target's inbox: its actor where one is deployed, else the coordination service's own (agents without actors). */
export function inboxOf(broker: ServiceBroker, agentId: string): string {
	const actorInbox = `agent-actor.${agentId}.message`;
	return (broker.registry as any).actions.isAvailable(actorInbox) ? actorInbox : "coordination.deliver";
}

/**
 * Sends a message from one agent to another: a call from the source to the target's inbox, wherever
 * it is hosted. The trust middleware on the receiving node refuses it (TRUST_POLICY_DENIED) unless a
 * policy allows it; accepted, it answers the stored message and the run started on the target, if any.
 */
export function deliver(via: ServiceBroker | Context, message: OutboundMessage, opts: CallingOptions = {}): Promise<{ message: any; run: any | null }> {
	const broker = (via as Context).broker ?? (via as ServiceBroker);
	const source: SourceAgent = { org_id: message.org_id, agent_id: message.from_agent_id };
	return via.call(inboxOf(broker, message.to_agent_id), message, { ...opts, meta: { ...(opts.meta ?? {}), [SOURCE_AGENT_META]: source } });
}
