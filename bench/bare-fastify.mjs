// The peer for the reconciler benchmarks: a bare fastify app with nothing of Ogygia in it.
//   GET /v1/channels/prod   304 with a constant ETag (bench/reconciler-304.ts)
//   GET /hold               held until the server stops, then 304 (bench/reconciler-shutdown.ts)
//   GET /healthz            { longPolls: <held requests> }
// Usage: node bench/bare-fastify.mjs PORT
import Fastify from 'fastify';

const app = Fastify({ logger: false, forceCloseConnections: true, keepAliveTimeout: 310_000 });
const held = new Set();
app.get('/v1/channels/prod', async (_req, reply) => reply.code(304).header('etag', '"constant"').send());
app.get('/hold', (_req, reply) => {
  held.add(reply);
});
app.get('/healthz', async () => ({ longPolls: held.size }));
await app.listen({ host: '127.0.0.1', port: Number(process.argv[2]) });
const stop = async () => {
  for (const reply of held) reply.code(304).send();
  held.clear();
  await app.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
