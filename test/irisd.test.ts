import { connect } from 'node:net';
import { packagePath } from '../testkit/store-paths.js';
import { execa } from 'execa';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storePathHash } from '../core/store-path.js';
import { buildFilter, mayContain } from '../irisd/bloom/filter.js';
import { decodeFilter, encodeFilter } from '../irisd/bloom/wire.js';
import { eventually } from '../testkit/eventually.js';
import { buildChain, copyIntoStore, nixEnv, nixKeyPair, requireNix } from '../testkit/nix.js';
import { freePort, waitForPort } from '../testkit/ports.js';
import { startProcess, type Started } from '../testkit/processes.js';
import { makeTempDir } from '../testkit/tmp.js';

// Real Nix, real irisd processes (bin/ogygia irisd), loopback only.
const BIN = join(import.meta.dirname, '..', 'bin', 'ogygia');

interface Peer {
  url: string;
  root: string;
  proc: Started;
  log: string;
}

let tmp: { path: string; cleanup: () => Promise<void> };
const started: Started[] = [];
const servers: Server[] = [];
let trusted: { secretFile: string; publicKey: string };
let untrusted: { secretFile: string; publicKey: string };
let A: Peer, B: Peer, C: Peer, E: Peer;
let chainB: { top: string; closure: string[] };
let chainC: { top: string; closure: string[] };
let untrustedPath: string;
let corruptPath: string;
let pushPath: string;
let fakeHash: string;
let deadHash: string;
let hangingUrl: string;
let deadUrl: string;
let deadServer: Server;

async function startIrisd(name: string, root: string, peers: string[], extra = '', serverExtra = ''): Promise<Peer> {
  const port = await freePort();
  const cfg = join(tmp.path, `${name}.toml`);
  await writeFile(
    cfg,
    [
      '[server]',
      `listen = ["127.0.0.1:${port}"]`,
      serverExtra,
      '[store]',
      `root = ${JSON.stringify(root)}`,
      'refresh_seconds = 600',
      '[peers]',
      `urls = ${JSON.stringify(peers)}`,
      'refresh_seconds = 1',
      'timeout_ms = 700',
      'negative_ttl_seconds = 1',
      '[trust]',
      `trusted_keys = [${JSON.stringify(trusted.publicKey)}]`,
      '[cache]',
      `dir = ${JSON.stringify(join(tmp.path, `${name}-cache`))}`,
      extra,
    ].join('\n') + '\n',
  );
  const log = join(tmp.path, `${name}.log`);
  const proc = startProcess(process.execPath, [BIN, 'irisd', '--config', cfg], { log, env: nixEnv() });
  started.push(proc);
  await waitForPort(port, '127.0.0.1', 60_000);
  return { url: `http://127.0.0.1:${port}`, root, proc, log };
}

function fakePeer(handler: (path: string, res: import('node:http').ServerResponse) => void): Promise<string> {
  const s = createServer((req, res) => handler(req.url ?? '/', res));
  servers.push(s);
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
}

async function get(url: string): Promise<{ status: number; text: string; headers: Headers; ms: number }> {
  const t = performance.now();
  const r = await fetch(url, { signal: AbortSignal.timeout(20_000) });
  return { status: r.status, text: await r.text(), headers: r.headers, ms: performance.now() - t };
}

async function clientCopy(from: string, paths: string[], dest: string, keys = [trusted.publicKey]) {
  return execa('nix', ['copy', '--from', from, '--to', `local?root=${dest}`, ...paths], { env: nixEnv({}, keys), reject: false });
}

beforeAll(async () => {
  await requireNix();
  tmp = await makeTempDir('ogygia-irisd-');
  trusted = await nixKeyPair(tmp.path, 'fleet-1');
  untrusted = await nixKeyPair(tmp.path, 'stranger-1');
  const salt = `${process.pid}-${Date.now()}`;
  const work = join(tmp.path, 'build');
  chainB = await buildChain(work, { name: 'irisb', length: 3, salt });
  chainC = await buildChain(work, { name: 'irisc', length: 2, salt });
  untrustedPath = (await buildChain(work, { name: 'irisu', length: 1, salt })).top;
  corruptPath = (await buildChain(work, { name: 'irisx', length: 1, salt, bytes: 4096 })).top;
  pushPath = (await buildChain(work, { name: 'irisp', length: 1, salt })).top;

  const sB = join(tmp.path, 'sB');
  const sC = join(tmp.path, 'sC');
  const sE = join(tmp.path, 'sE');
  await copyIntoStore(sB, [chainB.top], trusted.secretFile);
  await copyIntoStore(sC, [chainC.top], trusted.secretFile);
  await copyIntoStore(sC, [untrustedPath], untrusted.secretFile);
  await copyIntoStore(sE, [corruptPath], trusted.secretFile);
  // E's disk rots: same length, different bytes, so its NAR no longer matches its NarHash.
  const rotten = join(sE, corruptPath, 'payload');
  await chmod(join(sE, corruptPath), 0o755);
  await chmod(rotten, 0o644);
  const bytes = await readFile(rotten);
  bytes[100] = bytes[100]! ^ 0xff;
  await writeFile(rotten, bytes);

  // A fake peer whose filter claims a path, then hangs on every narinfo; and one that will be dead.
  fakeHash = storePathHash(pushPath).replace(/^./, (c) => (c === '0' ? '1' : '0'));
  deadHash = fakeHash.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
  const filterOnly = (hang: boolean) => (path: string, res: import('node:http').ServerResponse) => {
    const hash = hang ? fakeHash : deadHash;
    const filter = encodeFilter({ filter: buildFilter([hash], 0.01), count: 1, falsePositiveRate: 0.01, hashing: 'nixhash' });
    if (path === '/iris/v1/filter') {
      res.writeHead(200, { etag: filter.etag, 'content-type': 'application/json' }).end(filter.body);
    } else if (!hang) {
      res.writeHead(404).end();
    } // else: never answer
  };
  hangingUrl = await fakePeer(filterOnly(true));
  deadUrl = await fakePeer(filterOnly(false));
  deadServer = servers[servers.length - 1]!;

  B = await startIrisd('b', sB, []);
  C = await startIrisd('c', sC, []);
  E = await startIrisd('e', sE, []);
  A = await startIrisd('a', join(tmp.path, 'sA'), [B.url, C.url, E.url, hangingUrl, deadUrl]);
  // Let A fetch every peer's filter once.
  await new Promise((r) => setTimeout(r, 1500));
}, 300_000);

afterAll(async () => {
  for (const p of started) await p.stop();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  await tmp?.cleanup();
});

describe('irisd with the real Nix client', () => {
  it('serves /nix-cache-info and local paths with their store signatures', async () => {
    const info = await get(`${B.url}/nix-cache-info`);
    expect(info.text).toContain('StoreDir: /nix/store');
    expect(info.text).toContain('WantMassQuery: 1');
    const n = await get(`${B.url}/${storePathHash(chainB.top)}.narinfo`);
    expect(n.status).toBe(200);
    expect(n.text).toContain(`StorePath: ${chainB.top}`);
    expect(n.text).toContain('Compression: none');
    expect(n.text).toMatch(/^Sig: fleet-1:/m);
  });

  it('nix copy --from one irisd fetches whole closures that live only on its peers', async () => {
    const dest = join(tmp.path, 'client1');
    const r = await clientCopy(A.url, [chainB.top, chainC.top], dest);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.exitCode).toBe(0);
    const got = await readdir(join(dest, 'nix', 'store'));
    for (const p of [...chainB.closure, ...chainC.closure]) expect(got).toContain(p.slice('/nix/store/'.length));
    const check = await execa('nix', ['store', 'verify', '--store', `local?root=${dest}`, '-r', chainB.top, chainC.top], { env: nixEnv({}, [trusted.publicKey]), reject: false });
    expect(check.exitCode).toBe(0);
    // Fetched NARs were verified and cached: A now answers from its NAR cache.
    const again = await get(`${A.url}/${storePathHash(chainB.top)}.narinfo`);
    expect(again.headers.get('x-iris-source')).toBe('cache');
  });

  it('does not offer a path signed only by an untrusted key', async () => {
    const h = storePathHash(untrustedPath);
    expect((await get(`${C.url}/${h}.narinfo`)).status).toBe(200); // C has it
    expect((await get(`${A.url}/${h}.narinfo`)).status).toBe(404); // A will not vouch for it
    const r = await clientCopy(A.url, [untrustedPath], join(tmp.path, 'client2'), [trusted.publicKey, untrusted.publicKey]);
    expect(r.exitCode).not.toBe(0);
    const prov = JSON.parse((await get(`${A.url}/iris/v1/providers/${h}`)).text) as { providers: { url: string; trusted: boolean }[] };
    expect(prov.providers).toEqual([expect.objectContaining({ url: C.url, trusted: false })]);
  });

  it('catches a peer serving a corrupted NAR, never caches it and marks the peer bad', async () => {
    const h = storePathHash(corruptPath);
    const n = await get(`${A.url}/${h}.narinfo`);
    expect(n.status).toBe(200);
    const url = /^URL: (.*)$/m.exec(n.text)![1]!;
    const failed = await fetch(`${A.url}/${url}`).then((r) => r.arrayBuffer()).then(() => 'complete', () => 'aborted');
    expect(failed).toBe('aborted');
    const r = await clientCopy(A.url, [corruptPath], join(tmp.path, 'client3'));
    expect(r.exitCode).not.toBe(0);
    expect((await get(`${A.url}/${h}.narinfo`)).status).toBe(404); // peer E is marked bad
    const cached = await readdir(join(tmp.path, 'a-cache'));
    expect(cached.filter((f) => f.startsWith(h))).toEqual([]);
    expect(await readFile(A.log, 'utf8')).toMatch(/irisd: warn: peer http:\/\/127\.0\.0\.1:\d+ marked bad .*corrupt NAR/);
  });

  // Behaviour, not speed: each miss says why (x-iris-miss), and a hanging peer never hangs the
  // answer (the bound below is 20x the configured timeout, far from any speed claim).
  it('answers 404 (never a hang) when a peer hangs, caches the miss, and skips dead and bloom-negative peers', async () => {
    const slow = await get(`${A.url}/${fakeHash}.narinfo`);
    expect(slow.status).toBe(404);
    expect(slow.headers.get('x-iris-miss')).toBe('no-peer'); // it asked the hanging peer and gave up
    expect(slow.ms).toBeLessThan(15_000);
    const live = await get(`${A.url}/${deadHash}.narinfo`); // the peer that will die: asked, answers 404
    expect(live.status).toBe(404);
    expect(live.headers.get('x-iris-miss')).toBe('no-peer');
    const neg = await get(`${A.url}/${fakeHash}.narinfo`);
    expect(neg.status).toBe(404);
    expect(neg.headers.get('x-iris-miss')).toBe('negative-cache');
    deadServer.closeAllConnections();
    await new Promise((r) => deadServer.close(r));
    await new Promise((r) => setTimeout(r, 1100)); // past the negative TTL
    const dead = await get(`${A.url}/${deadHash}.narinfo`);
    expect(dead.status).toBe(404);
    expect(dead.headers.get('x-iris-miss')).toMatch(/^(no-peer|bloom-negative)$/);
    // Until A's filter refresh has seen the dead peer go: from then on it is left out of lookups.
    type PeerStatus = { url: string; reachable: boolean; bad: boolean };
    const peers = await eventually(async () => {
      const all = JSON.parse((await get(`${A.url}/iris/v1/peers`)).text) as PeerStatus[];
      return all.find((p) => p.url === deadUrl)?.reachable === false ? all : undefined;
    }, 'A to see its dead peer unreachable', 20_000, 100);
    expect(peers.find((p) => p.url === deadUrl)?.reachable).toBe(false);
    // Paths no peer holds. Which of them a peer's filter may still hold (a bloom false positive: these filters
    // are tiny) is known from the filters themselves: A must ask those peers (and answer no-peer), and answer
    // every other one from the filters alone (bloom-negative). The peers asked are those A counts as usable.
    const usable = peers.filter((p) => p.reachable && !p.bad);
    expect(usable.map((p) => p.url).sort()).toEqual([B.url, C.url, hangingUrl].sort()); // E was marked bad above
    const filters = await Promise.all(
      usable.map(async (p) => {
        const d = decodeFilter((await get(`${p.url}/iris/v1/filter`)).text);
        if (!d.ok) throw new Error(`${p.url} served no filter: ${d.error}`);
        return d.value.filter;
      }),
    );
    const misses: string[] = [];
    for (let i = 0; i < 10; i++) {
      // Hashes that look like real ones (the filter hashes a store path hash's own characters).
      const hash = storePathHash(packagePath(`absent-${i}`));
      const r = await get(`${A.url}/${hash}.narinfo`);
      expect(r.status).toBe(404);
      const miss = r.headers.get('x-iris-miss') ?? '';
      expect(miss, `absent-${i}`).toBe(filters.some((f) => mayContain(f, hash)) ? 'no-peer' : 'bloom-negative');
      misses.push(miss);
    }
    expect(misses).toContain('bloom-negative');
  });

  it('finds a path pushed on one peer from another within one filter refresh', async () => {
    const h = storePathHash(pushPath);
    expect((await get(`${A.url}/${h}.narinfo`)).status).toBe(404);
    // Peers fetch B's filter only when it changed: an unchanged filter answers 304 to its ETag.
    const before = await fetch(`${B.url}/iris/v1/filter`);
    const etag = before.headers.get('etag');
    expect(before.status).toBe(200);
    expect(etag).toBeTruthy();
    await before.arrayBuffer();
    const same = await fetch(`${B.url}/iris/v1/filter`, { headers: { 'if-none-match': etag! } });
    expect(same.status).toBe(304);
    await copyIntoStore(B.root, [pushPath]);
    const push = await execa(process.execPath, [BIN, 'iris', 'push', '--sign', '--key-file', trusted.secretFile, '--store-root', B.root, '--url', B.url, pushPath], {
      env: nixEnv(),
      reject: false,
    });
    expect(push.stderr).toContain('signed 1 path');
    expect(push.exitCode).toBe(0);
    const t0 = Date.now();
    let status = 0;
    while (Date.now() - t0 < 30_000) {
      status = (await get(`${A.url}/${h}.narinfo`)).status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200); // found after filter refreshes, with no restart and no manual step
    const after = await fetch(`${B.url}/iris/v1/filter`, { headers: { 'if-none-match': etag! } });
    expect(after.status).toBe(200); // the push changed B's filter, so its ETag changed
    expect(after.headers.get('etag')).not.toBe(etag);
    await after.arrayBuffer();
    const prov = await execa(process.execPath, [BIN, 'iris', 'providers', '--url', A.url, h], { reject: false });
    expect(prov.exitCode).toBe(0);
    expect(prov.stdout).toContain(`${B.url}\t${pushPath}\tsigned by fleet-1`);
    const r = await clientCopy(A.url, [pushPath], join(tmp.path, 'client4'));
    expect(r.exitCode).toBe(0);
  });

  it('closes a connection that stalls while sending its request ([server] header_timeout_seconds)', async () => {
    const L = await startIrisd('limits', A.root, [], '', 'header_timeout_seconds = 1\nrequest_timeout_seconds = 1\nidle_timeout_seconds = 2');
    const u = new URL(L.url);
    const closed = await new Promise<boolean>((resolve) => {
      const sock = connect(Number(u.port), u.hostname, () => sock.write('GET /nix-cache-info HTTP/1.1\r\nHost: x\r\nX-Slow: '));
      const give = setTimeout(() => {
        sock.destroy();
        resolve(false);
      }, 15_000);
      // The server ending its side (after a 408) or dropping the socket both close the connection.
      const done = (): void => {
        clearTimeout(give);
        sock.destroy();
        resolve(true);
      };
      sock.on('end', done);
      sock.on('close', done);
      sock.on('error', () => {});
      sock.resume(); // read what the server sends (its 408), so its end of the stream is seen
    });
    expect(closed).toBe(true);
    // A normal request still works.
    expect((await get(`${L.url}/nix-cache-info`)).status).toBe(200);
  });

  it('gets the rest of a closure from its peer in one batch and answers it without asking the peer again', async () => {
    // A counting proxy in front of B: every narinfo and closure request D makes of its peer is seen here.
    const asked = new Map<string, number>();
    const proxy = await fakePeer((path, res) => {
      asked.set(path, (asked.get(path) ?? 0) + 1);
      void fetch(`${B.url}${path}`, { headers: { 'x-iris-hop': '1' } }).then(async (r) => {
        const headers: Record<string, string> = {};
        for (const h of ['etag', 'content-type']) if (r.headers.get(h)) headers[h] = r.headers.get(h)!;
        res.writeHead(r.status, headers).end(Buffer.from(await r.arrayBuffer()));
      });
    });
    const D = await startIrisd('d', join(tmp.path, 'sD'), [proxy]);
    while (!(await get(`${D.url}/iris/v1/peers`)).text.includes('"reachable":true')) await new Promise((r) => setTimeout(r, 100));
    const topHash = storePathHash(chainB.top);
    const top = await get(`${D.url}/${topHash}.narinfo`);
    expect(top.headers.get('x-iris-source')).toBe('peer');
    const below = chainB.closure.filter((p) => p !== chainB.top).map((p) => `/${storePathHash(p)}.narinfo`);
    expect(below.length).toBe(2);
    for (const p of below) {
      const n = await get(`${D.url}${p}`);
      expect(n.status).toBe(200);
      expect(n.headers.get('x-iris-source')).toBe('peer');
    }
    // One narinfo request and one closure batch for the whole closure; none per path below the top.
    expect(asked.get(`/${topHash}.narinfo`)).toBe(1);
    expect(asked.get(`/iris/v1/closure/${topHash}`)).toBe(1);
    expect(below.map((p) => asked.get(p) ?? 0)).toEqual([0, 0]);
    // B's batch itself: the closure's narinfos, signed, the top first.
    const batch = await get(`${B.url}/iris/v1/closure/${topHash}`);
    expect(batch.headers.get('x-iris-paths')).toBe('3');
    expect(batch.text.split('\n\n').map((t) => /^StorePath: (.*)$/m.exec(t)?.[1])).toEqual(expect.arrayContaining(chainB.closure));
    expect(batch.text.startsWith(`StorePath: ${chainB.top}\n`)).toBe(true);
    expect((await get(`${B.url}/iris/v1/closure/${storePathHash(packagePath('not-here'))}`)).status).toBe(404);
    // And the NARs behind those offers still come through D from B.
    const r = await clientCopy(D.url, [chainB.top], join(tmp.path, 'client-d'));
    expect(r.exitCode).toBe(0);
  });

  it('rejects path traversal and malformed hashes with 400, never a 5xx', async () => {
    for (const p of ['/nar/..%2f..%2fetc%2fpasswd', '/nar/abc.nar', '/0123.narinfo', '/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee.narinfo', '/iris/v1/providers/xyz']) {
      expect((await get(`${A.url}${p}`)).status, p).toBe(400);
    }
    const raw = await execa('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--path-as-is', `${A.url}/../../etc/passwd`], { reject: false });
    expect(raw.stdout).toBe('400');
  });
});
