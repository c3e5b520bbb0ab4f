// Test support for the crash test of idempotency leases: routes that, in the
// process that is going to be killed, say on stdout that they are running and
// then never finish — one inside an open database transaction with an audit
// entry written (a write in flight), one outside any transaction.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { BffContext } from '../context.js';
import type { AuditAction } from '../../../shared/domain/audit.js';
import { appendAudit } from '../store/audit-log.js';

export const HANG_SIGNAL = 'IN_HANDLER';

const Body = z.strictObject({ note: z.string().max(200) });
const Answer = z.strictObject({ note: z.string() });

/** `hang`: the killed process's routes; false: the restarted server's, which finish at once. */
export function hangingRoutes(hang: boolean): FastifyPluginAsyncZod<{ ctx: BffContext }> {
  const forever = (note: string) =>
    new Promise<never>(() => {
      process.stdout.write(`${HANG_SIGNAL} ${note}\n`);
    });
  return async (app, { ctx }) => {
    app.post(
      '/test/in-transaction',
      { config: { access: { role: 'operator' } }, schema: { body: Body, response: { 201: Answer } } },
      async (request, reply) => {
        await ctx.db.transaction().execute(async (trx) => {
          await appendAudit(trx, {
            at: ctx.now().toISOString(),
            actor: request.principal!.username,
            // A test route's entry: deliberately outside the product's list of actions,
            // so that the crash test can find exactly the entries this route wrote.
            action: 'test.note' as AuditAction,
            target: 'test:note',
            details: { note: request.body.note },
          });
          if (hang) await forever(request.body.note);
        });
        return reply.code(201).send({ note: request.body.note });
      },
    );
    app.post(
      '/test/outside-transaction',
      { config: { access: { role: 'operator' } }, schema: { body: Body, response: { 201: Answer } } },
      async (request, reply) => {
        if (hang) await forever(request.body.note);
        return reply.code(201).send({ note: request.body.note });
      },
    );
  };
}
