// Transient notices in the corner: results of actions and live events.
import type { StateCreator } from 'zustand';
import type { All } from './store.js';
import type { Route } from './router.js';

export type ToastTone = 'info' | 'success' | 'warning' | 'error';

export type Toast = {
  id: number;
  tone: ToastTone;
  title: string;
  detail?: string;
  /** Where "Open" goes, when the toast is about something on another screen. */
  route?: Route;
};

export type ToastSlice = {
  toasts: Toast[];
  pushToast: (toast: Omit<Toast, 'id'>) => number;
  dismissToast: (id: number) => void;
};

/** More than this and the oldest go first: a burst of events must not bury the screen. */
const MAX_TOASTS = 4;
let nextToastId = 1;

export const createToastSlice: StateCreator<All, [], [], ToastSlice> = (set) => ({
  toasts: [],
  pushToast: (toast) => {
    const id = nextToastId++;
    set((state) => ({ toasts: [...state.toasts, { ...toast, id }].slice(-MAX_TOASTS) }));
    return id;
  },
  dismissToast: (id) => set((state) => ({ toasts: state.toasts.filter((toast) => toast.id !== id) })),
});
