// Light / dark: follows the OS unless the user's theme setting forces one.
// Applied as data-theme on <html>; the CSS custom properties do the rest.
import { useEffect, useLayoutEffect, useState } from 'react';

export type ThemeSetting = 'system' | 'light' | 'dark';

const darkQuery = () => (typeof window !== 'undefined' && window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null);

/** Layout effect: runs before any child's passive effect reads the colours. */
export function useApplyTheme(setting: ThemeSetting | undefined): void {
  useLayoutEffect(() => {
    const root = document.documentElement;
    if (setting === 'light' || setting === 'dark') root.dataset.theme = setting;
    else delete root.dataset.theme;
  }, [setting]);
}

/** Whether the page is dark now; changes with the OS (when following it) and the setting. */
export function useIsDark(setting: ThemeSetting | undefined): boolean {
  const [systemDark, setSystemDark] = useState(() => darkQuery()?.matches ?? false);
  useEffect(() => {
    const query = darkQuery();
    if (!query) return;
    const onChange = () => setSystemDark(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  return setting === 'dark' || (setting !== 'light' && systemDark);
}
