// Approval routes: the queue of change requests and the second person's decisions.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ApprovalListQuery,
  ApprovalListResponse,
  ApprovalParams,
  ApprovalResponse,
  ApproveRequest,
  ApproveResponse,
  CancelRequest,
  RejectRequest,
} from '../../../shared/api/rollout.js';
import type { BffContext } from '../context.js';
import { requirePrincipal } from '../plugins/access.js';
import { approveRequest, cancelRequest, getApproval, listApprovals, rejectRequest, stepUpOf } from '../services/rollout.js';

const approvalRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  app.get(
    '/admin/approvals',
    {
      config: { access: { role: 'viewer' } },
      schema: {
        tags: ['approvals'],
        security: [{ bearer: [] }],
        querystring: ApprovalListQuery,
        response: { 200: ApprovalListResponse },
      },
    },
    async (request) => listApprovals(ctx, request.query),
  );

  app.get(
    '/admin/approvals/:request_id',
    {
      config: { access: { role: 'viewer' } },
      schema: {
        tags: ['approvals'],
        security: [{ bearer: [] }],
        params: ApprovalParams,
        response: { 200: ApprovalResponse },
      },
    },
    async (request) => ({ request: await getApproval(ctx, request.params.request_id) }),
  );

  app.post(
    '/admin/approvals/:request_id/approve',
    {
      config: { access: { role: 'approver', stepUp: 'approve' } },
      schema: {
        tags: ['approvals'],
        security: [{ bearer: [] }],
        params: ApprovalParams,
        body: ApproveRequest,
        response: { 200: ApproveResponse },
      },
    },
    async (request) =>
      approveRequest(ctx, requirePrincipal(request), request.params.request_id, request.body, stepUpOf(request, 'approve')),
  );

  app.post(
    '/admin/approvals/:request_id/reject',
    {
      config: { access: { role: 'approver', stepUp: 'reject' } },
      schema: {
        tags: ['approvals'],
        security: [{ bearer: [] }],
        params: ApprovalParams,
        body: RejectRequest,
        response: { 200: ApprovalResponse },
      },
    },
    async (request) => ({
      request: await rejectRequest(
        ctx,
        requirePrincipal(request),
        request.params.request_id,
        request.body.comment,
        stepUpOf(request, 'reject'),
      ),
    }),
  );

  app.post(
    '/admin/approvals/:request_id/cancel',
    {
      config: { access: { role: 'operator' } },
      schema: {
        tags: ['approvals'],
        security: [{ bearer: [] }],
        params: ApprovalParams,
        body: CancelRequest,
        response: { 200: ApprovalResponse },
      },
    },
    async (request) => ({
      request: await cancelRequest(ctx, requirePrincipal(request), request.params.request_id, request.body.comment),
    }),
  );
};

export default approvalRoutes;
