import type { Context, Service, ServiceSchema } from "moleculer";
import type { Schema } from "../../lib/schema";
import { PlatformMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { ExecutionWalker } from "./walker";

interface RunnerThis extends PlatformThis {
	/** Workflow-run actors hosted on this node, by execution id. */
	hosted: Map<string, { service: Service; walker: ExecutionWalker }>;
	leaseTimer: NodeJS.Timeout | null;
	[k: string]: any;
}

const LEASE_RENEW_MS = 5_000;

export const workflowActorName = (executionId: string) => `workflow-run.${executionId}`;

/** The actor of one execution: it walks the DAG as soon as it starts and is removed when the walk ends. */
function workflowRunActor(walker: ExecutionWalker, orgId: string, nodeId: string, done: () => void): ServiceSchema {
	return {
		name: workflowActorName(walker.executionId),
		metadata: { execution_id: walker.executionId, org_id: orgId, actor: true },
		actions: {
			status: {
				visibility: "public",
				handler() {
					return { execution_id: walker.executionId, node_id: nodeId, running_steps: walker.running };
				}
			}
		},
		started() {
			// Not awaited: a service's start must not wait for the whole execution.
			void walker.run().finally(done);
		},
		stopped() {
			walker.stop();
		}
	};
}

/**
 * Runtime node duty: hosts one workflow-run actor per execution handed to this node (by the
 * workflows service on execute, or by its sweeper when an execution's node died), and renews the
 * leases of the executions it hosts.
 */
const WorkflowRunnerService: Schema<RunnerThis> = {
	name: "workflow-runner",
	mixins: [PlatformMixin],
	dependencies: ["workflows", "runtime"],

	actions: {
		host: {
			visibility: "public",
			params: { execution_id: "string", org_id: "string" },
			handler(this: RunnerThis, ctx: Context<{ execution_id: string; org_id: string }>) {
				const { execution_id, org_id } = ctx.params;
				if (!this.hosted.has(execution_id)) this.createActor(execution_id, org_id);
				return { accepted: true, node_id: this.broker.nodeID };
			}
		}
	},

	events: {
		"workflows.execution.stop"(this: RunnerThis, ctx: Context<{ execution_id: string }>) {
			this.hosted.get(ctx.params.execution_id)?.walker.stop();
		}
	},

	methods: {
		createActor(this: RunnerThis, executionId: string, orgId: string) {
			const walker = new ExecutionWalker(this.broker, this.broker.nodeID, executionId, err => this.logger.warn({ err, execution_id: executionId }, "Workflow walk interrupted; the execution will be re-homed"));
			const release = () => {
				const entry = this.hosted.get(executionId);
				if (!entry || entry.walker !== walker) return;
				this.hosted.delete(executionId);
				this.broker.destroyService(entry.service).catch((err: unknown) => this.logger.warn({ err }, "Removing a workflow-run actor failed"));
			};
			// createService starts the service itself once the broker is running.
			const service = this.broker.createService(workflowRunActor(walker, orgId, this.broker.nodeID, () => setImmediate(release)));
			this.hosted.set(executionId, { service, walker });
		},

		async renewLeases(this: RunnerThis) {
			if (!this.hosted.size) return;
			await this.broker.call("workflows.renewLeases", { node_id: this.broker.nodeID, execution_ids: [...this.hosted.keys()] });
		}
	},

	created(this: RunnerThis) {
		this.hosted = new Map();
		this.leaseTimer = null;
	},

	started(this: RunnerThis) {
		this.leaseTimer = setInterval(() => this.renewLeases().catch((err: unknown) => this.logger.warn({ err }, "Execution lease renewal failed")), LEASE_RENEW_MS);
		this.leaseTimer.unref();
	},

	async stopped(this: RunnerThis) {
		if (this.leaseTimer) clearInterval(this.leaseTimer);
		const hosted = [...this.hosted.entries()];
		this.hosted.clear();
		for (const [, { walker }] of hosted) walker.stop();
		if (hosted.length) {
			await this.broker
				.call("workflows.releaseLeases", { node_id: this.broker.nodeID, execution_ids: hosted.map(([id]) => id) })
				.catch((err: unknown) => this.logger.warn({ err }, "Releasing execution leases failed; they lapse instead"));
		}
		for (const [, { service }] of hosted) await this.broker.destroyService(service).catch(() => undefined);
	}
};

export default WorkflowRunnerService;
