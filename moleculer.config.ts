import type { BrokerOptions } from "moleculer";
import { Validators } from "moleculer";
import os from "node:os";
import type { Config } from "./lib/config";
import { newRequestId } from "./lib/ids";
import { VALIDATION_MESSAGES } from "./lib/validation";
import { ReadinessMiddleware } from "./middlewares/readiness";
import { TrustMiddleware } from "./middlewares/trust";

/** Broker options for a node with this configuration. */
export default function brokerOptions(config: Config): BrokerOptions {
	return {
		namespace: config.namespace,
		nodeID: config.nodeId ?? `${os.hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`,
		transporter: (config.transporter ?? undefined) as BrokerOptions["transporter"],
		serializer: "JSON",
		// Context ids as request ids are made (random prefix per process + counter), not a random UUID per context.
		uidGenerator: newRequestId,
		requestTimeout: 60 * 1000,
		retryPolicy: { enabled: false },
		registry: { strategy: "RoundRobin", preferLocal: true },
		dependencyInterval: 100,
		heartbeatInterval: 5,
		heartbeatTimeout: 15,
		logger: {
			type: "Pino",
			options: {
				level: config.logLevel,
				pino: {
					options: {
						redact: {
							paths: ["*.password", "*.key", "*.token", "*.value", "*.api_key", "*.secret", "*.refresh_token", "*.authorization", "*.Authorization"],
							censor: "[REDACTED]"
						}
					}
				}
			}
		},
		logLevel: config.logLevel as any,
		metrics: { enabled: true, reporter: [] },
		// The built-in middlewares minus per-action request metrics, tracing, caching, retries and
		// circuit breakers, which Fluxgate does not use: they cost a third of a gateway request.
		internalMiddlewares: false,
		// Trust sits inside Validator (checks validated params) and outside ActionHook (a refused call reaches no hook or handler).
		middlewares: ["ActionHook", TrustMiddleware(), "Validator", "Bulkhead", "ContextTracker", "Timeout", "Fallback", "ErrorHandler", ReadinessMiddleware] as any,
		tracing: { enabled: false },
		validator: new Validators.Fastest({ messages: VALIDATION_MESSAGES, useNewCustomCheckerFunction: true } as any),
		errorHandler(err: any) {
			throw err;
		}
	};
}
