import fs from "node:fs";
import type { FileHandle } from "node:fs/promises";

/**
 * NeDB appends every write with fs.appendFile, which opens and closes the data file each time: most
 * of a write's cost. Keep one append handle per data file instead, and close it before NeDB rewrites
 * the file (compaction renames a new file over it) or removes it.
 */
const storage = require("@seald-io/nedb/lib/storage.js");
const handles = new Map<string, Promise<FileHandle>>();
let installed = false;

async function closeHandle(filename: string): Promise<void> {
	const pending = handles.get(filename);
	if (!pending) return;
	handles.delete(filename);
	await (await pending.catch(() => null))?.close().catch(() => undefined);
}

export function installPooledAppends(): void {
	if (installed) return;
	installed = true;
	const rewrite = storage.crashSafeWriteFileLinesAsync;
	const unlink = storage.unlinkAsync;
	storage.appendFileAsync = async (filename: string, data: string, options?: { encoding?: BufferEncoding; mode?: number }) => {
		let pending = handles.get(filename);
		if (!pending) {
			pending = fs.promises.open(filename, "a", options?.mode);
			handles.set(filename, pending);
			pending.catch(() => handles.delete(filename));
		}
		await (await pending).appendFile(data, { encoding: options?.encoding ?? "utf8" });
	};
	storage.crashSafeWriteFileLinesAsync = async (filename: string, ...rest: unknown[]) => {
		await closeHandle(filename);
		return rewrite(filename, ...rest);
	};
	storage.unlinkAsync = async (filename: string) => {
		await closeHandle(filename);
		return unlink(filename);
	};
}

export async function closePooledAppends(prefix: string): Promise<void> {
	await Promise.all([...handles.keys()].filter(f => f.startsWith(prefix)).map(closeHandle));
}
