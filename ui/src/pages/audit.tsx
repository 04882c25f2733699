import { useState } from "preact/hooks";
import { get, type List } from "../api";
import { Badge, Card, ErrorBox, short, Table, time, useLoad } from "../components";

const PAGE = 50;

interface Filters {
	actor_id: string;
	actor_type: string;
	action: string;
	resource_type: string;
	resource_id: string;
	outcome: string;
	start: string;
	end: string;
}

const NONE: Filters = { actor_id: "", actor_type: "", action: "", resource_type: "", resource_id: "", outcome: "", start: "", end: "" };

/** A date input (local day) as the ISO instant of that day's start. */
const dayStart = (value: string) => (value ? new Date(`${value}T00:00:00`).toISOString() : "");

/** The audit log (§18) with its filters; a click on an entry shows its details. */
export function AuditPage() {
	const [draft, setDraft] = useState<Filters>(NONE);
	const [filters, setFilters] = useState<Filters>(NONE);
	const [offset, setOffset] = useState(0);
	const [open, setOpen] = useState<string | null>(null);
	const list = useLoad(
		() =>
			get<List<any>>("/audit/logs", {
				...filters,
				start: dayStart(filters.start),
				// The end day is included: the bound is the start of the next day.
				end: filters.end ? new Date(new Date(`${filters.end}T00:00:00`).getTime() + 86_400_000).toISOString() : "",
				limit: PAGE,
				offset
			}),
		[filters, offset]
	);
	const set = (key: keyof Filters, value: string) => setDraft(d => ({ ...d, [key]: value }));
	const apply = (e: Event) => {
		e.preventDefault();
		setOffset(0);
		setFilters({ ...draft, action: draft.action.trim(), actor_id: draft.actor_id.trim(), resource_id: draft.resource_id.trim(), resource_type: draft.resource_type.trim() });
	};
	const total = list.data?.total ?? 0;

	return (
		<>
			<h1>Audit log</h1>
			<Card title={`${total} entr${total === 1 ? "y" : "ies"}`}>
				<form class="filters" onSubmit={apply} data-testid="audit-filters">
					<label>
						Action
						<input value={draft.action} onInput={e => set("action", e.currentTarget.value)} placeholder="agent.create" data-testid="audit-action" />
					</label>
					<label>
						Resource type
						<input value={draft.resource_type} onInput={e => set("resource_type", e.currentTarget.value)} placeholder="agent" />
					</label>
					<label>
						Resource id
						<input value={draft.resource_id} onInput={e => set("resource_id", e.currentTarget.value)} />
					</label>
					<label>
						Actor id
						<input value={draft.actor_id} onInput={e => set("actor_id", e.currentTarget.value)} />
					</label>
					<label>
						Actor type
						<select value={draft.actor_type} onChange={e => set("actor_type", e.currentTarget.value)}>
							{["", "user", "api_key", "system", "public", "anonymous"].map(t => (
								<option value={t}>{t || "any"}</option>
							))}
						</select>
					</label>
					<label>
						Outcome
						<select value={draft.outcome} onChange={e => set("outcome", e.currentTarget.value)} data-testid="audit-outcome">
							{["", "success", "failure", "denied"].map(t => (
								<option value={t}>{t || "any"}</option>
							))}
						</select>
					</label>
					<label>
						From
						<input type="date" value={draft.start} onInput={e => set("start", e.currentTarget.value)} />
					</label>
					<label>
						To
						<input type="date" value={draft.end} onInput={e => set("end", e.currentTarget.value)} />
					</label>
					<button type="submit" class="primary" data-testid="audit-apply">
						Apply
					</button>
					<button
						type="button"
						onClick={() => {
							setDraft(NONE);
							setFilters(NONE);
							setOffset(0);
						}}
					>
						Clear
					</button>
				</form>
				<ErrorBox error={list.error} />
				<Table
					items={list.data?.items}
					empty="No entries match."
					testId="audit-table"
					headers={["When", "Actor", "Action", "Resource", "Outcome", "Status", "Request"]}
					row={e => [
						<tr class="clickable" onClick={() => setOpen(open === e.id ? null : e.id)} data-testid="audit-row" data-action={e.action}>
							<td>{time(e.created_at)}</td>
							<td>
								{e.actor_name ?? e.actor_id ?? "—"} <span class="muted small">{e.actor_type}</span>
							</td>
							<td>
								<code>{e.action}</code>
							</td>
							<td>
								{e.resource_type} {e.resource_id && <span class="muted small">{short(e.resource_id)}</span>}
							</td>
							<td>
								<Badge value={e.outcome} />
							</td>
							<td>{e.status_code ?? "—"}</td>
							<td class="muted small">{e.request_id ?? "—"}</td>
						</tr>,
						open === e.id && (
							<tr>
								<td colSpan={7}>
									<pre class="small">{JSON.stringify({ details: e.details, ip: e.ip, user_agent: e.user_agent, hash: e.hash }, null, 2)}</pre>
								</td>
							</tr>
						)
					]}
				/>
				<div class="pager">
					<button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
						← Newer
					</button>
					<span class="muted small">
						{total ? `${offset + 1}–${Math.min(offset + PAGE, total)} of ${total}` : ""}
					</span>
					<button disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
						Older →
					</button>
				</div>
			</Card>
		</>
	);
}
