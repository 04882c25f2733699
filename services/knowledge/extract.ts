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

async function pdfToText(bytes: Buffer): Promise<string> {
	const { extractText, getDocumentProxy } = await import("unpdf");
	try {
		const pdf = await getDocumentProxy(new Uint8Array(bytes));
		const { text } = await extractText(pdf, { mergePages: false });
		return (text as string[]).join("\n\n").trim();
	} catch (err: any) {
		throw unreadable(`The PDF could not be read: ${err?.message ?? "invalid file"}`);
	}
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
