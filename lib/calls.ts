import type { Context, ServiceBroker } from "moleculer";

/** Calls an action of an optional module; `fallback` when no node runs it (the module holds no data then). */
export async function callIfPresent<T>(broker: ServiceBroker, action: string, params: object, fallback: T, ctx?: Context): Promise<T> {
	if (!(broker.registry as any).actions.isAvailable(action)) return fallback;
	return ctx ? ctx.call(action, params) : broker.call(action, params);
}

/** Every registered action with this local name (e.g. `purgeOrg`), one per service. */
export function actionsNamed(broker: ServiceBroker, rawName: string): string[] {
	const list = broker.registry.getActionList({ onlyAvailable: true, skipInternal: true }) as any[];
	return [...new Set(list.map(a => a.name as string).filter(n => n.endsWith(`.${rawName}`)))];
}
