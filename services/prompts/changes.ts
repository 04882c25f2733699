import { canonicalJson } from "../../lib/canonical-json";
import { deriveVariables, type PromptDoc, type PromptVariable } from "./model";

interface PromptPatch {
	name?: string;
	description?: string;
	tags?: string[];
	template?: string;
	variables?: Partial<PromptVariable>[];
}

/** The fields a PUT changes (§0.6); a new template or variable list is a new version (§23). */
export function promptChange(prompt: PromptDoc, patch: PromptPatch): { set: Partial<PromptDoc> | null; newVersion: boolean } {
	const set: Partial<PromptDoc> = {};
	if (patch.name !== undefined && patch.name !== prompt.name) set.name = patch.name;
	if (patch.description !== undefined && patch.description !== prompt.description) set.description = patch.description;
	if (patch.tags !== undefined) set.tags = [...new Set(patch.tags)];
	if (patch.variables !== undefined) set.declared_variables = patch.variables;
	const template = patch.template ?? prompt.template;
	const variables = deriveVariables(template, patch.variables ?? prompt.declared_variables ?? []);
	const newVersion = template !== prompt.template || canonicalJson(variables) !== canonicalJson(prompt.variables);
	if (newVersion) Object.assign(set, { template, variables, version: prompt.version + 1 });
	return { set: Object.keys(set).length ? set : null, newVersion };
}
