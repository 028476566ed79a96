import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RolloutStateCorruptError } from '../../core/errors/index.js';
import { makeTempDir } from '../../testkit/tmp.js';
import type { ServedHead } from '../heads.js';
import { startRecord } from './engine.js';
import { openFileRolloutStore, ROLLOUTS_FILE } from './store.js';

const head = (revision: number): ServedHead => ({
  channel: 'prod',
  text: '{}',
  revision,
  digest: 'sha256:' + String(revision).repeat(64).slice(0, 64),
  commit: String(revision).repeat(40),
  committedAt: '2026-11-21T09:00:00.000Z',
  blob: 'b'.repeat(40),
  servedAt: '2026-11-21T09:00:00.000Z',
});

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('the rollouts.json store', () => {
  it('reads back what it wrote, plan and all; no file is no record', async () => {
    const tmp = await makeTempDir('ogygia-rollouts-');
    cleanup = tmp.cleanup;
    const store = openFileRolloutStore(tmp.path);
    expect((await store.load()).size).toBe(0);
    const prev = startRecord(undefined, head(1), undefined, [], null, new Date());
    const rec = startRecord(prev, head(2), { waves: [{ hosts: ['web01'], soakSeconds: 5 }, { percent: 100 }], maxFailures: 0 }, ['web01', 'web02'], null, new Date('2026-11-21T10:00:00Z'));
    await store.save('prod', rec, new Map([['prod', rec]]));
    await store.close();
    expect(await openFileRolloutStore(tmp.path).load()).toEqual(new Map([['prod', rec]]));
  });

  it('a damaged file is a RolloutStateCorruptError naming it, never "no rollout"', async () => {
    const tmp = await makeTempDir('ogygia-rollouts-');
    cleanup = tmp.cleanup;
    const file = join(tmp.path, ROLLOUTS_FILE);
    await writeFile(file, '{"version":1,');
    await expect(openFileRolloutStore(tmp.path).load()).rejects.toThrow(RolloutStateCorruptError);
    await writeFile(file, JSON.stringify({ version: 1, channels: { prod: { head: head(1), fallback: null, progress: { state: 'sideways' } } } }));
    const err = await openFileRolloutStore(tmp.path).load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RolloutStateCorruptError);
    expect((err as RolloutStateCorruptError).data.where).toBe(file);
    expect((err as Error).message).toContain('channels.prod.progress');
  });
});
