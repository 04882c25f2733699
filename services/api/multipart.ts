import type { IncomingMessage } from "node:http";
import busboy from "busboy";
import * as errors from "../../lib/errors";
import type { MultipartSpec } from "../../lib/route-meta";

/** Text fields of a form are small: 1 MiB each, 20 at most. */
const FIELD_BYTES = 1024 * 1024;
const MAX_FIELDS = 20;

/** A file part as an action receives it: the bytes travel base64-encoded (transporter-safe). */
export interface UploadedFile {
	filename: string;
	content_type: string | null;
	size_bytes: number;
	data_base64: string;
}

export const isMultipart = (req: IncomingMessage) => /^multipart\/form-data\b/i.test(String(req.headers["content-type"] ?? "").trim());

const fileTooLarge = (limit: number) => errors.custom(413, "PAYLOAD_TOO_LARGE")(`The file is larger than ${limit} bytes`, { limit });

/**
 * Parses a `multipart/form-data` body (§0.1: accepted only on routes declaring `multipart`): its text
 * fields, and its file part under `spec.file`. A file over `spec.maxFileBytes` answers 413.
 */
export function readMultipart(req: IncomingMessage, spec: MultipartSpec): Promise<Record<string, unknown>> {
	const declared = Number(req.headers["content-length"]);
	if (Number.isFinite(declared) && declared > spec.maxFileBytes + MAX_FIELDS * FIELD_BYTES) {
		req.resume();
		return Promise.reject(fileTooLarge(spec.maxFileBytes));
	}
	return new Promise((resolve, reject) => {
		let parser: busboy.Busboy;
		try {
			parser = busboy({ headers: req.headers, limits: { fileSize: spec.maxFileBytes + 1, files: 1, fields: MAX_FIELDS, fieldSize: FIELD_BYTES } });
		} catch (err: any) {
			req.resume();
			return reject(errors.validation([{ field: "", message: `malformed multipart body: ${err.message}` }]));
		}
		const body: Record<string, unknown> = {};
		let failure: unknown = null;
		const fail = (err: unknown) => {
			if (!failure) failure = err;
		};
		parser.on("field", (name, value, info) => {
			if (info.valueTruncated) fail(errors.validation([{ field: name, message: `must be at most ${FIELD_BYTES} bytes` }]));
			else body[name] = value;
		});
		parser.on("file", (name, stream, info) => {
			const chunks: Buffer[] = [];
			stream.on("data", (chunk: Buffer) => chunks.push(chunk));
			stream.on("limit", () => fail(fileTooLarge(spec.maxFileBytes)));
			stream.on("end", () => {
				if (name !== spec.file) return;
				const data = Buffer.concat(chunks);
				body[name] = { filename: info.filename ?? "", content_type: info.mimeType || null, size_bytes: data.length, data_base64: data.toString("base64") } satisfies UploadedFile;
			});
		});
		parser.on("error", (err: any) => {
			req.unpipe(parser);
			req.resume();
			reject(failure ?? errors.validation([{ field: "", message: `malformed multipart body: ${err.message}` }]));
		});
		parser.on("close", () => (failure ? reject(failure) : resolve(body)));
		req.pipe(parser);
	});
}

/** The body as the audit log records it: the file's name, type and size, never its bytes. */
export function withoutFileData(body: Record<string, unknown>, spec: MultipartSpec): Record<string, unknown> {
	const file = body[spec.file] as UploadedFile | undefined;
	if (!file || typeof file !== "object") return body;
	const { data_base64: _bytes, ...summary } = file;
	return { ...body, [spec.file]: summary };
}
