/** A failed tool call: `code` is a step error code of §2 (`TOOL_HTTP_ERROR`, `TOOL_TIMEOUT`, …); `output` is kept when there is one. */
export class ToolCallError extends Error {
	constructor(
		readonly code: string,
		message: string,
		readonly output: unknown = null,
		/** Whether the failure counts toward the circuit breaker (upstream errors, timeouts, 5xx). */
		readonly countsAsFailure = true
	) {
		super(message);
		this.name = "ToolCallError";
	}
}

export const invalidToolInput = (message: string) => new ToolCallError("INVALID_TOOL_INPUT", message, null, false);
export const toolUnavailable = (message: string) => new ToolCallError("TOOL_UNAVAILABLE", message);
