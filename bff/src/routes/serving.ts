// Serving routes (README.md#connecting-your-serving-layer): a model's serving target (set by an admin with
// step-up; any signed-in role reads it, it never holds the secret) and the
// operator's "Retry dispatch".
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import type { BffContext } from '../context.js';
import { getServing, retryDispatch, setServing } from '../services/serving/serving-service.js';
import { registerEndpoint } from './register-endpoint.js';

const servingRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  // Roles are not a ladder here (admin does not imply operator): every role that
  // sees the deployment sees where it is served. The answer holds no secret.
  registerEndpoint(app, ENDPOINTS.getServing, async (request) => ({ serving: await getServing(ctx, request.params.model_id) }));

  registerEndpoint(app, ENDPOINTS.setServing, async (request, _reply, { principal, spendStepUp }) => ({
    serving: await setServing(ctx, principal, request.params.model_id, request.body, spendStepUp),
  }));

  registerEndpoint(app, ENDPOINTS.retryDispatch, async (request, _reply, { principal }) => ({
    deployment: await retryDispatch(ctx, principal, request.params.model_id),
  }));
};

export default servingRoutes;
