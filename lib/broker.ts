import { ServiceBroker } from "moleculer";
import brokerOptions from "../moleculer.config";
import { SERVICE_SCHEMAS } from "../services";
import type { Config } from "./config";
import { attachPlatform, createPlatform, platformOf } from "./platform";

/** A broker with this node's services, sharing one platform (config, store, Redis). Not started. */
export function createBroker(config: Config): ServiceBroker {
	const names = config.services === "all" ? Object.keys(SERVICE_SCHEMAS) : config.services;
	const unknown = names.filter(n => !SERVICE_SCHEMAS[n]);
	if (unknown.length) throw new Error(`SERVICES names unknown services: ${unknown.join(", ")} (known: ${Object.keys(SERVICE_SCHEMAS).join(", ")})`);
	const broker = new ServiceBroker(brokerOptions(config));
	attachPlatform(broker, createPlatform(config));
	for (const name of names) broker.createService(SERVICE_SCHEMAS[name]);
	return broker;
}

/** Stops the broker and closes its store. */
export async function stopBroker(broker: ServiceBroker): Promise<void> {
	await broker.stop();
	await platformOf(broker).store.close();
}
