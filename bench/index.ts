import { chatBench } from "./chat";
import { eventsBench } from "./events";
import { coordinationBench } from "./coordination";
import { analyticsBench } from "./analytics";
import { gatewayBench } from "./gateway";
import { guardsBench } from "./guards";
import { knowledgeBench } from "./knowledge";
import { memoryBench } from "./memory";
import { runtimeBench } from "./runtime";
import { workflowsBench } from "./workflows";
import { schedulesBench } from "./schedules";
import { storeBench } from "./store";

const SUITES: Record<string, () => Promise<void>> = {
	gateway: () => gatewayBench(),
	runtime: () => runtimeBench(),
	guards: () => guardsBench(),
	workflows: () => workflowsBench(),
	chat: () => chatBench(),
	schedules: () => schedulesBench(),
	events: () => eventsBench(),
	coordination: () => coordinationBench(),
	memory: () => memoryBench(),
	knowledge: () => knowledgeBench(),
	analytics: () => analyticsBench(),
	store: () => storeBench()
};

async function main() {
	const wanted = process.argv.slice(2);
	const names = wanted.length ? wanted : Object.keys(SUITES);
	for (const name of names) {
		const suite = SUITES[name];
		if (!suite) throw new Error(`Unknown benchmark "${name}"; known: ${Object.keys(SUITES).join(", ")}`);
		await suite();
	}
}

main().then(
	() => process.exit(0),
	err => {
		console.error(err);
		process.exit(1);
	}
);
