import { createBroker, stopBroker } from "./lib/broker";
import { loadConfig } from "./lib/config";
import { closeSharedRedis } from "./lib/redis";

async function main() {
	const config = loadConfig();
	const broker = createBroker(config);
	let stopping = false;
	const shutdown = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		broker.logger.info(`${signal} received: stopping`);
		try {
			await stopBroker(broker);
			await closeSharedRedis();
			process.exit(0);
		} catch (err) {
			broker.logger.error(err);
			process.exit(1);
		}
	};
	process.on("SIGTERM", () => void shutdown("SIGTERM"));
	process.on("SIGINT", () => void shutdown("SIGINT"));
	await broker.start();
	const api: any = broker.getLocalService("api");
	const where = api ? `on http://localhost:${api.server.address().port}` : "(no gateway on this node)";
	process.stdout.write(`Fluxgate ready ${where}: node ${broker.nodeID}, services ${broker.services.map(s => s.name).filter(name => !name.startsWith("$")).join(", ")}\n`);
}

main().catch(err => {
	console.error(err);
	process.exit(1);
});
