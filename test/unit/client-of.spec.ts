import type { IncomingMessage } from "node:http";
import { clientOf } from "../../services/api/types";

const request = (headers: Record<string, string>) => ({ headers, socket: { remoteAddress: "10.0.0.7" } }) as unknown as IncomingMessage;

describe("clientOf: who is calling, and the base URL the request came to", () => {
	test.each([
		[{ host: "fluxgate.local:8000" }, "http://fluxgate.local:8000"],
		[{ host: "internal:8000", "x-forwarded-proto": "https, http", "x-forwarded-host": "agents.example.com" }, "https://agents.example.com"],
		[{ host: "internal:8000", "x-forwarded-proto": " " }, "http://internal:8000"],
		[{}, null]
	])("%j answers base_url %s", (headers, baseUrl) => {
		expect(clientOf(request({ "user-agent": "curl/8", ...headers }))).toEqual({ ip: "10.0.0.7", user_agent: "curl/8", base_url: baseUrl });
	});
});
