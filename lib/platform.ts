import type { ServiceBroker } from "moleculer";
import type Redis from "ioredis";
import type { Config } from "./config";
import { loadOrCreateKeyFile } from "./crypto";
import { randomBytes } from "node:crypto";
import { sharedRedis } from "./redis";
import { openStore, type Store } from "./store";

/** What every service of one broker shares: its configuration, its data store, its Redis client. */
export interface Platform {
	config: Config;
	store: Store;
	redis: Redis | null;
	jwtSecret: string;
	masterKey: Buffer;
	startedAt: number;
}

const platforms = new WeakMap<ServiceBroker, Platform>();

export function createPlatform(config: Config): Platform {
	const store = openStore(config.storeKind, { dataDir: config.dataDir, mongoUri: config.mongoUri });
	const keyFromDataDir = (name: string, make: () => string) =>
		config.storeKind === "memory" ? make() : loadOrCreateKeyFile(config.dataDir, name, make);
	const jwtSecret = config.jwtSecret ?? keyFromDataDir("jwt.key", () => randomBytes(32).toString("base64"));
	const masterKey = Buffer.from(config.masterKey ?? keyFromDataDir("master.key", () => randomBytes(32).toString("base64")), "base64");
	if (masterKey.length !== 32) throw new Error("FLUXGATE_MASTER_KEY must be 32 bytes, base64-encoded");
	return {
		config,
		store,
		redis: config.redisUrl ? sharedRedis(config.redisUrl) : null,
		jwtSecret,
		masterKey,
		startedAt: Date.now()
	};
}

export function attachPlatform(broker: ServiceBroker, platform: Platform): void {
	platforms.set(broker, platform);
}

export function platformOf(broker: ServiceBroker): Platform {
	const p = platforms.get(broker);
	if (!p) throw new Error("This broker was not created by createBroker(): no platform attached");
	return p;
}
