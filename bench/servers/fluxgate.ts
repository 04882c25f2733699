import { fromBuild } from "./build";

// The product as users run it: the compiled dist/, not the TypeScript sources through a loader.
const { createBroker } = fromBuild<typeof import("../../lib/broker")>("lib/broker");
const { loadConfig } = fromBuild<typeof import("../../lib/config")>("lib/config");

// One Fluxgate node on an empty in-memory store, no rate limit in the way of the measurement, plus one
// trivial route that goes through every gateway check (auth, rate limit, permission) but reads nothing.
async function main() {
	const config = loadConfig({ ...process.env, FLUXGATE_STORE: process.env.FLUXGATE_STORE ?? "memory", LOG_LEVEL: "warn" }, { port: 0, rateLimitPerMinute: 100_000_000 });
	const broker = createBroker(config);
	broker.createService({
		name: "benchmark",
		settings: { rest: "/benchmark" },
		actions: {
			trivial: { rest: "GET /trivial", access: ["agents:read"], openapi: { summary: "Benchmark: a trivial authenticated read" }, handler: () => ({ hello: "world" }) }
		} as any
	});
	await broker.start();
	const port = (broker.getLocalService("api") as any).server.address().port;
	// A clean exit on SIGTERM lets --cpu-prof write its profile.
	process.once("SIGTERM", () => process.exit(0));
	process.stdout.write(`READY ${port}\n`);
}

main().catch(err => {
	console.error(err);
	process.exit(1);
});
