// While the main process waits for the person to come back from the system browser
// (company sign-in or a step-up there): says so, and offers Cancel — the button or
// Escape — which closes the console's loopback listener and forgets the attempt.
import { useEffect, type ReactElement } from 'react';
import { useStore } from '../../app/store.js';
import { Button } from '../../ui/Button.js';
import { Spinner } from '../../ui/Spinner.js';

export function IdpWaiting({ providerName, task }: { providerName: string; task: string }): ReactElement {
  const cancelIdp = useStore((s) => s.cancelIdp);
  useEffect(() => {
    // Capture phase: a busy dialog swallows Escape in its own handler.
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      void cancelIdp();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, [cancelIdp]);
  return (
    <div className="idp-waiting row" role="status">
      <Spinner size={16} label="" />
      <span className="idp-waiting-text">
        Waiting for you to {task} at {providerName} in your browser…
        <span className="field-hint"> Escape or Cancel stops waiting.</span>
      </span>
      <Button size="sm" onClick={() => void cancelIdp()}>
        Cancel
      </Button>
    </div>
  );
}
