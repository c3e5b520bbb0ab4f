// Opens an exported eval report with no network and says what it is:
// verified (which BFF, which key), signed by an unknown key, altered, or not
// a report this console can read. Never throws on a file's contents.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { constants } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { canonicalJson } from '../../../shared/logic/canonical-json.js';
import { isSecureBffOrigin } from '../../../shared/settings/settings.js';
import {
  REPORT_FILE_MAX_BYTES,
  REPORT_SCHEMA_VERSION,
  REPORT_SIGNATURE_ALG,
  SignatureValue,
  SignedReport,
  type PinnedKey,
  type ReportProblem,
  type ReportVerification,
} from '../../../shared/report/report.js';
import { describeIssues } from './describe-issues.js';

export type ReportFileRead =
  /** `document` is JSON.parse's value: the signature is checked over it, never over a schema-parsed copy. */
  | { ok: true; document: unknown; bytes: number }
  | { ok: false; problem: ReportProblem; message: string };

/** What verifying a document yields; the IPC contract's OpenedReport adds the file it came from. */
export interface ReportVerdict {
  verification: ReportVerification;
  /** The report as this console reads it (schema 1), when its contents allow; shown beside the verdict. */
  signed: SignedReport | null;
}

const MEGABYTE = 1024 * 1024;
const NOT_A_FILE = 'This is not a regular file (a folder, a pipe or a device?), so not a report.';
const LIMIT_TEXT = `${REPORT_FILE_MAX_BYTES / MEGABYTE} MB`;

const invalid = (problem: ReportProblem, message: string): { ok: false; problem: ReportProblem; message: string } => ({
  ok: false,
  problem,
  message,
});

function describeReadError(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'The file does not exist (moved or deleted?).';
    case 'EACCES':
    case 'EPERM':
      return 'The file cannot be read: permission denied.';
    case 'EISDIR':
      return 'This is a folder, not a report file.';
    default:
      return `The file cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`;
  }
}

/**
 * Reads and parses a report file. The size is checked on the open handle
 * before anything is read, and the read itself stops past the limit, so
 * neither a huge file nor one that grows (or a device that never ends) is
 * ever taken into memory.
 */
export async function readReportFile(path: string): Promise<ReportFileRead> {
  let handle: FileHandle;
  try {
    // Regular files only, decided before opening: opening a FIFO blocks until a writer comes (a libuv
    // worker stuck for good), and a device may never end.
    if (!(await stat(path)).isFile()) return invalid('not_a_file', NOT_A_FILE);
    // Non-blocking all the same: the path may be swapped for a FIFO between the stat and the open.
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return invalid('unreadable', describeReadError(error));
  }
  let buffer: Buffer;
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return invalid('not_a_file', NOT_A_FILE);
    if (stats.size > REPORT_FILE_MAX_BYTES) {
      // Rounded up, so a file just over the limit never reads as "50.0 MB".
      const size = (Math.ceil((stats.size / MEGABYTE) * 10) / 10).toFixed(1);
      return invalid('too_large', `The file is ${size} MB: report files over ${LIMIT_TEXT} are refused without being read.`);
    }
    buffer = Buffer.alloc(Math.min(stats.size, REPORT_FILE_MAX_BYTES) + 1);
    let filled = 0;
    for (;;) {
      if (filled === buffer.length) {
        if (buffer.length > REPORT_FILE_MAX_BYTES) return invalid('too_large', `The file grew past ${LIMIT_TEXT} while being read: refused.`);
        // The file grew since stat: keep reading, but never past the limit.
        const larger = Buffer.alloc(Math.min(buffer.length * 2, REPORT_FILE_MAX_BYTES + 1));
        buffer.copy(larger);
        buffer = larger;
      }
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    buffer = buffer.subarray(0, filled);
  } catch (error) {
    return invalid('unreadable', describeReadError(error));
  } finally {
    await handle.close().catch(() => undefined);
  }
  return parseReportBytes(buffer);
}

/** UTF-8 text to JSON, telling an empty, binary, cut-off and non-JSON file apart. */
export function parseReportBytes(bytes: Uint8Array): ReportFileRead {
  if (bytes.length > REPORT_FILE_MAX_BYTES) return invalid('too_large', `Report files over ${LIMIT_TEXT} are refused.`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return invalid('not_text', 'The file is not UTF-8 text (a binary file?), so it is not a report.');
  }
  // Editors on Windows may add a byte-order mark; it is no part of the JSON.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  if (text.trim() === '') return invalid('empty', 'The file is empty.');
  try {
    return { ok: true, document: JSON.parse(text) as unknown, bytes: bytes.length };
  } catch {
    if (isJsonPrefix(text)) {
      return invalid('truncated', 'The file ends too early: it is cut off (an incomplete download or copy?), so nothing in it can be checked.');
    }
    return invalid('not_json', 'The file is not JSON, so it is not an exported report.');
  }
}

const STRING_CUT = -1;
const STRING_BAD = -2;

/**
 * Whether `text` is the beginning of some JSON text that was cut off: every
 * character fits the grammar, and the end comes before the value is complete.
 * Iterative (a stack, no recursion), so no nesting depth can overflow it.
 */
export function isJsonPrefix(text: string): boolean {
  type State = 'value' | 'value_or_close' | 'key' | 'key_or_close' | 'colon' | 'comma_or_close' | 'done';
  const stack: string[] = [];
  let state: State = 'value';
  let i = 0;
  const afterValue = (): State => (stack.length === 0 ? 'done' : 'comma_or_close');
  const close = (bracket: string): boolean => {
    if (stack[stack.length - 1] !== bracket) return false;
    stack.pop();
    state = afterValue();
    i += 1;
    return true;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i += 1;
      continue;
    }
    switch (state) {
      case 'done':
        return false;
      case 'colon':
        if (c !== ':') return false;
        state = 'value';
        i += 1;
        continue;
      case 'comma_or_close':
        if (c === ',') {
          state = stack[stack.length - 1] === '}' ? 'key' : 'value';
          i += 1;
          continue;
        }
        if (!close(c)) return false;
        continue;
      case 'key_or_close':
      case 'key':
        if (state === 'key_or_close' && c === '}') {
          if (!close('}')) return false;
          continue;
        }
        if (c !== '"') return false;
        i = scanString(text, i);
        if (i < 0) return i === STRING_CUT;
        state = 'colon';
        continue;
      case 'value_or_close':
      case 'value': {
        if (state === 'value_or_close' && c === ']') {
          if (!close(']')) return false;
          continue;
        }
        if (c === '{' || c === '[') {
          stack.push(c === '{' ? '}' : ']');
          state = c === '{' ? 'key_or_close' : 'value_or_close';
          i += 1;
          continue;
        }
        if (c === '"') {
          i = scanString(text, i);
          if (i < 0) return i === STRING_CUT;
        } else if (c === 't' || c === 'f' || c === 'n') {
          const literal = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
          const seen = text.slice(i, i + literal.length);
          if (!literal.startsWith(seen)) return false;
          if (seen.length < literal.length) return true;
          i += literal.length;
        } else if (c === '-' || (c >= '0' && c <= '9')) {
          const loose = /-?\d*(?:\.\d*)?(?:[eE][+-]?\d*)?/y;
          loose.lastIndex = i;
          const token = loose.exec(text)![0];
          const end = i + token.length;
          const strict = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
          // A number running to the very end may have been cut: then one more digit completes any genuine start of one.
          if (end === text.length) return strict.test(token) || strict.test(`${token}0`);
          if (!strict.test(token)) return false;
          i = end;
        } else {
          return false;
        }
        state = afterValue();
        continue;
      }
    }
  }
  return state !== 'done';
}

/** Index after the string opening at `start`; STRING_CUT when the text ends inside it, STRING_BAD when it is not JSON. */
function scanString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return STRING_BAD;
    if (c === 0x5c) {
      const escape = text[i + 1];
      if (escape === undefined) return STRING_CUT;
      if (escape === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]*$/.test(hex)) return STRING_BAD;
        if (hex.length < 4) return STRING_CUT;
        i += 6;
        continue;
      }
      if (!'"\\/bfnrt'.includes(escape)) return STRING_BAD;
      i += 2;
      continue;
    }
    i += 1;
  }
  return STRING_CUT;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The 64 signature bytes, or null when the value is not canonical base64 of exactly that many. */
function signatureBytes(value: string): Buffer | null {
  if (!SignatureValue.safeParse(value).success) return null;
  const bytes = Buffer.from(value, 'base64');
  // Buffer's decoder forgives stray bits; a different spelling of the same bytes is still a change to the file.
  return bytes.length === 64 && bytes.toString('base64') === value ? bytes : null;
}

function ed25519Key(pem: string): KeyObject | null {
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'ed25519' ? key : null;
  } catch {
    return null;
  }
}

/**
 * The verdict on a parsed file (`document` straight from JSON.parse). The
 * signature is checked over the canonical JSON of `document.report` exactly
 * as the file holds it: schema parsing may normalise values (lower-cased
 * digests, trimmed text, defaults), and a check over the normalised copy
 * could pass for a file whose bytes say something else.
 */
export function verifyReport(document: unknown, pinnedKeys: readonly PinnedKey[]): ReportVerification {
  return verifySafely(document, pinnedKeys).verification;
}

/** The verdict and, where the contents allow, the report as this console reads it; never throws. */
export function verifySafely(document: unknown, pinnedKeys: readonly PinnedKey[]): ReportVerdict {
  try {
    return verifyDocument(document, pinnedKeys);
  } catch (error) {
    // JSON nested deeply enough exhausts the stack of the recursive canonicaliser or schema; any file gets a verdict.
    const message =
      error instanceof RangeError
        ? 'This JSON is nested too deeply to be an exported eval report.'
        : 'This JSON could not be read as an exported eval report.';
    return { verification: { status: 'invalid', problem: 'not_a_report', message }, signed: null };
  }
}

function verifyDocument(document: unknown, pinnedKeys: readonly PinnedKey[]): ReportVerdict {
  const result = (verification: ReportVerification, signed: SignedReport | null = null): ReportVerdict => ({ verification, signed });
  const notReport = (detail: string) =>
    result({ status: 'invalid', problem: 'not_a_report', message: `This is JSON, but not an exported eval report: ${detail}.` });

  if (!isObject(document) || !isObject(document.report) || !isObject(document.signature)) {
    return notReport('it needs a "report" object and a "signature" object');
  }
  const { report, signature } = document;
  const schemaVersion = report.schema_version;
  if (schemaVersion === undefined) return notReport('the report has no schema_version');
  if (schemaVersion !== REPORT_SCHEMA_VERSION) {
    const shown = JSON.stringify(schemaVersion).slice(0, 40);
    return result({
      status: 'invalid',
      problem: 'unknown_schema_version',
      message:
        typeof schemaVersion === 'number' && Number.isInteger(schemaVersion) && schemaVersion > REPORT_SCHEMA_VERSION
          ? `This report uses schema version ${shown}, which this console cannot read (it reads version ${REPORT_SCHEMA_VERSION}): update the console.`
          : `This report names schema version ${shown}, which is not one this console knows (it reads version ${REPORT_SCHEMA_VERSION}).`,
    });
  }
  if (signature.alg !== REPORT_SIGNATURE_ALG) {
    return result({
      status: 'invalid',
      problem: 'unsupported_algorithm',
      message: `The report is signed with ${JSON.stringify(signature.alg ?? null).slice(0, 40)}, not ${REPORT_SIGNATURE_ALG}, so it cannot be checked.`,
    });
  }
  if (typeof signature.key_id !== 'string' || typeof signature.value !== 'string') {
    return notReport('its signature has no key_id or value');
  }
  const keyId = signature.key_id;

  // Read for display separately; a failure here does not decide the verdict on its own.
  const parsed = SignedReport.safeParse(document);
  const signed = parsed.success ? parsed.data : null;

  const candidates = pinnedKeys.filter((pin) => pin.key_id === keyId);
  if (candidates.length === 0) {
    if (!signed) return notReport(describeIssues(parsed.error!));
    return result({ status: 'unknown_key', key_id: keyId }, signed);
  }

  let message: Buffer;
  try {
    message = Buffer.from(canonicalJson(report), 'utf8');
  } catch {
    // JSON.parse yields only JSON values, but a number like 1e999 becomes Infinity, which nobody signed.
    return result({ status: 'altered', key_id: keyId }, signed);
  }
  const signatureValue = signatureBytes(signature.value);
  const matches = signatureValue
    ? candidates.filter((pin) => {
        const key = ed25519Key(pin.public_key_pem);
        if (key === null) return false;
        try {
          return verify(null, message, key, signatureValue);
        } catch {
          return false;
        }
      })
    : [];
  if (matches.length === 0) return result({ status: 'altered', key_id: keyId }, signed);

  if (!signed) {
    return result({
      status: 'invalid',
      problem: 'unreadable_contents',
      message: `The signature holds (key ${keyId}), but the report's contents do not follow schema version ${REPORT_SCHEMA_VERSION}, so this console cannot show them: ${describeIssues(parsed.error!)}.`,
    });
  }
  // Trust is per origin: a key pinned from one BFF proves only reports that name that BFF.
  // The report's own origin is part of what was signed, so it is only read once the signature holds.
  const reportOrigin = originOf(signed.report.bff_origin);
  const sameOrigin = matches.find(
    (pin) => pin.source.kind === 'bff' && reportOrigin !== null && originOf(pin.source.origin) === reportOrigin && isSecureBffOrigin(reportOrigin),
  );
  // A key the user imported (after confirming its fingerprint in a native dialog) vouches for any origin, and says so.
  const match = sameOrigin ?? matches.find((pin) => pin.source.kind === 'imported');
  if (!match) {
    const other = matches[0]!;
    return result(
      { status: 'other_origin', key_id: keyId, key_origin: other.source.kind === 'bff' ? other.source.origin : '', report_origin: signed.report.bff_origin },
      signed,
    );
  }
  return result(
    {
      status: 'verified',
      key_id: keyId,
      bff_origin: match.source.kind === 'bff' ? match.source.origin : null,
      key_label: match.source.kind === 'imported' ? match.source.label : null,
      key_retired_at: match.retired_at ?? null,
      report_origin: signed.report.bff_origin,
    },
    signed,
  );
}

/** The normalised origin of a URL-ish string, or null when it is none. */
function originOf(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

/** Reads, parses and verifies a report file against the pinned keys; every failure is a verdict, never an exception. */
export async function openReportFile(path: string, pinnedKeys: readonly PinnedKey[]): Promise<ReportVerdict> {
  const read = await readReportFile(path);
  if (!read.ok) return { verification: { status: 'invalid', problem: read.problem, message: read.message }, signed: null };
  return verifySafely(read.document, pinnedKeys);
}
