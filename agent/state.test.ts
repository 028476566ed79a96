import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { storePath } from '../testkit/store-paths.js';
import { makeTempDir } from '../testkit/tmp.js';
import { createStateStore, emptyState, FLOOR_FILE, replayFloor, STATE_FILE, type AgentState } from './state.js';

const D = (c: string): string => 'sha256:' + c.repeat(64);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
async function tmp(): Promise<string> {
  const t = await makeTempDir('ogygia-state-');
  cleanups.push(t.cleanup);
  return t.path;
}
const applied = (rev: number, digest: string): AgentState => ({
  ...emptyState('prod'),
  phase: 'applied',
  revision: rev,
  digest,
  commit: 'c'.repeat(40),
  storePath: storePath(`s${rev}`),
  sourceRevision: 'b'.repeat(40),
});

describe('state store', () => {
  it('starts empty and round-trips a state', async () => {
    const dir = await tmp();
    const s = createStateStore(dir);
    expect((await s.load('prod')).state.phase).toBe('idle');
    await s.save(applied(3, D('3')));
    const again = await createStateStore(dir).load('prod');
    expect(again.state).toMatchObject({ phase: 'applied', revision: 3 });
    expect(again.corrupt).toBeUndefined();
  });

  it('treats a corrupt state as nothing applied but keeps the floor', async () => {
    const dir = await tmp();
    const s = createStateStore(dir);
    await s.load('prod');
    await s.save(applied(7, D('7')));
    await s.raiseFloor({ channel: 'prod', revision: 7, digest: D('7'), commit: 'c'.repeat(40) });
    await writeFile(join(dir, STATE_FILE), '{"spec":1,"phase":"appl');
    const l = await createStateStore(dir).load('prod');
    expect(l.corrupt?.code).toBe('StateCorruptError');
    expect(l.state.phase).toBe('idle');
    expect(replayFloor(l.state, l.floor, 'prod')).toMatchObject({ revision: 7, digest: D('7') });
  });

  it('never lowers the floor', async () => {
    const dir = await tmp();
    const s = createStateStore(dir);
    await s.load('prod');
    await s.raiseFloor({ channel: 'prod', revision: 9, digest: D('9') });
    await s.raiseFloor({ channel: 'prod', revision: 4, digest: D('4') });
    expect(JSON.parse(await readFile(join(dir, FLOOR_FILE), 'utf8')).revision).toBe(9);
  });

  it('takes the higher of the state and the floor file, for the same channel only', () => {
    expect(replayFloor(applied(5, D('5')), { channel: 'prod', revision: 3, digest: D('3') }, 'prod')?.revision).toBe(5);
    expect(replayFloor(applied(2, D('2')), { channel: 'prod', revision: 3, digest: D('3') }, 'prod')?.revision).toBe(3);
    expect(replayFloor(applied(2, D('2')), { channel: 'staging', revision: 3, digest: D('3') }, 'prod')?.revision).toBe(2);
    expect(replayFloor(emptyState('prod'), undefined, 'prod')).toBeUndefined();
  });

  it('rejects a state that does not fit the schema as corrupt', async () => {
    const dir = await tmp();
    await writeFile(join(dir, STATE_FILE), JSON.stringify({ ...applied(1, D('1')), phase: 'dancing' }));
    const l = await createStateStore(dir).load('prod');
    expect(l.corrupt?.code).toBe('StateCorruptError');
  });

  it('never lowers the floor to none when the floor file is damaged: applies stop, naming the file and the fix', async () => {
    const dir = await tmp();
    const s = createStateStore(dir);
    await s.load('prod');
    await s.save(applied(7, D('7')));
    await s.raiseFloor({ channel: 'prod', revision: 9, digest: D('9') });
    await writeFile(join(dir, FLOOR_FILE), '{"channel":"prod","revis');
    const again = createStateStore(dir);
    const l = await again.load('prod');
    expect(l.floor).toBeUndefined();
    expect(l.floorCorrupt?.code).toBe('ReplayFloorCorruptError');
    expect(l.floorCorrupt?.message).toContain(join(dir, FLOOR_FILE));
    expect(l.floorCorrupt?.message).toMatch(/not JSON/);
    expect(l.floorCorrupt?.message).toMatch(/restore the file from a backup, or delete it/);
    expect(l.floorCorrupt?.data).toMatchObject({ file: join(dir, FLOOR_FILE) });
    // The state itself is fine and still loads.
    expect(l.state).toMatchObject({ phase: 'applied', revision: 7 });
    expect(l.corrupt).toBeUndefined();
    // Nothing writes over the damaged file unseen.
    await expect(again.raiseFloor({ channel: 'prod', revision: 10, digest: D('a') })).rejects.toMatchObject({ code: 'ReplayFloorCorruptError' });
    expect(await readFile(join(dir, FLOOR_FILE), 'utf8')).toBe('{"channel":"prod","revis');
  });

  it('takes a floor file that does not fit its schema as damaged', async () => {
    for (const text of [JSON.stringify({ channel: 'prod', revision: 0, digest: D('1') }), JSON.stringify({ channel: 'prod', revision: 3 }), '[]', 'null', '']) {
      const dir = await tmp();
      await writeFile(join(dir, FLOOR_FILE), text);
      const l = await createStateStore(dir).load('prod');
      expect(l.floorCorrupt?.code, text).toBe('ReplayFloorCorruptError');
      expect(l.floor, text).toBeUndefined();
    }
  });

  it('takes a floor file that cannot be read as damaged (here: a directory)', async () => {
    const dir = await tmp();
    await mkdir(join(dir, FLOOR_FILE));
    const l = await createStateStore(dir).load('prod');
    expect(l.floorCorrupt?.code).toBe('ReplayFloorCorruptError');
    expect(l.floorCorrupt?.data.problem).toMatch(/EISDIR/);
  });

  it('says so in the state error when both files are damaged', async () => {
    const dir = await tmp();
    await writeFile(join(dir, STATE_FILE), '{');
    await writeFile(join(dir, FLOOR_FILE), '{');
    const l = await createStateStore(dir).load('prod');
    expect(l.corrupt?.message).toMatch(/replay floor in replay-floor\.json is damaged too/);
    expect(l.floorCorrupt?.code).toBe('ReplayFloorCorruptError');
  });

  it('reads the floor again once an operator fixed it, and raises it again', async () => {
    const dir = await tmp();
    await writeFile(join(dir, FLOOR_FILE), 'garbage');
    const s = createStateStore(dir);
    expect((await s.load('prod')).floorCorrupt).toBeDefined();
    await expect(s.readFloor()).rejects.toMatchObject({ code: 'ReplayFloorCorruptError' });
    await writeFile(join(dir, FLOOR_FILE), JSON.stringify({ channel: 'prod', revision: 4, digest: D('4') }));
    expect(await s.readFloor()).toEqual({ channel: 'prod', revision: 4, digest: D('4') });
    await s.raiseFloor({ channel: 'prod', revision: 5, digest: D('5') });
    expect(JSON.parse(await readFile(join(dir, FLOOR_FILE), 'utf8')).revision).toBe(5);
    await rm(join(dir, FLOOR_FILE));
    expect(await s.readFloor()).toBeUndefined();
  });

  it('has no floor and no damage on a fresh host', async () => {
    const l = await createStateStore(await tmp()).load('prod');
    expect(l.floor).toBeUndefined();
    expect(l.floorCorrupt).toBeUndefined();
  });
});
