import { createBroker } from "../../lib/broker";
import { loadConfig } from "../../lib/config";

// One Fluxgate node as its own process, configured by environment (multi-node tests).
async function main() {
	const config = loadConfig(process.env, { port: Number(process.env.PORT ?? 0) });
	const broker = createBroker(config);
	await broker.start();
	const api: any = broker.getLocalService("api");
	process.stdout.write(`READY ${api ? api.server.address().port : 0}\n`);
	process.on("SIGTERM", () => broker.stop().then(() => process.exit(0)));
}

main().catch(err => {
	console.error(err);
	process.exit(1);
});
