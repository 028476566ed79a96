import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testkit/tmp.js';
import { createObjectSizer } from './git-object-size.js';

// Real repositories made with the git CLI: every object's size as git itself
// reports it (`cat-file --batch-check`), loose and after `git gc` (packed,
// with deltas), including a 40 MiB blob that compresses to almost nothing.

let tmp: { path: string; cleanup: () => Promise<void> };
const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t.invalid' };
const git = async (dir: string, ...args: string[]): Promise<string> => String((await execa('git', ['-C', dir, ...args], { env })).stdout);

async function allSizes(gitdir: string): Promise<Map<string, number>> {
  const out = await execa('git', ['--git-dir', gitdir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objectsize)'], { env });
  return new Map(String(out.stdout).split('\n').map((l) => [l.split(' ')[0]!, Number(l.split(' ')[1])]));
}

beforeAll(async () => {
  tmp = await makeTempDir('ogygia-objsize-');
  const work = join(tmp.path, 'work');
  await execa('git', ['init', '-q', '-b', 'main', work]);
  // Versions of one file that delta well against each other, and files of very different sizes.
  let text = '';
  for (let i = 0; i < 30; i++) {
    text += `line ${i} ${'x'.repeat(i * 37)}\n`;
    await writeFile(join(work, 'channel.json'), text);
    await writeFile(join(work, `small-${i % 3}.txt`), `v${i}`);
    await git(work, 'add', '-A');
    await git(work, 'commit', '-qm', `c${i}`);
  }
  await writeFile(join(work, 'bomb.json'), Buffer.alloc(40 * 1024 * 1024, 0x20));
  await writeFile(join(work, 'empty'), '');
  await git(work, 'add', '-A');
  await git(work, 'commit', '-qm', 'bomb');
});
afterAll(async () => {
  await tmp?.cleanup();
});

describe('createObjectSizer', () => {
  it('gives every loose object the size git gives it', async () => {
    const gitdir = join(tmp.path, 'work', '.git');
    const want = await allSizes(gitdir);
    const sizer = createObjectSizer(gitdir);
    for (const [oid, size] of want) expect(await sizer.size(oid), oid).toBe(size);
    expect(want.size).toBeGreaterThan(90);
  });

  it('gives every packed object (deltas included) the size git gives it', async () => {
    const bare = join(tmp.path, 'packed.git');
    await execa('git', ['clone', '-q', '--bare', join(tmp.path, 'work'), bare]);
    await execa('git', ['--git-dir', bare, 'gc', '-q', '--aggressive', '--prune=now'], { env });
    const want = await allSizes(bare);
    const deltas = String((await execa('git', ['--git-dir', bare, 'cat-file', '--batch-all-objects', '--batch-check=%(deltabase)'], { env })).stdout)
      .split('\n')
      .filter((b) => !/^0+$/.test(b));
    expect(deltas.length).toBeGreaterThan(5); // the pack really holds deltas
    const sizer = createObjectSizer(bare);
    for (const [oid, size] of want) expect(await sizer.size(oid), oid).toBe(size);
  });

  it('says undefined for an object the repository does not hold, and refuses a malformed id', async () => {
    const sizer = createObjectSizer(join(tmp.path, 'work', '.git'));
    expect(await sizer.size('0'.repeat(40))).toBeUndefined();
    await expect(sizer.size('not-an-oid')).rejects.toMatchObject({ code: 'GitError' });
  });
});
