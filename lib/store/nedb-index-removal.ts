/**
 * NeDB keeps the documents that share an index key in one array per tree node, and removing one of
 * them (every update removes the old document from each index, then inserts the new one) rebuilds that
 * array through a callback per element. A key that many documents share (the org of every document of
 * a single-org install, a busy agent's runs, every `completed` run) made each update cost a walk over
 * all of them. The documents in an array are distinct objects compared by identity (NeDB's indexes use
 * `===`), so removing one is an `indexOf` and a `splice` of the same array: the same result without a
 * callback per element and a copy. A key held by one document still takes the library's own path
 * (which removes the tree node).
 */
interface AvlWrapper {
	tree: { search(key: unknown): unknown[] };
	delete(key: unknown, value?: unknown): void;
}

const { AVLTree } = require("@seald-io/binary-search-tree") as { AVLTree: { prototype: AvlWrapper } };
const libraryRemoval = AVLTree.prototype.delete;

function removeShared(this: AvlWrapper, key: unknown, value?: unknown): void {
	if (value !== undefined) {
		const shared = this.tree.search(key);
		if (shared.length > 1) {
			const at = shared.indexOf(value);
			if (at !== -1) shared.splice(at, 1);
			return;
		}
	}
	libraryRemoval.call(this, key, value);
}

/** Installed when the NeDB backend loads; `false` puts the library's removal back (the store bench compares both). */
export function useSharedKeyRemoval(enabled = true): void {
	AVLTree.prototype.delete = enabled ? removeShared : libraryRemoval;
}
