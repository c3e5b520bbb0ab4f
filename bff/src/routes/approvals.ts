// Approval routes: the queue of change requests and the second person's decisions.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import type { BffContext } from '../context.js';
import { approveRequest, cancelRequest, getApproval, listApprovals, rejectRequest } from '../services/rollout.js';
import { registerEndpoint } from './register-endpoint.js';

const approvalRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  registerEndpoint(app, ENDPOINTS.listApprovals, async (request) => listApprovals(ctx, request.query));

  registerEndpoint(app, ENDPOINTS.getApproval, async (request) => ({ request: await getApproval(ctx, request.params.request_id) }));

  registerEndpoint(app, ENDPOINTS.approve, async (request, _reply, { principal, spendStepUp }) =>
    approveRequest(ctx, principal, request.params.request_id, request.body, spendStepUp),
  );

  registerEndpoint(app, ENDPOINTS.reject, async (request, _reply, { principal, spendStepUp }) => ({
    request: await rejectRequest(ctx, principal, request.params.request_id, request.body.comment, spendStepUp),
  }));

  registerEndpoint(app, ENDPOINTS.cancel, async (request, _reply, { principal }) => ({
    request: await cancelRequest(ctx, principal, request.params.request_id, request.body.comment),
  }));
};

export default approvalRoutes;
