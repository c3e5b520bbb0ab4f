// Offline review routes: the signed eval-report export and the public keys
// that verify it (README.md#offline-review).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ModelParams } from '../../../shared/api/models.js';
import { EvalReportQuery, KeysResponse, SignedReport } from '../../../shared/report/report.js';
import type { BffContext } from '../context.js';
import { requirePrincipal } from '../plugins/access.js';
import { exportEvalReport } from '../services/eval-report.js';
import { listPublicKeys } from '../services/report-signing.js';

const reportRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  app.get(
    '/admin/keys',
    {
      // Public on purpose: these are public keys, and "any tool can verify a
      // report" includes scripts and reviewers with no account on this BFF.
      // The console pins them while signed in; nothing here is secret.
      config: { access: { role: 'public' } },
      schema: { tags: ['reports'], response: { 200: KeysResponse } },
    },
    async () => ({ keys: await listPublicKeys(ctx.db) }),
  );

  app.get(
    '/admin/models/:model_id/eval-report',
    {
      config: { access: { role: 'viewer' } },
      schema: {
        tags: ['reports'],
        security: [{ bearer: [] }],
        params: ModelParams,
        querystring: EvalReportQuery,
        response: { 200: SignedReport },
      },
    },
    async (request, reply) => {
      const { body } = await exportEvalReport(ctx, requirePrincipal(request), request.params.model_id, request.query.versions);
      // Sent as the very text that was built from the signed values: no second
      // serializer pass may normalise anything between signing and the wire.
      return reply.type('application/json; charset=utf-8').send(body as unknown as SignedReport);
    },
  );
};

export default reportRoutes;
