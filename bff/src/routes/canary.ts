// Online canary analysis routes (README, "Online canary analysis"): live
// metrics from a serving layer (service role metrics_reporter only), the
// per-model online gate (any role reads it; an admin with step-up sets it),
// and the live step's analysis. Paths, schemas and access: shared/api/endpoints.ts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import type { BffContext } from '../context.js';
import { getCanaryAnalysis, getOnlineGate, reportLiveMetrics, setOnlineGate } from '../services/canary/canary-service.js';
import { registerEndpoint } from './register-endpoint.js';

const canaryRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  registerEndpoint(app, ENDPOINTS.reportLiveMetrics, async (request, reply, { principal }) =>
    reply.status(202).send(await reportLiveMetrics(ctx, principal, request.params.model_id, request.body)),
  );
  registerEndpoint(app, ENDPOINTS.getOnlineGate, async (request) => getOnlineGate(ctx, request.params.model_id));
  registerEndpoint(app, ENDPOINTS.setOnlineGate, async (request, reply, { principal, spendStepUp }) => {
    const outcome = await setOnlineGate(ctx, principal, request.params.model_id, request.body.policy, spendStepUp);
    // A loosening waits for a second admin (two-person rule 10): 202 with the pending change.
    return outcome.kind === 'applied' ? reply.status(200).send(outcome.gate) : reply.status(202).send({ policy_change: outcome.change });
  });
  registerEndpoint(app, ENDPOINTS.getCanaryAnalysis, async (request) => getCanaryAnalysis(ctx, request.params.model_id));
};

export default canaryRoutes;
