import { fmt, load, startServer, type Measured } from "./harness";

const OWNER_KEY = "fgk_BenchOwnerKey_0123456789abcdefghijklmno".slice(0, 44);
const ROUNDS = 5;

interface Layer {
	name: string;
	url: string;
	pid: number | undefined;
	headers: Record<string, string>;
	rounds: Measured[];
}

/** The round with the median rate: one slow or fast slice of a busy machine does not decide the figure. */
function median(rounds: Measured[]): Measured {
	return [...rounds].sort((a, b) => a.rps - b.rps)[Math.floor(rounds.length / 2)];
}

/**
 * The stack, layer by layer, each against a bare node:http server measured in the same run:
 * (a) bare node:http, (b) moleculer-web with one trivial local action, (c) Fluxgate's gateway with its
 * checks (auth, rate limit, permission) on a trivial action, (d) the real `GET /api/v1/agents/{id}`.
 * The layers take turns, a slice each per round, so a machine that speeds up or slows down during the
 * run moves every layer alike; each figure is the median round.
 */
export async function gatewayBench(seconds = Number(process.env.BENCH_SECONDS ?? 10)): Promise<void> {
	const bare = await startServer("bare.ts");
	const web = await startServer("moleculer-web.ts");
	const flux = await startServer("fluxgate.ts", { FLUXGATE_BOOTSTRAP_KEY: OWNER_KEY });
	try {
		const headers = { Authorization: `Bearer ${OWNER_KEY}`, "Content-Type": "application/json" };
		const base = `http://127.0.0.1:${flux.port}`;
		const created = await fetch(`${base}/api/v1/agents`, { method: "POST", headers, body: JSON.stringify({ name: "bench-agent", model: "mock-echo" }) });
		if (created.status !== 201) throw new Error(`creating the agent answered ${created.status}`);
		const agentPath = `/api/v1/agents/${((await created.json()) as { id: string }).id}`;
		const layers: Layer[] = [
			{ name: "(a) bare node:http", url: `http://127.0.0.1:${bare.port}/`, pid: bare.child.pid, headers: {}, rounds: [] },
			{ name: "(b) moleculer-web, trivial action", url: `http://127.0.0.1:${web.port}/api/v1/hello`, pid: web.child.pid, headers: {}, rounds: [] },
			{ name: "(c) + Fluxgate checks, trivial action", url: `${base}/api/v1/benchmark/trivial`, pid: flux.child.pid, headers, rounds: [] },
			{ name: "(d) GET /api/v1/agents/{agent_id}", url: base + agentPath, pid: flux.child.pid, headers, rounds: [] }
		];
		for (const layer of layers) {
			const check = await fetch(layer.url, { headers: layer.headers });
			if (check.status !== 200) throw new Error(`GET ${layer.url} answered ${check.status}`);
			await load(layer.url, { seconds: 2, connections: 50, headers: layer.headers });
		}

		const slice = seconds / ROUNDS;
		console.log(`gateway: ${ROUNDS} rounds of ${slice} s per layer, layers in turn, 50 connections, each server in its own process (compiled dist/)`);
		for (let round = 0; round < ROUNDS; round++) {
			for (const layer of layers) layer.rounds.push(await load(layer.url, { seconds: slice, connections: 50, headers: layer.headers, pid: layer.pid }));
		}
		const baseline = median(layers[0].rounds);
		for (const layer of layers) {
			const m = median(layer.rounds);
			const ratios = layer.rounds.map((r, i) => r.rps / layers[0].rounds[i].rps).sort((x, y) => x - y);
			const cpuRatio = m.cpuUsPerRequest && baseline.cpuUsPerRequest ? `  cpu ratio ${(baseline.cpuUsPerRequest / m.cpuUsPerRequest).toFixed(3)}` : "";
			const spread = layer === layers[0] ? "" : `  (per round ${ratios[0].toFixed(3)}-${ratios[ratios.length - 1].toFixed(3)})`;
			console.log(`  ${layer.name.padEnd(40)}${fmt(m)}  ratio ${(m.rps / baseline.rps).toFixed(3)}${cpuRatio}${spread}`);
		}
		console.log(`  target: (d) ratio >= 0.40 (the cpu ratio, bare CPU per request over this one, is the same comparison with less noise from a busy machine)`);
		const paced = await load(base + agentPath, { seconds, connections: 20, headers, rate: 1000 });
		console.log(`  (d) at 1,000 req/s                      ${fmt(paced)}  (target p99 < 10 ms)`);
	} finally {
		for (const s of [bare, web, flux]) s.child.kill("SIGTERM");
	}
}
