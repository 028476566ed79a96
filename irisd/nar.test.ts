import { execa } from 'execa';
import fc from 'fast-check';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nixEnv, requireNix } from '../testkit/nix.js';
import { makeTempDir } from '../testkit/tmp.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeNar, smallNar, streamNar, type NarNode } from './nar.js';
import { pipeChunks } from './nar-pipe.js';

// Names Nix accepts: not empty, not . or .., no / or NUL; spaces, unicode, dashes and dots included.
const nameArb = fc
  .string({ unit: fc.constantFrom('a', 'Z', '0', '-', '_', '.', ' ', '+', '=', '~', 'é', '字', '\t', "'", '"', '$'), minLength: 1, maxLength: 8 })
  .filter((s) => s !== '.' && s !== '..');

const contentsArb = fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 1000, maxLength: 3000 }));

const { node: treeArb } = fc.letrec<{ node: NarNode; dir: NarNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ type: fc.constant('regular' as const), executable: fc.boolean(), contents: contentsArb }),
    fc.record({ type: fc.constant('symlink' as const), target: fc.oneof(nameArb, fc.constant('../x/y'), fc.constant('/nix/store/missing')) }),
    tie('dir'),
  ),
  dir: fc
    .uniqueArray(fc.tuple(nameArb, tie('node')), { maxLength: 4, selector: ([n]) => n })
    .map((entries) => ({ type: 'directory' as const, entries })),
}));

async function materialize(path: string, n: NarNode): Promise<void> {
  if (n.type === 'regular') await writeFile(path, n.contents, { mode: n.executable ? 0o755 : 0o644 });
  else if (n.type === 'symlink') await symlink(String(n.target), path);
  else {
    await mkdir(path);
    for (const [name, child] of n.entries) await materialize(join(path, String(name)), child);
  }
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of it) parts.push(Buffer.from(c)); // a copy: with reused buffers a chunk is overwritten later
  return Buffer.concat(parts);
}

/** The NAR as a client receives it from pipeChunks over a real HTTP connection. */
async function overHttp(chunks: () => AsyncIterable<Uint8Array>): Promise<Buffer> {
  const server = createServer((_req, res) => {
    res.writeHead(200);
    pipeChunks(chunks(), res).catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return Buffer.from(await res.arrayBuffer());
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

describe('pipeChunks', () => {
  it('stops its source (closing its file) when the client goes away mid-NAR', async () => {
    let closed = false;
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) yield Buffer.alloc(1 << 20, 1);
      } finally {
        closed = true;
      }
    }
    let failed: unknown;
    const server = createServer((_req, res) => {
      res.writeHead(200);
      pipeChunks(endless(), res).catch((e: unknown) => {
        failed = e;
        res.destroy();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const ac = new AbortController();
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { signal: ac.signal });
      await res.body!.getReader().read(); // some bytes arrived
      ac.abort();
      while (!closed) await new Promise((r) => setTimeout(r, 10));
      expect(closed).toBe(true);
      expect(failed).toBeInstanceOf(Error);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }, 30_000); // a source left running hangs the loop above: fail then, not at the suite's limit
});

describe('NAR encoding', () => {
  it('encodes a literal tree exactly as Nix frames it', () => {
    const nar = Buffer.from(encodeNar({ type: 'regular', executable: false, contents: Buffer.from('hi') }));
    const tok = (s: string) => {
      const b = Buffer.alloc(8 + Math.ceil(s.length / 8) * 8);
      b.writeBigUInt64LE(BigInt(s.length));
      b.write(s, 8);
      return b;
    };
    expect(nar).toEqual(Buffer.concat(['nix-archive-1', '(', 'type', 'regular', 'contents', 'hi', ')'].map(tok)));
  });

  it('is byte-identical to nix-store --dump for generated trees (pure and streaming)', async () => {
    await requireNix();
    const tmp = await makeTempDir('ogygia-nar-');
    let i = 0;
    try {
      await fc.assert(
        fc.asyncProperty(treeArb, async (tree) => {
          const p = join(tmp.path, `t${i++}`);
          await materialize(p, tree);
          const dump = await execa('nix-store', ['--dump', p], { env: nixEnv(), encoding: 'buffer' });
          const expected = Buffer.from(dump.stdout);
          expect(Buffer.from(encodeNar(tree)).equals(expected)).toBe(true);
          expect((await collect(streamNar(p))).equals(expected)).toBe(true);
          expect((await collect(streamNar(p, { reuseBuffers: true }))).equals(expected)).toBe(true);
          const small = smallNar(p, 1 << 20);
          expect(small?.equals(expected)).toBe(true);
          // Over the limit: undefined (the caller streams instead), never a partial NAR.
          expect(smallNar(p, expected.length - 1)).toBeUndefined();
        }),
        { numRuns: 40 },
      );
    } finally {
      await tmp.cleanup();
    }
  });

  it('streams a large file in chunks identical to nix-store --dump', async () => {
    const tmp = await makeTempDir('ogygia-nar-');
    try {
      const p = join(tmp.path, 'big');
      await mkdir(p);
      const big = Buffer.alloc(3 * 1024 * 1024 + 5, 7);
      await writeFile(join(p, 'f'), big);
      const dump = await execa('nix-store', ['--dump', p], { env: nixEnv(), encoding: 'buffer' });
      expect((await collect(streamNar(p))).equals(Buffer.from(dump.stdout))).toBe(true);
      // Two reused 1 MiB buffers, sent with pipeChunks: each buffer is read into again only after its write completed.
      expect((await overHttp(() => streamNar(p, { reuseBuffers: true }))).equals(Buffer.from(dump.stdout))).toBe(true);
    } finally {
      await tmp.cleanup();
    }
  });
});
