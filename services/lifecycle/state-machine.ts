import type { AgentStatus } from "../agents/model";

/** §5 state machine: every pair not listed (including staying in the same state) is refused. */
export const TRANSITIONS: Record<AgentStatus, AgentStatus[]> = {
	draft: ["testing", "archived"],
	testing: ["active", "draft", "archived"],
	active: ["suspended", "archived"],
	suspended: ["active", "archived"],
	archived: []
};

export const allowedTransitions = (from: AgentStatus): AgentStatus[] => [...TRANSITIONS[from]];

export const canTransition = (from: AgentStatus, to: AgentStatus): boolean => TRANSITIONS[from].includes(to);
