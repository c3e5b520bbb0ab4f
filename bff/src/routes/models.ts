// Registry routes: list, detail, create, policy, register and deprecate versions.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CreateModelRequest,
  DeprecateVersionRequest,
  ModelDetailResponse,
  ModelListQuery,
  ModelListResponse,
  ModelParams,
  ModelResponse,
  RegisterVersionRequest,
  PolicyChangeResponse,
  UpdatePolicyRequest,
  VersionListQuery,
  VersionListResponse,
  VersionParams,
  VersionResponse,
} from '../../../shared/api/models.js';
import type { BffContext } from '../context.js';
import { requirePrincipal } from '../plugins/access.js';
import { plainJsonSerializer } from '../plugins/plain-json.js';
import { createModel, deprecateVersion, getModelDetail, listModels, listModelVersions, registerVersion } from '../services/registry.js';
import { updatePolicy } from '../services/policy-changes.js';
import { stepUpOf } from '../services/rollout.js';

const modelRoutes: FastifyPluginAsyncZod<{ ctx: BffContext }> = async (app, { ctx }) => {
  app.get(
    '/admin/models',
    {
      config: { access: { role: 'viewer' } },
      serializerCompiler: plainJsonSerializer,
      schema: {
        tags: ['models'],
        security: [{ bearer: [] }],
        querystring: ModelListQuery,
        response: { 200: ModelListResponse },
      },
    },
    async (request) => listModels(ctx.db, request.query),
  );

  app.post(
    '/admin/models',
    {
      config: { access: { role: 'operator' } },
      schema: {
        tags: ['models'],
        security: [{ bearer: [] }],
        body: CreateModelRequest,
        response: { 201: ModelResponse },
      },
    },
    async (request, reply) => {
      const model = await createModel(ctx, requirePrincipal(request), request.body);
      return reply.status(201).send({ model });
    },
  );

  app.get(
    '/admin/models/:model_id',
    {
      config: { access: { role: 'viewer' } },
      serializerCompiler: plainJsonSerializer,
      schema: {
        tags: ['models'],
        security: [{ bearer: [] }],
        params: ModelParams,
        response: { 200: ModelDetailResponse },
      },
    },
    async (request) => getModelDetail(ctx, request.params.model_id),
  );

  app.put(
    '/admin/models/:model_id/policy',
    {
      // Step-up for every edit; one that loosens the bar for rollouts answers 202 and waits for a second admin.
      config: { access: { role: 'admin', stepUp: 'policy' } },
      schema: {
        tags: ['models'],
        security: [{ bearer: [] }],
        params: ModelParams,
        body: UpdatePolicyRequest,
        response: { 200: ModelResponse, 202: PolicyChangeResponse },
      },
    },
    async (request, reply) => {
      const outcome = await updatePolicy(ctx, requirePrincipal(request), request.params.model_id, request.body.policy, stepUpOf(request, 'policy'));
      return outcome.kind === 'applied' ? reply.status(200).send({ model: outcome.model }) : reply.status(202).send({ policy_change: outcome.change });
    },
  );

  app.get(
    '/admin/models/:model_id/versions',
    {
      config: { access: { role: 'viewer' } },
      serializerCompiler: plainJsonSerializer,
      schema: {
        tags: ['models'],
        security: [{ bearer: [] }],
        params: ModelParams,
        querystring: VersionListQuery,
        response: { 200: VersionListResponse },
      },
    },
    async (request) => listModelVersions(ctx.db, request.params.model_id, request.query),
  );

  app.post(
    '/admin/models/:model_id/versions',
    {
      config: { access: { role: 'operator' } },
      schema: {
        tags: ['models'],
        security: [{ bearer: [] }],
        params: ModelParams,
        body: RegisterVersionRequest,
        response: { 201: VersionResponse },
      },
    },
    async (request, reply) => {
      const version = await registerVersion(ctx, requirePrincipal(request), request.params.model_id, request.body);
      return reply.status(201).send({ version });
    },
  );

  app.post(
    '/admin/models/:model_id/versions/:version/deprecate',
    {
      config: { access: { role: 'operator' } },
      schema: {
        tags: ['models'],
        security: [{ bearer: [] }],
        params: VersionParams,
        body: DeprecateVersionRequest,
        response: { 200: VersionResponse },
      },
    },
    async (request) => ({
      version: await deprecateVersion(
        ctx,
        requirePrincipal(request),
        request.params.model_id,
        request.params.version,
        request.body.reason,
      ),
    }),
  );
};

export default modelRoutes;
