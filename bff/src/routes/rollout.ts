// Rollout routes: request a step (two-person, answered 202 pending) and roll back (immediate).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import type { BffContext } from '../context.js';
import { requestRollout, rollback } from '../services/rollout.js';
import { registerEndpoint } from './register-endpoint.js';

const rolloutRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  registerEndpoint(app, ENDPOINTS.requestRollout, async (request, reply, { principal, spendStepUp }) => {
    const created = await requestRollout(ctx, principal, request.params.model_id, request.body, spendStepUp);
    return reply.status(202).send({ request: created });
  });

  registerEndpoint(app, ENDPOINTS.rollback, async (request, _reply, { principal, spendStepUp }) => ({
    deployment: await rollback(ctx, principal, request.params.model_id, request.body.justification, spendStepUp),
  }));
};

export default rolloutRoutes;
