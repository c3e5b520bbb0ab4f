// GET /admin/model-types: the model types of the registry with their counts, for
// the type filter of a registry the console pages instead of reading whole.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import type { BffContext } from '../context.js';
import { listModelTypeCounts } from '../store/model-types.js';
import { registerEndpoint } from './register-endpoint.js';

const modelTypeRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  // A read of aggregate counts any signed-in role may list: no rule of the registry applies, so no service step.
  registerEndpoint(app, ENDPOINTS.listModelTypes, async () => ({ items: await listModelTypeCounts(ctx.db) }));
};

export default modelTypeRoutes;
