import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SERVER_JS, spawnServer, stopServer, waitHealthy, type ServerProcess } from "../helpers/server-process";

const CLI_JS = path.join(__dirname, "..", "..", "dist", "cli", "main.js");
const KEY = "fgk_CliOwnerKey_0123456789abcdefghijklmnopqr".slice(0, 44);
const PASSWORD = "cli-owner-password";

interface Result {
	code: number | null;
	stdout: string;
	stderr: string;
}

describe("the fluxgate CLI (built binary) against the built server", () => {
	let dataDir: string;
	let configHome: string;
	let server: ServerProcess;
	const configFile = () => path.join(configHome, "fluxgate", "config.json");

	/** Runs `node dist/cli/main.js …` (or `command` with these args) with its own config home; `FLUXGATE_*` come only from `env`. */
	function cli(args: string[], options: { env?: Record<string, string>; stdin?: string; command?: string } = {}): Promise<Result> {
		const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("FLUXGATE_")));
		const [command, commandArgs] = options.command ? [options.command, args] : [process.execPath, [CLI_JS, ...args]];
		const child = spawn(command, commandArgs, { env: { ...env, XDG_CONFIG_HOME: configHome, ...options.env }, stdio: ["pipe", "pipe", "pipe"] });
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", c => (stdout += c));
		child.stderr.on("data", c => (stderr += c));
		child.stdin.end(options.stdin ?? "");
		return new Promise(resolve => child.on("close", code => resolve({ code, stdout, stderr })));
	}
	const json = async (args: string[]) => {
		const result = await cli([...args, "--json"]);
		expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: "" });
		return JSON.parse(result.stdout);
	};

	beforeAll(async () => {
		if (!fs.existsSync(SERVER_JS) || !fs.existsSync(CLI_JS)) throw new Error("dist/ is missing: run `npm run build` first (npm test does)");
		dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fluxgate-cli-data-"));
		configHome = fs.mkdtempSync(path.join(os.tmpdir(), "fluxgate-cli-config-"));
		server = await spawnServer({ FLUXGATE_DATA_DIR: dataDir, FLUXGATE_BOOTSTRAP_KEY: KEY, FLUXGATE_BOOTSTRAP_PASSWORD: PASSWORD, FLUXGATE_RATE_LIMIT: "100000" });
		await waitHealthy(server);
	});
	afterAll(async () => {
		await stopServer(server, "SIGKILL");
		fs.rmSync(dataDir, { recursive: true, force: true });
		fs.rmSync(configHome, { recursive: true, force: true });
	});

	test("login saves owner-only profiles (API key, e-mail and password); profiles never print credentials; errors carry code and request id", async () => {
		const before = await cli(["agents", "list"]);
		expect(before.code).toBe(2);
		expect(before.stderr).toMatch(/Not logged in .*fluxgate login/);

		const byKey = await cli(["login", "--url", server.url, "--api-key", KEY]);
		expect(byKey).toMatchObject({ code: 0, stderr: expect.stringMatching(/Logged in to .* as API key .*profile "default"/) });
		expect(fs.statSync(configFile()).mode & 0o777).toBe(0o600);

		const wrong = await cli(["login", "--profile", "human", "--url", server.url, "--email", "owner@localhost", "--password-stdin"], { stdin: "not-the-password\n" });
		expect(wrong.code).toBe(1);
		expect(wrong.stderr).toMatch(/^error: .*\(INVALID_CREDENTIALS, HTTP 401, request \S+\)/m);

		const human = await cli(["login", "--profile", "human", "--url", server.url, "--email", "owner@localhost", "--password-stdin"], { stdin: `${PASSWORD}\n` });
		expect(human.code).toBe(0);
		const me = await json(["whoami", "--profile", "human"]);
		expect(me).toMatchObject({ principal_type: "user", user: { email: "owner@localhost" }, roles: expect.arrayContaining(["owner"]) });
		expect((await json(["whoami"])).principal_type).toBe("user");
		expect((await json(["whoami", "--profile", "default"])).principal_type).toBe("api_key");

		const listed = await cli(["profiles"]);
		expect(listed.stdout).toMatch(/\*\s+human\s+http:\/\/127\.0\.0\.1:\d+\s+login owner@localhost/);
		expect(listed.stdout).toMatch(/default\s+http:\/\/127\.0\.0\.1:\d+\s+api key/);
		expect(listed.stdout + listed.stderr).not.toContain(KEY);
		expect(listed.stdout).not.toMatch(/eyJ|fgk_/);
		expect((await cli(["profiles", "use", "default"])).code).toBe(0);
		expect(JSON.parse(fs.readFileSync(configFile(), "utf8")).current).toBe("default");

		const missing = await cli(["agents", "get", "agt_nope"]);
		expect(missing.code).toBe(1);
		expect(missing.stderr).toMatch(/\(NOT_FOUND, HTTP 404, request \S+\)/);
		const invalid = await cli(["agents", "create", "--name", "Not A Slug!", "--model", "mock-echo"]);
		expect(invalid.code).toBe(1);
		expect(invalid.stderr).toMatch(/VALIDATION_ERROR[\s\S]*\n {2}name: /);
		expect((await cli(["agents", "create", "--name", "x"])).code).toBe(2);
		expect((await cli(["runs", "explode"])).code).toBe(2);
	});

	test("agents: create, list, get by name, update, promote; runs start --follow shows steps and tokens live, and exits 1 when the run fails", async () => {
		const env = { FLUXGATE_URL: server.url, FLUXGATE_API_KEY: KEY };
		const created = await cli(["agents", "create", "--name", "cli-helper", "--model", "mock-echo", "--description", "made by the CLI"], { env });
		expect(created).toMatchObject({ code: 0, stderr: expect.stringMatching(/Created agent cli-helper \(agt_\S+\), version 1, status draft/) });
		const list = await json(["agents", "list", "--search", "cli-helper"]);
		expect(list.items.map((a: any) => a.name)).toEqual(["cli-helper"]);
		const table = await cli(["agents", "list"]);
		expect(table.stdout).toMatch(/^ID\s+NAME\s+STATUS\s+VERSION\s+MODEL/);
		expect(table.stdout).toMatch(/agt_\S+\s+cli-helper\s+draft\s+1\s+mock-echo/);
		expect((await json(["agents", "update", "cli-helper", "--system-prompt", "Be brief."])).version).toBe(2);
		expect((await json(["agents", "get", "cli-helper"])).system_prompt).toBe("Be brief.");
		await json(["agents", "promote", "cli-helper", "testing", "--reason", "try it"]);
		expect((await json(["agents", "get", list.items[0].id])).status).toBe("testing");

		const followed = await cli(["runs", "start", "cli-helper", "--input", "SLEEP 400\nhello from the command line", "--follow"]);
		expect(followed.code).toBe(0);
		expect(followed.stderr).toMatch(/Run run_\S+ queued \(agent cli-helper, test mode\)/);
		expect(followed.stderr).toMatch(/status running/);
		expect(followed.stderr).toMatch(/✓ step 0 memory recall completed {2}\d+ ms\n✓ step 1 llm_call mock-echo completed {2}\d+→\d+ tokens {2}\d+ ms\n/);
		expect(followed.stderr).toMatch(/^completed {2}\d+→\d+ tokens, \$\d+\.\d{6}, \d+ ms$/m);
		expect(followed.stdout).toBe("hello from the command line\n");

		// On a terminal the same run shows a live line: current step, tokens streamed so far, elapsed time.
		// `script` runs the command with $SHELL: POSIX sh, whose double quotes keep the input's newline.
		const onTerminal = await cli(["-qec", `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI_JS)} runs start cli-helper --follow --input "SLEEP 1200\none two three four five six"`, "/dev/null"], {
			env: { ...env, SHELL: "/bin/sh" },
			command: "script"
		});
		expect(onTerminal.code).toBe(0);
		expect(onTerminal.stdout).toMatch(/\r\u001b\[K\S running · step 1 llm_call( mock-echo)? · [1-9]\d* tokens streamed · \d+\.\d s/);
		expect(onTerminal.stdout).toMatch(/one two three four five six\r?\n$/);

		const events = (await cli(["runs", "start", "cli-helper", "--input", "SLEEP 300\nstreamed words for the script", "--follow", "--json"])).stdout
			.trim()
			.split("\n")
			.map(line => JSON.parse(line));
		expect(events[0].event).toBe("run.status");
		expect(events.filter(e => e.event === "token").length).toBeGreaterThan(1);
		expect(events.at(-1)).toMatchObject({ event: "run.completed", data: { status: "completed", output: "streamed words for the script" } });

		const failed = await cli(["runs", "start", "cli-helper", "--input", "FAIL", "--follow"]);
		expect(failed.code).toBe(1);
		expect(failed.stderr).toMatch(/✗ step 1 llm_call mock-echo failed/);
		expect(failed.stderr).toMatch(/^failed {2}PROVIDER_ERROR /m);

		const runId = (await cli(["runs", "start", "cli-helper", "--input", "SLEEP 20000\nslow"])).stdout.trim();
		expect(runId).toMatch(/^run_/);
		const follower = cli(["runs", "follow", runId]);
		await new Promise(r => setTimeout(r, 500));
		expect((await json(["runs", "cancel", runId, "--reason", "not needed"])).status).toBe("cancelled");
		const cancelled = await follower;
		expect(cancelled.code).toBe(1);
		expect(cancelled.stderr).toMatch(/^cancelled {2}CANCELLED /m);
		const shown = await cli(["runs", "get", runId]);
		expect(shown.stdout).toMatch(/status\s+cancelled/);
		expect((await json(["runs", "list", "--agent", "cli-helper", "--status", "completed"])).total).toBe(3);
	});

	test("agents export writes a bundle without ids or literal header values; import recreates the agent, creating or reusing tools by name", async () => {
		const api = (method: string, url: string, body?: unknown) =>
			fetch(server.url + url, { method, headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined }).then(async r => ((await r.text()) || "null"))
				.then(text => JSON.parse(text));
		const rest = await api("POST", "/api/v1/tools", {
			name: "cli-weather",
			description: "Weather lookup",
			type: "rest_api",
			endpoint: "https://weather.example.com/{city}",
			headers: { Authorization: "Bearer {{secrets.WEATHER_TOKEN}}", "X-Literal-Key": "sk-live-do-not-leak" },
			safety_level: "safe"
		});
		const echo = await api("POST", "/api/v1/tools", { name: "cli-echo", description: "Echo", type: "function", config: { function: "echo" } });
		expect([rest.id, echo.id]).toEqual([expect.stringMatching(/^tool_/), expect.stringMatching(/^tool_/)]);
		await json(["agents", "create", "--name", "cli-bundled", "--model", "mock-tools", "--system-prompt", "Use tools."]);
		await api("POST", `/api/v1/agents/${(await json(["agents", "get", "cli-bundled"])).id}/tools`, { tool_ids: [rest.id, echo.id] });

		const file = path.join(configHome, "bundle.json");
		const exported = await cli(["agents", "export", "cli-bundled", "--output", file]);
		expect(exported).toMatchObject({ code: 0, stderr: expect.stringContaining("literal header value(s) X-Literal-Key left out") });
		const text = fs.readFileSync(file, "utf8");
		expect(text).not.toMatch(/sk-live-do-not-leak|tool_|agt_|org_/);
		const bundle = JSON.parse(text);
		expect(bundle).toMatchObject({ fluxgate_bundle: 1, agent: { name: "cli-bundled", model: "mock-tools", system_prompt: "Use tools." } });
		expect(bundle.tools.map((t: any) => t.name)).toEqual(["cli-weather", "cli-echo"]);
		expect(bundle.tools[0].headers).toEqual({ Authorization: "Bearer {{secrets.WEATHER_TOKEN}}" });

		const copy = await json(["agents", "import", file, "--name", "cli-bundled-copy"]);
		expect(copy.tools.map((t: any) => t.action)).toEqual(["reused", "reused"]);
		expect(copy.agent).toMatchObject({ name: "cli-bundled-copy", status: "draft", tools: [rest.id, echo.id] });

		// Into another org: there the tools do not exist yet, so they are created (the secret reference travels as is).
		await api("POST", "/api/v1/admin/orgs", { name: "Other Org", owner_email: "other@example.com", owner_name: "Other", owner_password: "other-owner-password" });
		const other = ["--profile", "other"];
		expect((await cli(["login", ...other, "--url", server.url, "--email", "other@example.com", "--password-stdin"], { stdin: "other-owner-password" })).code).toBe(0);
		const imported = await cli(["agents", "import", file, ...other]);
		expect(imported.code).toBe(0);
		expect(imported.stderr).toMatch(/tool cli-weather: created \(tool_\S+\)\ntool cli-echo: created \(tool_\S+\)/);
		expect(imported.stdout).toMatch(/^Imported agent cli-bundled \(agt_\S+\), status draft$/m);
		const otherAgent = await json(["agents", "get", "cli-bundled", ...other]);
		expect(otherAgent.tools).toHaveLength(2);
		expect(otherAgent.tools).not.toContain(rest.id);
		await cli(["profiles", "use", "default"]);

		await api("DELETE", `/api/v1/agents/${copy.agent.id}`);
		const again = await cli(["agents", "import", file, "--name", "cli-bundled"]);
		expect(again.code).toBe(1);
		expect(again.stderr).toMatch(/ALREADY_EXISTS/);
		const bad = path.join(configHome, "bad.json");
		fs.writeFileSync(bad, JSON.stringify({ agent: { name: "x" } }));
		const refused = await cli(["agents", "import", bad]);
		expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('not a Fluxgate agent bundle (expected "fluxgate_bundle": 1') });
	});

	test("audit tail prints the latest entries oldest first, and --follow prints new ones as they are written", async () => {
		const lines = (await cli(["audit", "tail", "--limit", "3", "--json"])).stdout.trim().split("\n").map(l => JSON.parse(l));
		expect(lines).toHaveLength(3);
		expect(lines[0].created_at <= lines[2].created_at).toBe(true);
		expect((await cli(["audit", "tail", "--action", "agent.create", "--outcome", "success", "--limit", "1"])).stdout).toMatch(/success\s+agent\.create\s+agent\/agt_\S+/);

		const child = spawn(process.execPath, [CLI_JS, "audit", "tail", "--follow", "--limit", "1", "--interval", "0.2", "--action", "agent.create", "--outcome", "success"], {
			env: { ...process.env, XDG_CONFIG_HOME: configHome },
			stdio: ["ignore", "pipe", "pipe"]
		});
		let out = "";
		child.stdout.on("data", c => (out += c));
		try {
			await new Promise(r => setTimeout(r, 600));
			await json(["agents", "create", "--name", "cli-tailed", "--model", "mock-echo"]);
			const deadline = Date.now() + 10_000;
			while (!/agent\.create\s+agent\/agt_\S+.*\n.*agent\.create/s.test(out) && Date.now() < deadline) await new Promise(r => setTimeout(r, 100));
			expect(out.trim().split("\n")).toHaveLength(2);
		} finally {
			child.kill();
		}
	});
});
