import { chunkText } from "../../services/knowledge/chunking";
import { htmlToText } from "../../services/knowledge/extract";

describe("chunkText", () => {
	it("keeps short text whole", () => {
		expect(chunkText("  One short paragraph.  ", 200, 40)).toEqual(["One short paragraph."]);
		expect(chunkText("", 200, 40)).toEqual([]);
	});

	it("never exceeds the chunk size and covers the whole text", () => {
		const text = Array.from({ length: 300 }, (_, i) => `word${i}`).join(" ");
		const chunks = chunkText(text, 200, 50);
		for (const c of chunks) expect(c.length).toBeLessThanOrEqual(200);
		const seen = new Set(chunks.flatMap(c => c.split(" ")));
		for (let i = 0; i < 300; i++) expect(seen.has(`word${i}`)).toBe(true);
	});

	it("prefers paragraph breaks, then sentence ends, and never cuts a word when it can avoid it", () => {
		const para = `${"Alpha beta gamma. ".repeat(5).trim()}\n\n${"Delta epsilon zeta. ".repeat(5).trim()}`;
		expect(chunkText(para, 120, 0)).toEqual(["Alpha beta gamma. ".repeat(5).trim(), "Delta epsilon zeta. ".repeat(5).trim()]);
		const sentences = "First sentence here. Second sentence here. Third sentence here. Fourth one.";
		const chunks = chunkText(sentences, 45, 0);
		expect(chunks[0]).toBe("First sentence here. Second sentence here.");
		for (const c of chunks) expect(c).toMatch(/^[A-Z]/);
	});

	it("overlaps consecutive chunks by about chunk_overlap characters, starting on a word", () => {
		const text = Array.from({ length: 100 }, (_, i) => `token${i}`).join(" ");
		const chunks = chunkText(text, 100, 30);
		for (let i = 1; i < chunks.length; i++) {
			const firstWord = chunks[i].split(" ")[0];
			expect(chunks[i - 1].split(" ")).toContain(firstWord);
			expect(firstWord).toMatch(/^token\d+$/);
		}
	});

	it("cuts a text without spaces at the chunk size and still advances", () => {
		const chunks = chunkText("x".repeat(450), 200, 199);
		expect(chunks.every(c => c.length <= 200)).toBe(true);
		expect(chunks.join("").length).toBeGreaterThanOrEqual(450);
	});
});

describe("htmlToText", () => {
	it("drops scripts, styles, comments and tags; decodes entities; keeps blocks apart", () => {
		const html = "<html><head><title>T</title><style>p{}</style><script>alert(1)</script></head><body><!-- note --><h1>Head</h1><p>One &amp; two&nbsp;&#51;&#x34;</p><ul><li>a</li><li>b</li></ul></body></html>";
		expect(htmlToText(html)).toBe("T\n\nHead\n\nOne & two 34\n\na\n\nb");
	});
});
