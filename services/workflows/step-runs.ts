import type { ServiceBroker } from "moleculer";

/**
 * Cancels the agent run of a step that nobody waits for any more, through the runtime's own cancel
 * action in the execution's org. A run that has already ended is left as it is.
 */
export async function cancelStepRun(broker: ServiceBroker, orgId: string, runId: string): Promise<void> {
	try {
		await broker.call("runtime.cancel", { run_id: runId, reason: "the workflow execution stopped waiting for this step" }, { meta: { principal: { org_id: orgId } } });
	} catch (err: any) {
		if (err?.type !== "INVALID_STATE_TRANSITION") throw err;
	}
}
