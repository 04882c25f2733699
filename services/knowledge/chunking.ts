/**
 * Splits text into chunks of at most `size` characters, each overlapping the previous one by about
 * `overlap` characters. A chunk ends preferably at a paragraph break, else after a sentence, else at
 * a space, as long as that keeps it at least half full; otherwise it is cut at `size`.
 */
export function chunkText(text: string, size: number, overlap: number): string[] {
	const chunks: string[] = [];
	const length = text.length;
	let start = skipSpace(text, 0);
	while (start < length) {
		let end = Math.min(start + size, length);
		if (end < length) end = breakPoint(text, start + Math.floor(size / 2), end);
		const chunk = text.slice(start, end).trim();
		if (chunk) chunks.push(chunk);
		if (end >= length) break;
		start = skipSpace(text, Math.max(start + 1, overlapStart(text, end - overlap, end)));
	}
	return chunks;
}

function skipSpace(text: string, from: number): number {
	while (from < text.length && /\s/.test(text[from])) from++;
	return from;
}

/** The best end in [min, max]: paragraph break, sentence end, then whitespace. */
function breakPoint(text: string, min: number, max: number): number {
	const window = text.slice(min, max);
	const paragraph = window.lastIndexOf("\n\n");
	if (paragraph >= 0) return min + paragraph + 2;
	let sentence = -1;
	for (const match of window.matchAll(/[.!?]["')\]]*\s/g)) sentence = (match.index ?? 0) + match[0].length;
	if (sentence >= 0) return min + sentence;
	const space = Math.max(window.lastIndexOf(" "), window.lastIndexOf("\n"), window.lastIndexOf("\t"));
	return space >= 0 ? min + space + 1 : max;
}

/** Where the next chunk starts: `from`, moved forward to the start of a word (never past `end`). */
function overlapStart(text: string, from: number, end: number): number {
	if (from <= 0) return 0;
	if (/\s/.test(text[from - 1])) return from;
	for (let i = from; i < end; i++) if (/\s/.test(text[i])) return i + 1;
	return end;
}
