import { Worker } from "node:worker_threads";
import { FluxError } from "../../lib/errors";

/** A document whose bytes cannot be read as its type: the document ends `failed` with this code. */
export const unreadable = (message: string) => new FluxError(422, "UNREADABLE_DOCUMENT", message);

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeEntities(text: string): string {
	return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
		if (name[0] === "#") {
			const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
			return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
		}
		return ENTITIES[name.toLowerCase()] ?? whole;
	});
}

/** Visible text of an HTML page: scripts, styles and tags removed, block elements kept as line breaks. */
export function htmlToText(html: string): string {
	const text = html
		.replace(/<!--[\s\S]*?-->/g, " ")
		.replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, " ")
		.replace(/<br\s*\/?>/gi, "\n")
		.replace(/<\/?(p|div|section|article|header|footer|li|ul|ol|h[1-6]|tr|table|pre|blockquote)\b[^>]*>/gi, "\n\n")
		.replace(/<[^>]+>/g, " ");
	return decodeEntities(text)
		.replace(/[ \t\f\v]+/g, " ")
		.replace(/ *\n */g, "\n")
		.replace(/\n{3,}/g, "\n\n")
		.trim();
}

const PDF_TIMEOUT_MS = 60_000;

// Runs in a worker thread: PDF parsing is CPU-bound, and unpdf loads its PDF.js build by dynamic import.
const PDF_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { extractText, getDocumentProxy } = require(workerData.unpdf);
(async () => {
	const pdf = await getDocumentProxy(new Uint8Array(workerData.bytes));
	const { text } = await extractText(pdf, { mergePages: false });
	parentPort.postMessage({ text: text.join("\\n\\n") });
})().catch(err => parentPort.postMessage({ error: String(err && err.message || err) }));
`;

/** The text of a PDF, extracted by unpdf (PDF.js) in a worker thread. */
function pdfToText(bytes: Buffer): Promise<string> {
	return new Promise((resolve, reject) => {
		const worker = new Worker(PDF_WORKER, { eval: true, workerData: { unpdf: require.resolve("unpdf"), bytes } });
		const timer = setTimeout(() => {
			void worker.terminate();
			reject(unreadable(`Reading the PDF took longer than ${PDF_TIMEOUT_MS / 1000} s`));
		}, PDF_TIMEOUT_MS);
		worker.once("message", (answer: { text?: string; error?: string }) => {
			clearTimeout(timer);
			void worker.terminate();
			if (answer.error !== undefined) reject(unreadable(`The PDF could not be read: ${answer.error}`));
			else resolve((answer.text ?? "").trim());
		});
		worker.once("error", err => {
			clearTimeout(timer);
			reject(unreadable(`The PDF could not be read: ${err.message}`));
		});
	});
}

/** The text of a document of a supported type (§20). */
export async function extractText(bytes: Buffer, contentType: string): Promise<string> {
	if (contentType === "application/pdf") return pdfToText(bytes);
	const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
	if (contentType === "text/html") return htmlToText(text);
	if (contentType === "application/json") {
		try {
			return JSON.stringify(JSON.parse(text), null, 2);
		} catch (err: any) {
			throw unreadable(`The JSON document is not valid JSON: ${err.message}`);
		}
	}
	return text;
}
