// Offline review routes: the signed eval-report export and the public keys
// that verify it (README.md#offline-review).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import type { SignedReport } from '../../../shared/report/report.js';
import type { BffContext } from '../context.js';
import { exportEvalReport } from '../services/eval-report.js';
import { listPublicKeys } from '../services/report-signing.js';
import { registerEndpoint } from './register-endpoint.js';

const reportRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  registerEndpoint(app, ENDPOINTS.listKeys, async () => ({ keys: await listPublicKeys(ctx.db) }));

  registerEndpoint(app, ENDPOINTS.evalReport, async (request, reply, { principal }) => {
    const { body } = await exportEvalReport(ctx, principal, request.params.model_id, request.query.versions);
    // Sent as the very text that was built from the signed values: no second
    // serializer pass may normalise anything between signing and the wire.
    return reply.type('application/json; charset=utf-8').send(body as unknown as SignedReport);
  });
};

export default reportRoutes;
