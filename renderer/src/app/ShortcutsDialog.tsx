// The keyboard shortcuts, opened with "?".
import type { ReactElement } from 'react';
import { Button } from '../ui/Button.js';
import { Dialog } from '../ui/Dialog.js';

export const SHORTCUTS: ReadonlyArray<readonly [string[], string]> = [
  [['/'], 'Focus the search box of the screen'],
  [['↓', '↑'], 'Move in a list (also j and k)'],
  [['Home', 'End'], 'First or last row'],
  [['Enter'], 'Open the selected row'],
  [['Esc'], 'Close a dialog, or leave the search box'],
  [['Ctrl', 'O'], 'Open an exported report (⌘O on a Mac), signed in or not'],
  [['?'], 'Show these shortcuts'],
];

/** The shortcuts as a key/description list: in the "?" dialog and on the settings screen. */
export function ShortcutList(): ReactElement {
  return (
    <dl className="kv shortcuts">
      {SHORTCUTS.map(([keys, what]) => (
        <div key={what} className="contents">
          <dt>
            {keys.map((k) => (
              <kbd key={k}>{k}</kbd>
            ))}
          </dt>
          <dd>{what}</dd>
        </div>
      ))}
    </dl>
  );
}

export function ShortcutsDialog({ onClose }: { onClose: () => void }): ReactElement {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} size="sm" footer={<Button onClick={onClose}>Close</Button>}>
      <ShortcutList />
    </Dialog>
  );
}
