// The peer for bench/reconciler-304.ts: a bare fastify route returning a constant, nothing else.
// Usage: node bench/bare-fastify.mjs PORT
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/v1/channels/prod', async (_req, reply) => reply.code(304).header('etag', '"constant"').send());
await app.listen({ host: '127.0.0.1', port: Number(process.argv[2]) });
const stop = async () => {
  await app.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
