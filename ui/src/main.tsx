import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { currentSession, get, logout, onSession, type Session } from "./api";
import { Login } from "./pages/login";
import { AgentsPage } from "./pages/agents";
import { AgentDetail } from "./pages/agent-detail";
import { RunsPage } from "./pages/runs";
import { RunDetail } from "./pages/run-detail";
import { ApprovalsPage } from "./pages/approvals";
import { BudgetsPage } from "./pages/budgets";
import { AuditPage } from "./pages/audit";
import { AnalyticsPage } from "./pages/analytics";
import "./styles.css";

/** Hash routes (#/agents/agt_1): the server only ever serves index.html and the bundle. */
function useRoute(): string[] {
	const parse = () => location.hash.replace(/^#\/?/, "").split("?")[0].split("/").filter(Boolean).map(decodeURIComponent);
	const [route, setRoute] = useState(parse);
	useEffect(() => {
		const onChange = () => setRoute(parse());
		window.addEventListener("hashchange", onChange);
		return () => window.removeEventListener("hashchange", onChange);
	}, []);
	return route;
}

const NAV: [string, string][] = [
	["analytics", "Overview"],
	["agents", "Agents"],
	["runs", "Runs"],
	["approvals", "Approvals"],
	["budgets", "Budgets & cost"],
	["audit", "Audit log"]
];

function Page({ route }: { route: string[] }) {
	const [section, id] = route;
	switch (section) {
		case "agents":
			return id ? <AgentDetail id={id} /> : <AgentsPage />;
		case "runs":
			return id ? <RunDetail id={id} /> : <RunsPage />;
		case "approvals":
			return <ApprovalsPage />;
		case "budgets":
			return <BudgetsPage />;
		case "audit":
			return <AuditPage />;
		default:
			return <AnalyticsPage />;
	}
}

function Shell() {
	const route = useRoute();
	const [me, setMe] = useState<any>(null);
	useEffect(() => {
		get("/auth/me").then(setMe, () => undefined);
	}, []);
	const who = me ? (me.user?.email ?? me.api_key?.name ?? me.principal_type) : "";
	const section = route[0] ?? "analytics";
	return (
		<div class="shell">
			<nav class="side">
				<div class="brand">Fluxgate</div>
				{NAV.map(([path, label]) => (
					<a href={`#/${path}`} class={section === path ? "active" : ""} data-testid={`nav-${path}`}>
						{label}
					</a>
				))}
				<div class="who">
					<span data-testid="whoami">{who}</span>
					{me?.org && <span class="muted">{me.org.name}</span>}
					<button class="link" onClick={() => void logout()} data-testid="logout">
						Sign out
					</button>
				</div>
			</nav>
			<main class="content">
				<Page route={route} />
			</main>
		</div>
	);
}

function App() {
	const [session, setSession] = useState<Session | null>(currentSession());
	useEffect(() => onSession(setSession), []);
	return session ? <Shell /> : <Login />;
}

render(<App />, document.getElementById("app")!);
