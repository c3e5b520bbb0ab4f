// /admin/policy-changes: policy edits that loosen a model's bar for rollouts,
// waiting for a second admin (services/policy-changes.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PolicyChangeDecisionResponse, PolicyChangeListQuery, PolicyChangeListResponse, PolicyChangeParams } from '../../../shared/api/models.js';
import type { BffContext } from '../context.js';
import { requirePrincipal } from '../plugins/access.js';
import { approvePolicyChange, listPolicyChanges, rejectPolicyChange } from '../services/policy-changes.js';
import { stepUpOf } from '../services/rollout.js';

const policyChangeRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  app.get(
    '/admin/policy-changes',
    {
      config: { access: { role: 'admin' } },
      schema: { tags: ['models'], security: [{ bearer: [] }], querystring: PolicyChangeListQuery, response: { 200: PolicyChangeListResponse } },
    },
    async (request) => ({ items: await listPolicyChanges(ctx.db, request.query.status) }),
  );

  app.post(
    '/admin/policy-changes/:change_id/approve',
    {
      config: { access: { role: 'admin', stepUp: 'policy' } },
      schema: { tags: ['models'], security: [{ bearer: [] }], params: PolicyChangeParams, response: { 200: PolicyChangeDecisionResponse } },
    },
    async (request) => {
      const { change, model } = await approvePolicyChange(ctx, requirePrincipal(request), request.params.change_id, stepUpOf(request, 'policy'));
      return { policy_change: change, model };
    },
  );

  app.post(
    '/admin/policy-changes/:change_id/reject',
    {
      config: { access: { role: 'admin' } },
      schema: { tags: ['models'], security: [{ bearer: [] }], params: PolicyChangeParams, response: { 200: PolicyChangeDecisionResponse } },
    },
    async (request) => {
      const { change, model } = await rejectPolicyChange(ctx, requirePrincipal(request), request.params.change_id);
      return { policy_change: change, model };
    },
  );
};

export default policyChangeRoutes;
