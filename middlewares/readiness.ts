import type { Middleware, ServiceBroker } from "moleculer";

interface Gateway {
	openGate(): Promise<{ address: string; port: number }>;
	closeGate(): void;
}

const gatewayOf = (broker: ServiceBroker) => broker.getLocalService("api") as unknown as Gateway | undefined;

/**
 * The gateway of a node opens its port only after every local service has started (broker.start()
 * awaits this hook), and reports not ready as soon as the node begins to stop.
 */
export const ReadinessMiddleware: Middleware = {
	name: "Readiness",
	async started(broker: ServiceBroker) {
		await gatewayOf(broker)?.openGate();
	},
	stopping(broker: ServiceBroker) {
		gatewayOf(broker)?.closeGate();
	}
} as Middleware;
