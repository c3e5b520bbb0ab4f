// Runs the online canary analysis loop (services/canary/canary-analyzer.ts)
// while the app runs: started once the app is ready, stopped (waiting for the
// pass in flight) when it closes, like the dispatcher.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { BffContext } from '../context.js';
import { CanaryAnalyzer } from '../services/canary/canary-analyzer.js';

const canaryAnalysisPlugin: FastifyPluginAsync<{ ctx: BffContext }> = async (app, { ctx }) => {
  const analyzer = new CanaryAnalyzer(ctx, (level, message, error) => app.log[level]({ err: error }, message));
  app.addHook('onReady', async () => analyzer.start());
  app.addHook('onClose', async () => analyzer.stop());
};

export default fp(canaryAnalysisPlugin, { name: 'canary-analysis' });
