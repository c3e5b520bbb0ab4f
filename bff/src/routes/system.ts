// Health and the routing table: what load balancers and model servers poll.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HealthResponse, RoutingResponse } from '../../../shared/api/system.js';
import type { BffContext } from '../context.js';
import { pingDatabase } from '../store/health.js';
import { listRouting } from '../store/routing.js';
import { APP_VERSION } from '../version.js';

const systemRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  app.get(
    '/healthz',
    { config: { access: { role: 'public' } }, schema: { tags: ['system'], response: { 200: HealthResponse } } },
    async () => {
      // A server whose database does not answer is not healthy: this throws and answers 500.
      await pingDatabase(ctx.db);
      // A broken audit chain degrades the answer but not the status code: reads go on being served.
      const auditChain = ctx.auditChain?.current() ?? { status: 'unchecked' as const };
      const status = auditChain.status === 'broken' ? ('degraded' as const) : ('ok' as const);
      return { status, version: APP_VERSION, db: 'sqlite' as const, audit_chain: auditChain };
    },
  );

  app.get(
    '/routing',
    {
      config: { access: { role: 'viewer' } },
      schema: { tags: ['system'], security: [{ bearer: [] }], response: { 200: RoutingResponse } },
    },
    async () => ({ items: await listRouting(ctx.db) }),
  );
};

export default systemRoutes;
