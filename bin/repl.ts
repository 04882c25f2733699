import { ServiceBroker } from "moleculer";
import brokerOptions from "../moleculer.config";
import { loadConfig } from "../lib/config";

/** A broker with no services of its own, joined to the cluster (same TRANSPORTER and namespace), in moleculer-repl. */
async function main() {
	const config = loadConfig(process.env, { nodeId: `repl-${process.pid}`, logLevel: "warn" });
	if (!config.transporter) {
		console.error("Set TRANSPORTER (for example redis://127.0.0.1:6379) to the cluster's transporter to join it.");
		process.exit(1);
	}
	const broker = new ServiceBroker(brokerOptions(config));
	await broker.start();
	broker.repl();
}

main().catch(err => {
	console.error(err);
	process.exit(1);
});
