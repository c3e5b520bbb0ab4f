// Approve or reject: a comment (required to reject), then re-authentication.
// The approval sends the intent digest of the request as this screen showed it.
import type { ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../../app/store.js';
import { formatTraffic } from '../../lib/format.js';
import { Field } from '../../ui/Field.js';
import { StepUpDialog } from '../session/StepUpDialog.js';
import { ACTION_LABEL } from '../rollout/rollout-plan.js';

export function DecisionDialog(): ReactElement | null {
  const decision = useStore((s) => s.approvals.decision);
  const request = useStore((s) => s.approvals.detail.request);
  const actions = useStore(
    useShallow((s) => ({
      setComment: s.setDecisionComment,
      next: s.decisionToReauth,
      back: s.backToCompose,
      submit: s.submitDecision,
      close: s.closeDecision,
    })),
  );
  if (!decision || !request) return null;
  const approving = decision.kind === 'approve';
  const busy = decision.stage === 'submitting';
  const what = `${ACTION_LABEL[request.action].toLowerCase()} of ${request.model_id} ${request.target_version} at ${formatTraffic(request.target_pct)}`;

  return (
    <StepUpDialog
      title={approving ? `Approve the ${what}?` : `Reject the ${what}?`}
      description={
        approving
          ? request.required_approvals > 1
            ? `This records your approval; it is dispatched once ${request.required_approvals} approvers agree.`
            : 'Approving dispatches the change at once.'
          : 'The requester is told, with your comment.'
      }
      composing={decision.stage === 'compose'}
      busy={busy}
      error={decision.error}
      danger={!approving}
      confirmLabel={approving ? 'Approve' : 'Reject'}
      // The BFF said this account may not decide (e.g. its group was removed at the IdP): asking again cannot help.
      continueDisabled={decision.error?.code === 'forbidden'}
      onContinue={actions.next}
      onBack={actions.back}
      onSubmit={actions.submit}
      onClose={actions.close}
    >
      {request.gate_override && approving && (
        <p className="callout callout-bad" role="alert">
          You are approving an override of a failed gate.
        </p>
      )}
      <Field label={approving ? 'Comment (optional)' : 'Reason'} error={decision.problem}>
        {(props) => <textarea {...props} rows={3} maxLength={2000} value={decision.comment} onChange={(e) => actions.setComment(e.target.value)} data-autofocus />}
      </Field>
    </StepUpDialog>
  );
}
