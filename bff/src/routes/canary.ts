// Online canary analysis routes (DESIGN §9): live metrics from a serving
// layer (service role metrics_reporter only: a person who could post metrics
// could pass or fail a canary by hand), the per-model online gate (any role
// reads it; an admin with step-up sets it), and the live step's analysis.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CanaryAnalysisResponse, LiveMetricsRequest, LiveMetricsResponse, OnlineGateResponse, SetOnlineGateRequest } from '../../../shared/api/canary.js';
import { ModelParams } from '../../../shared/api/models.js';
import type { BffContext } from '../context.js';
import { requirePrincipal } from '../plugins/access.js';
import { getCanaryAnalysis, getOnlineGate, reportLiveMetrics, setOnlineGate } from '../services/canary/canary-service.js';
import { stepUpOf } from '../services/rollout.js';

const canaryRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  app.post(
    '/admin/models/:model_id/live-metrics',
    {
      config: { access: { role: 'service', services: ['metrics_reporter'] } },
      schema: { tags: ['canary'], security: [{ bearer: [] }], params: ModelParams, body: LiveMetricsRequest, response: { 202: LiveMetricsResponse } },
    },
    async (request, reply) => reply.status(202).send(await reportLiveMetrics(ctx, requirePrincipal(request), request.params.model_id, request.body)),
  );

  app.get(
    '/admin/models/:model_id/online-gate',
    {
      config: { access: { role: 'viewer' } },
      schema: { tags: ['canary'], security: [{ bearer: [] }], params: ModelParams, response: { 200: OnlineGateResponse } },
    },
    async (request) => getOnlineGate(ctx, request.params.model_id),
  );

  app.put(
    '/admin/models/:model_id/online-gate',
    {
      config: { access: { role: 'admin', stepUp: 'policy' } },
      schema: { tags: ['canary'], security: [{ bearer: [] }], params: ModelParams, body: SetOnlineGateRequest, response: { 200: OnlineGateResponse } },
    },
    async (request) => setOnlineGate(ctx, requirePrincipal(request), request.params.model_id, request.body.policy, stepUpOf(request, 'policy')),
  );

  app.get(
    '/admin/models/:model_id/canary-analysis',
    {
      config: { access: { role: 'viewer' } },
      schema: { tags: ['canary'], security: [{ bearer: [] }], params: ModelParams, response: { 200: CanaryAnalysisResponse } },
    },
    async (request) => getCanaryAnalysis(ctx, request.params.model_id),
  );
};

export default canaryRoutes;
