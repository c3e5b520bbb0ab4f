// Server-sent events of the BFF (`GET /admin/events`). `id` is a
// monotonically increasing sequence; clients resume with Last-Event-ID.
import { z } from 'zod';
import { ChangeRequest } from '../domain/change-request.js';
import { Deployment } from '../domain/deployment.js';
import { ModelId, SemVer, Timestamp, Username } from '../domain/primitives.js';

const RequestEvent = <T extends string>(type: T) =>
  z.strictObject({ type: z.literal(type), request: ChangeRequest });

export const EventPayload = z.discriminatedUnion('type', [
  RequestEvent('approval.requested'),
  RequestEvent('approval.decided'),
  RequestEvent('request.dispatched'),
  RequestEvent('request.rejected'),
  RequestEvent('request.cancelled'),
  RequestEvent('request.expired'),
  RequestEvent('request.stale'),
  z.strictObject({
    type: z.literal('rollback.executed'),
    model_id: ModelId,
    by: Username,
    justification: z.string(),
    deployment: Deployment,
  }),
  z.strictObject({ type: z.literal('deployment.changed'), deployment: Deployment }),
  /** The serving layer confirmed the deployment's desired state. */
  z.strictObject({ type: z.literal('deployment.applied'), deployment: Deployment }),
  /** A dispatch try failed (status retrying or failed); `deployment.dispatch.last_error` says why. */
  z.strictObject({ type: z.literal('deployment.dispatch_failed'), deployment: Deployment }),
  /** The serving layer's weights differ from the approved state. */
  z.strictObject({ type: z.literal('deployment.drift'), deployment: Deployment }),
  z.strictObject({ type: z.literal('version.registered'), model_id: ModelId, version: SemVer, by: Username }),
  z.strictObject({ type: z.literal('eval_run.reported'), model_id: ModelId, version: SemVer, run_id: z.string(), passed: z.boolean() }),
]);
export type EventPayload = z.infer<typeof EventPayload>;

export const ServerEvent = z.strictObject({
  id: z.number().int().min(1),
  at: Timestamp,
  data: EventPayload,
});
export type ServerEvent = z.infer<typeof ServerEvent>;

const EventId = z.string().regex(/^\d{1,15}$/, 'an event id').transform(Number);
/** `?last_event_id=N`: resume after event N (0: replay everything); none: from now on. */
export const EventsQuery = z.strictObject({ last_event_id: EventId.optional() });
/** Loose: every other header (authorization, …) must pass through untouched. Last-Event-ID wins over the query. */
export const EventsHeaders = z.looseObject({ 'last-event-id': EventId.optional() });
