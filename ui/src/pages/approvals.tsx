import { useState } from "preact/hooks";
import { get, post, type List } from "../api";
import { Badge, Card, Empty, ErrorBox, short, time, useAction, useLoad } from "../components";

const STATUSES = ["pending", "approved", "rejected", "expired", "cancelled"];
const POLL_MS = 5_000;

/** The approvals inbox (§12): tool calls and escalations waiting for a human decision. */
export function ApprovalsPage() {
	const [status, setStatus] = useState("pending");
	const list = useLoad(() => get<List<any>>("/governance/approvals", { status, limit: 100 }), [status], POLL_MS);
	const agents = useLoad(() => get<List<any>>("/agents", { limit: 200 }), []);
	const names = new Map<string, string>((agents.data?.items ?? []).map(a => [a.id, a.name]));
	const [comments, setComments] = useState<Record<string, string>>({});
	const action = useAction();

	const decide = async (id: string, verdict: "approve" | "reject") => {
		const comment = comments[id]?.trim();
		if (await action.run(() => post(`/governance/approvals/${encodeURIComponent(id)}/${verdict}`, comment ? { comment } : {}))) await list.reload();
	};

	return (
		<>
			<h1>Approvals</h1>
			<Card
				title={list.data ? `${list.data.total} ${status}` : "Approvals"}
				actions={
					<select value={status} onChange={e => setStatus(e.currentTarget.value)} data-testid="approvals-filter-status">
						{STATUSES.map(s => (
							<option value={s}>{s}</option>
						))}
					</select>
				}
			>
				<ErrorBox error={list.error ?? action.error} />
				{list.data && list.data.items.length === 0 && <Empty>Nothing {status}.</Empty>}
				<div class="inbox">
					{(list.data?.items ?? []).map(a => (
						<article class="approval" data-testid={`approval-${a.run_id}`}>
							<header>
								<Badge value={a.kind} /> <strong>{a.tool_name ?? "escalation"}</strong> for agent{" "}
								<a href={`#/agents/${encodeURIComponent(a.agent_id)}`}>{names.get(a.agent_id) ?? short(a.agent_id)}</a> · run{" "}
								<a href={`#/runs/${encodeURIComponent(a.run_id)}`}>{short(a.run_id)}</a> <Badge value={a.status} />
							</header>
							<p>{a.reason}</p>
							{a.tool_input && <pre class="small">{JSON.stringify(a.tool_input, null, 2)}</pre>}
							<p class="muted small">
								Requested {time(a.created_at)}
								{a.expires_at && ` · expires ${time(a.expires_at)}`}
								{a.decided_at && ` · decided ${time(a.decided_at)}`}
								{a.comment && ` · “${a.comment}”`}
							</p>
							{a.status === "pending" && (
								<div class="actions">
									<input
										placeholder="Comment (optional)"
										value={comments[a.id] ?? ""}
										onInput={e => setComments(c => ({ ...c, [a.id]: (e.target as HTMLInputElement).value }))}
									/>
									<button class="primary" disabled={action.busy} onClick={() => void decide(a.id, "approve")} data-testid="approval-approve">
										Approve
									</button>
									<button class="danger" disabled={action.busy} onClick={() => void decide(a.id, "reject")} data-testid="approval-reject">
										Reject
									</button>
								</div>
							)}
						</article>
					))}
				</div>
			</Card>
		</>
	);
}
