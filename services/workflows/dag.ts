import type { FieldProblem } from "../../lib/errors";
import { referencedSteps } from "./template";

/** The parts of a step the graph checks read; anything else may be malformed (the validate endpoint checks shapes separately). */
interface StepLike {
	id?: unknown;
	depends_on?: unknown;
	input_template?: unknown;
}

interface Node {
	index: number;
	id: string;
	deps: string[];
}

const isString = (v: unknown): v is string => typeof v === "string";

/** Steps with a string id, their string dependencies deduplicated; the first of duplicate ids wins. */
function nodesOf(steps: StepLike[]): { nodes: Node[]; byId: Map<string, Node>; problems: FieldProblem[] } {
	const nodes: Node[] = [];
	const byId = new Map<string, Node>();
	const problems: FieldProblem[] = [];
	steps.forEach((raw, index) => {
		if (!raw || typeof raw !== "object" || !isString(raw.id)) return;
		const deps = Array.isArray(raw.depends_on) ? [...new Set(raw.depends_on.filter(isString))] : [];
		const first = byId.get(raw.id);
		if (first) {
			problems.push({ field: `steps[${index}].id`, message: `duplicate step id "${raw.id}" (already used by steps[${first.index}])` });
			return;
		}
		const node = { index, id: raw.id, deps };
		nodes.push(node);
		byId.set(raw.id, node);
	});
	return { nodes, byId, problems };
}

/** Strongly connected components (Tarjan) over the known dependency edges. */
function components(nodes: Node[], byId: Map<string, Node>): Node[][] {
	let counter = 0;
	const index = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: Node[] = [];
	const onStack = new Set<string>();
	const out: Node[][] = [];
	const visit = (node: Node) => {
		index.set(node.id, counter);
		low.set(node.id, counter++);
		stack.push(node);
		onStack.add(node.id);
		for (const dep of node.deps) {
			const next = byId.get(dep);
			if (!next || next === node) continue;
			if (!index.has(next.id)) {
				visit(next);
				low.set(node.id, Math.min(low.get(node.id)!, low.get(next.id)!));
			} else if (onStack.has(next.id)) low.set(node.id, Math.min(low.get(node.id)!, index.get(next.id)!));
		}
		if (low.get(node.id) === index.get(node.id)) {
			const component: Node[] = [];
			let member: Node;
			do {
				member = stack.pop()!;
				onStack.delete(member.id);
				component.push(member);
			} while (member !== node);
			out.push(component);
		}
	};
	for (const node of nodes) if (!index.has(node.id)) visit(node);
	return out;
}

/** One cycle through the component's first step, in execution order: `a -> b -> a` (b depends on a, a on b). */
function describeCycle(component: Node[], byId: Map<string, Node>): { start: Node; text: string } {
	const members = new Set(component.map(n => n.id));
	const start = [...component].sort((a, b) => a.index - b.index)[0];
	const path: string[] = [start.id];
	const seen = new Set<string>([start.id]);
	const search = (node: Node): boolean => {
		for (const dep of node.deps) {
			if (!members.has(dep)) continue;
			if (dep === start.id) return true;
			if (seen.has(dep)) continue;
			seen.add(dep);
			path.push(dep);
			if (search(byId.get(dep)!)) return true;
			path.pop();
		}
		return false;
	};
	search(start);
	// `path` follows depends_on edges (each step to one it waits for); execution order is the reverse, from the start step.
	const order = [start.id, ...path.slice(1).reverse()];
	return { start, text: [...order, order[0]].join(" -> ") };
}

/** Parallel layers in execution order: each step in the first layer after all its dependencies. */
function layers(nodes: Node[]): string[][] {
	const level = new Map<string, number>();
	const out: string[][] = [];
	let remaining = [...nodes];
	while (remaining.length) {
		const ready = remaining.filter(n => n.deps.every(d => level.has(d)));
		if (!ready.length) return [];
		const depth = out.length;
		for (const n of ready) level.set(n.id, depth);
		out.push(ready.map(n => n.id));
		remaining = remaining.filter(n => !level.has(n.id));
	}
	return out;
}

export interface GraphReport {
	problems: FieldProblem[];
	levels: string[][];
}

/**
 * The graph checks of §21: duplicate step ids, dependencies on unknown steps or on the step itself,
 * cycles (named), steps that can never start because they wait on a cycle, and placeholders naming
 * steps that are not dependencies. `levels` is empty unless the graph is valid.
 */
export function checkGraph(steps: StepLike[]): GraphReport {
	const { nodes, byId, problems } = nodesOf(steps);
	const blocked = new Set<string>();
	for (const node of nodes) {
		for (const dep of node.deps) {
			const field = `steps[${node.index}].depends_on`;
			if (dep === node.id) {
				problems.push({ field, message: `step "${node.id}" depends on itself` });
				blocked.add(node.id);
			} else if (!byId.has(dep)) problems.push({ field, message: `names unknown step "${dep}"` });
		}
		const template = (steps[node.index] as StepLike).input_template;
		if (!isString(template)) continue;
		for (const ref of referencedSteps(template)) {
			if (node.deps.includes(ref) && ref !== node.id) continue;
			const why = byId.has(ref) ? `but "${node.id}" does not depend on "${ref}"` : `but no step has the id "${ref}"`;
			problems.push({ field: `steps[${node.index}].input_template`, message: `uses {{steps.${ref}.output}} ${why}` });
		}
	}
	for (const component of components(nodes, byId)) {
		if (component.length < 2) continue;
		const { start, text } = describeCycle(component, byId);
		problems.push({ field: `steps[${start.index}].depends_on`, message: `cycle: ${text}` });
		for (const member of component) blocked.add(member.id);
	}
	// Steps downstream of a cycle or a self-dependency can never start.
	const unreachable = new Map<string, string>();
	let grew = blocked.size > 0;
	while (grew) {
		grew = false;
		for (const node of nodes) {
			if (blocked.has(node.id) || unreachable.has(node.id)) continue;
			const via = node.deps.find(d => blocked.has(d) || unreachable.has(d));
			if (via === undefined) continue;
			unreachable.set(node.id, via);
			grew = true;
		}
	}
	for (const node of nodes) {
		const via = unreachable.get(node.id);
		if (via !== undefined) problems.push({ field: `steps[${node.index}].depends_on`, message: `step "${node.id}" is unreachable: it waits on "${via}", which can never complete` });
	}
	return { problems, levels: problems.length ? [] : layers(nodes) };
}
