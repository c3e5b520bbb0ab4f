// How the registry's hot reads answer (issue 12). Their answers are assembled
// from rows the shared schemas validated when they were written, so zod's
// encode pass over every response (5-10x the cost of JSON.stringify, most of a
// list request's time) would re-check what cannot have changed: the database
// writes their JSON text (store/json-text.ts) and it is sent as it is. The
// route tests parse these bodies with the same shared schemas.
import type { FastifyReply } from 'fastify';
import type { JsonText } from '../store/json-text.js';

/** Sends JSON text as the body: with a JSON content type Fastify neither serializes nor validates a string again. */
export function sendJsonText<T>(reply: FastifyReply, text: JsonText<T>): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(text);
}
