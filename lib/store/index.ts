import { alreadyExists } from "../errors";
import { nowIso } from "../time";
import { MongoBackend } from "./mongo";
import { NedbBackend } from "./nedb";
import { UniqueViolation, type Backend, type Doc, type Filter, type FindOptions, type IndexSpec, type RawCollection, type Update } from "./types";

export * from "./types";

export interface Page<T> {
	items: T[];
	total: number;
	limit: number;
	offset: number;
}

export interface ListOptions {
	limit: number;
	offset: number;
	order?: "asc" | "desc";
	/** Defaults to created_at then id, in `order`. */
	sort?: FindOptions["sort"];
}

/**
 * Queries over one collection, bound to one org (or explicitly to the whole platform). Every filter
 * carries the scope, so a handler cannot forget tenant isolation.
 */
export class Scope<T extends Doc = Doc> {
	constructor(
		private readonly raw: RawCollection,
		private readonly base: Filter
	) {}

	private where(filter: Filter = {}): Filter {
		return { ...filter, ...this.base };
	}

	/** Inserts a document; `created_at`/`updated_at` default to now and the scope's org is set. */
	async insert(doc: Partial<T> & { id: string }): Promise<T> {
		const now = nowIso();
		const full = { created_at: now, updated_at: now, ...doc, ...this.base } as unknown as T;
		return (await this.raw.insert(full)) as T;
	}

	get(id: string): Promise<T | null> {
		return this.raw.findOne(this.where({ id })) as Promise<T | null>;
	}

	findOne(filter: Filter): Promise<T | null> {
		return this.raw.findOne(this.where(filter)) as Promise<T | null>;
	}

	find(filter: Filter = {}, options?: FindOptions): Promise<T[]> {
		return this.raw.find(this.where(filter), options) as Promise<T[]>;
	}

	count(filter: Filter = {}): Promise<number> {
		return this.raw.count(this.where(filter));
	}

	async list(filter: Filter, options: ListOptions): Promise<Page<T>> {
		const dir = options.order === "asc" ? 1 : -1;
		const sort = options.sort ?? { created_at: dir, id: dir };
		const [items, total] = await Promise.all([
			this.find(filter, { sort, skip: options.offset, limit: options.limit }),
			this.count(filter)
		]);
		return { items, total, limit: options.limit, offset: options.offset };
	}

	/** `$set` the given fields (and updated_at) on the document with this id; null when it does not exist. */
	update(id: string, set: Partial<T>, extra: Omit<Update, "$set"> = {}): Promise<T | null> {
		return this.updateWhere({ id }, { ...extra, $set: { ...set, updated_at: nowIso() } });
	}

	updateWhere(filter: Filter, update: Update): Promise<T | null> {
		return this.raw.updateOne(this.where(filter), update) as Promise<T | null>;
	}

	updateMany(filter: Filter, update: Update): Promise<number> {
		return this.raw.updateMany(this.where(filter), update);
	}

	delete(id: string): Promise<boolean> {
		return this.raw.deleteOne(this.where({ id }));
	}

	deleteMany(filter: Filter = {}): Promise<number> {
		return this.raw.deleteMany(this.where(filter));
	}
}

/** A collection of a domain service. Reach it through `forOrg(id)` or, deliberately, `platformWide()`. */
export class Repository<T extends Doc = Doc> {
	constructor(
		readonly name: string,
		private readonly raw: RawCollection
	) {}

	forOrg(orgId: string): Scope<T> {
		if (!orgId) throw new Error(`${this.name}: an org id is required`);
		return new Scope<T>(this.raw, { org_id: orgId });
	}

	platformWide(): Scope<T> {
		return new Scope<T>(this.raw, {});
	}
}

export class Store {
	private readonly owners = new Map<string, string>();

	constructor(readonly backend: Backend) {}

	/** A collection belongs to one service: a second service naming it would share (and corrupt) its data. */
	claim(name: string, owner: string): void {
		const current = this.owners.get(name);
		if (current && current !== owner) throw new Error(`Collection "${name}" of service ${owner} is already the collection of service ${current}: give it another name`);
		this.owners.set(name, owner);
	}

	get kind() {
		return this.backend.kind;
	}

	async repository<T extends Doc = Doc>(name: string, indexes: IndexSpec[] = []): Promise<Repository<T>> {
		const withOrg: IndexSpec[] = [{ fields: ["org_id"] }, ...indexes];
		return new Repository<T>(name, await this.backend.collection(name, withOrg));
	}

	ping(): Promise<number> {
		return this.backend.ping();
	}

	close(): Promise<void> {
		return this.backend.close();
	}
}

export function openStore(kind: "memory" | "nedb" | "mongo", options: { dataDir: string; mongoUri: string | null }): Store {
	if (kind === "mongo") return new Store(new MongoBackend(options.mongoUri as string));
	return new Store(new NedbBackend(kind === "nedb" ? options.dataDir : null));
}

/** Runs a write; a unique-index violation answers 409 ALREADY_EXISTS naming `field` (the value a client chose). */
export async function writeUnique<T>(field: string, value: unknown, write: () => Promise<T>): Promise<T> {
	try {
		return await write();
	} catch (err) {
		if (err instanceof UniqueViolation) throw alreadyExists(field, value);
		throw err;
	}
}
