import { analyticsBench } from "./analytics";
import { gatewayBench } from "./gateway";
import { guardsBench } from "./guards";
import { runtimeBench } from "./runtime";

const SUITES: Record<string, () => Promise<void>> = {
	gateway: () => gatewayBench(),
	runtime: () => runtimeBench(),
	guards: () => guardsBench(),
	analytics: () => analyticsBench()
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
