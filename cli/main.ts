#!/usr/bin/env node
import { parseArgs } from "node:util";
import { FluxgateError } from "../sdk/src";
import { auditTail } from "./commands/audit";
import { createAgent, deleteAgent, getAgent, listAgents, promoteAgent, updateAgent } from "./commands/agents";
import { exportAgent, importAgent } from "./commands/bundle";
import { login, logout, profiles, whoami } from "./commands/login";
import { cancelRun, followRun, getRun, listRuns, startRun } from "./commands/runs";
import { CommandContext, UsageError } from "./context";
import { readEnvironment, type CliEnvironment } from "./environment";
import { info, type Output } from "./output";

const HELP = `fluxgate: the Fluxgate control plane from the command line

Usage: fluxgate <command> [arguments] [options]

  login [--url URL] (--api-key KEY | --email ADDRESS [--password-stdin])   save a profile
  logout | whoami | profiles [use NAME]
  agents list [--status S] [--search Q] [--limit N]
  agents get|delete <agent>                      an agent id (agt_…) or name
  agents create --name NAME --model MODEL [--description D] [--system-prompt P]
  agents update <agent> [--name N] [--model M] [--description D] [--system-prompt P]
  agents promote <agent> <draft|testing|active|suspended|archived> [--reason R]
  agents export <agent> [--output FILE]          a bundle: the agent and its tools, secret values left out
  agents import <FILE> [--name NEW_NAME]         tools with the same name are reused
  runs start <agent> --input TEXT [--mode test|production] [--follow]
  runs list [--agent A] [--status S] [--limit N] | runs get|follow|cancel <run_id>
  audit tail [--follow] [--action A] [--actor ID] [--outcome O] [--limit N] [--interval SECONDS]

Options: --json (machine-readable output), --profile NAME, --url URL, --api-key KEY, --help, --version
Environment: FLUXGATE_URL, FLUXGATE_API_KEY, FLUXGATE_PROFILE; profiles live in $XDG_CONFIG_HOME/fluxgate/config.json
Exit codes: 0 success, 1 the API refused or a followed run did not complete, 2 wrong usage`;

const OPTIONS = {
	json: { type: "boolean" },
	help: { type: "boolean", short: "h" },
	version: { type: "boolean" },
	profile: { type: "string" },
	url: { type: "string" },
	"api-key": { type: "string" },
	email: { type: "string" },
	"password-stdin": { type: "boolean" },
	name: { type: "string" },
	model: { type: "string" },
	description: { type: "string" },
	"system-prompt": { type: "string" },
	status: { type: "string" },
	search: { type: "string" },
	limit: { type: "string" },
	reason: { type: "string" },
	output: { type: "string", short: "o" },
	input: { type: "string", short: "i" },
	mode: { type: "string" },
	follow: { type: "boolean", short: "f" },
	agent: { type: "string" },
	action: { type: "string" },
	actor: { type: "string" },
	outcome: { type: "string" },
	interval: { type: "string" }
} as const;

/** Commands without a subcommand; the words after them are their arguments. */
const SINGLE_WORD = new Set(["login", "logout", "whoami", "profiles"]);

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

async function dispatch(ctx: CommandContext, args: string[], v: Values): Promise<number> {
	const [group, command, ...rest] = args;
	const need = (value: string | undefined, what: string) => {
		if (!value) throw new UsageError(`Missing ${what}: fluxgate ${[group, command].filter(Boolean).join(" ")} ${what}`);
		return value;
	};
	const agentFlags = { name: v.name, model: v.model, description: v.description, systemPrompt: v["system-prompt"], status: v.status, search: v.search, reason: v.reason, limit: v.limit };
	const runFlags = { input: v.input, mode: v.mode, follow: v.follow, agent: v.agent, status: v.status, limit: v.limit, reason: v.reason };
	switch (SINGLE_WORD.has(group) ? group : `${group} ${command ?? ""}`.trim()) {
		case "login":
			await login(ctx, { email: v.email, passwordStdin: v["password-stdin"] });
			return 0;
		case "logout":
			await logout(ctx);
			return 0;
		case "whoami":
			await whoami(ctx);
			return 0;
		case "profiles":
			profiles(ctx, args.slice(1));
			return 0;
		case "agents list":
			await listAgents(ctx, agentFlags);
			return 0;
		case "agents get":
			await getAgent(ctx, need(rest[0], "<agent>"));
			return 0;
		case "agents create":
			await createAgent(ctx, agentFlags);
			return 0;
		case "agents update":
			await updateAgent(ctx, need(rest[0], "<agent>"), agentFlags);
			return 0;
		case "agents promote":
			await promoteAgent(ctx, need(rest[0], "<agent>"), rest[1], agentFlags);
			return 0;
		case "agents delete":
			await deleteAgent(ctx, need(rest[0], "<agent>"));
			return 0;
		case "agents export":
			await exportAgent(ctx, need(rest[0], "<agent>"), v.output);
			return 0;
		case "agents import":
			await importAgent(ctx, need(rest[0], "<FILE>"), v.name);
			return 0;
		case "runs start":
			return startRun(ctx, need(rest[0], "<agent>"), runFlags);
		case "runs follow":
			return followRun(ctx, need(rest[0], "<run_id>"));
		case "runs list":
			await listRuns(ctx, runFlags);
			return 0;
		case "runs get":
			await getRun(ctx, need(rest[0], "<run_id>"));
			return 0;
		case "runs cancel":
			await cancelRun(ctx, need(rest[0], "<run_id>"), runFlags);
			return 0;
		case "audit tail":
			await auditTail(ctx, { follow: v.follow, action: v.action, actor: v.actor, outcome: v.outcome, limit: v.limit, interval: v.interval });
			return 0;
		default:
			throw new UsageError(args.length ? `Unknown command: fluxgate ${args.join(" ")}` : "No command given");
	}
}

/** Runs one CLI invocation and returns its exit code; errors are printed, never thrown. */
export async function main(argv: string[], out: Output, environment: CliEnvironment = readEnvironment()): Promise<number> {
	try {
		const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
		if (values.version) {
			out.stdout.write(`${require("../../package.json").version}\n`);
			return 0;
		}
		if (values.help || !positionals.length) {
			out.stdout.write(HELP + "\n");
			return positionals.length || values.help ? 0 : 2;
		}
		const ctx = new CommandContext({ ...out, json: !!values.json }, environment, { url: values.url, apiKey: values["api-key"], profile: values.profile });
		return await dispatch(ctx, positionals, values);
	} catch (err) {
		return report(out, err);
	}
}

function report(out: Output, err: unknown): number {
	if (err instanceof FluxgateError) {
		if (out.json) out.stderr.write(JSON.stringify({ error: { status: err.status, code: err.code, message: err.message, details: err.details, request_id: err.requestId } }) + "\n");
		else {
			info(out, `error: ${err.message} (${err.code}, HTTP ${err.status}${err.requestId ? `, request ${err.requestId}` : ""})`);
			for (const field of Array.isArray(err.details) ? err.details : []) info(out, `  ${field.field ?? ""}: ${field.message ?? JSON.stringify(field)}`);
			if (err.retryAfterSeconds) info(out, `  retry after ${err.retryAfterSeconds} s`);
		}
		return 1;
	}
	if (err instanceof UsageError || (err as any)?.code?.startsWith?.("ERR_PARSE_ARGS")) {
		info(out, `error: ${(err as Error).message}\nRun \`fluxgate --help\` for the commands.`);
		return 2;
	}
	const cause = (err as any)?.cause?.code;
	info(out, `error: ${(err as Error)?.message ?? err}${cause ? ` (${cause}: is the gateway running at that URL?)` : ""}`);
	return 1;
}

if (require.main === module) {
	const environment = readEnvironment();
	const color = !!process.stdout.isTTY && !environment.noColor;
	main(process.argv.slice(2), { json: false, color, stdout: process.stdout, stderr: process.stderr }, environment).then(code => {
		process.exitCode = code;
	});
}
