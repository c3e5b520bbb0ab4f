// /admin/policy-changes: policy edits that loosen a model's bar for rollouts,
// waiting for a second admin (services/policy-changes.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import type { BffContext } from '../context.js';
import { approvePolicyChange, listPolicyChanges, rejectPolicyChange } from '../services/policy-changes.js';
import { registerEndpoint } from './register-endpoint.js';

const policyChangeRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  registerEndpoint(app, ENDPOINTS.listPolicyChanges, async (request) => ({ items: await listPolicyChanges(ctx.db, request.query.status) }));

  registerEndpoint(app, ENDPOINTS.approvePolicyChange, async (request, _reply, { principal, spendStepUp }) => {
    const { change, model } = await approvePolicyChange(ctx, principal, request.params.change_id, spendStepUp);
    return { policy_change: change, model };
  });

  registerEndpoint(app, ENDPOINTS.rejectPolicyChange, async (request, _reply, { principal }) => {
    const { change, model } = await rejectPolicyChange(ctx, principal, request.params.change_id);
    return { policy_change: change, model };
  });
};

export default policyChangeRoutes;
