// Health and the routing table: what load balancers and model servers poll.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import type { BffContext } from '../context.js';
import { ApiError } from '../errors.js';
import { engineOf } from '../store/engine.js';
import { pingDatabase } from '../store/health.js';
import { migrationStatus } from '../store/migrate.js';
import { listRouting } from '../store/routing.js';
import { APP_VERSION } from '../version.js';
import { registerEndpoint } from './register-endpoint.js';

const systemRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  registerEndpoint(app, ENDPOINTS.healthz, async (request) => {
    // A server whose database does not answer is not healthy: this throws and answers 500.
    await pingDatabase(ctx.db);
    const migrations = await migrationStatus(ctx.db as never);
    const draining = ctx.lifecycle?.draining === true;
    const ready = migrations.current && !draining;
    if (request.query.ready === '1' && !ready) {
      throw new ApiError('unavailable', draining ? 'this server is shutting down' : 'database migrations are pending', { migrations, draining });
    }
    // A broken audit chain degrades the answer but not the status code: reads go on being served.
    const auditChain = ctx.auditChain?.current() ?? { status: 'unchecked' as const };
    const status = auditChain.status === 'broken' ? ('degraded' as const) : ('ok' as const);
    return { status, version: APP_VERSION, db: engineOf(ctx.db), migrations, ready, audit_chain: auditChain };
  });

  registerEndpoint(app, ENDPOINTS.routing, async () => ({ items: await listRouting(ctx.db) }));
};

export default systemRoutes;
