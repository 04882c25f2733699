import type { ServiceBroker } from "moleculer";
import request from "supertest";
import { createBroker, stopBroker } from "../../lib/broker";
import { loadConfig, type Config } from "../../lib/config";
import { platformOf } from "../../lib/platform";

export const OWNER_KEY = "fgk_TestOwnerKey0123456789abcdefghijklmnopqr".slice(0, 44);

export interface TestApp {
	broker: ServiceBroker;
	url: string;
	ownerKey: string;
	http: ReturnType<typeof request>;
	config: Config;
	stop(): Promise<void>;
}

/** One whole platform in this process: memory store, no transporter, a random port, a known owner key. */
export async function startApp(overrides: Partial<Config> = {}, env: Record<string, string> = {}): Promise<TestApp> {
	const config = loadConfig(
		{ FLUXGATE_STORE: "memory", LOG_LEVEL: "warn", FLUXGATE_BOOTSTRAP_KEY: OWNER_KEY, FLUXGATE_BOOTSTRAP_PASSWORD: "owner-password", ...env },
		{ port: 0, ...overrides }
	);
	const broker = createBroker(config);
	await broker.start();
	const server = (broker.getLocalService("api") as any).server;
	const url = `http://127.0.0.1:${server.address().port}`;
	return {
		broker,
		url,
		ownerKey: config.bootstrapKey as string,
		http: request(url),
		config,
		stop: () => stopBroker(broker)
	};
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export const storeOf = (broker: ServiceBroker) => platformOf(broker).store;
