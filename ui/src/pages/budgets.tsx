import { useState } from "preact/hooks";
import { get, post, type List } from "../api";
import { Badge, Card, Empty, ErrorBox, time, UsageBar, useAction, useLoad, usd } from "../components";

/** Budgets with their usage bars, unacknowledged alerts, a new budget, and the cost summary (§8, §11). */
export function BudgetsPage() {
	const budgets = useLoad(() => get<List<any>>("/budgets", { limit: 200 }), []);
	const usage = useLoad(() => get<List<any>>("/budgets/usage", { limit: 200 }), []);
	const alerts = useLoad(() => get<List<any>>("/budgets/alerts", { limit: 100 }), []);
	const [groupBy, setGroupBy] = useState("agent");
	const summary = useLoad(() => get("/cost/summary", { group_by: groupBy }), [groupBy]);
	const action = useAction();
	const byId = new Map<string, any>((budgets.data?.items ?? []).map(b => [b.id, b]));

	const acknowledge = async (id: string) => {
		if (await action.run(() => post(`/budgets/alerts/${encodeURIComponent(id)}/acknowledge`, {}))) await alerts.reload();
	};
	const created = async () => {
		await Promise.all([budgets.reload(), usage.reload()]);
	};

	return (
		<>
			<h1>Budgets &amp; cost</h1>
			<ErrorBox error={action.error} />
			<Card title="Usage this period">
				<ErrorBox error={usage.error} />
				{usage.data && usage.data.items.length === 0 && <Empty>No budgets yet.</Empty>}
				<div class="usage" data-testid="budget-usage">
					{(usage.data?.items ?? []).map(u => {
						const budget = byId.get(u.budget_id);
						return (
							<div class="usage-row" data-testid={`usage-${u.budget_name}`}>
								<div class="usage-head">
									<strong>{u.budget_name}</strong>
									<span class="muted small">
										{budget?.scope ?? ""} · {u.period} · {budget?.action_on_exceed ?? ""}
										{budget && !budget.enabled && " · disabled"}
									</span>
									<span class="right">
										{usd(u.used_usd)} of {usd(u.limit_usd)} ({u.percentage_used.toFixed(2)} %)
									</span>
								</div>
								<UsageBar percentage={u.percentage_used} threshold={budget?.alert_threshold} />
								<div class="muted small">
									reserved {usd(u.reserved_usd)} · remaining {usd(u.remaining_usd)} · resets {time(u.resets_at)}
								</div>
							</div>
						);
					})}
				</div>
			</Card>
			<Card title="Alerts">
				<ErrorBox error={alerts.error} />
				{alerts.data && alerts.data.items.length === 0 && <Empty>No unacknowledged alerts.</Empty>}
				{(alerts.data?.items ?? []).map(a => (
					<div class={`alert alert-${a.type}`} data-testid="budget-alert">
						<Badge value={a.type} /> <strong>{a.budget_name}</strong> {a.message}
						<span class="muted small"> · {time(a.created_at)}</span>
						<button class="small" onClick={() => void acknowledge(a.id)}>
							Acknowledge
						</button>
					</div>
				))}
			</Card>
			<NewBudget onCreated={created} />
			<Card
				title="Cost, last 30 days"
				actions={
					<select value={groupBy} onChange={e => setGroupBy(e.currentTarget.value)}>
						{["agent", "model", "provider", "day"].map(g => (
							<option value={g}>by {g}</option>
						))}
					</select>
				}
			>
				<ErrorBox error={summary.error} />
				{summary.data && (
					<>
						<p>
							Total <strong data-testid="cost-total">{usd(summary.data.total_cost_usd)}</strong>
						</p>
						<table>
							<thead>
								<tr>
									<th>{groupBy}</th>
									<th>Cost</th>
									<th>Runs</th>
									<th>Tokens in</th>
									<th>Tokens out</th>
									<th />
								</tr>
							</thead>
							<tbody>
								{summary.data.items.map((i: any) => (
									<tr>
										<td>{i.label}</td>
										<td>{usd(i.cost_usd)}</td>
										<td>{i.runs}</td>
										<td>{i.tokens_input}</td>
										<td>{i.tokens_output}</td>
										<td class="wide">
											<UsageBar percentage={summary.data.total_cost_usd ? (i.cost_usd / summary.data.total_cost_usd) * 100 : 0} />
										</td>
									</tr>
								))}
							</tbody>
						</table>
					</>
				)}
			</Card>
		</>
	);
}

function NewBudget({ onCreated }: { onCreated(): Promise<void> }) {
	const [name, setName] = useState("");
	const [period, setPeriod] = useState("monthly");
	const [limit, setLimit] = useState("10");
	const [onExceed, setOnExceed] = useState("block");
	const [agentId, setAgentId] = useState("");
	const agents = useLoad(() => get<List<any>>("/agents", { limit: 200 }), []);
	const action = useAction();
	const submit = async (e: Event) => {
		e.preventDefault();
		const body = { name, period, limit_usd: Number(limit), action_on_exceed: onExceed, ...(agentId ? { agent_id: agentId } : {}) };
		if (await action.run(() => post("/budgets", body))) {
			setName("");
			await onCreated();
		}
	};
	return (
		<Card title="New budget">
			<form class="form row" onSubmit={submit} data-testid="budget-form">
				<label>
					Name
					<input required value={name} onInput={e => setName(e.currentTarget.value)} />
				</label>
				<label>
					Scope
					<select value={agentId} onChange={e => setAgentId(e.currentTarget.value)}>
						<option value="">whole organization</option>
						{(agents.data?.items ?? []).map(a => (
							<option value={a.id}>agent {a.name}</option>
						))}
					</select>
				</label>
				<label>
					Period
					<select value={period} onChange={e => setPeriod(e.currentTarget.value)}>
						{["daily", "weekly", "monthly"].map(p => (
							<option value={p}>{p}</option>
						))}
					</select>
				</label>
				<label>
					Limit (USD)
					<input type="number" min={0.01} step={0.01} required value={limit} onInput={e => setLimit(e.currentTarget.value)} />
				</label>
				<label>
					When exceeded
					<select value={onExceed} onChange={e => setOnExceed(e.currentTarget.value)}>
						{["block", "throttle", "alert_only"].map(p => (
							<option value={p}>{p}</option>
						))}
					</select>
				</label>
				<button type="submit" class="primary" disabled={action.busy}>
					Create budget
				</button>
			</form>
			<ErrorBox error={action.error} />
		</Card>
	);
}
