import { ServiceBroker } from "moleculer";
import brokerOptions from "../moleculer.config";
import { loadConfig } from "../lib/config";
import { COMMANDS, replCommands, runCommandLine } from "./repl-commands/commands";

/** Discovery answers arrive one node at a time: `--exec` waits this long after the needed services appear. */
const DISCOVERY_SETTLE_MS = 1_000;

/**
 * A broker with no services of its own, joined to the cluster (same TRANSPORTER and namespace), in
 * moleculer-repl with Fluxgate's commands; `--exec "<command line>"` runs one command and exits.
 */
async function main() {
	const config = loadConfig(process.env, { nodeId: `repl-${process.pid}`, logLevel: "warn" });
	if (!config.transporter) {
		console.error("Set TRANSPORTER (for example redis://127.0.0.1:6379) to the cluster's transporter to join it.");
		process.exit(1);
	}
	const execAt = process.argv.indexOf("--exec");
	const line = execAt >= 0 ? process.argv[execAt + 1] : null;
	const print = (text: string) => process.stdout.write(`${text}\n`);
	const broker = new ServiceBroker({ ...brokerOptions(config), replOptions: { customCommands: replCommands(print) } } as any);
	await broker.start();
	if (line === null) {
		broker.repl();
		return;
	}
	const command = COMMANDS.find(c => c.name === line.trim().split(/\s+/)[0]);
	if (command) await broker.waitForServices(command.needs, 15_000);
	await new Promise(r => setTimeout(r, DISCOVERY_SETTLE_MS));
	let ok = false;
	try {
		ok = await runCommandLine(broker, line, print);
	} catch (err) {
		process.stderr.write(`Error: ${(err as Error).message}\n`);
	}
	await broker.stop();
	process.exit(ok ? 0 : 1);
}

main().catch(err => {
	console.error(err);
	process.exit(1);
});
