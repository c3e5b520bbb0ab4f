// Navigation state: the current route, mirrored into location.hash.
import type { StateCreator } from 'zustand';
import type { All } from './store.js';
import { formatRoute, parseHash, sameRoute, type Route } from './router.js';

export type NavSlice = {
  route: Route;
  /** Goes to `route`; `replace` rewrites the history entry instead of adding one. */
  navigate: (route: Route, options?: { replace?: boolean }) => void;
  /** The hash changed (back/forward, a typed link): adopt it. */
  routeChanged: (route: Route) => void;
  /** The keyboard shortcuts dialog (`?`, or Help > Keyboard Shortcuts in the app menu). */
  shortcutsOpen: boolean;
  setShortcutsOpen: (open: boolean) => void;
};

function initialRoute(): Route {
  return typeof window === 'undefined' ? { name: 'registry' } : parseHash(window.location.hash);
}

export const createNavSlice: StateCreator<All, [], [], NavSlice> = (set, get) => ({
  route: initialRoute(),
  navigate: (route, options) => {
    if (!sameRoute(route, get().route)) set({ route });
    const hash = formatRoute(route);
    if (window.location.hash === hash) return;
    if (options?.replace) window.history.replaceState(null, '', hash);
    else window.location.hash = hash;
  },
  routeChanged: (route) => {
    if (!sameRoute(route, get().route)) set({ route });
  },
  shortcutsOpen: false,
  setShortcutsOpen: (open) => set({ shortcutsOpen: open }),
});
