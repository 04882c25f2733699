import { useState } from "preact/hooks";
import { get, type List } from "../api";
import { Badge, Card, ErrorBox, short, Table, time, usd, useLoad } from "../components";

const STATUSES = ["", "queued", "running", "awaiting_approval", "completed", "failed", "cancelled", "blocked"];
const POLL_MS = 3_000;

/** Runs, newest first, refreshed every few seconds. */
export function RunsPage() {
	const [status, setStatus] = useState("");
	const [agentId, setAgentId] = useState("");
	const agents = useLoad(() => get<List<any>>("/agents", { limit: 200 }), []);
	const runs = useLoad(() => get<List<any>>("/runtime/runs", { status, agent_id: agentId, limit: 50 }), [status, agentId], POLL_MS);
	const names = new Map<string, string>((agents.data?.items ?? []).map(a => [a.id, a.name]));

	return (
		<>
			<h1>Runs</h1>
			<Card title={runs.data ? `${runs.data.total} run${runs.data.total === 1 ? "" : "s"}` : "Runs"} actions={<span class="muted small live">live · every {POLL_MS / 1000} s</span>}>
				<div class="filters">
					<label>
						Status
						<select value={status} onChange={e => setStatus(e.currentTarget.value)} data-testid="runs-filter-status">
							{STATUSES.map(s => (
								<option value={s}>{s || "any"}</option>
							))}
						</select>
					</label>
					<label>
						Agent
						<select value={agentId} onChange={e => setAgentId(e.currentTarget.value)}>
							<option value="">any</option>
							{(agents.data?.items ?? []).map(a => (
								<option value={a.id}>{a.name}</option>
							))}
						</select>
					</label>
				</div>
				<ErrorBox error={runs.error} />
				<Table
					items={runs.data?.items}
					empty="No runs match."
					testId="runs-table"
					headers={["Run", "Agent", "Status", "Mode", "Trigger", "Tokens", "Cost", "Latency", "Created"]}
					row={r => (
						<tr data-testid={`run-row-${r.id}`}>
							<td>
								<a href={`#/runs/${encodeURIComponent(r.id)}`}>{short(r.id)}</a>
							</td>
							<td>{names.get(r.agent_id) ?? short(r.agent_id)}</td>
							<td>
								<Badge value={r.status} />
							</td>
							<td>{r.mode}</td>
							<td>{r.trigger}</td>
							<td>{r.tokens_input + r.tokens_output}</td>
							<td>{usd(r.cost_usd)}</td>
							<td>{r.latency_ms ? `${r.latency_ms} ms` : "—"}</td>
							<td>{time(r.created_at)}</td>
						</tr>
					)}
				/>
			</Card>
		</>
	);
}
