import { ServiceBroker } from "moleculer";
import ApiGateway from "moleculer-web";
import { fromBuild } from "./build";

const brokerOptions = fromBuild<typeof import("../../moleculer.config")>("moleculer.config").default;
const { loadConfig } = fromBuild<typeof import("../../lib/config")>("lib/config");

// moleculer-web alone, on Fluxgate's broker options, serving one trivial local action: what the chosen stack costs.
async function main() {
	const config = loadConfig({ ...process.env, LOG_LEVEL: "warn" }, { port: 0 });
	const broker = new ServiceBroker({ ...brokerOptions(config), middlewares: ["ActionHook", "Validator", "Bulkhead", "ContextTracker", "Timeout", "Fallback", "ErrorHandler"] as any });
	broker.createService({ name: "hello", actions: { world: { handler: () => ({ hello: "world" }) } } });
	const api = broker.createService({
		name: "api",
		mixins: [ApiGateway as any],
		settings: { port: 0, ip: "127.0.0.1", logRequest: null, logResponse: null, routes: [{ path: "/api/v1", bodyParsers: false, logging: false, aliases: { "GET /hello": "hello.world" } }] }
	}) as any;
	await broker.start();
	// A clean exit on SIGTERM lets --cpu-prof write its profile.
	process.once("SIGTERM", () => process.exit(0));
	process.stdout.write(`READY ${api.server.address().port}\n`);
}

main().catch(err => {
	console.error(err);
	process.exit(1);
});
