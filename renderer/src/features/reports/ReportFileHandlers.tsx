// Window-wide ways to open a report: Ctrl/Cmd+O from any screen, and a file
// dropped anywhere on the window (the overlay says where it will go). Mounted
// once by the app, signed in or not.
import { useEffect, useRef, useState, type ReactElement } from 'react';
import { useStore } from '../../app/store.js';
import { Icon } from '../../ui/Icon.js';

const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;

/** "Ctrl+O", or "⌘O" on a Mac. */
export function openShortcutLabel(): string {
  return typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform) ? '⌘O' : 'Ctrl+O';
}

export function ReportFileHandlers(): ReactElement | null {
  const openReportDialog = useStore((s) => s.openReportDialog);
  const openDroppedFiles = useStore((s) => s.openDroppedFiles);
  const [dragging, setDragging] = useState(false);
  // dragenter/dragleave fire for every element crossed: count them to know when the pointer left the window.
  const depth = useRef(0);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key.toLowerCase() !== 'o' || !(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      // A modal dialog owns the keyboard while it is open.
      if (document.querySelector('[aria-modal="true"]')) return;
      event.preventDefault();
      void openReportDialog();
    };
    const onDragEnter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth.current += 1;
      setDragging(true);
    };
    const onDragOver = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      // Without this the drop would go to the browser, which would try to show the file.
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const onDragLeave = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    };
    const onDrop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth.current = 0;
      setDragging(false);
      void openDroppedFiles([...(event.dataTransfer?.files ?? [])]);
    };
    document.addEventListener('keydown', onKeyDown);
    window.addEventListener('dragenter', onDragEnter);
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('dragleave', onDragLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('dragenter', onDragEnter);
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('dragleave', onDragLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, [openReportDialog, openDroppedFiles]);

  if (!dragging) return null;
  return (
    <div className="report-drop-overlay" aria-hidden="true">
      <div className="report-drop-target">
        <Icon name="file" size={28} />
        <strong>Drop a report to open it</strong>
        <span>A .modelreport.json file; two to compare them side by side. It is checked here, with no network.</span>
      </div>
    </div>
  );
}
