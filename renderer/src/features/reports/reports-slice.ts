// Offline review in the renderer: report files opened (dialog, drop, the OS),
// which of them are on screen (one, or two side by side), exports from the
// eval report screen, and the signing keys this console trusts.
import type { StateCreator } from 'zustand';
import { slicePatch } from '../../app/slice-patch.js';
import type { All } from '../../app/store.js';
import type { OpenedReport, ReportExportResult } from '../../../../shared/ipc/contract.js';
import { REPORT_FILE_MAX_BYTES, type PinnedKey } from '../../../../shared/report/report.js';
import { describeError } from '../../lib/error-messages.js';
import { call, type IpcError, type IpcResult } from '../../lib/model-ops.js';

export type ReportExportFormat = 'json' | 'html';

/** Opened files kept in the list; the main process holds at most 8 for re-checking. */
const OPENED_MAX = 8;
const MEGABYTE = 1024 * 1024;

export type ReportsSlice = {
  reports: {
    /** Newest first. */
    opened: OpenedReport[];
    /** On screen: one opened_id, or two side by side. */
    shown: string[];
    opening: boolean;
    exporting: ReportExportFormat | null;
    keys: { status: 'idle' | 'loading' | 'ready' | 'error'; items: PinnedKey[]; error: IpcError | null };
  };
  /** The native open dialog; the chosen file is shown on the reports screen. */
  openReportDialog: () => Promise<void>;
  /** Files dropped on the window: read here (size first), checked in the main process. */
  openDroppedFiles: (files: readonly File[]) => Promise<void>;
  /** A report opened by the main process (push: file association, command line). */
  reportOpened: (report: OpenedReport) => void;
  closeReport: (openedId: string) => void;
  showReport: (openedId: string) => void;
  /** Puts a second report beside the first (null: back to one). */
  compareWith: (openedId: string | null) => void;
  exportReport: (input: { modelId: string; versions?: string[] | undefined; format: ReportExportFormat }) => Promise<void>;
  loadPinnedKeys: () => Promise<void>;
  /** Imports a PEM public key; answers the error, or null on success (and re-checks the open reports it may verify). */
  importKey: (input: { pem: string; label: string }) => Promise<IpcError | null>;
};

export const initialReportsState = (): ReportsSlice['reports'] => ({
  opened: [],
  shown: [],
  opening: false,
  exporting: null,
  keys: { status: 'idle', items: [], error: null },
});

let localNumber = 0;

/** A file refused here before it was read, shown like any other verdict. */
function refusedLocally(file: File, message: string, problem: 'too_large' | 'unreadable'): OpenedReport {
  localNumber += 1;
  return {
    opened_id: `opened_local${localNumber}`,
    file_name: file.name,
    path: null,
    bytes: file.size,
    opened_at: new Date().toISOString(),
    verification: { status: 'invalid', problem, message },
    signed: null,
  };
}

/** The same sentence the main process gives a file over the limit (rounded up, never "50.0 MB"). */
export function tooLargeMessage(bytes: number): string {
  const size = (Math.ceil((bytes / MEGABYTE) * 10) / 10).toFixed(1);
  return `The file is ${size} MB: report files over ${REPORT_FILE_MAX_BYTES / MEGABYTE} MB are refused without being read.`;
}

export const createReportsSlice: StateCreator<All, [], [], ReportsSlice> = (set, get) => {
  const patch = slicePatch(set, 'reports');

  /** Adds opened reports (newest first), shows them, and goes to the reports screen. */
  const adopt = (reports: OpenedReport[]) => {
    if (reports.length === 0) return;
    const ids = new Set(reports.map((report) => report.opened_id));
    const opened = [...reports, ...get().reports.opened.filter((report) => !ids.has(report.opened_id))].slice(0, OPENED_MAX);
    patch({ opened, shown: reports.slice(0, 2).map((report) => report.opened_id) });
    if (get().route.name !== 'reports') get().navigate({ name: 'reports' });
  };

  const failed = (title: string, error: IpcError) => {
    const { title: sentence, detail } = describeError(error);
    get().pushToast({ tone: 'error', title, detail: detail ? `${sentence} ${detail}` : sentence });
  };

  const exportedToast = (result: Extract<ReportExportResult, { status: 'saved' }>) => {
    const verification = result.verification;
    if (verification?.status === 'unknown_key') {
      get().pushToast({
        tone: 'warning',
        title: `Saved ${result.file_name}`,
        detail: `In ${result.path}. It is signed by key ${verification.key_id}, which this console has not pinned, so it will show "unknown key" when opened here.`,
      });
      return;
    }
    const keyNote = verification?.status === 'verified' ? ` — signed with key ${verification.key_id}` : '';
    get().pushToast({ tone: 'success', title: `Saved ${result.file_name}`, detail: `In ${result.path}${keyNote}.` });
  };

  return {
    reports: initialReportsState(),

    openReportDialog: async () => {
      if (get().reports.opening) return;
      patch({ opening: true });
      const result = await call((api) => api.reports.open());
      patch({ opening: false });
      if (!result.ok) return failed('The report could not be opened', result.error);
      if (result.value.status === 'opened') adopt([result.value.report]);
    },

    openDroppedFiles: async (files) => {
      // Two at most: a pair to compare side by side.
      const chosen = files.slice(0, 2);
      if (chosen.length === 0) return;
      patch({ opening: true });
      const reports: OpenedReport[] = [];
      for (const file of chosen) {
        // Refused by size before reading, as the main process refuses a file it opens itself.
        if (file.size > REPORT_FILE_MAX_BYTES) {
          reports.push(refusedLocally(file, tooLargeMessage(file.size), 'too_large'));
          continue;
        }
        let bytes: Uint8Array<ArrayBuffer>;
        try {
          bytes = new Uint8Array(await file.arrayBuffer());
        } catch {
          // A dropped folder, or a file that went away.
          reports.push(refusedLocally(file, 'This cannot be read as a file (a folder?), so it is not a report.', 'unreadable'));
          continue;
        }
        const result: IpcResult<OpenedReport> = await call((api) => api.reports.openDropped({ file_name: file.name, bytes }));
        if (result.ok) reports.push(result.value);
        else failed(`${file.name} could not be opened`, result.error);
      }
      patch({ opening: false });
      adopt(reports);
    },

    reportOpened: (report) => adopt([report]),

    closeReport: (openedId) => {
      const { opened, shown } = get().reports;
      const rest = opened.filter((report) => report.opened_id !== openedId);
      const stillShown = shown.filter((id) => id !== openedId);
      patch({ opened: rest, shown: stillShown.length > 0 ? stillShown : rest[0] ? [rest[0].opened_id] : [] });
    },

    showReport: (openedId) => {
      const { shown } = get().reports;
      // The one clicked goes first; a side-by-side partner stays beside it.
      patch({ shown: [openedId, ...shown.filter((id) => id !== openedId)].slice(0, shown.length > 1 ? 2 : 1) });
    },

    compareWith: (openedId) => {
      const first = get().reports.shown[0] ?? get().reports.opened[0]?.opened_id;
      if (!first) return;
      patch({ shown: openedId && openedId !== first ? [first, openedId] : [first] });
    },

    exportReport: async ({ modelId, versions, format }) => {
      if (get().reports.exporting) return;
      patch({ exporting: format });
      const chosen = versions && versions.length > 0 ? { versions } : {};
      try {
        let result: IpcResult<ReportExportResult>;
        if (format === 'json') {
          result = await call((api) => api.reports.export({ format: 'json', model_id: modelId, ...chosen }));
        } else {
          const signed = await call((api) => api.reports.get({ model_id: modelId, ...chosen }));
          if (!signed.ok) return failed('The report could not be exported', signed.error);
          let html: string;
          try {
            // Loaded on the first HTML export, with the echarts it draws with: the start-up bundle does not carry it.
            const { buildReportPage } = await import('./report-page.js');
            html = await buildReportPage(signed.value);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            return failed('The web page could not be built', { code: 'internal', message });
          }
          const reportVersions = signed.value.report.versions.map((version) => version.version);
          result = await call((api) =>
            api.reports.export({ format: 'html', model_id: modelId, html, ...(reportVersions.length > 0 ? { versions: reportVersions } : {}) }),
          );
        }
        if (!result.ok) return failed('The report could not be exported', result.error);
        if (result.value.status === 'saved') exportedToast(result.value);
      } finally {
        patch({ exporting: null });
      }
    },

    loadPinnedKeys: async () => {
      patch({ keys: { ...get().reports.keys, status: 'loading', error: null } });
      const result = await call((api) => api.reports.keys());
      patch({ keys: result.ok ? { status: 'ready', items: result.value.keys, error: null } : { ...get().reports.keys, status: 'error', error: result.error } });
    },

    importKey: async ({ pem, label }) => {
      const result = await call((api) => api.reports.importKey({ public_key_pem: pem, ...(label.trim() ? { label: label.trim() } : {}) }));
      if (!result.ok) return result.error;
      get().pushToast({ tone: 'success', title: `Key ${result.value.key.key_id} imported`, detail: 'Reports it signed now show as verified.' });
      void get().loadPinnedKeys();
      // Open reports waiting for this key are checked again in place.
      const waiting = get().reports.opened.filter((report) => report.verification.status === 'unknown_key');
      for (const report of waiting) {
        const again = await call((api) => api.reports.reverify({ opened_id: report.opened_id }));
        if (!again.ok) continue;
        set((state) => ({
          reports: { ...state.reports, opened: state.reports.opened.map((item) => (item.opened_id === report.opened_id ? again.value : item)) },
        }));
      }
      return null;
    },
  };
};
