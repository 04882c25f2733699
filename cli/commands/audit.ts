import type { Schemas } from "../../sdk/src";
import { CommandContext, UsageError } from "../context";
import { dim, print, red, type Output } from "../output";

export interface AuditFlags {
	follow?: boolean;
	action?: string;
	actor?: string;
	outcome?: string;
	limit?: string;
	interval?: string;
}

type Entry = Schemas["AuditEntry"];

/** `fluxgate audit tail`: the latest entries oldest first, then (with --follow) new ones as they are written. */
export async function auditTail(ctx: CommandContext, flags: AuditFlags, signal?: AbortSignal): Promise<void> {
	const limit = flags.limit ? Number(flags.limit) : 20;
	if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new UsageError("--limit is an integer from 1 to 200");
	const intervalMs = (flags.interval ? Number(flags.interval) : 2) * 1000;
	if (!(intervalMs >= 100)) throw new UsageError("--interval is a number of seconds, at least 0.1");
	const fg = await ctx.client();
	const filters = { action: flags.action, actor_id: flags.actor, outcome: flags.outcome as any };
	const latest = await fg.GET("/api/v1/audit/logs", { params: { query: { ...filters, limit, order: "desc" } } });
	const seen = new Set<string>();
	let since: string | undefined;
	const show = (entry: Entry) => {
		seen.add(entry.id!);
		since = entry.created_at;
		print(ctx.out, ctx.out.json ? JSON.stringify(entry) : auditLine(ctx.out, entry));
	};
	[...latest.items].reverse().forEach(show);
	while (flags.follow && !signal?.aborted) {
		await new Promise(resolve => setTimeout(resolve, intervalMs));
		const page = await fg.GET("/api/v1/audit/logs", { params: { query: { ...filters, start: since, limit: 200, order: "asc" } } });
		for (const entry of page.items) if (!seen.has(entry.id!)) show(entry);
	}
}

function auditLine(out: Output, e: Entry): string {
	const outcome = e.outcome === "success" ? e.outcome : red(out, e.outcome ?? "");
	const resource = e.resource_id ? `${e.resource_type}/${e.resource_id}` : e.resource_type;
	return `${dim(out, e.created_at ?? "")}  ${outcome.padEnd(7)}  ${e.action}  ${resource}  ${e.actor_name ?? e.actor_id ?? e.actor_type}  ${e.status_code ?? ""}  ${dim(out, e.request_id ?? "")}`.trimEnd();
}
