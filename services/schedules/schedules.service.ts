import type { Context } from "moleculer";
import { callIfPresent } from "../../lib/calls";
import * as errors from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Principal } from "../../lib/principal";
import type { Schema } from "../../lib/schema";
import type { Repository } from "../../lib/store";
import { writeUnique } from "../../lib/store";
import { displayName, LIST_QUERY, listOptions, query } from "../../lib/validation";
import { StoreMixin, type PlatformThis } from "../../mixins/platform.mixin";
import { Firing } from "./firing";
import {
	AGENT_ID_RULE, armedOf, CRON_RULE, DESCRIPTION_RULE, INPUT_RULE, INTERVAL_RULE, presentSchedule, PREVIEW_SCHEMA, RUN_STATUSES,
	SCHEDULE_SCHEMA, timingKindProblems, TIMEZONE_RULE, withTimingKindCheck, type ScheduleDoc
} from "./model";
import { firstTick, upcomingTicks, type Timing } from "./timing";

interface SchedulesThis extends PlatformThis {
	repos: { schedules: Repository<ScheduleDoc> };
	firing: Firing;
	[k: string]: any;
}

type Ctx<P = any> = Context<P, { principal: Principal; $statusCode?: number }>;

const SchedulesService: Schema<SchedulesThis> = {
	name: "schedules",
	mixins: [StoreMixin({
		schedules: [{ fields: ["org_id", "name"], unique: true }, { fields: ["agent_id"] }, { fields: ["enabled", "next_run_at"] }]
	})],
	settings: { rest: "/schedules" },
	metadata: { schemas: { Schedule: SCHEDULE_SCHEMA, SchedulePreview: PREVIEW_SCHEMA } },

	actions: {
		createSchedule: {
			rest: "POST /",
			access: ["schedules:write"],
			audit: { action: "schedule.create" },
			openapi: { summary: "Create a schedule that runs an agent on a cron expression or an interval", status: 201, response: "Schedule" },
			params: {
				agent_id: AGENT_ID_RULE,
				name: displayName(),
				description: DESCRIPTION_RULE,
				cron_expression: withTimingKindCheck(CRON_RULE),
				interval_seconds: INTERVAL_RULE,
				timezone: TIMEZONE_RULE,
				input: INPUT_RULE,
				enabled: { type: "boolean", optional: true }
			},
			async handler(this: SchedulesThis, ctx: Ctx) {
				const p = ctx.params;
				const orgId = ctx.meta.principal.org_id;
				await this.requireAgent(ctx, orgId, p.agent_id);
				const now = new Date();
				const timing: Timing = { cron_expression: p.cron_expression ?? null, interval_seconds: p.interval_seconds ?? null, timezone: p.timezone ?? "UTC" };
				const enabled = p.enabled ?? true;
				const doc = await writeUnique("name", p.name, () =>
					this.repos.schedules.forOrg(orgId).insert({
						id: newId("sch"),
						agent_id: p.agent_id,
						name: p.name,
						description: p.description ?? "",
						...timing,
						input: p.input ?? "",
						enabled,
						next_run_at: enabled ? firstTick(timing, now).toISOString() : null,
						last_run_at: null,
						last_status: null,
						last_run_id: null,
						run_count: 0,
						created_at: now.toISOString(),
						updated_at: now.toISOString()
					})
				);
				this.firing.changed(doc.id, doc);
				return presentSchedule(doc);
			}
		},

		listSchedules: {
			rest: "GET /",
			access: ["schedules:read"],
			openapi: { summary: "List schedules", response: "List:Schedule" },
			params: { ...LIST_QUERY, agent_id: query({ type: "string", max: 64 }), enabled: query({ type: "boolean" }) },
			async handler(this: SchedulesThis, ctx: Ctx) {
				const p = ctx.params;
				const filter: Record<string, unknown> = {};
				if (p.agent_id !== undefined) filter.agent_id = p.agent_id;
				if (p.enabled !== undefined) filter.enabled = p.enabled;
				const page = await this.repos.schedules.forOrg(ctx.meta.principal.org_id).list(filter, listOptions(p));
				return { ...page, items: page.items.map(presentSchedule) };
			}
		},

		previewSchedule: {
			rest: "POST /preview",
			access: ["schedules:read"],
			openapi: { summary: "The next firing times of a cron expression or interval", response: "SchedulePreview" },
			params: {
				cron_expression: withTimingKindCheck(CRON_RULE),
				interval_seconds: INTERVAL_RULE,
				timezone: TIMEZONE_RULE,
				count: { type: "number", integer: true, min: 1, max: 20, optional: true }
			},
			handler(this: SchedulesThis, ctx: Ctx) {
				const p = ctx.params;
				const timing: Timing = { cron_expression: p.cron_expression ?? null, interval_seconds: p.interval_seconds ?? null, timezone: p.timezone ?? "UTC" };
				return { next_run_times: upcomingTicks(timing, new Date(), p.count ?? 5).map(d => d.toISOString()) };
			}
		},

		getSchedule: {
			rest: "GET /:schedule_id",
			access: ["schedules:read"],
			openapi: { summary: "Get a schedule", response: "Schedule" },
			params: { schedule_id: "string" },
			async handler(this: SchedulesThis, ctx: Ctx) {
				return presentSchedule(await this.requireSchedule(ctx, ctx.params.schedule_id));
			}
		},

		updateSchedule: {
			rest: "PUT /:schedule_id",
			access: ["schedules:write"],
			audit: { action: "schedule.update" },
			openapi: { summary: "Change a schedule; next_run_at is recomputed", response: "Schedule" },
			params: {
				schedule_id: "string",
				agent_id: { ...AGENT_ID_RULE, optional: true },
				name: displayName({ optional: true }),
				description: DESCRIPTION_RULE,
				cron_expression: CRON_RULE,
				interval_seconds: INTERVAL_RULE,
				timezone: TIMEZONE_RULE,
				input: INPUT_RULE,
				enabled: { type: "boolean", optional: true }
			},
			async handler(this: SchedulesThis, ctx: Ctx) {
				const p = ctx.params;
				const doc = await this.requireSchedule(ctx, p.schedule_id);
				const timing: Timing = {
					cron_expression: p.cron_expression !== undefined ? p.cron_expression : doc.cron_expression,
					interval_seconds: p.interval_seconds !== undefined ? p.interval_seconds : doc.interval_seconds,
					timezone: p.timezone ?? doc.timezone
				};
				const problems = timingKindProblems(timing.cron_expression, timing.interval_seconds);
				if (problems.length) throw errors.validation(problems);
				if (p.agent_id !== undefined && p.agent_id !== doc.agent_id) await this.requireAgent(ctx, doc.org_id, p.agent_id);

				const set: Partial<ScheduleDoc> = { ...timing };
				for (const field of ["agent_id", "name", "description", "input", "enabled"] as const) if (p[field] !== undefined) (set as any)[field] = p[field];
				const enabled = set.enabled ?? doc.enabled;
				// The zone matters to cron fields only: an interval schedule keeps its grid.
				const timingChanged =
					timing.cron_expression !== doc.cron_expression ||
					timing.interval_seconds !== doc.interval_seconds ||
					(timing.cron_expression != null && timing.timezone !== doc.timezone);
				if (!enabled) set.next_run_at = null;
				else if (!doc.enabled || timingChanged || !doc.next_run_at) set.next_run_at = firstTick(timing, new Date()).toISOString();
				const updated = (await writeUnique("name", p.name, () => this.repos.schedules.forOrg(doc.org_id).update(doc.id, set))) as ScheduleDoc;
				this.firing.changed(updated.id, updated);
				return presentSchedule(updated);
			}
		},

		deleteSchedule: {
			rest: "DELETE /:schedule_id",
			access: ["schedules:write"],
			audit: { action: "schedule.delete" },
			openapi: { summary: "Delete a schedule (its runs are kept)", status: 204 },
			params: { schedule_id: "string" },
			async handler(this: SchedulesThis, ctx: Ctx) {
				const doc = await this.requireSchedule(ctx, ctx.params.schedule_id);
				await this.repos.schedules.forOrg(doc.org_id).delete(doc.id);
				this.firing.changed(doc.id, null);
				return null;
			}
		},

		triggerSchedule: {
			rest: "POST /:schedule_id/trigger",
			access: ["schedules:write"],
			audit: { action: "schedule.trigger" },
			openapi: { summary: "Run the schedule's agent now (also while disabled; next_run_at stays)", status: 202, response: "Run" },
			params: { schedule_id: "string" },
			async handler(this: SchedulesThis, ctx: Ctx) {
				const doc = await this.requireSchedule(ctx, ctx.params.schedule_id);
				const run = await this.firing.startRun(ctx, doc, "manual");
				ctx.meta.$statusCode = 202;
				return run;
			}
		},

		listScheduleRuns: {
			rest: "GET /:schedule_id/runs",
			access: ["schedules:read"],
			openapi: { summary: "Runs started by a schedule", response: "List:Run" },
			params: { schedule_id: "string", ...LIST_QUERY, status: query({ type: "enum", values: [...RUN_STATUSES] }) },
			async handler(this: SchedulesThis, ctx: Ctx) {
				const p = ctx.params;
				const doc = await this.requireSchedule(ctx, p.schedule_id);
				const filter: Record<string, unknown> = { trigger: "schedule", trigger_ref: doc.id };
				if (p.status !== undefined) filter.status = p.status;
				return ctx.call("runtime.findRuns", { org_id: doc.org_id, filter, ...listOptions(p) });
			}
		},

		// Internal actions for the schedulers (scheduler.service.ts), on any node.

		/** Every enabled schedule of the platform with its next tick. */
		armed: {
			visibility: "public",
			async handler(this: SchedulesThis) {
				const docs = await this.repos.schedules.platformWide().find({ enabled: true, next_run_at: { $ne: null } });
				return docs.map(armedOf).filter(Boolean);
			}
		},

		/** One tick, claimed by a scheduler: starts the run (or skips it) once. */
		fireTick: {
			visibility: "public",
			params: { org_id: "string", schedule_id: "string", tick: "string" },
			handler(this: SchedulesThis, ctx: Context<{ org_id: string; schedule_id: string; tick: string }>) {
				return this.firing.fireTick(ctx, ctx.params.org_id, ctx.params.schedule_id, ctx.params.tick);
			}
		}
	},

	events: {
		// Every run status change (run.queued … run.blocked) keeps last_status current.
		async "run.*"(this: SchedulesThis, ctx: Context<{ org_id: string; run: any }>) {
			const run = ctx.params.run;
			if (!run || run.trigger !== "schedule") return;
			await this.firing.onRunStatus({ ...run, org_id: ctx.params.org_id ?? run.org_id }).catch((err: unknown) =>
				this.logger.warn({ err }, "Updating a schedule's last_status failed")
			);
		},
		// §5: archiving an agent disables its schedules.
		async "lifecycle.promoted"(this: SchedulesThis, ctx: Context<{ org_id: string; agent_id: string; to_state: string }>) {
			if (ctx.params.to_state !== "archived") return;
			const repo = this.repos.schedules.forOrg(ctx.params.org_id);
			for (const doc of await repo.find({ agent_id: ctx.params.agent_id, enabled: true })) {
				const updated = await repo.update(doc.id, { enabled: false, next_run_at: null });
				this.firing.changed(doc.id, updated);
			}
		},
		// §1: deleting an agent removes its schedules.
		async "agent.deleted"(this: SchedulesThis, ctx: Context<{ org_id: string; agent_id: string }>) {
			const repo = this.repos.schedules.forOrg(ctx.params.org_id);
			const doomed = await repo.find({ agent_id: ctx.params.agent_id });
			await repo.deleteMany({ agent_id: ctx.params.agent_id });
			for (const doc of doomed) this.firing.changed(doc.id, null);
		}
	},

	methods: {
		async requireSchedule(this: SchedulesThis, ctx: Ctx, id: string): Promise<ScheduleDoc> {
			const doc = await this.repos.schedules.forOrg(ctx.meta.principal.org_id).get(id);
			if (!doc) throw errors.notFound("Schedule");
			return doc;
		},

		async requireAgent(this: SchedulesThis, ctx: Ctx, orgId: string, agentId: string) {
			const exists = await callIfPresent(this.broker, "agents.exists", { org_id: orgId, agent_id: agentId }, false, ctx);
			if (!exists) throw errors.referenceNotFound("agent_id", "Agent");
		}
	},

	async started(this: SchedulesThis) {
		this.firing = new Firing(this.repos.schedules, this.broker, this.logger);
		await this.firing.skipMissedTicks();
	}
};

export default SchedulesService;
