// Runs the dispatcher and reconcile loop (services/serving/dispatcher.ts) while
// the app runs: started once the app is ready, stopped (waiting for the pass in
// flight) when it closes. Like housekeeping, nothing runs before ready.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { BffContext } from '../context.js';
import { Dispatcher } from '../services/serving/dispatcher.js';

const dispatchPlugin: FastifyPluginAsync<{ ctx: BffContext }> = async (app, { ctx }) => {
  const dispatcher = ctx.dispatch;
  if (!(dispatcher instanceof Dispatcher)) return;
  app.addHook('onReady', async () => dispatcher.start());
  app.addHook('onClose', async () => dispatcher.stop());
};

export default fp(dispatchPlugin, { name: 'dispatch' });
