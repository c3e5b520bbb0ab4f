// The serializer of the registry's hot reads (issue 12). Their answers are
// assembled field by field from rows the shared schemas validated when they
// were written, so zod's encode pass over every response (5-10x the cost of
// JSON.stringify, most of a list request's time) re-checks what cannot have
// changed. The route tests parse these bodies with the same shared schemas.
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';

export const plainJsonSerializer: FastifySerializerCompiler<unknown> = () => (data) => JSON.stringify(data);
