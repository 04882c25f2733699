import http from "node:http";
import type { ServiceBroker } from "moleculer";
import { createBroker, stopBroker } from "../lib/broker";
import { loadConfig, type Config } from "../lib/config";
import { closeSharedRedis } from "../lib/redis";

const REDIS = process.env.BENCH_REDIS ?? "redis://127.0.0.1:6379";
const KEY = "fgk_ChatBenchKey_0123456789abcdefghijklmnop".slice(0, 44);
const HEADERS = { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" };
// The mock answers in four chunks spread over 40 ms: the first token is due 10 ms into the model call on both paths.
const INPUT = "SLEEP 40\nalpha beta gamma delta";
const WARMUP = 20;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (n: number) => `${n.toFixed(2)} ms`.padStart(9);

async function node(overrides: Partial<Config>): Promise<ServiceBroker> {
	const config = loadConfig({ LOG_LEVEL: "error", FLUXGATE_STORE: "memory", FLUXGATE_BOOTSTRAP_KEY: KEY }, { port: 0, rateLimitPerMinute: 100_000_000, ...overrides });
	const broker = createBroker(config);
	await broker.start();
	return broker;
}

function call(base: string, method: string, path: string, body?: unknown): Promise<any> {
	return new Promise((resolve, reject) => {
		const req = http.request(`${base}${path}`, { method, headers: HEADERS }, res => {
			let text = "";
			res.setEncoding("utf8");
			res.on("data", c => (text += c));
			res.on("end", () => (res.statusCode! < 300 ? resolve(JSON.parse(text)) : reject(new Error(`${method} ${path} answered ${res.statusCode} ${text}`))));
		});
		req.on("error", reject);
		req.end(body === undefined ? undefined : JSON.stringify(body));
	});
}

/** Opens an SSE request; resolves with the ms from `start` to the first event named `first`, once the stream has closed. */
function firstEvent(base: string, method: string, path: string, body: unknown, first: string, start: bigint): Promise<number> {
	return new Promise((resolve, reject) => {
		let at: number | null = null;
		const req = http.request(`${base}${path}`, { method, headers: HEADERS }, res => {
			res.setEncoding("utf8");
			res.on("data", (chunk: string) => {
				if (at === null && chunk.includes(`event: ${first}\n`)) at = Number(process.hrtime.bigint() - start) / 1e6;
			});
			res.on("end", () => (at === null ? reject(new Error(`no ${first} event on ${path}`)) : resolve(at)));
		});
		req.on("error", reject);
		req.end(body === undefined ? undefined : JSON.stringify(body));
	});
}

/** A bare run: accepted by POST /runtime/runs, its tokens read from the run stream opened right after. */
async function bareRun(base: string, agentId: string): Promise<number> {
	const start = process.hrtime.bigint();
	const run = await call(base, "POST", "/api/v1/runtime/runs", { agent_id: agentId, input: INPUT });
	return firstEvent(base, "GET", `/api/v1/runtime/runs/${run.id}/stream`, undefined, "token", start);
}

/** A chat message: one POST that stores the messages, starts the run and streams the reply. */
function chatMessage(base: string, sessionId: string): Promise<number> {
	return firstEvent(base, "POST", `/api/v1/chat/sessions/${sessionId}/stream`, { content: INPUT }, "message.delta", process.hrtime.bigint());
}

async function measure(rounds: number, once: () => Promise<number>): Promise<number[]> {
	const times: number[] = [];
	for (let i = 0; i < rounds + WARMUP; i++) {
		const t = await once();
		if (i >= WARMUP) times.push(t);
	}
	return times.sort((a, b) => a - b);
}

async function compare(label: string, name: string, broker: ServiceBroker, rounds: number) {
	const base = `http://127.0.0.1:${(broker.getLocalService("api") as any).server.address().port}`;
	const agent = await call(base, "POST", "/api/v1/agents", { name, model: "mock-echo" });
	for (const target_state of ["testing", "active"]) await call(base, "POST", `/api/v1/lifecycle/${agent.id}/promote`, { target_state });
	const session = await call(base, "POST", "/api/v1/chat/sessions", { agent_id: agent.id });
	await broker.waitForServices([`agent-actor.${agent.id}`], 10_000);
	const bare = await measure(rounds, () => bareRun(base, agent.id));
	const chat = await measure(rounds, () => chatMessage(base, session.id));
	const line = (name: string, t: number[]) => `  ${name.padEnd(44)} p50 ${ms(percentile(t, 50))}  p99 ${ms(percentile(t, 99))}`;
	console.log(`chat first-token latency, ${label} (${rounds} sequential requests each, mock model, first token due 10 ms into the call)`);
	console.log(line("bare run: POST /runtime/runs + run stream", bare));
	console.log(line("chat: POST /chat/sessions/{id}/stream", chat));
	console.log(`  chat / bare run at p50                        ${(percentile(chat, 50) / percentile(bare, 50)).toFixed(2)}x`);
}

export async function chatBench(): Promise<void> {
	const single = await node({});
	try {
		await compare("one process", "bench-chat-local", single, 200);
	} finally {
		await stopBroker(single);
	}

	const namespace = `bench-chat-${process.pid}`;
	const data = await node({ transporter: REDIS, namespace, nodeId: "bench-chat-data", services: ["api", "admin", "rbac", "auth", "audit", "agents", "lifecycle", "providers", "secrets", "tools", "runtime", "prompts", "chat"] });
	const runtime = await node({ transporter: REDIS, namespace, nodeId: "bench-chat-runtime", services: ["actors"] });
	try {
		await data.waitForServices(["actors"], 10_000);
		await compare("gateway/data node + runtime node over Redis", "bench-chat-redis", data, 200);
	} finally {
		await stopBroker(runtime);
		await stopBroker(data);
		await closeSharedRedis();
	}
}
