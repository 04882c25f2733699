import { useState } from "preact/hooks";
import { get, post, type List } from "../api";
import { Badge, Card, ErrorBox, Table, time, useAction, useLoad } from "../components";
import { AgentForm, type AgentFields } from "./agent-form";

const STATUSES = ["", "draft", "testing", "active", "suspended", "archived"];

/** Agents: filtered list and the create form. */
export function AgentsPage() {
	const [status, setStatus] = useState("");
	const [search, setSearch] = useState("");
	const [creating, setCreating] = useState(false);
	const list = useLoad(() => get<List<any>>("/agents", { status, search, limit: 200 }), [status, search]);
	const create = useAction();

	const submit = async (fields: AgentFields) => {
		const agent = await create.run(() => post("/agents", fields));
		if (agent) location.hash = `#/agents/${encodeURIComponent(agent.id)}`;
	};

	return (
		<>
			<h1>Agents</h1>
			<Card
				title={list.data ? `${list.data.total} agent${list.data.total === 1 ? "" : "s"}` : "Agents"}
				actions={
					<button class="primary" onClick={() => setCreating(!creating)} data-testid="agent-new">
						{creating ? "Close" : "New agent"}
					</button>
				}
			>
				{creating && (
					<div class="panel">
						<AgentForm submitLabel="Create agent" busy={create.busy} onSubmit={submit} />
						<ErrorBox error={create.error} />
					</div>
				)}
				<div class="filters">
					<label>
						Status
						<select value={status} onChange={e => setStatus(e.currentTarget.value)} data-testid="agents-filter-status">
							{STATUSES.map(s => (
								<option value={s}>{s || "any"}</option>
							))}
						</select>
					</label>
					<label>
						Search
						<input type="search" value={search} onInput={e => setSearch(e.currentTarget.value)} placeholder="name or description" />
					</label>
				</div>
				<ErrorBox error={list.error} />
				<Table
					items={list.data?.items}
					empty="No agents match."
					testId="agents-table"
					headers={["Name", "Status", "Model", "Version", "Tools", "Team", "Created"]}
					row={a => (
						<tr data-testid={`agent-row-${a.name}`}>
							<td>
								<a href={`#/agents/${encodeURIComponent(a.id)}`}>{a.name}</a>
								{a.description && <div class="muted small">{a.description}</div>}
							</td>
							<td>
								<Badge value={a.status} />
							</td>
							<td>{a.model}</td>
							<td>v{a.version}</td>
							<td>{a.tools.length}</td>
							<td>{a.team ?? "—"}</td>
							<td>{time(a.created_at)}</td>
						</tr>
					)}
				/>
			</Card>
		</>
	);
}
