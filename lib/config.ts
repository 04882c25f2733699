import path from "node:path";
import packageJson from "../package.json";

/** Everything a node reads from its environment, parsed once. The only reader of process.env. */
export interface Config {
	port: number;
	dataDir: string;
	/** "memory" keeps everything in process (tests); "nedb" writes files under dataDir; "mongo" uses mongoUri. */
	storeKind: "memory" | "nedb" | "mongo";
	mongoUri: string | null;
	transporter: string | null;
	/** Redis used for shared counters and locks: REDIS_URL, or the transporter when it is Redis. */
	redisUrl: string | null;
	namespace: string;
	services: string[] | "all";
	logLevel: string;
	bootstrapKey: string | null;
	bootstrapEmail: string;
	bootstrapPassword: string | null;
	rateLimitPerMinute: number;
	allowPrivateNetwork: boolean;
	masterKey: string | null;
	jwtSecret: string | null;
	nodeId: string | null;
	/** Runs one agent actor executes at once; more wait in its mailbox. */
	actorConcurrency: number;
	/** How often the autoscaler evaluates the scaling rules (§15: every 15 s). */
	scalingIntervalMs: number;
	/** Delay before the first webhook retry; later retries wait 3, 12, 60 and 180 times as long (§9: 10 s, 30 s, 2 min, 10 min, 30 min). */
	webhookRetryBaseMs: number;
	/** Agent ids whose actors this node may host (FLUXGATE_ACTOR_AGENTS); null: every runnable agent. */
	actorAgents: string[] | null;
	/** Base URL that embed codes of publications name (FLUXGATE_PUBLIC_URL); unset: the URL the request came to. */
	publicUrl: string | null;
	version: string;
}

type Env = Record<string, string | undefined>;

function intOf(value: string | undefined, fallback: number, name: string): number {
	if (value == null || value === "") return fallback;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
	return n;
}

function boolOf(value: string | undefined): boolean {
	return value != null && /^(1|true|yes|on)$/i.test(value.trim());
}

function redisFrom(env: Env): string | null {
	if (env.REDIS_URL) return env.REDIS_URL;
	const t = env.TRANSPORTER;
	return t && /^rediss?:\/\//.test(t) ? t : null;
}

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
	const mongoUri = env.MONGO_URI || null;
	const services = (env.SERVICES ?? "").trim();
	const config: Config = {
		port: intOf(env.PORT, 8000, "PORT"),
		dataDir: path.resolve(env.FLUXGATE_DATA_DIR || "./data"),
		storeKind: mongoUri ? "mongo" : env.FLUXGATE_STORE === "memory" ? "memory" : "nedb",
		mongoUri,
		transporter: env.TRANSPORTER || null,
		redisUrl: redisFrom(env),
		namespace: env.NAMESPACE || "fluxgate",
		services: !services || services === "all" ? "all" : services.split(",").map(s => s.trim()).filter(Boolean),
		logLevel: env.LOG_LEVEL || "info",
		bootstrapKey: env.FLUXGATE_BOOTSTRAP_KEY || null,
		bootstrapEmail: (env.FLUXGATE_BOOTSTRAP_EMAIL || "owner@localhost").toLowerCase(),
		bootstrapPassword: env.FLUXGATE_BOOTSTRAP_PASSWORD || null,
		rateLimitPerMinute: intOf(env.FLUXGATE_RATE_LIMIT, 600, "FLUXGATE_RATE_LIMIT"),
		allowPrivateNetwork: boolOf(env.FLUXGATE_ALLOW_PRIVATE_NETWORK),
		masterKey: env.FLUXGATE_MASTER_KEY || null,
		jwtSecret: env.FLUXGATE_JWT_SECRET || null,
		nodeId: env.NODE_ID || null,
		actorConcurrency: intOf(env.FLUXGATE_ACTOR_CONCURRENCY, 32, "FLUXGATE_ACTOR_CONCURRENCY") || 32,
		scalingIntervalMs: intOf(env.FLUXGATE_SCALING_INTERVAL_MS, 15_000, "FLUXGATE_SCALING_INTERVAL_MS") || 15_000,
		webhookRetryBaseMs: intOf(env.FLUXGATE_WEBHOOK_RETRY_BASE_MS, 10_000, "FLUXGATE_WEBHOOK_RETRY_BASE_MS"),
		actorAgents: env.FLUXGATE_ACTOR_AGENTS ? env.FLUXGATE_ACTOR_AGENTS.split(",").map(s => s.trim()).filter(Boolean) : null,
		publicUrl: (env.FLUXGATE_PUBLIC_URL || "").replace(/\/+$/, "") || null,
		version: PACKAGE_VERSION
	};
	return { ...config, ...overrides };
}

const PACKAGE_VERSION: string = packageJson.version;
