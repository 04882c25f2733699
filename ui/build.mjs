// Bundles the dashboard (ui/src) into dist/ui: one script, one stylesheet and index.html, no CDN.
import { build } from "esbuild";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, "..", "dist", "ui");

fs.rmSync(out, { recursive: true, force: true });
const result = await build({
	entryPoints: { app: path.join(here, "src", "main.tsx") },
	bundle: true,
	minify: true,
	format: "esm",
	target: "es2022",
	jsx: "automatic",
	jsxImportSource: "preact",
	entryNames: "[name]-[hash]",
	outdir: out,
	metafile: true,
	legalComments: "none",
	logLevel: "warning"
});
const outputs = Object.keys(result.metafile.outputs).map(file => path.basename(file));
const script = outputs.find(f => f.endsWith(".js"));
const style = outputs.find(f => f.endsWith(".css"));
if (!script || !style) throw new Error(`the dashboard bundle is incomplete: ${outputs.join(", ")}`);
const html = fs
	.readFileSync(path.join(here, "src", "index.html"), "utf8")
	.replace("{{script}}", `/ui/${script}`)
	.replace("{{style}}", `/ui/${style}`);
fs.writeFileSync(path.join(out, "index.html"), html);
fs.copyFileSync(path.join(here, "src", "favicon.svg"), path.join(out, "favicon.svg"));
