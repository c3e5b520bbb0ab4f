// Offline review in the main process: saves signed reports (the BFF's own
// bytes) and HTML pages through the save dialog, opens report files with no
// network, and checks them against the keys pinned while signed in.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { OpenedReport, ReportExportResult, ReportOpenResult } from '../../../shared/ipc/contract.js';
import type { KeysResponse, PinnedKey, ReportVerification, SignedReport } from '../../../shared/report/report.js';
import { ClientError } from './client-error.js';
import { keyImportConfirmation, requireConfirmation, type Confirm } from './confirmations.js';
import { describePublicKey, KeyPinError, type KeyPinStore } from './key-pin-store.js';
import type { Logger } from './logger.js';
import { parseReportBytes, readReportFile, verifySafely, type ReportFileRead } from './report-verifier.js';

/** The one extension of exported signed reports (README, "Offline review"). */
export const REPORT_FILE_SUFFIX = '.modelreport.json';
export const REPORT_HTML_SUFFIX = '.html';

export type ReportFormat = 'json' | 'html';

/** The native file dialogs (adapters/dialog.ts); a recording stand-in in tests and e2e. */
export interface FileDialogs {
  /** The path the user chose, or null when the dialog was cancelled. */
  chooseSavePath(options: { title: string; defaultName: string; format: ReportFormat }): Promise<string | null>;
  chooseOpenPath(options: { title: string }): Promise<string | null>;
}

/**
 * Where the signing keys to pin come from: the BFF in use, asked through
 * GET /admin/keys. Given once at construction; asked again after every sign-in,
 * and when an exported report names a key not pinned yet.
 */
export interface ReportKeySource {
  /**
   * The origin to pin under and what the BFF lists there; null when no key may
   * be pinned (local mode: anyone with the data folder can sign with its key).
   * Throws when there is no BFF to ask.
   */
  fetch(): Promise<{ origin: string; keys: KeysResponse } | null>;
}

export interface ReportServiceOptions {
  pins: KeyPinStore;
  keySource: ReportKeySource;
  dialogs: FileDialogs;
  /** Native confirmation: a hand-imported key is trusted only after the user saw its fingerprint there. */
  confirm: Confirm;
  logger: Logger;
  now?: () => Date;
}

/** What the service keeps of an opened file, so a key import can check it again without reading it twice. */
interface HeldReport {
  read: ReportFileRead;
  fileName: string;
  path: string | null;
  openedAt: string;
}

/** Opened files kept for re-checking; the oldest go first (each may hold a parsed file of up to 50 MB). */
const HELD_MAX = 8;
const HELD_MAX_BYTES = 120 * 1024 * 1024;
const FILE_NAME_MAX = 150;

/** `<model>-<versions>.modelreport.json`: safe on every OS (model ids are slugs, versions semver). */
export function defaultReportFileName(modelId: string, versions: readonly string[], format: ReportFormat): string {
  const suffix = format === 'json' ? REPORT_FILE_SUFFIX : REPORT_HTML_SUFFIX;
  let stem = versions.length > 0 ? `${modelId}-${versions.join('_')}` : modelId;
  if (stem.length > FILE_NAME_MAX) stem = `${modelId}-${versions.slice(0, 2).join('_')}-and-${versions.length - 2}-more`;
  return `${stem.replace(/[^A-Za-z0-9._+-]/g, '-')}${suffix}`;
}

/** A name typed without the extension gets it, so the file opens as what it is. */
export function withReportSuffix(path: string, format: ReportFormat): string {
  if (format === 'json') return /\.json$/i.test(path) ? path : `${path}${REPORT_FILE_SUFFIX}`;
  return /\.html?$/i.test(path) ? path : `${path}${REPORT_HTML_SUFFIX}`;
}

function describeWriteError(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'the folder does not exist';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EROFS':
      return 'the disk is read-only';
    case 'EISDIR':
      return 'a folder has that name';
    default:
      return (error as NodeJS.ErrnoException).code ?? 'an unknown error';
  }
}

/**
 * Writes beside the target, flushes, then renames over it: a crash or a full
 * disk leaves the old file (or none), never half a report.
 */
export async function writeFileAtomically(path: string, data: Uint8Array): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new ClientError('file_write_failed', `${basename(path)} could not be saved in ${dirname(path)}: ${describeWriteError(error)}.`);
  }
}

export class ReportService {
  readonly #pins: KeyPinStore;
  readonly #keySource: ReportKeySource;
  readonly #dialogs: FileDialogs;
  readonly #confirm: Confirm;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #held = new Map<string, HeldReport>();
  /** One open dialog at a time: the shortcut and a button pressed together must not stack two. */
  #choosing = false;

  constructor(options: ReportServiceOptions) {
    this.#pins = options.pins;
    this.#keySource = options.keySource;
    this.#dialogs = options.dialogs;
    this.#confirm = options.confirm;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Pins what the key source lists, under its BFF's origin (called after every
   * sign-in and restore). Keys are added, never dropped.
   */
  async refreshKeys(): Promise<void> {
    const listed = await this.#keySource.fetch();
    if (!listed) return;
    const { origin, keys: { keys } } = listed;
    const outcome = await this.#pins.pin(origin, keys);
    if (outcome.conflicts.length > 0) {
      // Kept as pinned: a key swapped under a known id is what pinning exists to notice.
      this.#logger.warn('report keys: the BFF lists a different key under a pinned key id; the pinned one is kept', {
        origin,
        key_ids: outcome.conflicts,
      });
    }
    if (outcome.added.length + outcome.updated.length > 0) {
      this.#logger.info('report keys pinned', { origin, added: outcome.added, updated: outcome.updated });
    }
  }

  /**
   * Fetches the signed report, asks where to save it and writes the BFF's
   * bytes unchanged. The copy is checked as a reviewer would check it; a
   * report that does not match its own signature is not saved at all.
   */
  async exportJson(modelId: string, fetchSigned: () => Promise<{ bytes: Uint8Array; value: SignedReport }>): Promise<ReportExportResult> {
    const { bytes, value } = await fetchSigned();
    let verification = await this.#verifyBytes(bytes);
    if (verification.status === 'unknown_key') {
      // Rotated since this sign-in: the BFF lists the new key now.
      await this.refreshKeys().catch((error: unknown) => this.#logger.warn('report keys: refresh failed', { error }));
      verification = await this.#verifyBytes(bytes);
    }
    if (verification.status === 'altered' || verification.status === 'invalid') {
      this.#logger.error('exported report does not verify; not saved', { model: modelId, status: verification.status });
      throw new ClientError(
        'bad_response',
        'The report the BFF sent does not match its own signature, so it was not saved. Try again; if it persists, tell the BFF administrator.',
      );
    }
    const versions = value.report.versions.map((version) => version.version);
    const path = await this.#dialogs.chooseSavePath({
      title: 'Export the signed eval report',
      defaultName: defaultReportFileName(modelId, versions, 'json'),
      format: 'json',
    });
    if (path === null) return { status: 'cancelled' };
    return this.#save(withReportSuffix(path, 'json'), bytes, verification);
  }

  /** Saves the HTML page the renderer built (it has echarts; the main process does not). */
  async saveHtml(modelId: string, versions: readonly string[], html: string): Promise<ReportExportResult> {
    const path = await this.#dialogs.chooseSavePath({
      title: 'Export the eval report as a web page',
      defaultName: defaultReportFileName(modelId, versions, 'html'),
      format: 'html',
    });
    if (path === null) return { status: 'cancelled' };
    return this.#save(withReportSuffix(path, 'html'), Buffer.from(html, 'utf8'), null);
  }

  /** The open dialog, then the file it names. */
  async openWithDialog(): Promise<ReportOpenResult> {
    if (this.#choosing) return { status: 'cancelled' };
    this.#choosing = true;
    let path: string | null;
    try {
      path = await this.#dialogs.chooseOpenPath({ title: 'Open an exported eval report' });
    } finally {
      this.#choosing = false;
    }
    if (path === null) return { status: 'cancelled' };
    return { status: 'opened', report: await this.openPath(path) };
  }

  /** A file named by the OS (file association, command line) or the dialog. Never throws on its contents. */
  async openPath(path: string): Promise<OpenedReport> {
    return this.#hold({ read: await readReportFile(path), fileName: basename(path), path, openedAt: this.#now().toISOString() });
  }

  /** A dropped file the renderer read; it never sends (or learns) a path. */
  async openBytes(fileName: string, bytes: Uint8Array): Promise<OpenedReport> {
    return this.#hold({ read: parseReportBytes(bytes), fileName: basename(fileName) || 'dropped file', path: null, openedAt: this.#now().toISOString() });
  }

  /** Checks an opened file again against the pins as they are now (after a key import or a sign-in). */
  async reverify(openedId: string): Promise<OpenedReport> {
    const held = this.#held.get(openedId);
    if (!held) throw new ClientError('not_found', 'The console no longer holds this report: open the file again.');
    return this.#view(openedId, held);
  }

  keys(): Promise<PinnedKey[]> {
    return this.#pins.all();
  }

  /**
   * Trusts a key handed over by hand, once the user confirmed its fingerprint
   * in a native dialog (the page that sent the PEM cannot answer that dialog).
   */
  async importKey(pem: string, options: { label?: string; keyId?: string }): Promise<PinnedKey> {
    try {
      const described = describePublicKey(pem);
      const already = (await this.#pins.all()).find(
        (pin) => pin.source.kind === 'imported' && pin.key_id === (options.keyId ?? described.keyId) && describePublicKey(pin.public_key_pem).fingerprint === described.fingerprint,
      );
      if (!already) {
        await requireConfirmation(this.#confirm, keyImportConfirmation(options.keyId ?? described.keyId, described.fingerprint, (options.label ?? '').trim()));
      }
      const key = await this.#pins.importKey(pem, {
        ...(options.label === undefined ? {} : { label: options.label }),
        ...(options.keyId === undefined ? {} : { keyId: options.keyId }),
      });
      this.#logger.info('report key imported by hand', { key_id: key.key_id });
      return key;
    } catch (error) {
      if (error instanceof KeyPinError && (error.code === 'invalid_key' || error.code === 'key_conflict')) {
        throw new ClientError(error.code, error.message.charAt(0).toUpperCase() + error.message.slice(1));
      }
      throw error;
    }
  }

  async #save(path: string, bytes: Uint8Array, verification: ReportVerification | null): Promise<ReportExportResult> {
    await writeFileAtomically(path, bytes);
    this.#logger.info('report saved', { file: path, bytes: bytes.byteLength });
    return { status: 'saved', path, file_name: basename(path), bytes: bytes.byteLength, verification };
  }

  async #verifyBytes(bytes: Uint8Array): Promise<ReportVerification> {
    const read = parseReportBytes(bytes);
    if (!read.ok) return { status: 'invalid', problem: read.problem, message: read.message };
    return verifySafely(read.document, await this.#pins.all()).verification;
  }

  async #hold(held: HeldReport): Promise<OpenedReport> {
    const openedId = `opened_${randomBytes(8).toString('hex')}`;
    this.#held.set(openedId, held);
    let total = 0;
    // Newest first: keep what fits, forget the oldest.
    [...this.#held].reverse().forEach(([id, entry], index) => {
      total += entry.read.ok ? entry.read.bytes : 0;
      if (id !== openedId && (index >= HELD_MAX || total > HELD_MAX_BYTES)) this.#held.delete(id);
    });
    const view = await this.#view(openedId, held);
    this.#logger.info('report opened', { file: held.fileName, bytes: view.bytes, verdict: view.verification.status });
    return view;
  }

  async #view(openedId: string, held: HeldReport): Promise<OpenedReport> {
    const base = { opened_id: openedId, file_name: held.fileName, path: held.path, opened_at: held.openedAt };
    if (!held.read.ok) {
      return { ...base, bytes: 0, verification: { status: 'invalid', problem: held.read.problem, message: held.read.message }, signed: null };
    }
    const { verification, signed } = verifySafely(held.read.document, await this.#pins.all());
    return { ...base, bytes: held.read.bytes, verification, signed };
  }
}
