// Eval-run routes: the eval runner (a service account, never a person: an
// operator who could post metrics could pass their own gate) reports runs;
// consoles list them with delta and gate.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import type { BffContext } from '../context.js';
import { listEvalRuns, reportEvalRun } from '../services/evaluation.js';
import { registerEndpoint } from './register-endpoint.js';

const evalRunRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  registerEndpoint(app, ENDPOINTS.reportEvalRun, async (request, reply, { principal }) => {
    const run = await reportEvalRun(ctx, principal, request.params.model_id, request.body);
    return reply.status(201).send({ run });
  });

  registerEndpoint(app, ENDPOINTS.listEvalRuns, async (request) => ({
    items: await listEvalRuns(ctx, request.params.model_id, request.query.version),
  }));
};

export default evalRunRoutes;
