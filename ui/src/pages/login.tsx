import { useState } from "preact/hooks";
import { loginWithKey, loginWithPassword, sessionEndReason } from "../api";
import { ErrorBox, useAction } from "../components";

/** Sign in with e-mail and password (access + refresh token) or with an API key. */
export function Login() {
	const [mode, setMode] = useState<"password" | "key">("password");
	const [email, setEmail] = useState("");
	const [password, setPassword] = useState("");
	const [key, setKey] = useState("");
	const { error, busy, run } = useAction();
	const submit = (e: Event) => {
		e.preventDefault();
		void run(() => (mode === "password" ? loginWithPassword(email.trim(), password) : loginWithKey(key.trim())));
	};
	return (
		<div class="login">
			<form class="card login-card" onSubmit={submit} data-testid="login-form">
				<h1>Fluxgate</h1>
				<p class="muted">Sign in to the control plane.</p>
				{sessionEndReason() && !error && (
					<p class="notice" data-testid="session-ended">
						{sessionEndReason()}
					</p>
				)}
				<div class="tabs">
					<button type="button" class={mode === "password" ? "tab active" : "tab"} onClick={() => setMode("password")} data-testid="login-mode-password">
						E-mail and password
					</button>
					<button type="button" class={mode === "key" ? "tab active" : "tab"} onClick={() => setMode("key")} data-testid="login-mode-key">
						API key
					</button>
				</div>
				{mode === "password" ? (
					<>
						<label>
							E-mail
							<input type="email" autocomplete="username" required value={email} onInput={e => setEmail(e.currentTarget.value)} data-testid="login-email" />
						</label>
						<label>
							Password
							<input type="password" autocomplete="current-password" required value={password} onInput={e => setPassword(e.currentTarget.value)} data-testid="login-password" />
						</label>
					</>
				) : (
					<label>
						API key
						<input type="password" placeholder="fgk_…" required value={key} onInput={e => setKey(e.currentTarget.value)} data-testid="login-key" />
					</label>
				)}
				<ErrorBox error={error} />
				<button type="submit" class="primary" disabled={busy} data-testid="login-submit">
					{busy ? "Signing in…" : "Sign in"}
				</button>
			</form>
		</div>
	);
}
