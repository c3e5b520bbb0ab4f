// The audit log: cursor pages (with a stack of cursors for "previous"),
// filters by actor, action and model, and verification of the hash chain.
import type { StateCreator } from 'zustand';
import { slicePatch } from '../../app/slice-patch.js';
import type { All } from '../../app/store.js';
import type { AuditVerifyResponse } from '../../../../shared/api/audit.js';
import type { AuditEntry } from '../../../../shared/domain/audit.js';
import { call, type IpcError } from '../../lib/model-ops.js';

export type AuditFilters = { actor: string; action: string; model_id: string };

export const AUDIT_PAGE_SIZE = 50;

export type AuditSlice = {
  audit: {
    filters: AuditFilters;
    status: 'idle' | 'loading' | 'ready' | 'error';
    error: IpcError | null;
    items: AuditEntry[];
    /** Cursor of each page shown so far; the last is the current page's (undefined = first). */
    cursors: Array<string | undefined>;
    nextCursor: string | null;
    verify: { status: 'idle' | 'loading' | 'ready' | 'error'; result: AuditVerifyResponse | null; error: IpcError | null; at: string | null };
  };
  loadAudit: (options?: { force?: boolean }) => Promise<void>;
  setAuditFilters: (filters: AuditFilters) => void;
  nextAuditPage: () => Promise<void>;
  previousAuditPage: () => Promise<void>;
  verifyAudit: () => Promise<void>;
};

export const initialAuditState = (): AuditSlice['audit'] => ({
  filters: { actor: '', action: '', model_id: '' },
  status: 'idle',
  error: null,
  items: [],
  cursors: [undefined],
  nextCursor: null,
  verify: { status: 'idle', result: null, error: null, at: null },
});

export const createAuditSlice: StateCreator<All, [], [], AuditSlice> = (set, get) => {
  const patch = slicePatch(set, 'audit');
  let generation = 0;

  const fetchPage = async (cursors: Array<string | undefined>) => {
    const { filters } = get().audit;
    const cursor = cursors[cursors.length - 1];
    const mine = ++generation;
    patch({ status: 'loading', error: null });
    const query = {
      limit: AUDIT_PAGE_SIZE,
      ...(filters.actor.trim() ? { actor: filters.actor.trim() } : {}),
      ...(filters.action.trim() ? { action: filters.action.trim() } : {}),
      ...(filters.model_id.trim() ? { model_id: filters.model_id.trim() } : {}),
      ...(cursor ? { cursor } : {}),
    };
    const result = await call((api) => api.audit.list(query));
    if (mine !== generation) return;
    if (result.ok) patch({ status: 'ready', items: result.value.items, nextCursor: result.value.next_cursor, cursors });
    else patch({ status: 'error', error: result.error });
  };

  return {
    audit: initialAuditState(),

    loadAudit: async (options) => {
      const { status, cursors } = get().audit;
      if (!options?.force && status === 'loading') return;
      // Coming back re-reads the page the user was on; new entries may have arrived.
      await fetchPage(status === 'ready' || options?.force ? cursors : [undefined]);
    },

    setAuditFilters: (filters) => {
      patch({ filters });
      void fetchPage([undefined]);
    },

    nextAuditPage: async () => {
      const { nextCursor, cursors } = get().audit;
      if (nextCursor === null) return;
      await fetchPage([...cursors, nextCursor]);
    },

    previousAuditPage: async () => {
      const { cursors } = get().audit;
      if (cursors.length <= 1) return;
      await fetchPage(cursors.slice(0, -1));
    },

    verifyAudit: async () => {
      patch({ verify: { ...get().audit.verify, status: 'loading', error: null } });
      const result = await call((api) => api.audit.verify());
      patch({
        verify: result.ok
          ? { status: 'ready', result: result.value, error: null, at: new Date().toISOString() }
          : { status: 'error', result: null, error: result.error, at: null },
      });
    },
  };
};
