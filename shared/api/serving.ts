// Serving targets and dispatch (README.md#connecting-your-serving-layer): where approved changes are applied.
import { z } from 'zod';
import { Deployment } from '../domain/deployment.js';
import { Serving, ServingTargetInput } from '../domain/serving.js';

/** `PUT /admin/models/{id}/serving` (admin, step-up purpose `serving.set`). */
export const SetServingRequest = z.strictObject({ target: ServingTargetInput.nullable() });
export type SetServingRequest = z.infer<typeof SetServingRequest>;

/** `GET|PUT /admin/models/{id}/serving` answer; a webhook secret is never in it. */
export const ServingResponse = z.strictObject({ serving: Serving });
export type ServingResponse = z.infer<typeof ServingResponse>;

/** `POST /admin/models/{id}/dispatch/retry` (operator): apply the approved state again now. */
export const RetryDispatchResponse = z.strictObject({ deployment: Deployment });
export type RetryDispatchResponse = z.infer<typeof RetryDispatchResponse>;
