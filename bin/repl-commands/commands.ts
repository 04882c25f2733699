import type { ServiceBroker } from "moleculer";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { drainNode, listActors } from "../../services/actors/drain";
import { table } from "./format";

export type Print = (text: string) => void;
type Flags = Record<string, string | boolean | undefined>;

export interface FluxCommand {
	name: string;
	usage: string;
	description: string;
	flags: NonNullable<ParseArgsConfig["options"]>;
	flagHelp: Record<string, string>;
	/** Services the command calls: `--exec` waits for them to be discovered. */
	needs: string[];
	execute(broker: ServiceBroker, positionals: string[], flags: Flags, print: Print): Promise<boolean>;
}

const actors: FluxCommand = {
	name: "actors",
	usage: "actors",
	description: "Agent actors on every runtime node, with their mailboxes",
	flags: { node: { type: "string" }, json: { type: "boolean" } },
	flagHelp: { "--node <nodeId>": "only this node", "--json": "print JSON" },
	needs: ["actors"],
	async execute(broker, _positionals, flags, print) {
		const listing = await listActors(broker, flags.node as string | undefined);
		if (flags.json) print(JSON.stringify(listing, null, 2));
		else {
			print(table(["NODE", "NODE STATE", "IN FLIGHT", "ACTORS"], listing.nodes.map(n => [n.node_id, n.draining ? "draining" : "active", n.in_flight, n.actors])));
			print("");
			print(table(["NODE", "AGENT ID", "AGENT", "REPLICAS", "RUNNING", "QUEUED", "STATE"], listing.actors.map(a => [a.node_id, a.agent_id, a.agent_name, a.replicas, a.running, a.queued, a.state])));
		}
		return true;
	}
};

const run: FluxCommand = {
	name: "run",
	usage: "run <runId>",
	description: "A run's status, agent, timings, tokens and cost, and its steps",
	flags: { org: { type: "string" }, json: { type: "boolean" } },
	flagHelp: { "--org <orgId>": "read it in this org only (without it, the run is looked up across orgs)", "--json": "print JSON" },
	needs: ["runtime"],
	async execute(broker, [runId], flags, print) {
		if (!runId) throw new Error("Usage: run <runId> [--org ID] [--json]");
		// An operator tool: without --org it reads across orgs through runtime.operatorRunDetail.
		const detail: any = flags.org ? await broker.call("runtime.runDetail", { org_id: flags.org, run_id: runId }) : await broker.call("runtime.operatorRunDetail", { run_id: runId });
		if (!detail) {
			print(`Run ${runId} not found${flags.org ? ` in org ${flags.org}` : ""}`);
			return false;
		}
		if (flags.json) {
			print(JSON.stringify(detail, null, 2));
			return true;
		}
		const r = detail.run;
		print(table(["FIELD", "VALUE"], [
			["run", r.id], ["org", r.org_id], ["agent", `${r.agent_id} v${r.agent_version}`], ["status", r.status], ["mode", r.mode], ["trigger", r.trigger],
			["node", detail.node_id ?? null], ["created", r.created_at], ["started", r.started_at], ["completed", r.completed_at], ["latency ms", r.latency_ms],
			["tokens in/out", `${r.tokens_input}/${r.tokens_output}`], ["cost usd", r.cost_usd], ["error", r.error ? `${r.error.code}: ${r.error.message}` : null]
		]));
		print("");
		print(table(["#", "TYPE", "NAME", "STATUS", "MS", "TOKENS IN/OUT", "COST USD"], detail.steps.map((s: any) => [s.index, s.type, s.name, s.status, s.latency_ms, `${s.tokens_input}/${s.tokens_output}`, s.cost_usd])));
		return true;
	}
};

const drain: FluxCommand = {
	name: "drain",
	usage: "drain <nodeId>",
	description: "Move a runtime node's actors to the other nodes and let its runs finish (--undo: take placements again)",
	flags: { undo: { type: "boolean" }, timeout: { type: "string" }, json: { type: "boolean" } },
	flagHelp: { "--undo": "end the drain", "--timeout <seconds>": "how long to wait (default 60)", "--json": "print JSON" },
	needs: ["actors"],
	async execute(broker, [nodeId], flags, print) {
		if (!nodeId) throw new Error("Usage: drain <nodeId> [--undo] [--timeout SECONDS] [--json]");
		const progress = await drainNode(broker, nodeId, {
			undo: flags.undo === true,
			timeoutMs: flags.timeout ? Number(flags.timeout) * 1000 : undefined,
			onProgress: flags.json ? undefined : p => print(`${p.node_id}: ${p.actors} actors, ${p.in_flight} runs in flight`)
		});
		if (flags.json) print(JSON.stringify(progress));
		else if (flags.undo) print(`${nodeId} takes placements again`);
		else print(progress.done ? `${nodeId} drained in ${progress.waited_ms} ms` : `${nodeId} still holds ${progress.actors} actors and ${progress.in_flight} runs: timed out`);
		return flags.undo === true || progress.done;
	}
};

export const COMMANDS: FluxCommand[] = [actors, run, drain];

/** Parses a command line (`drain b --undo`) and runs it; false when it failed. */
export async function runCommandLine(broker: ServiceBroker, line: string, print: Print): Promise<boolean> {
	const [name, ...args] = line.trim().split(/\s+/);
	const command = COMMANDS.find(c => c.name === name);
	if (!command) throw new Error(`Unknown command ${name}: ${COMMANDS.map(c => c.name).join(", ")}`);
	const { values, positionals } = parseArgs({ args, options: command.flags, allowPositionals: true, strict: true });
	return command.execute(broker, positionals, values as Flags, print);
}

/** The commands in moleculer-repl's custom command shape (commander parses the flags for help; ours re-parses the raw line). */
export function replCommands(print: Print) {
	return COMMANDS.map(command => ({
		command: command.usage,
		description: command.description,
		allowUnknownOptions: true,
		options: Object.entries(command.flagHelp).map(([option, description]) => ({ option, description })),
		async action(broker: ServiceBroker, args: { rawCommand: string }) {
			try {
				await runCommandLine(broker, args.rawCommand, print);
			} catch (err) {
				print(`Error: ${(err as Error).message}`);
			}
		}
	}));
}
