// irisd's optional zstd for NARs (`[cache] compression = "zstd"`): what it saves and what it costs, same run.
// Run: node --import tsx bench/irisd-compression.ts [--quick]   (needs nix, nginx; dist/ built; ~3-5 min)
// Env: MIXED_MIB=64 (the mixed path), ROUNDS=3, LINK_MBIT=200.
//
//   ratio and CPU      irisd/zstd.ts (one frame per MiB, as irisd sends them) over the NARs of three store paths
//                      built from this Debian's own files: coreutils (77 ELF programs), perl (/usr/bin/perl, its
//                      modules and XS libraries) and a MIXED_MIB path (45% ELF libraries, 35% perl/python
//                      sources, 20% random); compress CPU per MiB from process.cpuUsage, at levels 1, 3 and 9;
//                      and zstd-napi's streaming API on the mixed NAR, the alternative irisd/zstd.ts did not take
//   nix copy           cold `nix copy --from` of the three paths (a fresh store and narinfo cache each time) from
//                      irisd with compression none and zstd, and from nginx serving `nix copy --to file://`
//                      caches made with compression=none and compression=zstd; wall time and server CPU; then
//                      the same through a LINK_MBIT link (bench/lib/slow-link.ts), where bandwidth is what runs out
//   (quick mode: a 4 MiB mixed path, no perl, level 3 only, one round)
import { execa } from 'execa';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CompressStream } from 'zstd-napi';
import { loadNarZstd, FRAME_BYTES } from '../irisd/zstd.js';
import { startTestIrisd } from '../testkit/irisd.js';
import { copyIntoStore, nixEnv, nixKeyPair, requireNix } from '../testkit/nix.js';
import type { Started } from '../testkit/processes.js';
import { makeTempDir } from '../testkit/tmp.js';
import { groupCpuSeconds } from './lib/cpu.js';
import { startNginx } from './lib/nginx.js';
import { startSlowLink } from './lib/slow-link.js';
import { envNumber, QUICK, summary } from './lib/quick.js';

const MIXED_MIB = envNumber('MIXED_MIB', 64, 4);
const ROUNDS = envNumber('ROUNDS', 3, 1);
const LINK_MBIT = envNumber('LINK_MBIT', 200, 200);
const LEVELS = QUICK ? [3] : [1, 3, 9];
const MiB = 1024 * 1024;
await requireNix();
const tmp = await makeTempDir('ogygia-bench-zstd-');
const procs: Started[] = [];
const closers: (() => Promise<void>)[] = [];
const say = (s: string): void => console.log(s);

/** A store path built by `/bin/sh -c script` (no nixpkgs: the machine's own files, copied in). */
async function build(name: string, script: string, salt: string): Promise<string> {
  const file = join(tmp.path, `${name}.nix`);
  await writeFile(file, `derivation { name = "${name}"; system = builtins.currentSystem; builder = "/bin/sh"; PATH = "/usr/bin:/bin"; args = [ "-c" ${JSON.stringify(`echo ${salt} > /dev/null; ${script}`)} ]; }\n`);
  return String((await execa('nix-build', [file, '--no-out-link'], { env: nixEnv() })).stdout).trim();
}

async function* inChunks(data: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let off = 0; off < data.length; off += FRAME_BYTES) yield data.subarray(off, off + FRAME_BYTES);
}

/** Compressed size and CPU ms per MiB of NAR for one pass of `compress` over `nar`. */
async function measure(nar: Uint8Array, compress: (chunks: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>): Promise<{ ratio: number; cpuMsPerMiB: number }> {
  const c0 = process.cpuUsage();
  let bytes = 0;
  for await (const f of compress(inChunks(nar))) bytes += f.length;
  const c = process.cpuUsage(c0);
  return { ratio: nar.length / bytes, cpuMsPerMiB: (c.user + c.system) / 1000 / (nar.length / MiB) };
}

async function* streamApi(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const s = new CompressStream({ compressionLevel: 3 });
  const out: Buffer[] = [];
  s.on('data', (d: Buffer) => out.push(d));
  const ended = new Promise((resolve, reject) => s.on('end', resolve).on('error', reject));
  for await (const c of chunks) s.write(Buffer.from(c)); // a copy: the stream may hold on to what it is given
  s.end();
  await ended;
  yield* out;
}

try {
  const salt = `${process.pid}-${Date.now()}`;
  const t0 = performance.now();
  const paths: Record<string, string> = {
    coreutils: await build('coreutils-debian', 'mkdir -p $out/bin; for f in $(dpkg -L coreutils | grep ^/usr/bin/); do cp $f $out/bin/; done', salt),
    ...(QUICK
      ? {}
      : {
          perl: await build('perl-debian', 'mkdir -p $out/bin $out/lib; cp /usr/bin/perl $out/bin/; cp -rL /usr/share/perl/5.36 $out/lib/perl5; cp -rL /usr/lib/x86_64-linux-gnu/perl/5.36 $out/lib/perl5-xs', salt),
        }),
    mixed: await build(
      'mixed-nar',
      `mkdir $out; cat /usr/lib/x86_64-linux-gnu/*.so* 2>/dev/null | head -c ${Math.round(MIXED_MIB * 0.45 * MiB)} > $out/libs; ` +
        `find /usr/share/perl/5.36.0 /usr/lib/python3.11 -type f | sort | xargs cat | head -c ${Math.round(MIXED_MIB * 0.35 * MiB)} > $out/sources; ` +
        `head -c ${MIXED_MIB * MiB - Math.round(MIXED_MIB * 0.45 * MiB) - Math.round(MIXED_MIB * 0.35 * MiB)} /dev/urandom > $out/random`,
      salt,
    ),
  };
  const nars: Record<string, Buffer> = {};
  for (const [k, p] of Object.entries(paths)) {
    nars[k] = (await execa('nix-store', ['--dump', p], { env: nixEnv(), encoding: 'buffer', maxBuffer: 1024 * MiB })).stdout as Buffer;
  }
  say(`setup ${((performance.now() - t0) / 1000).toFixed(0)} s; NARs: ${Object.entries(nars).map(([k, n]) => `${k} ${(n.length / MiB).toFixed(1)} MiB`).join(', ')}; ${ROUNDS} round(s) of each measurement`);

  // 1. ratio and compress CPU, in this process
  for (const level of LEVELS) {
    const z = await loadNarZstd(level);
    for (const [k, nar] of Object.entries(nars)) {
      await measure(nar, (c) => z.stream(c)); // warm-up
      const runs: { ratio: number; cpuMsPerMiB: number }[] = [];
      for (let i = 0; i < ROUNDS; i++) runs.push(await measure(nar, (c) => z.stream(c)));
      say(`zstd level ${level}, ${k}: ratio ${runs[0]!.ratio.toFixed(3)}, compress CPU ${summary(runs.map((r) => r.cpuMsPerMiB)).text} ms/MiB`);
    }
  }
  {
    const z = await loadNarZstd(3);
    const runs: { frames: { ratio: number; cpuMsPerMiB: number }; stream: { ratio: number; cpuMsPerMiB: number } }[] = [];
    for (let i = 0; i < ROUNDS; i++) runs.push({ frames: await measure(nars.mixed!, (c) => z.stream(c)), stream: await measure(nars.mixed!, streamApi) });
    say(`mixed, level 3, streaming API instead of a frame per MiB: size ×${(runs[0]!.frames.ratio / runs[0]!.stream.ratio).toFixed(4)}, CPU ×${summary(runs.map((r) => r.stream.cpuMsPerMiB / r.frames.cpuMsPerMiB)).text}`);
  }

  // 2. cold nix copy of the three paths
  const key = await nixKeyPair(tmp.path, 'bench-1');
  const sServe = join(tmp.path, 'sServe');
  const all = Object.values(paths);
  await copyIntoStore(sServe, all, key.secretFile);
  const fileCache = async (compression: string): Promise<string> => {
    const dir = join(tmp.path, `file-${compression}`);
    await execa('nix', ['copy', '--to', `file://${dir}?compression=${compression}`, '--store', `local?root=${sServe}`, ...all], { env: nixEnv({}, [key.publicKey]) });
    return dir;
  };
  const irisd = async (name: string, toml: string) => {
    const s = await startTestIrisd({ dir: tmp.path, name, root: sServe, trustedKeys: [key.publicKey], toml });
    procs.push(s.proc);
    return s;
  };
  const nginx = async (name: string, root: string) => {
    const s = await startNginx(root, join(tmp.path, name));
    procs.push(s.proc);
    return s;
  };
  const servers = {
    'irisd none': await irisd('irisd-none', 'compression = "none"'),
    'irisd zstd': await irisd('irisd-zstd', 'compression = "zstd"'),
    'nginx none': await nginx('nginx-none', await fileCache('none')),
    'nginx zstd': await nginx('nginx-zstd', await fileCache('zstd')),
  };
  type Name = keyof typeof servers;
  const narMiB = Object.values(nars).reduce((a, n) => a + n.length, 0) / MiB;

  // Bytes on the wire: each server's NAR files for the three paths.
  for (const name of ['irisd zstd', 'nginx zstd'] as const) {
    let bytes = 0;
    for (const p of all) {
      const info = await (await fetch(`${servers[name].url}/${p.slice('/nix/store/'.length, '/nix/store/'.length + 32)}.narinfo`)).text();
      bytes += (await (await fetch(`${servers[name].url}/${/^URL: (.*)$/m.exec(info)![1]!}`)).arrayBuffer()).byteLength;
    }
    say(`${name}: ${(bytes / MiB).toFixed(1)} MiB sent for ${narMiB.toFixed(1)} MiB of NAR, ratio ${((narMiB * MiB) / bytes).toFixed(3)}`);
  }

  let n = 0;
  const links: Partial<Record<Name, string>> = {};
  const copy = async (name: Name, slow = false): Promise<{ s: number; cpu: number }> => {
    const k = n++;
    const env = nixEnv({ XDG_CACHE_HOME: join(tmp.path, `xdg${k}`) }, [key.publicKey]); // a cold narinfo cache
    const from = slow ? links[name]! : servers[name].url;
    const cpu0 = await groupCpuSeconds(servers[name].proc.pid);
    const t = performance.now();
    await execa('nix', ['copy', '--from', from, '--to', `local?root=${join(tmp.path, `dest${k}`)}`, ...all], { env });
    const s = (performance.now() - t) / 1000;
    const cpu = (await groupCpuSeconds(servers[name].proc.pid)) - cpu0;
    await execa('rm', ['-rf', join(tmp.path, `dest${k}`), join(tmp.path, `xdg${k}`)]);
    return { s, cpu };
  };
  const names = Object.keys(servers) as Name[];
  for (const name of names) await copy(name); // warm the page cache and the JIT
  const rounds: Record<Name, { s: number; cpu: number }>[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const r = {} as Record<Name, { s: number; cpu: number }>;
    for (const name of names) r[name] = await copy(name);
    rounds.push(r);
  }
  for (const name of names) {
    say(`nix copy (${narMiB.toFixed(1)} MiB of NAR, cold) from ${name}: ${summary(rounds.map((r) => r[name].s)).text} s, server CPU ${summary(rounds.map((r) => (r[name].cpu * 1000) / narMiB)).text} ms/MiB`);
  }
  const ratio = (a: Name, b: Name) => summary(rounds.map((r) => r[a].s / r[b].s)).text;
  say(`  ratios: irisd zstd/none ${ratio('irisd zstd', 'irisd none')}; nginx zstd/none ${ratio('nginx zstd', 'nginx none')}; irisd zstd/nginx zstd ${ratio('irisd zstd', 'nginx zstd')}; irisd none/nginx none ${ratio('irisd none', 'nginx none')}`);

  // 3. the same through a slow link
  for (const name of names) {
    const u = new URL(servers[name].url);
    const link = await startSlowLink({ host: u.hostname, port: Number(u.port) }, LINK_MBIT);
    closers.push(link.close);
    links[name] = link.url;
  }
  const slow: Record<Name, { s: number; cpu: number }>[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const r = {} as Record<Name, { s: number; cpu: number }>;
    for (const name of names) r[name] = await copy(name, true);
    slow.push(r);
  }
  for (const name of names) say(`nix copy through a ${LINK_MBIT} Mbit/s link from ${name}: ${summary(slow.map((r) => r[name].s)).text} s`);
  const slowRatio = (a: Name, b: Name) => summary(slow.map((r) => r[a].s / r[b].s)).text;
  say(`  ratios: irisd zstd/none ${slowRatio('irisd zstd', 'irisd none')}; nginx zstd/none ${slowRatio('nginx zstd', 'nginx none')}; irisd zstd/nginx zstd ${slowRatio('irisd zstd', 'nginx zstd')}`);
} finally {
  for (const c of closers) await c();
  for (const p of procs) await p.stop();
  await tmp.cleanup();
}
