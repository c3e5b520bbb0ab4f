// Rollout routes: request a step (two-person, answered 202 pending) and roll back (immediate).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ModelParams } from '../../../shared/api/models.js';
import { RollbackRequest, RollbackResponse, RolloutRequest, RolloutResponse } from '../../../shared/api/rollout.js';
import type { BffContext } from '../context.js';
import { requirePrincipal } from '../plugins/access.js';
import { requestRollout, rollback, stepUpOf } from '../services/rollout.js';

const rolloutRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  app.post(
    '/admin/models/:model_id/rollout',
    {
      config: { access: { role: 'operator', stepUp: 'rollout' } },
      schema: {
        tags: ['rollout'],
        security: [{ bearer: [] }],
        params: ModelParams,
        body: RolloutRequest,
        response: { 202: RolloutResponse },
      },
    },
    async (request, reply) => {
      const created = await requestRollout(
        ctx,
        requirePrincipal(request),
        request.params.model_id,
        request.body,
        stepUpOf(request, 'rollout'),
      );
      return reply.status(202).send({ request: created });
    },
  );

  app.post(
    '/admin/models/:model_id/rollback',
    {
      config: { access: { role: 'operator', stepUp: 'rollback' } },
      schema: {
        tags: ['rollout'],
        security: [{ bearer: [] }],
        params: ModelParams,
        body: RollbackRequest,
        response: { 200: RollbackResponse },
      },
    },
    async (request) => ({
      deployment: await rollback(
        ctx,
        requirePrincipal(request),
        request.params.model_id,
        request.body.justification,
        stepUpOf(request, 'rollback'),
      ),
    }),
  );
};

export default rolloutRoutes;
