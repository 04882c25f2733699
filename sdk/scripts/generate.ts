/**
 * Regenerates `sdk/src/schema.ts` from the `/openapi.json` a freshly started `dist/server.js` serves.
 * `--check` writes nothing and exits 1 when the committed file differs (the SDK is stale).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import openapiTS, { astToString } from "openapi-typescript";

const ROOT = path.join(__dirname, "..", "..");
const HEADER = "// Generated from the served /openapi.json by `npm run sdk:generate`. Do not edit by hand.\n\n";

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once("error", reject);
		probe.listen(0, "127.0.0.1", () => {
			const { port } = probe.address() as net.AddressInfo;
			probe.close(() => resolve(port));
		});
	});
}

/** Starts the built server on a scratch data directory, waits for /ready and returns the document it serves. */
async function fetchServedDocument(): Promise<unknown> {
	const dataDir = mkdtempSync(path.join(os.tmpdir(), "fluxgate-sdk-"));
	const port = await freePort();
	const child = spawn(process.execPath, [path.join(ROOT, "dist", "server.js")], {
		env: { ...process.env, PORT: String(port), FLUXGATE_DATA_DIR: dataDir, LOG_LEVEL: "warn", TRANSPORTER: "", MONGO_URI: "" },
		stdio: ["ignore", "ignore", "inherit"]
	});
	try {
		const base = `http://127.0.0.1:${port}`;
		const deadline = Date.now() + 60_000;
		while ((await fetch(`${base}/ready`).then(r => r.status, () => 0)) !== 200) {
			if (child.exitCode !== null) throw new Error(`dist/server.js exited with ${child.exitCode}; run \`npm run build\` first`);
			if (Date.now() > deadline) throw new Error("dist/server.js was not ready within 60 s");
			await new Promise(r => setTimeout(r, 50));
		}
		const res = await fetch(`${base}/openapi.json`);
		if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
		return await res.json();
	} finally {
		child.kill("SIGTERM");
		await new Promise(r => (child.exitCode !== null ? r(null) : child.once("exit", r)));
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
