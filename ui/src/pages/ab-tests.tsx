import { useState } from "preact/hooks";
import { get, post, type List } from "../api";
import { Badge, Card, ErrorBox, Table, time, usd, useAction, useLoad } from "../components";

const pct = (n: number) => `${(n * 100).toFixed(1)} %`;

/** The agent's A/B tests: live metrics per variant, start one, stop one with a winner. */
export function AbTests({ agent, versions }: { agent: any; versions: number[] }) {
	const tests = useLoad(() => get<List<any>>(`/lifecycle/${encodeURIComponent(agent.id)}/ab-tests`, { limit: 50 }), [agent.id, agent.version]);
	const [versionB, setVersionB] = useState("");
	const [split, setSplit] = useState(50);
	const [name, setName] = useState("");
	const action = useAction();
	const others = versions.filter(v => v !== agent.version);
	const canStart = (agent.status === "testing" || agent.status === "active") && others.length > 0;

	const start = async (e: Event) => {
		e.preventDefault();
		const body = { version_b: Number(versionB || others[0]), traffic_split: split, ...(name ? { name } : {}) };
		if (await action.run(() => post(`/lifecycle/${encodeURIComponent(agent.id)}/ab-tests`, body))) await tests.reload();
	};
	const stop = async (id: string, winner?: "a" | "b") => {
		if (await action.run(() => post(`/lifecycle/ab-tests/${encodeURIComponent(id)}/stop`, winner ? { winner } : {}))) await tests.reload();
	};

	return (
		<Card title="A/B tests">
			<ErrorBox error={tests.error ?? action.error} />
			<Table
				items={tests.data?.items}
				empty="No A/B tests."
				testId="ab-tests-table"
				headers={["Test", "Status", "A", "B", "Split to B", "Started", ""]}
				row={t => (
					<tr data-testid="ab-test-row" data-status={t.status}>
						<td>{t.name ?? t.id}</td>
						<td>
							<Badge value={t.status} />
							{t.winner && <span class="muted small"> winner {t.winner.toUpperCase()}</span>}
						</td>
						<td>
							<Variant m={t.metrics.a} />
						</td>
						<td>
							<Variant m={t.metrics.b} />
						</td>
						<td>{t.traffic_split} %</td>
						<td>{time(t.started_at)}</td>
						<td>
							{t.status === "running" && (
								<div class="actions">
									<button class="small" onClick={() => void stop(t.id, "a")} data-testid="ab-keep-a">
										Keep A
									</button>
									<button class="small primary" onClick={() => void stop(t.id, "b")}>Adopt B</button>
								</div>
							)}
						</td>
					</tr>
				)}
			/>
			{canStart && (
				<form class="form row" onSubmit={start} data-testid="ab-test-form">
					<label>
						Candidate version
						<select value={versionB || String(others[0])} onChange={e => setVersionB(e.currentTarget.value)} data-testid="ab-version-b">
							{others.map(v => (
								<option value={String(v)}>v{v}</option>
							))}
						</select>
					</label>
					<label>
						Traffic to B (%)
						<input type="number" min={1} max={99} value={split} onInput={e => setSplit(Number(e.currentTarget.value))} data-testid="ab-split" />
					</label>
					<label>
						Name
						<input value={name} onInput={e => setName(e.currentTarget.value)} data-testid="ab-name" />
					</label>
					<button type="submit" class="primary" disabled={action.busy} data-testid="ab-start">
						Start A/B test against v{agent.version}
					</button>
				</form>
			)}
			{!canStart && <p class="muted small">A/B tests need a testing or active agent with at least two versions.</p>}
		</Card>
	);
}

function Variant({ m }: { m: any }) {
	return (
		<div class="small">
			v{m.version}: {m.runs} runs, {pct(m.success_rate)} ok, {Math.round(m.avg_latency_ms)} ms, {usd(m.avg_cost_usd)}
		</div>
	);
}
