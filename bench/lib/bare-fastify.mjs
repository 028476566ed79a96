// The peer for the reconciler benchmarks: a bare fastify app with nothing of Ogygia in it.
//   GET /v1/channels/prod   304 with a constant ETag (bench/reconciler-304.ts)
//   GET /hold               held until the server stops, then 304 (bench/reconciler-shutdown.ts)
//   GET /healthz            { longPolls: <held requests> }
//   GET /static?bytes=N     N bytes of HTML, built once per N (bench/dashboard.ts)
// Usage: node bench/lib/bare-fastify.mjs PORT
import Fastify from 'fastify';

const app = Fastify({ logger: false, forceCloseConnections: true, keepAliveTimeout: 310_000 });
const held = new Set();
app.get('/v1/channels/prod', async (_req, reply) => reply.code(304).header('etag', '"constant"').send());
app.get('/hold', (_req, reply) => {
  held.add(reply);
});
app.get('/healthz', async () => ({ longPolls: held.size }));
const statics = new Map();
app.get('/static', async (req, reply) => {
  const n = Math.min(Number(req.query.bytes ?? 0) || 0, 8 << 20);
  if (!statics.has(n)) statics.set(n, 'x'.repeat(n));
  return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(statics.get(n));
});
await app.listen({ host: '127.0.0.1', port: Number(process.argv[2]) });
const stop = async () => {
  for (const reply of held) reply.code(304).send();
  held.clear();
  await app.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
