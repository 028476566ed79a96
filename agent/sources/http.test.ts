import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OversizeError, SourceUnavailableError } from '../../core/errors/index.js';
import { codeOf } from '../../testkit/error-code.js';
import { serveHttp, type LoopbackHttpServer } from '../../testkit/http-server.js';
import { testKey } from '../../testkit/keys.js';
import { ReleaseChain } from '../../testkit/release-chain.js';
import { storePath } from '../../testkit/store-paths.js';
import { verifyHead } from '../verify.js';
import { createHttpSource } from './http.js';

// The HTTP source against a real HTTP server on loopback that answers as a
// reconciler would (or as a compromised one could): the agent must verify the
// document's own bytes, not a re-serialisation that hides a duplicate member.

const k1 = testKey('test-only-ops-1');
const A = storePath('a');
const DECOY = storePath('decoy');
const COMMIT = 'c'.repeat(40);
let body = '';
let lastUrl = '';
let server: LoopbackHttpServer;

beforeAll(async () => {
  server = await serveHttp((req, res) => {
    lastUrl = req.url ?? '';
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
});
afterAll(() => server.stop());

/** Serve `document` the way reconciler/routes/channels.ts does: the file's text spliced in as committed. */
async function fetchServed(document: string): Promise<Uint8Array> {
  body = `{"document":${document.trim()},"commit":"${COMMIT}","digest":"sha256:${'0'.repeat(64)}"}`;
  const r = await createHttpSource(server.url, 'prod').fetch({ waitSeconds: 0 });
  if (r.kind !== 'head') throw new Error('expected a head');
  expect(r.head.commit).toBe(COMMIT);
  return r.head.bytes;
}

function refusal(bytes: Uint8Array): string {
  const policy = { keys: [k1.publicKey], threshold: 1 };
  return codeOf(() => verifyHead({ bytes, commit: COMMIT }, { channel: 'prod', host: 'web01', policy, now: new Date('2026-02-01T00:00:00Z') })) ?? 'accepted';
}

describe('createHttpSource', () => {
  const good = new ReleaseChain('prod', [k1]).next({ targets: { '*': A } }).text;

  it('hands over the document exactly as served', async () => {
    const bytes = await fetchServed(good);
    expect(Buffer.from(bytes).toString('utf8')).toBe(good.trim());
    expect(refusal(bytes)).toBe('accepted');
  });

  it('refuses an answer over its cap as OversizeError, and a reconciler that is not there as SourceUnavailableError', async () => {
    body = `{"document":"${'x'.repeat(17 * 1024 * 1024)}"}`; // over the cap: 4 channel files plus a chain of 2 × 8 MiB
    const big = await createHttpSource(server.url, 'prod').fetch({ waitSeconds: 0 }).catch((e: unknown) => e);
    expect(big).toBeInstanceOf(OversizeError);
    expect(big).toMatchObject({ data: { kind: 'answer', what: "the reconciler's answer for channel prod" } });
    const down = await createHttpSource('http://127.0.0.1:1', 'prod').fetch({ waitSeconds: 0 }).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(SourceUnavailableError);
    expect(down).toMatchObject({ data: { reason: 'unreachable', source: 'http://127.0.0.1:1', channel: 'prod' } });
  });

  it('names the host in ?host= so a staged rollout can serve it what its wave allows (DESIGN.md §12)', async () => {
    body = `{"document":${good.trim()},"commit":"${COMMIT}","digest":"sha256:${'0'.repeat(64)}"}`;
    await createHttpSource(server.url, 'prod', { host: 'web01' }).fetch({ waitSeconds: 0, since: { revision: 3, digest: 'sha256:' + '3'.repeat(64), commit: COMMIT } });
    const url = new URL(lastUrl, server.url);
    expect(url.pathname).toBe('/v1/channels/prod');
    expect(url.searchParams.get('host')).toBe('web01');
    expect(url.searchParams.get('since')).toBe('3');
  });

  it('keeps a duplicate member, so the agent refuses it as the reconciler and `ogygia verify` do', async () => {
    const ambiguous = good.replace('"targets": {', `"targets": {\n      "*": { "storePath": "${DECOY}" },`);
    const bytes = await fetchServed(ambiguous);
    expect(Buffer.from(bytes).toString('utf8')).toBe(ambiguous.trim());
    expect(refusal(bytes)).toBe('DuplicateMemberError');
  });
});
