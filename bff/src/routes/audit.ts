// /admin/audit: read the hash-chained audit log, verify the chain (against a
// head seen before), and its signed head (docs/decisions/0009-signed-audit-checkpoints.md).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import type { BffContext } from '../context.js';
import { signedAuditHead, verifyAuditAgainst } from '../services/audit-checkpoint.js';
import { signingKeysOf } from '../services/report-signing.js';
import { listAudit } from '../store/audit-log.js';
import { registerEndpoint } from './register-endpoint.js';

const auditRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  registerEndpoint(app, ENDPOINTS.listAudit, async (request) => listAudit(ctx.db, request.query));
  registerEndpoint(app, ENDPOINTS.verifyAudit, async (request) => verifyAuditAgainst(ctx.db, request.query));
  registerEndpoint(app, ENDPOINTS.auditHead, async () => signedAuditHead(signingKeysOf(ctx)));
};

export default auditRoutes;
