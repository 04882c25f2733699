import fs from "node:fs";
import path from "node:path";

const DIST = path.join(__dirname, "..", "..", "dist");

/**
 * A module of the compiled build (`npm run build`), typed by its source: the gateway is measured as
 * `node dist/server.js` runs it, not through the TypeScript loader (which wraps every function it makes).
 */
export function fromBuild<T>(modulePath: string): T {
	const file = path.join(DIST, `${modulePath}.js`);
	if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (npm run bench does)`);
	return require(file) as T;
}
