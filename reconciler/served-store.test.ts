import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServedStateCorruptError, StateWriteError } from '../core/errors/index.js';
import { makeTempDir } from '../testkit/tmp.js';
import { EMPTY_STATE, type ServedState } from './heads.js';
import { SERVED_FILE, loadServedState, saveServedState } from './served-store.js';

const C1 = 'a'.repeat(40);
const C2 = 'b'.repeat(40);
const D1 = `sha256:${'1'.repeat(64)}`;

const state: ServedState = {
  branchCommit: C2,
  heads: {
    prod: { channel: 'prod', text: '{"release":{}}', revision: 3, digest: D1, commit: C1, committedAt: '2026-01-01T00:00:00.000Z', blob: 'c'.repeat(40), servedAt: '2026-01-01T00:00:01.000Z' },
  },
  refusals: { dev: { code: 'BadSignatureError', message: 'Signature by ops-1 does not verify.', commit: C2, at: '2026-01-01T00:00:02.000Z', revision: 2, digest: D1 } },
};

describe('served.json', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let n = 0;
  const dir = async (): Promise<string> => {
    const d = join(tmp.path, String(n++));
    await mkdir(d, { recursive: true });
    return d;
  };
  beforeAll(async () => {
    tmp = await makeTempDir();
  });
  afterAll(() => tmp.cleanup());

  it('reads back what was saved, and nothing when there is no file', async () => {
    const d = await dir();
    expect(await loadServedState(d, 'main')).toEqual(EMPTY_STATE);
    await saveServedState(d, 'main', state);
    expect(await loadServedState(d, 'main')).toEqual(state);
  });

  it('keeps only the heads when the branch changed', async () => {
    const d = await dir();
    await saveServedState(d, 'main', state);
    expect(await loadServedState(d, 'release')).toEqual({ heads: state.heads, refusals: {} });
  });

  it.each([
    ['not JSON', '{"version":1,', /not JSON/],
    ['JSON of another shape', '{"version":1,"branch":"main","state":{"heads":{"prod":{"revision":"3"}},"refusals":{}}}', /state\.heads\.prod\./],
    ['a head with a commit that is not one', JSON.stringify({ version: 1, branch: 'main', state: { ...state, branchCommit: 'HEAD' } }), /state\.branchCommit: must be a git commit id/],
    ['a list', '[]', /\(top level\)/],
  ])('refuses %s with ServedStateCorruptError naming the file and the fix', async (_, text, problem) => {
    const d = await dir();
    await writeFile(join(d, SERVED_FILE), text);
    const e = await loadServedState(d, 'main').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ServedStateCorruptError);
    const err = e as ServedStateCorruptError;
    expect(err.data.file).toBe(join(d, SERVED_FILE));
    expect(err.data.problem).toMatch(problem);
    expect(err.message).toContain(join(d, SERVED_FILE));
    expect(err.message).toMatch(/restore it from a backup, or delete it/);
  });

  it('is a StateWriteError that says whose state it is when it cannot be written', async () => {
    const d = await dir();
    const blocker = join(d, 'not-a-dir');
    await writeFile(blocker, '');
    const e = await saveServedState(blocker, 'main', state).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StateWriteError);
    expect(e).toMatchObject({ data: { owner: 'reconciler', file: join(blocker, SERVED_FILE), errno: 'ENOTDIR' } });
    expect((e as Error).message).toMatch(/^Cannot write the reconciler's served state /);
    await expect(readFile(join(d, 'not-a-dir'), 'utf8')).resolves.toBe('');
  });
});
