// Serving routes (README.md#connecting-your-serving-layer): a model's serving target (set by an admin with
// step-up; any signed-in role reads it, it never holds the secret) and the
// operator's "Retry dispatch".
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ModelParams } from '../../../shared/api/models.js';
import { RetryDispatchResponse, ServingResponse, SetServingRequest } from '../../../shared/api/serving.js';
import type { BffContext } from '../context.js';
import { requirePrincipal } from '../plugins/access.js';
import { stepUpOf } from '../services/rollout.js';
import { getServing, retryDispatch, setServing } from '../services/serving/serving-service.js';

const servingRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  app.get(
    '/admin/models/:model_id/serving',
    {
      // Roles are not a ladder here (admin does not imply operator): every role that
      // sees the deployment sees where it is served. The answer holds no secret.
      config: { access: { role: 'viewer' } },
      schema: { tags: ['serving'], security: [{ bearer: [] }], params: ModelParams, response: { 200: ServingResponse } },
    },
    async (request) => ({ serving: await getServing(ctx, request.params.model_id) }),
  );

  app.put(
    '/admin/models/:model_id/serving',
    {
      config: { access: { role: 'admin', stepUp: 'serving.set' } },
      schema: {
        tags: ['serving'],
        security: [{ bearer: [] }],
        params: ModelParams,
        body: SetServingRequest,
        response: { 200: ServingResponse },
      },
    },
    async (request) => ({
      serving: await setServing(ctx, requirePrincipal(request), request.params.model_id, request.body, stepUpOf(request, 'serving.set')),
    }),
  );

  app.post(
    '/admin/models/:model_id/dispatch/retry',
    {
      config: { access: { role: 'operator' } },
      schema: { tags: ['serving'], security: [{ bearer: [] }], params: ModelParams, response: { 200: RetryDispatchResponse } },
    },
    async (request) => ({ deployment: await retryDispatch(ctx, requirePrincipal(request), request.params.model_id) }),
  );
};

export default servingRoutes;
