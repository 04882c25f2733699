import { ServiceBroker } from "moleculer";
import { loadConfig } from "../lib/config";
import brokerOptions from "../moleculer.config";
import { SOURCE_AGENT_META } from "../services/coordination/deliver";

const REDIS = process.env.BENCH_REDIS ?? "redis://127.0.0.1:6379";
const CALLS = 5000;
const WARMUP = 500;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (n: number) => `${n.toFixed(3)} ms`;

const ORG = "org_bench";
const SOURCE = "agt_source";
const TARGET = "agt_target";
const MESSAGE = { id: "msg_bench", org_id: ORG, from_agent_id: SOURCE, to_agent_id: TARGET, message_type: "notify", content: "ping" };
const INBOX_PARAMS = { id: "string", org_id: "string", from_agent_id: "string", to_agent_id: "string", message_type: "string", content: "string" };

/** A node with the production broker options (so the trust middleware and its neighbours are in place). */
function brokerNode(nodeID: string, namespace: string, transporter: string | null): ServiceBroker {
	const config = loadConfig({ LOG_LEVEL: "error", FLUXGATE_STORE: "memory", NAMESPACE: namespace, NODE_ID: nodeID, ...(transporter ? { TRANSPORTER: transporter } : {}) });
	return new ServiceBroker({ ...brokerOptions(config), logger: false });
}

/** The target agent's actor: a trust-checked inbox and, for the baseline, the same action without the check. */
function hostTarget(broker: ServiceBroker) {
	broker.createService({
		name: `agent-actor.${TARGET}`,
		metadata: { agent_id: TARGET, org_id: ORG, actor: true },
		actions: {
			message: { trust: true, params: INBOX_PARAMS, handler: () => ({ ok: true }) },
			bare: { params: INBOX_PARAMS, handler: () => ({ ok: true }) }
		}
	});
	// The policy source the middleware's cache loads once per org.
	broker.createService({
		name: "coordination",
		actions: {
			policiesFor: () => [{ id: "tpol_bench", source_agent_id: SOURCE, target_agent_id: TARGET, trust_level: "low", allowed_actions: ["message"], enabled: true, expires_at: null }]
		}
	});
}

async function measure(caller: ServiceBroker, action: string, meta: Record<string, unknown>): Promise<number[]> {
	const times: number[] = [];
	for (let i = 0; i < CALLS + WARMUP; i++) {
		const start = process.hrtime.bigint();
		await caller.call(action, MESSAGE, { meta });
		if (i >= WARMUP) times.push(Number(process.hrtime.bigint() - start) / 1e6);
	}
	return times.sort((a, b) => a - b);
}

async function compare(label: string, caller: ServiceBroker) {
	const meta = { [SOURCE_AGENT_META]: { org_id: ORG, agent_id: SOURCE } };
	const actor = `agent-actor.${TARGET}`;
	// Interleaved rounds so machine noise hits both sides alike.
	const bare: number[] = [];
	const trusted: number[] = [];
	for (let round = 0; round < 3; round++) {
		bare.push(...(await measure(caller, `${actor}.bare`, meta)));
		trusted.push(...(await measure(caller, `${actor}.message`, meta)));
	}
	bare.sort((a, b) => a - b);
	trusted.sort((a, b) => a - b);
	const [b50, b99, t50, t99] = [percentile(bare, 50), percentile(bare, 99), percentile(trusted, 50), percentile(trusted, 99)];
	console.log(`  ${label}`);
	console.log(`    bare Moleculer call (same action, no trust check)  p50 ${ms(b50)}  p99 ${ms(b99)}`);
	console.log(`    message through the trust middleware               p50 ${ms(t50)}  p99 ${ms(t99)}`);
	console.log(`    middleware cost                                    p50 ${ms(t50 - b50)}  (goal < 0.2 ms)`);
}

/** Actor-to-actor message through the trust middleware, in one process and across a Redis transporter. */
export async function coordinationBench(): Promise<void> {
	console.log(`Coordination: actor-to-actor messages, ${CALLS * 3} calls per side`);
	const local = brokerNode("bench-local", `bench-coord-${process.pid}`, null);
	hostTarget(local);
	await local.start();
	await compare("in process", local);
	await local.stop();

	const namespace = `bench-coord-redis-${process.pid}-${Date.now().toString(36)}`;
	const target = brokerNode("bench-target", namespace, REDIS);
	const source = brokerNode("bench-source", namespace, REDIS);
	hostTarget(target);
	await Promise.all([target.start(), source.start()]);
	await source.waitForServices([`agent-actor.${TARGET}`]);
	await compare("over Redis (source and target on different nodes)", source);
	await Promise.all([source.stop(), target.stop()]);
}
