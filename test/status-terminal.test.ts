import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdServer } from '../testkit/etcd.js';
import { makeStatusRoot } from '../testkit/status-root.js';
import { makeTempDir } from '../testkit/tmp.js';

// DESIGN.md §15: text from a fleet store never reaches the terminal with
// control characters. A real etcd holds a planted host whose name and
// revisions carry cursor-up/erase-line and OSC (terminal title) sequences;
// the real `ogygia status` (table and --wide) must show them as escapes.

const BIN = join(import.meta.dirname, '..', 'bin', 'ogygia');
const ERASE = '\u001b[1A\u001b[2K';
const TITLE = '\u001b]0;owned\u0007';

describe('ogygia status with hostile text in the fleet store (real etcd)', () => {
  let etcd: EtcdServer;
  let tmp: { path: string; cleanup: () => Promise<void> };
  let root: { path: string; cleanup: () => Promise<void> };
  let config: string;

  beforeAll(async () => {
    etcd = await startEtcd();
    tmp = await makeTempDir('ogygia-status-terminal-');
    root = await makeStatusRoot({ current: 'a1b2c3d4e5f6', booted: 'a1b2c3d4e5f6', nextboot: 'a1b2c3d4e5f6' });
    config = join(tmp.path, 'status.toml');
    await writeFile(config, `[ogygia.etcd]\nendpoints = ["${etcd.endpoint}"]\ntimeout_seconds = 5\n`);
    const raw = new Etcd3({ hosts: etcd.endpoint });
    try {
      await raw.put('/nixos/versions/db01/current').value(`ok${ERASE}`);
      await raw.put('/nixos/versions/db01/booted').value(TITLE);
      await raw.put(`/nixos/versions/evil${ERASE}/current`).value('b2c3d4e5f6a1');
      await raw.put('/nixos/versions/db01/agent').value(JSON.stringify({ channel: 'prod', state: `applied${ERASE}` }));
    } finally {
      raw.close();
    }
  });
  afterAll(async () => {
    await etcd?.stop();
    await root?.cleanup();
    await tmp?.cleanup();
  });

  it.each([[['status']], [['status', '--wide']]])('%j shows control characters as escapes', async (args) => {
    const r = await execa(BIN, args, { env: { OGYGIA_ROOT: root.path, OGYGIA_CONFIG: config, OGYGIA_HOSTNAME: 'web01' }, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const out = String(r.stdout);
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/); // nothing but newlines
    expect(out).toContain('ok\\e[1A\\e[2K');
    expect(out).toContain('\\e]0;owned\\x07');
    expect(out).toContain('evil\\e[1A\\e[2K');
  });
});
