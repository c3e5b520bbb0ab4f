import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ScreenErrorBoundary } from './ScreenErrorBoundary.js';

function Broken({ message }: { message: string }): never {
  throw new Error(message);
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('ScreenErrorBoundary', () => {
  it('shows an error state with the reason instead of unmounting the shell, and tries again on another screen', () => {
    // React and the boundary report the error on the console; expected here.
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { rerender } = render(
      <ScreenErrorBoundary resetKey="audit">
        <Broken message="Failed to fetch dynamically imported module: audit.js" />
      </ScreenErrorBoundary>,
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('This screen could not be shown.');
    expect(alert.textContent).toContain('Failed to fetch dynamically imported module: audit.js');
    expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy();
    expect(logged.mock.calls.some(([first]) => first === 'a screen failed to render')).toBe(true);

    // The same screen again: still the error (nothing changed that could fix it).
    rerender(
      <ScreenErrorBoundary resetKey="audit">
        <p>audit log</p>
      </ScreenErrorBoundary>,
    );
    expect(screen.getByRole('alert')).toBeTruthy();

    // Another screen: rendered.
    rerender(
      <ScreenErrorBoundary resetKey="registry">
        <p>registry</p>
      </ScreenErrorBoundary>,
    );
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText('registry')).toBeTruthy();
  });
});
