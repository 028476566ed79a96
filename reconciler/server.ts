import Fastify, { type FastifyInstance } from 'fastify';
import { fastifyLimitOptions, limitConnections } from '../core/http-limits.js';
import type { ServerContext } from './context.js';
import { registerErrorHandling } from './routes/errors.js';
import { registerChannelRoutes } from './routes/channels.js';
import { registerHostRoutes } from './routes/hosts.js';
import { registerRebootSlotRoutes } from './routes/reboot-slots.js';
import { registerHookRoutes } from './routes/hooks.js';
import { registerGitRoutes } from './routes/git.js';
import { registerDashboardRoutes } from './routes/dashboard.js';
import { registerOpsRoutes } from './routes/ops.js';

/** The reconciler's HTTP app, built without listening (tests use a real port or inject). */
export async function buildServer(ctx: ServerContext): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    // Header, request and idle timeouts from [http]; a long-poll lifts the idle one for its own wait (routes/channels.ts).
    ...fastifyLimitOptions(ctx.http),
    bodyLimit: 64 * 1024,
    return503OnClosing: false,
    forceCloseConnections: true,
  });
  limitConnections(app.server, ctx.http);
  registerErrorHandling(app, ctx);
  registerChannelRoutes(app, ctx);
  registerHostRoutes(app, ctx);
  registerRebootSlotRoutes(app, ctx);
  await app.register(async (scope) => registerHookRoutes(scope, ctx));
  await app.register(async (scope) => registerGitRoutes(scope, ctx));
  registerDashboardRoutes(app, ctx);
  registerOpsRoutes(app, ctx);
  return app;
}
