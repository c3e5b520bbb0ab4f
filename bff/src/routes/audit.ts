// /admin/audit: read the hash-chained audit log, verify the chain (against a
// head seen before), and its signed head (docs/decisions/0009-signed-audit-checkpoints.md).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AuditListQuery, AuditListResponse, AuditVerifyQuery, AuditVerifyResponse, SignedAuditHead } from '../../../shared/api/audit.js';
import type { BffContext } from '../context.js';
import { signedAuditHead, verifyAuditAgainst } from '../services/audit-checkpoint.js';
import { signingKeysOf } from '../services/report-signing.js';
import { listAudit } from '../store/audit-log.js';

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
      schema: { tags: ['audit'], security: [{ bearer: [] }], querystring: AuditVerifyQuery, response: { 200: AuditVerifyResponse } },
    },
    async (request) => verifyAuditAgainst(ctx.db, request.query),
  );

  app.get(
    '/admin/audit/head',
    {
      config: { access: { role: 'viewer' } },
      schema: { tags: ['audit'], security: [{ bearer: [] }], response: { 200: SignedAuditHead } },
    },
    async () => signedAuditHead(signingKeysOf(ctx)),
  );
};

export default auditRoutes;
