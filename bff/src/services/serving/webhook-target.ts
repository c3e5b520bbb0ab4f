// Tells a webhook receiver the desired state: a POST of JSON signed like
// well-known webhook senders (`X-ModelOps-Signature: t=<unix>,v1=<hex>`, the
// HMAC-SHA256 of `t + "." + body`). A 2xx answer means applied. Redirects are
// never followed (the signature is for this URL only).
import { createHmac } from 'node:crypto';
import type { Applied, DesiredState } from './desired-state.js';
import { DispatchError } from './dispatch-error.js';

export const SIGNATURE_HEADER = 'X-ModelOps-Signature';
export const WEBHOOK_TIMEOUT_MS = 10_000;

export interface WebhookAddress {
  url: string;
  secret: string;
}

/** The header value for `body` sent at `unixSeconds`. */
export function webhookSignature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** The exact body posted for a desired state (the same bytes on every retry). */
export function webhookBody(state: DesiredState): string {
  return JSON.stringify({
    delivery_id: state.delivery_id,
    model_id: state.model_id,
    stable_version: state.stable_version,
    canary_version: state.canary_version,
    canary_pct: state.canary_pct,
    state_version: state.state_version,
    salt: state.salt,
    at: state.at,
  });
}

/** Retrying helps after a timeout, a 5xx, 408 or 429; any other refusal needs a person. */
function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

export async function applyToWebhook(target: WebhookAddress, state: DesiredState, now: Date, timeoutMs = WEBHOOK_TIMEOUT_MS): Promise<Applied> {
  const body = webhookBody(state);
  const t = Math.floor(now.getTime() / 1000);
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'modelops-bff',
        [SIGNATURE_HEADER]: webhookSignature(target.secret, body, t),
        'X-ModelOps-Delivery': state.delivery_id,
      },
      body,
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause ?? (error as Error).message);
    throw new DispatchError(`webhook ${target.url}: ${reason}`, false);
  }
  // The answer body is not needed; drop it without reading an unbounded stream.
  await response.body?.cancel().catch(() => undefined);
  if (response.status >= 200 && response.status < 300) return {};
  if (response.status >= 300 && response.status < 400) {
    throw new DispatchError(`webhook ${target.url} answered ${response.status} (a redirect); redirects are not followed`, true);
  }
  throw new DispatchError(`webhook ${target.url} answered ${response.status}`, !isTransientStatus(response.status));
}
