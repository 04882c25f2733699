import type { ServerResponse } from "node:http";
import * as errors from "../../lib/errors";
import { toHttpError } from "./http-error";
import type { ApiThis, Req } from "./types";

const NOT_READY_RETRY_SECONDS = 5;

/** The gateway's readiness (middlewares/readiness.ts): its port opens once the node is ready. */
export const gateMethods = {
	/**
	 * Called once every service of this node has started (middlewares/readiness.ts): builds the routes
	 * of the local services, then starts listening, so the first answer on the port is a ready node's.
	 */
	openGate(this: ApiThis): Promise<{ address: string; port: number }> {
		this.regenerateAllAutoAliases();
		this.regenerateAllAutoAliases.flush();
		return new Promise((resolve, reject) => {
			this.server.once("error", reject);
			this.server.listen(this.settings.port, this.settings.ip, () => {
				this.server.off("error", reject);
				this.ready = true;
				const { address, port } = this.server.address() as { address: string; port: number };
				resolve({ address, port });
			});
		});
	},

	/** The node is stopping: /ready and /api/v1 answer 503 while requests in flight finish. */
	closeGate(this: ApiThis) {
		this.ready = false;
	},

	sendNotReady(this: ApiThis, req: Req, res: ServerResponse) {
		res.setHeader("Retry-After", String(NOT_READY_RETRY_SECONDS));
		this.sendJsonError(req, res, toHttpError(errors.notReady()));
	}
};
