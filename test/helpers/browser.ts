import { execFileSync } from "node:child_process";
import http from "node:http";

/** The distribution's Chromium (what the browser tests drive headless). */
export function chromiumPath(): string {
	return execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], { encoding: "utf8" }).trim();
}

/** A request exactly as written (no URL normalisation by the client), for path traversal checks. */
export function rawGet(url: string, rawPath: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
	const { hostname, port } = new URL(url);
	return new Promise((resolve, reject) => {
		const req = http.request({ hostname, port, path: rawPath, method: "GET" }, res => {
			let body = "";
			res.setEncoding("utf8");
			res.on("data", chunk => (body += chunk));
			res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
		});
		req.once("error", reject);
		req.end();
	});
}

/** A page expression: the text of the first element matching `selector` is `expected`. */
export const textIs = (selector: string, expected: string) => `document.querySelector(${JSON.stringify(selector)})?.textContent === ${JSON.stringify(expected)}`;
