import type { Context } from "moleculer";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import { writeUnique, type Filter, type Repository } from "../../lib/store";
import { LIST_QUERY, listOptions, query, substringFilter } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { RunHub } from "../runtime/stream";
import { checkedSteps, sameSteps, validateSteps } from "./definitions";
import { ExecutionActions } from "./execution-actions";
import { IDEMPOTENCY_INDEXES, type IdempotencyDoc } from "../../lib/idempotency";
import { ExecutionJournal } from "./journal";
import {
	ACTIVE, DESCRIPTION_RULE, EXECUTION_SCHEMA, NAME_RULE, presentWorkflow, STEP_STATE_SCHEMA, STEPS_RULE, VALIDATION_RESULT_SCHEMA,
	WORKFLOW_SCHEMA, WORKFLOW_STEP_SCHEMA, type ExecutionDoc, type WorkflowDoc
} from "./model";

export interface WorkflowsThis extends PlatformThis {
	repos: { workflows: Repository<WorkflowDoc>; executions: Repository<ExecutionDoc>; workflow_idempotency: Repository<IdempotencyDoc> };
	journal: ExecutionJournal;
	hub: RunHub;
	sweepTimer: NodeJS.Timeout | null;
	/** When this node last handed each execution to a runner (in memory: the sweeper's hint). */
	dispatchedAt: Map<string, number>;
	[k: string]: any;
}

export type Ctx<P = any> = Context<P, { principal: Principal; idempotencyKey?: string; $statusCode?: number; $responseType?: string; $responseHeaders?: Record<string, string> }>;

/**
 * Workflow definitions and the durable record of their executions (§21). The executions themselves
 * run in workflow-run actors on runtime nodes (runner.service.ts), which journal every step here.
 */
const WorkflowsService: Schema<WorkflowsThis> = {
	name: "workflows",
	mixins: [
		StoreMixin({
			workflows: [{ fields: ["org_id", "name"], unique: true }, { fields: ["agent_ids"] }],
			executions: [{ fields: ["workflow_id"] }, { fields: ["status"] }],
			workflow_idempotency: IDEMPOTENCY_INDEXES
		}),
		ExecutionActions
	],
	settings: { rest: "/workflows" },
	dependencies: ["agents"],
	metadata: {
		schemas: { Workflow: WORKFLOW_SCHEMA, WorkflowStep: WORKFLOW_STEP_SCHEMA, Execution: EXECUTION_SCHEMA, StepState: STEP_STATE_SCHEMA, WorkflowValidation: VALIDATION_RESULT_SCHEMA }
	},

	actions: {
		validate: {
			rest: "POST /validate",
			access: ["workflows:read"],
			openapi: { summary: "Check a workflow graph without saving it", response: "WorkflowValidation" },
			params: { steps: { type: "array" } },
			handler(this: WorkflowsThis, ctx: Ctx) {
				return validateSteps(ctx, ctx.meta.principal.org_id, ctx.params.steps);
			}
		},

		createWorkflow: {
			rest: "POST /",
			access: ["workflows:write"],
			audit: { action: "workflow.create" },
			openapi: { summary: "Create a workflow (a DAG of agent steps)", status: 201, response: "Workflow" },
			params: { name: NAME_RULE, steps: STEPS_RULE, description: DESCRIPTION_RULE },
			async handler(this: WorkflowsThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const steps = await checkedSteps(ctx, orgId, ctx.params.steps);
				const doc = await writeUnique("name", ctx.params.name, () =>
					this.repos.workflows.forOrg(orgId).insert({
						id: newId("wf"),
						name: ctx.params.name,
						description: ctx.params.description ?? "",
						steps,
						version: 1,
						agent_ids: [...new Set(steps.map(s => s.agent_id))]
					})
				);
				return presentWorkflow(doc);
			}
		},

		listWorkflows: {
			rest: "GET /",
			access: ["workflows:read"],
			openapi: { summary: "List workflows", response: "List:Workflow" },
			params: { ...LIST_QUERY, search: query({ type: "string", max: 200 }), agent_id: query({ type: "string", max: 64 }) },
			async handler(this: WorkflowsThis, ctx: Ctx) {
				const filter: Filter = ctx.params.search ? substringFilter(ctx.params.search, ["name", "description"]) : {};
				if (ctx.params.agent_id !== undefined) filter.agent_ids = ctx.params.agent_id;
				const page = await this.repos.workflows.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(ctx.params));
				return { ...page, items: page.items.map(presentWorkflow) };
			}
		},

		getWorkflow: {
			rest: "GET /:workflow_id",
			access: ["workflows:read"],
			openapi: { summary: "Get a workflow", response: "Workflow" },
			params: { workflow_id: "string" },
			async handler(this: WorkflowsThis, ctx: Ctx) {
				return presentWorkflow(await this.requireWorkflow(ctx.meta.principal.org_id, ctx.params.workflow_id));
			}
		},

		updateWorkflow: {
			rest: "PUT /:workflow_id",
			access: ["workflows:write"],
			audit: { action: "workflow.update" },
			openapi: { summary: "Change a workflow; running executions keep their version", response: "Workflow" },
			params: { workflow_id: "string", name: { ...NAME_RULE, optional: true }, description: DESCRIPTION_RULE, steps: { ...STEPS_RULE, optional: true } },
			async handler(this: WorkflowsThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const current = await this.requireWorkflow(orgId, ctx.params.workflow_id);
				const set: Partial<WorkflowDoc> = {};
				if (ctx.params.name !== undefined) set.name = ctx.params.name;
				if (ctx.params.description !== undefined) set.description = ctx.params.description;
				if (ctx.params.steps !== undefined) {
					const steps = await checkedSteps(ctx, orgId, ctx.params.steps);
					if (!sameSteps(steps, current.steps)) {
						Object.assign(set, { steps, version: current.version + 1, agent_ids: [...new Set(steps.map(s => s.agent_id))] });
					}
				}
				if (!Object.keys(set).length) return presentWorkflow(current);
				const updated = await writeUnique("name", set.name, () => this.repos.workflows.forOrg(orgId).update(current.id, set));
				if (!updated) throw errors.notFound("Workflow");
				return presentWorkflow(updated);
			}
		},

		deleteWorkflow: {
			rest: "DELETE /:workflow_id",
			access: ["workflows:write"],
			audit: { action: "workflow.delete" },
			openapi: { summary: "Delete a workflow (its executions are kept)", status: 204 },
			params: { workflow_id: "string" },
			async handler(this: WorkflowsThis, ctx: Ctx) {
				const orgId = ctx.meta.principal.org_id;
				const workflow = await this.requireWorkflow(orgId, ctx.params.workflow_id);
				const active = await this.repos.executions.forOrg(orgId).find({ workflow_id: workflow.id, status: { $in: ACTIVE } });
				if (active.length) {
					throw errors.resourceInUse(`Workflow ${workflow.name} has ${active.length} queued or running execution(s): cancel them or let them finish first`, {
						execution_ids: active.map(e => e.id)
					});
				}
				await this.repos.workflows.forOrg(orgId).delete(workflow.id);
				return null;
			}
		},

		/** Workflows whose steps use the agent (agent deletion is refused while there are any). */
		usingAgent: {
			visibility: "public",
			params: { org_id: "string", agent_id: "string" },
			async handler(this: WorkflowsThis, ctx: Context<{ org_id: string; agent_id: string }>) {
				return (await this.repos.workflows.forOrg(ctx.params.org_id).find({ agent_ids: ctx.params.agent_id })).map(w => w.id);
			}
		}
	},

	methods: {
		async requireWorkflow(this: WorkflowsThis, orgId: string, id: string): Promise<WorkflowDoc> {
			const doc = await this.repos.workflows.forOrg(orgId).get(id);
			if (!doc) throw errors.notFound("Workflow");
			return doc;
		}
	},

	created(this: WorkflowsThis) {
		this.hub = new RunHub();
		this.dispatchedAt = new Map();
		this.sweepTimer = null;
	},

	async started(this: WorkflowsThis) {
		this.journal = new ExecutionJournal(this.repos.executions, {
			stream: (executionId, events) => this.broker.broadcast("workflows.execution.event", { execution_id: executionId, events }, { groups: ["workflows"] }),
			announce: (doc, event) => this.broker.broadcast(event, { org_id: doc.org_id, execution_id: doc.id, workflow_id: doc.workflow_id, status: doc.status, error: doc.error ?? null }),
			cancelRun: (orgId, runId) => this.cancelRun(orgId, runId)
		});
		this.startSweeper();
	},

	stopped(this: WorkflowsThis) {
		if (this.sweepTimer) clearInterval(this.sweepTimer);
	}
};

export default WorkflowsService;
