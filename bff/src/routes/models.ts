// Registry routes: list, detail, create, policy, list, register and deprecate versions.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENDPOINTS } from '../../../shared/api/endpoints.js';
import type { BffContext } from '../context.js';
import { sendJsonText } from '../plugins/plain-json.js';
import { createModel, deprecateVersion, getModelDetail, listModels, listModelVersions, registerVersion } from '../services/registry.js';
import { updatePolicy } from '../services/policy-changes.js';
import { registerEndpoint } from './register-endpoint.js';

const modelRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  // The registry's hot reads answer the JSON text the database wrote (plugins/plain-json.ts says why).
  registerEndpoint(app, ENDPOINTS.listModels, async (request, reply) => sendJsonText(reply, await listModels(ctx.db, request.query)));

  registerEndpoint(app, ENDPOINTS.createModel, async (request, reply, { principal }) => {
    const model = await createModel(ctx, principal, request.body);
    return reply.status(201).send({ model });
  });

  registerEndpoint(app, ENDPOINTS.getModel, async (request, reply) => sendJsonText(reply, await getModelDetail(ctx, request.params.model_id)));

  registerEndpoint(app, ENDPOINTS.listVersions, async (request, reply) =>
    sendJsonText(reply, await listModelVersions(ctx.db, request.params.model_id, request.query)),
  );

  // Step-up for every edit; one that loosens the bar for rollouts answers 202 and waits for a second admin.
  registerEndpoint(app, ENDPOINTS.updatePolicy, async (request, reply, { principal, spendStepUp }) => {
    const outcome = await updatePolicy(ctx, principal, request.params.model_id, request.body.policy, spendStepUp);
    return outcome.kind === 'applied' ? reply.status(200).send({ model: outcome.model }) : reply.status(202).send({ policy_change: outcome.change });
  });

  registerEndpoint(app, ENDPOINTS.registerVersion, async (request, reply, { principal }) => {
    const version = await registerVersion(ctx, principal, request.params.model_id, request.body);
    return reply.status(201).send({ version });
  });

  registerEndpoint(app, ENDPOINTS.deprecateVersion, async (request, _reply, { principal }) => ({
    version: await deprecateVersion(ctx, principal, request.params.model_id, request.params.version, request.body.reason),
  }));
};

export default modelRoutes;
