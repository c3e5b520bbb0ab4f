// /admin/audit: read the hash-chained audit log and verify the chain.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AuditListQuery, AuditListResponse, AuditVerifyResponse } from '../../../shared/api/audit.js';
import type { BffContext } from '../context.js';
import { listAudit, verifyAudit } from '../store/audit-log.js';

const auditRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  app.get(
    '/admin/audit',
    {
      config: { access: { role: 'viewer' } },
      schema: { tags: ['audit'], security: [{ bearer: [] }], querystring: AuditListQuery, response: { 200: AuditListResponse } },
    },
    async (request) => listAudit(ctx.db, request.query),
  );

  app.get(
    '/admin/audit/verify',
    {
      config: { access: { role: 'viewer' } },
      schema: { tags: ['audit'], security: [{ bearer: [] }], response: { 200: AuditVerifyResponse } },
    },
    async () => verifyAudit(ctx.db),
  );
};

export default auditRoutes;
