import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannelsRepo, type ChannelsRepo } from '../testkit/channel-repo.js';
import { eventually } from '../testkit/eventually.js';
import { testKey, testPublicKey } from '../testkit/keys.js';
import { getJson } from '../testkit/reconciler-harness.js';
import { ReleaseChain } from '../testkit/release-chain.js';
import { freePort, waitForPort } from '../testkit/ports.js';
import { startProcess, type Started } from '../testkit/processes.js';
import { makeTempDir } from '../testkit/tmp.js';

// DESIGN.md §15: a channel file over 64 KiB is refused without reading it
// whole. A 256 MiB file of spaces compresses to a few hundred KiB on the wire;
// pushed to the channels repository, it must be refused by its size, and the
// real reconciler's peak memory must stay far below what inflating it costs.

const BIN = fileURLToPath(new URL('../bin/ogygia', import.meta.url));
const BOMB_BYTES = 256 * 1024 * 1024;

/** Peak resident memory of a process (VmHWM), in MiB. */
async function peakMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

describe('a compressed blob bomb in the channels repository', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let repo: ChannelsRepo;
  let rec: Started;
  let url: string;

  beforeAll(async () => {
    tmp = await makeTempDir('ogygia-bomb-');
    repo = await createChannelsRepo(tmp.path);
    const r1 = new ReleaseChain('dev', [testKey('test-only-ops-1')]).next();
    await repo.publish('dev', r1.text);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    await writeFile(
      join(tmp.path, 'reconciler.toml'),
      [
        `source = ${JSON.stringify(repo.bare)}`,
        `listen = "127.0.0.1:${port}"`,
        `state_dir = ${JSON.stringify(join(tmp.path, 'state'))}`,
        '[trust]',
        `keys = [${JSON.stringify(testPublicKey('test-only-ops-1'))}]`,
      ].join('\n') + '\n',
    );
    rec = startProcess(BIN, ['reconciler', '--config', join(tmp.path, 'reconciler.toml')], { log: join(tmp.path, 'reconciler.log') });
    await waitForPort(port);
  });
  afterAll(async () => {
    await rec?.stop();
    await tmp?.cleanup();
  });

  it('is refused as OversizeError by its size, and the reconciler stays far below its inflated size in memory', async () => {
    // Write the bomb as a git object straight from a stream (the test itself never holds it in memory).
    const work = repo.work;
    const oid = String(
      (await execa('sh', ['-c', `head -c ${BOMB_BYTES} /dev/zero | tr '\\0' ' ' | git -C "$1" hash-object -w --stdin`, 'sh', work])).stdout,
    ).trim();
    await execa('git', ['-C', work, 'update-index', '--add', '--cacheinfo', `100644,${oid},channels/dev.json`]);
    await execa('git', ['-C', work, '-c', 'user.name=t', '-c', 'user.email=t@t.invalid', 'commit', '-qm', 'bomb']);
    await execa('git', ['-C', work, 'push', '-q', 'origin', 'HEAD:main']);

    const refusal = await eventually(async () => {
      const l = await getJson(`${url}/v1/channels`);
      const dev = (l.body.channels as Array<{ name: string; refusal: { code: string; message: string } | null }>).find((c) => c.name === 'dev');
      return dev?.refusal ?? undefined;
    }, 'the bomb to be refused', 60_000);
    expect(refusal.code).toBe('OversizeError');
    expect(refusal.message).toContain(String(BOMB_BYTES));
    // Still serving revision 1, and the whole thing cost a fraction of the bomb's size.
    expect((await getJson(`${url}/v1/channels/dev`)).body.document.release.revision).toBe(1);
    const peak = await peakMiB(rec.pid);
    if (process.env.OGYGIA_PRINT_PEAK) console.log(`reconciler peak RSS with a ${BOMB_BYTES >> 20} MiB bomb: ${peak.toFixed(0)} MiB`);
    expect(peak).toBeLessThan(300);
  });
});
