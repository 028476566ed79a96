import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileConfigs, hostileReleases } from '../fixtures/hostile-corpus.js';
import { buildChannelRepo } from '../testkit/channel-repo.js';
import { testPublicKey } from '../testkit/keys.js';
import { nixEnv } from '../testkit/nix.js';
import { makeTempDir } from '../testkit/tmp.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'ogygia');

let tmp: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('ogygia-hostile-');
});
afterAll(async () => {
  await tmp.cleanup();
});

/** A host web01 following channel prod from a local git repository whose head is `content`; one `--once` poll. */
async function pollOnce(index: number, name: string, content: string) {
  const dir = join(tmp.path, `case-${index}`); // one directory per case: names alone can collide once slugged
  const repo = join(dir, 'channels');
  const root = join(dir, 'root');
  await buildChannelRepo(repo, { main: [{ message: name, files: { 'channels/prod.json': content } }] });
  await mkdir(join(root, 'nix/var/nix/profiles'), { recursive: true });
  const config = join(dir, 'agent.toml');
  await writeFile(
    config,
    `host = "web01"\nchannel = "prod"\nsource = "${repo}"\nstate_dir = "${join(dir, 'state')}"\n[trust]\nkeys = ["${testPublicKey('test-only-ops-1')}", "${testPublicKey('test-only-ops-2')}"]\nthreshold = 1\n` +
      `[nix]\nsubstituters = ["file://${join(dir, 'no-cache')}"]\n[health]\ncommand = "true"\n`,
  );
  const r = await execa(process.execPath, [BIN, 'agent', '--config', config, '--once'], {
    reject: false,
    env: nixEnv({ OGYGIA_ROOT: root, OGYGIA_LOG: 'quiet' }),
    stdin: 'ignore',
  });
  return { r, root, dir };
}

async function inBatches<T>(items: readonly T[], size: number, f: (t: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(f));
}

describe('hostile and broken releases: each refused by its code, nothing applied', () => {
  const outcomes = new Map<string, { exitCode: number; out: string; applied: string[] }>();

  beforeAll(async () => {
    await inBatches([...hostileReleases.entries()], 4, async ([i, c]) => {
      const { r, root } = await pollOnce(i, c.name, c.content);
      const applied = [
        ...(existsSync(join(root, 'switch.log')) ? ['switch.log'] : []),
        ...(existsSync(join(root, 'run/current-system')) ? ['run/current-system'] : []),
        ...(await readdir(join(root, 'nix/var/nix/profiles'))),
      ];
      outcomes.set(c.name, { exitCode: r.exitCode ?? -1, out: String(r.stdout), applied });
    });
  }, 600_000);

  it('has at least 40 hostile releases', () => {
    expect(hostileReleases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(hostileReleases.map((c) => [c.name, c.code] as const))('%s → %s', (name, code) => {
    const o = outcomes.get(name)!;
    expect(o.exitCode, o.out).toBe(20);
    const json = JSON.parse(o.out) as { outcome: string; error: { code: string } };
    expect(json.outcome).toBe('refused');
    expect(json.error.code).toBe(code);
    expect(o.applied).toEqual([]);
  });
});

describe('hostile and broken configs: each refused by --check-config naming the key', () => {
  it.each(hostileConfigs.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const file = join(tmp.path, `${c.part}-${Math.random().toString(36).slice(2)}.toml`);
    await writeFile(file, c.toml);
    const r = await execa(process.execPath, [BIN, c.part, '--check-config', file], { reject: false, stdin: 'ignore' });
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toContain('[ConfigError]');
    expect(String(r.stderr)).toContain(`  ${c.problem}`);
  });
});
