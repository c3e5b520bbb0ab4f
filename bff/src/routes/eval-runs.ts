// Eval-run routes: the eval runner (a service account, never a person: an
// operator who could post metrics could pass their own gate) reports runs;
// consoles list them with delta and gate.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { EvalRunListQuery, EvalRunListResponse, EvalRunRequest, EvalRunResponse, ModelParams } from '../../../shared/api/models.js';
import type { BffContext } from '../context.js';
import { requirePrincipal } from '../plugins/access.js';
import { listEvalRuns, reportEvalRun } from '../services/evaluation.js';

const evalRunRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  app.post(
    '/admin/models/:model_id/eval-runs',
    {
      config: { access: { role: 'service', services: ['eval_runner'] } },
      schema: {
        tags: ['eval-runs'],
        security: [{ bearer: [] }],
        params: ModelParams,
        body: EvalRunRequest,
        response: { 201: EvalRunResponse },
      },
    },
    async (request, reply) => {
      const run = await reportEvalRun(ctx, requirePrincipal(request), request.params.model_id, request.body);
      return reply.status(201).send({ run });
    },
  );

  app.get(
    '/admin/models/:model_id/eval-runs',
    {
      config: { access: { role: 'viewer' } },
      schema: {
        tags: ['eval-runs'],
        security: [{ bearer: [] }],
        params: ModelParams,
        querystring: EvalRunListQuery,
        response: { 200: EvalRunListResponse },
      },
    },
    async (request) => ({ items: await listEvalRuns(ctx, request.params.model_id, request.query.version) }),
  );
};

export default evalRunRoutes;
