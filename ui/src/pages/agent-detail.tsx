import { useState } from "preact/hooks";
import { get, post, put, type List } from "../api";
import { Badge, Card, Empty, ErrorBox, short, time, useAction, useLoad, usd } from "../components";
import { AgentForm, type AgentFields } from "./agent-form";
import { AbTests } from "./ab-tests";

/** One agent: lifecycle (promote), start a run, edit, versions, A/B tests, recent runs. */
export function AgentDetail({ id }: { id: string }) {
	const agent = useLoad(() => get(`/agents/${encodeURIComponent(id)}`), [id]);
	const lifecycle = useLoad(() => get(`/lifecycle/${encodeURIComponent(id)}`), [id]);
	const versions = useLoad(() => get<List<any>>(`/lifecycle/${encodeURIComponent(id)}/versions`, { limit: 200 }), [id]);
	const runs = useLoad(() => get<List<any>>(`/agents/${encodeURIComponent(id)}/runs`, { limit: 10 }), [id]);
	const tools = useLoad(() => get<List<any>>("/tools", { limit: 200 }), []);
	const toolName = (toolId: string) => tools.data?.items.find(t => t.id === toolId)?.name ?? toolId;
	const [editing, setEditing] = useState(false);
	const action = useAction();

	const refreshAll = () => Promise.all([agent.reload(), lifecycle.reload(), versions.reload(), runs.reload()]);
	const promote = async (target_state: string) => {
		if (await action.run(() => post(`/lifecycle/${encodeURIComponent(id)}/promote`, { target_state }))) await refreshAll();
	};
	const save = async (fields: AgentFields) => {
		if (await action.run(() => put(`/agents/${encodeURIComponent(id)}`, fields))) {
			setEditing(false);
			await refreshAll();
		}
	};
	const rollback = async (version: number) => {
		if (await action.run(() => post(`/lifecycle/${encodeURIComponent(id)}/rollback`, { version }))) await refreshAll();
	};

	if (agent.error) return <ErrorBox error={agent.error} />;
	const a = agent.data;
	if (!a) return <p class="muted">Loading…</p>;
	const transitions: string[] = lifecycle.data?.allowed_transitions ?? [];

	return (
		<>
			<p>
				<a href="#/agents">← Agents</a>
			</p>
			<h1>
				{a.name} <Badge value={a.status} /> <span class="muted small" data-testid="agent-version">v{a.version}</span>
			</h1>
			<ErrorBox error={action.error} />
			<Card title="Lifecycle">
				<div class="actions" data-testid="agent-transitions">
					{transitions.length === 0 && <span class="muted">No transition is possible from {a.status}.</span>}
					{transitions.map(t => (
						<button class={t === "archived" || t === "suspended" ? "danger" : "primary"} disabled={action.busy} onClick={() => void promote(t)} data-testid={`promote-${t}`}>
							{t === "draft" ? "Back to draft" : t === "testing" ? "Promote to testing" : t === "active" ? "Promote to active" : t === "suspended" ? "Suspend" : "Archive"}
						</button>
					))}
				</div>
				{lifecycle.data?.last_transition_at && <p class="muted small">Last transition {time(lifecycle.data.last_transition_at)}</p>}
			</Card>
			<StartRun key={a.status} agent={a} />
			<Card title="Configuration" actions={a.status !== "archived" && <button onClick={() => setEditing(!editing)} data-testid="agent-edit">{editing ? "Cancel" : "Edit"}</button>}>
				{editing ? (
					<AgentForm initial={{ ...a }} submitLabel="Save" busy={action.busy} onSubmit={save} />
				) : (
					<dl class="facts">
						<dt>Model</dt>
						<dd>{a.model}</dd>
						<dt>Description</dt>
						<dd data-testid="agent-description-text">{a.description || "—"}</dd>
						<dt>Tools</dt>
						<dd data-testid="agent-tools">{a.tools.length ? a.tools.map((t: string) => <code>{toolName(t)} </code>) : "none"}</dd>
						<dt>Temperature</dt>
						<dd>{a.temperature}</dd>
						<dt>Max steps</dt>
						<dd>{a.max_steps}</dd>
						<dt>Team</dt>
						<dd>{a.team ?? "—"}</dd>
						<dt>System prompt</dt>
						<dd>
							<pre>{a.system_prompt || "—"}</pre>
						</dd>
					</dl>
				)}
			</Card>
			<Card title="Versions">
				<ErrorBox error={versions.error} />
				<table data-testid="versions-table">
					<thead>
						<tr>
							<th>Version</th>
							<th>Source</th>
							<th>Changed</th>
							<th>Model</th>
							<th>Created</th>
							<th />
						</tr>
					</thead>
					<tbody>
						{(versions.data?.items ?? []).map(v => (
							<tr data-testid={`version-row-${v.version}`}>
								<td>v{v.version}</td>
								<td>{v.source}</td>
								<td>{v.changed_fields.join(", ") || "—"}</td>
								<td>{v.config.model}</td>
								<td>{time(v.created_at)}</td>
								<td>
									{v.version !== a.version && a.status !== "archived" && (
										<button class="small" disabled={action.busy} onClick={() => void rollback(v.version)}>
											Roll back to v{v.version}
										</button>
									)}
								</td>
							</tr>
						))}
					</tbody>
				</table>
			</Card>
			<AbTests agent={a} versions={(versions.data?.items ?? []).map(v => v.version)} />
			<Card title="Recent runs">
				{runs.data && runs.data.items.length === 0 && <Empty>No runs yet.</Empty>}
				{runs.data && runs.data.items.length > 0 && (
					<table>
						<tbody>
							{runs.data.items.map(r => (
								<tr>
									<td>
										<a href={`#/runs/${encodeURIComponent(r.id)}`}>{short(r.id)}</a>
									</td>
									<td>
										<Badge value={r.status} />
									</td>
									<td>{r.mode}</td>
									<td>{usd(r.cost_usd)}</td>
									<td>{time(r.created_at)}</td>
								</tr>
							))}
						</tbody>
					</table>
				)}
			</Card>
		</>
	);
}

/** Starts a run of this agent and opens its live view. */
function StartRun({ agent }: { agent: any }) {
	const [input, setInput] = useState("");
	const [mode, setMode] = useState(agent.status === "active" ? "production" : "test");
	const action = useAction();
	if (agent.status === "suspended" || agent.status === "archived") return null;
	const start = async (e: Event) => {
		e.preventDefault();
		const run = await action.run(() => post("/runtime/runs", { agent_id: agent.id, input, mode }));
		if (run) location.hash = `#/runs/${encodeURIComponent(run.id)}`;
	};
	return (
		<Card title="Start a run">
			<form class="form" onSubmit={start} data-testid="run-form">
				<label>
					Input
					<textarea rows={3} required value={input} onInput={e => setInput(e.currentTarget.value)} data-testid="run-input" />
				</label>
				<div class="row">
					<label>
						Mode
						<select value={mode} onChange={e => setMode(e.currentTarget.value)} data-testid="run-mode">
							{agent.status === "active" && <option value="production">production</option>}
							<option value="test">test</option>
						</select>
					</label>
				</div>
				<ErrorBox error={action.error} />
				<button type="submit" class="primary" disabled={action.busy} data-testid="run-start">
					Start run
				</button>
			</form>
		</Card>
	);
}
