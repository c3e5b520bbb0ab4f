// The one dialog the main process shows itself: a startup failure it cannot recover from.
import { dialog } from 'electron';

export function showFatalError(title: string, message: string): void {
  dialog.showErrorBox(title, message);
}
