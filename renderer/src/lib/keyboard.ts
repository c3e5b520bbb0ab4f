// App-wide shortcuts: "/" focuses the current screen's search box, "?" opens
// the list of shortcuts. List navigation (arrows, j/k, Enter) lives in VirtualTable.
import { useEffect } from 'react';

/** Typing into a field must never trigger a shortcut. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file'].includes(type);
}

/** The element a screen marks as its search box (data-search-target). */
export function focusSearch(root: ParentNode = document): boolean {
  const box = root.querySelector<HTMLInputElement>('[data-search-target]');
  if (!box) return false;
  box.focus();
  box.select();
  return true;
}

export function useGlobalShortcuts(handlers: { onHelp: () => void }): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      // A modal dialog owns the keyboard while it is open.
      if (document.querySelector('[aria-modal="true"]')) return;
      if (isTyping(event.target)) {
        if (event.key === 'Escape' && event.target instanceof HTMLInputElement && event.target.dataset.searchTarget !== undefined) event.target.blur();
        return;
      }
      if (event.key === '/') {
        if (focusSearch()) event.preventDefault();
      } else if (event.key === '?') {
        event.preventDefault();
        handlers.onHelp();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [handlers]);
}
