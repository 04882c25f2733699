import { useEffect, useState } from "preact/hooks";
import { get, post, streamUrl } from "../api";
import { Badge, Card, Empty, ErrorBox, time, useAction, usd } from "../components";

const TERMINAL = new Set(["completed", "failed", "cancelled", "blocked"]);
const RETRYABLE = new Set(["failed", "cancelled", "blocked"]);

type Live = "connecting" | "live" | "closed" | "reconnecting";

/**
 * One run, live: its status and steps arrive over the run's SSE stream (§2 row 6), which first
 * replays the current state and then follows it until the run ends.
 */
export function RunDetail({ id }: { id: string }) {
	const [run, setRun] = useState<any>(null);
	const [steps, setSteps] = useState<any[]>([]);
	const [tokens, setTokens] = useState("");
	const [live, setLive] = useState<Live>("connecting");
	const [loadError, setLoadError] = useState<unknown>(null);
	const [generation, setGeneration] = useState(0);
	const [agentName, setAgentName] = useState<string | null>(null);
	const action = useAction();

	useEffect(() => {
		let closed = false;
		setSteps([]);
		setTokens("");
		setLive("connecting");
		get(`/runtime/runs/${encodeURIComponent(id)}`).then(r => {
			setRun(r);
			get(`/agents/${encodeURIComponent(r.agent_id)}`).then(a => setAgentName(a.name), () => setAgentName(null));
		}, setLoadError);
		const source = new EventSource(streamUrl(`/runtime/runs/${encodeURIComponent(id)}/stream`));
		const data = (e: Event) => JSON.parse((e as MessageEvent).data);
		source.onopen = () => setLive("live");
		source.addEventListener("run.status", e => {
			const status = data(e);
			setRun((r: any) => (r ? { ...r, status: status.status } : r));
		});
		source.addEventListener("step", e => {
			const step = data(e);
			setSteps(list => {
				const rest = list.filter(s => s.index !== step.index);
				return [...rest, step].sort((a, b) => a.index - b.index);
			});
		});
		source.addEventListener("token", e => setTokens(t => t + data(e).text));
		const finish = (e: Event) => {
			setRun(data(e));
			closed = true;
			source.close();
			setLive("closed");
		};
		source.addEventListener("run.completed", finish);
		source.addEventListener("run.failed", finish);
		source.onerror = () => {
			if (!closed) setLive(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
		};
		return () => {
			closed = true;
			source.close();
		};
	}, [id, generation]);

	const cancel = async () => {
		const updated = await action.run(() => post(`/runtime/runs/${encodeURIComponent(id)}/cancel`, { reason: "cancelled from the dashboard" }));
		if (updated) setRun(updated);
	};
	const retry = async () => {
		const next = await action.run(() => post(`/runtime/runs/${encodeURIComponent(id)}/retry`, {}));
		if (next) location.hash = `#/runs/${encodeURIComponent(next.id)}`;
	};

	if (loadError) return <ErrorBox error={loadError} />;
	if (!run) return <p class="muted">Loading…</p>;
	const terminal = TERMINAL.has(run.status);

	return (
		<>
			<p>
				<a href="#/runs">← Runs</a> · <a href={`#/agents/${encodeURIComponent(run.agent_id)}`} data-testid="run-agent">agent {agentName ?? run.agent_id}</a>
			</p>
			<h1>
				Run <code>{run.id}</code> <Badge value={run.status} />
				<span class={`live-dot live-${live}`} data-testid="stream-state" title={`stream ${live}`}>
					{live}
				</span>
			</h1>
			<ErrorBox error={action.error} />
			<div class="actions">
				{!terminal && (
					<button class="danger" disabled={action.busy} onClick={() => void cancel()} data-testid="run-cancel">
						Cancel run
					</button>
				)}
				{RETRYABLE.has(run.status) && (
					<button class="primary" disabled={action.busy} onClick={() => void retry()} data-testid="run-retry">
						Retry
					</button>
				)}
				{live === "closed" && !terminal && <button onClick={() => setGeneration(g => g + 1)}>Reconnect</button>}
				{run.status === "awaiting_approval" && <a href="#/approvals">Open the approvals inbox →</a>}
			</div>
			<Card title="Run">
				<dl class="facts" data-testid="run-facts">
					<dt>Mode</dt>
					<dd>{run.mode}</dd>
					<dt>Agent version</dt>
					<dd>v{run.agent_version}</dd>
					<dt>Input</dt>
					<dd>
						<pre>{run.input}</pre>
					</dd>
					<dt>Output</dt>
					<dd>
						<pre data-testid="run-output">{run.output ?? (tokens || "—")}</pre>
					</dd>
					{run.error && (
						<>
							<dt>Error</dt>
							<dd>
								<code>{run.error.code}</code> {run.error.message}
							</dd>
						</>
					)}
					<dt>Tokens</dt>
					<dd>
						{run.tokens_input} in / {run.tokens_output} out
					</dd>
					<dt>Cost</dt>
					<dd>{usd(run.cost_usd)}</dd>
					<dt>Started</dt>
					<dd>{time(run.started_at)}</dd>
					<dt>Completed</dt>
					<dd>{time(run.completed_at)}</dd>
				</dl>
			</Card>
			<Card title={`Steps (${steps.length})`}>
				{steps.length === 0 && <Empty>No steps yet.</Empty>}
				{steps.length > 0 && (
					<table data-testid="steps-table">
						<thead>
							<tr>
								<th>#</th>
								<th>Type</th>
								<th>Name</th>
								<th>Status</th>
								<th>Tokens</th>
								<th>Latency</th>
								<th>Output</th>
							</tr>
						</thead>
						<tbody>
							{steps.map(s => (
								<tr data-testid={`step-${s.index}`} data-status={s.status} data-type={s.type}>
									<td>{s.index}</td>
									<td>{s.type}</td>
									<td>{s.name}</td>
									<td>
										<Badge value={s.status} />
										{s.error && <div class="small">{s.error.code}</div>}
									</td>
									<td>{s.tokens_input + s.tokens_output || "—"}</td>
									<td>{s.latency_ms ? `${s.latency_ms} ms` : "—"}</td>
									<td>
										<code class="clip">{s.output ? JSON.stringify(s.output) : "—"}</code>
									</td>
								</tr>
							))}
						</tbody>
					</table>
				)}
			</Card>
		</>
	);
}
