/**
 * Regenerates `sdk/src/schema.ts` from the `/openapi.json` a freshly started `dist/server.js` serves.
 * `--check` writes nothing and exits 1 when the committed file differs (the SDK is stale).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import openapiTS, { astToString } from "openapi-typescript";
import { spawnServer, stopServer, waitHealthy } from "../../test/helpers/server-process";

const ROOT = path.join(__dirname, "..", "..");
const HEADER = "// Generated from the served /openapi.json by `npm run sdk:generate`. Do not edit by hand.\n\n";

/** Starts the built server on a scratch data directory and returns the document it serves once healthy. */
async function fetchServedDocument(): Promise<unknown> {
	const dataDir = mkdtempSync(path.join(os.tmpdir(), "fluxgate-sdk-"));
	const server = await spawnServer({ FLUXGATE_DATA_DIR: dataDir, TRANSPORTER: "", MONGO_URI: "" });
	try {
		await waitHealthy(server, 60_000);
		const res = await fetch(`${server.url}/openapi.json`);
		if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
		return await res.json();
	} finally {
		await stopServer(server);
		rmSync(dataDir, { recursive: true, force: true });
	}
}

export async function renderSchema(document: unknown): Promise<string> {
	const ast = await openapiTS(document as any, { alphabetize: true, emptyObjectsUnknown: true });
	return HEADER + astToString(ast);
}

async function main(): Promise<void> {
	const { values } = parseArgs({ options: { check: { type: "boolean", default: false }, target: { type: "string" } } });
	const target = values.target ?? path.join(ROOT, "sdk", "src", "schema.ts");
	const rendered = await renderSchema(await fetchServedDocument());
	if (!values.check) {
		writeFileSync(target, rendered);
		console.log(`wrote ${path.relative(process.cwd(), target)} (${rendered.length} characters)`);
		return;
	}
	const committed = (() => {
		try {
			return readFileSync(target, "utf8");
		} catch {
			return "";
		}
	})();
	if (committed === rendered) {
		console.log("the SDK matches the served /openapi.json");
		return;
	}
	console.error(`${path.relative(process.cwd(), target)} is stale: the served /openapi.json changed. Run \`npm run sdk:generate\` and commit the result.`);
	process.exitCode = 1;
}

main().catch(err => {
	console.error(err instanceof Error ? err.message : err);
	process.exitCode = 2;
});
