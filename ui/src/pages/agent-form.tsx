import { useState } from "preact/hooks";
import { get, type List } from "../api";
import { useLoad } from "../components";

export interface AgentFields {
	name: string;
	description: string;
	model: string;
	system_prompt: string;
	tools: string[];
	team: string | null;
	temperature: number;
	max_steps: number;
}

const BLANK: AgentFields = { name: "", description: "", model: "", system_prompt: "", tools: [], team: null, temperature: 0.7, max_steps: 10 };

/** The writable fields of an agent the dashboard edits; models and tools come from their catalogues. */
export function AgentForm({ initial, submitLabel, busy, onSubmit }: { initial?: Partial<AgentFields>; submitLabel: string; busy: boolean; onSubmit(fields: AgentFields): void }) {
	const [fields, setFields] = useState<AgentFields>(() => {
		const start = { ...BLANK };
		for (const key of Object.keys(BLANK) as (keyof AgentFields)[]) if (initial?.[key] !== undefined) (start as any)[key] = initial[key];
		return start;
	});
	const catalogue = useLoad(
		async () => {
			const [models, tools] = await Promise.all([get<List<any>>("/providers/models", { type: "chat", limit: 200 }), get<List<any>>("/tools", { limit: 200 })]);
			return { models: models.items, tools: tools.items };
		},
		[]
	);
	const set = <K extends keyof AgentFields>(key: K, value: AgentFields[K]) => setFields(f => ({ ...f, [key]: value }));
	const models: any[] = catalogue.data?.models ?? [];
	const tools: any[] = catalogue.data?.tools ?? [];
	const toggleTool = (id: string, on: boolean) => set("tools", on ? [...fields.tools, id] : fields.tools.filter(t => t !== id));

	return (
		<form
			class="form"
			data-testid="agent-form"
			onSubmit={e => {
				e.preventDefault();
				onSubmit({ ...fields, model: fields.model || models[0]?.id || "", team: fields.team || null });
			}}
		>
			<div class="row">
				<label>
					Name
					<input required value={fields.name} onInput={e => set("name", e.currentTarget.value)} placeholder="support-bot" data-testid="agent-name" />
				</label>
				<label>
					Model
					<select value={fields.model || models[0]?.id || ""} onChange={e => set("model", e.currentTarget.value)} data-testid="agent-model">
						{fields.model && !models.some(m => m.id === fields.model) && <option value={fields.model}>{fields.model}</option>}
						{models.map(m => (
							<option value={m.id}>
								{m.id} ({m.provider}){m.available ? "" : " — unavailable"}
							</option>
						))}
					</select>
				</label>
				<label>
					Team
					<input value={fields.team ?? ""} onInput={e => set("team", e.currentTarget.value)} />
				</label>
			</div>
			<label>
				Description
				<input value={fields.description} onInput={e => set("description", e.currentTarget.value)} data-testid="agent-description" />
			</label>
			<label>
				System prompt
				<textarea rows={4} value={fields.system_prompt} onInput={e => set("system_prompt", e.currentTarget.value)} data-testid="agent-system-prompt" />
			</label>
			<div class="row">
				<label>
					Temperature
					<input type="number" min={0} max={2} step={0.1} value={fields.temperature} onInput={e => set("temperature", Number(e.currentTarget.value))} />
				</label>
				<label>
					Max steps
					<input type="number" min={1} max={50} value={fields.max_steps} onInput={e => set("max_steps", Number(e.currentTarget.value))} />
				</label>
			</div>
			{tools.length > 0 && (
				<fieldset>
					<legend>Tools</legend>
					{tools.map(t => (
						<label class="check">
							<input type="checkbox" checked={fields.tools.includes(t.id)} onChange={e => toggleTool(t.id, e.currentTarget.checked)} data-testid={`agent-tool-${t.name}`} />
							{t.name} <span class="muted small">{t.safety_level}</span>
						</label>
					))}
				</fieldset>
			)}
			<button type="submit" class="primary" disabled={busy} data-testid="agent-submit">
				{submitLabel}
			</button>
		</form>
	);
}
