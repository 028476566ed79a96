import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../testkit/ports.js';
import { storePathHash } from '../core/store-path.js';
import { eventually } from '../testkit/eventually.js';
import { startTestIrisd, type TestIrisd } from '../testkit/irisd.js';
import { buildChain, copyIntoStore, nixEnv, nixKeyPair, requireNix } from '../testkit/nix.js';
import { makeTempDir } from '../testkit/tmp.js';

// irisd's store refresh with real Nix: a refresh asks Nix again only when the store's database changed, and
// then sees every kind of change (a path added, a path deleted, a path signed again) without `iris push`.

let tmp: { path: string; cleanup: () => Promise<void> };
let I: TestIrisd | undefined;
let key: { secretFile: string; publicKey: string };
let other: { secretFile: string; publicKey: string };
let chain: { top: string; closure: string[] };
let late: { top: string; closure: string[] };

interface Health {
  paths: number;
  index: { scans: number; unchanged: number; lastScanMs: number };
}
const health = async (): Promise<Health> => (await (await fetch(`${I!.url}/healthz`)).json()) as Health;
const narinfo = async (path: string): Promise<{ status: number; text: string }> => {
  const r = await fetch(`${I!.url}/${storePathHash(path)}.narinfo`);
  return { status: r.status, text: await r.text() };
};

/** `get` again until `check` holds (the store refreshes every second), or a failure naming `what` after 20 s. */
const until = <T>(get: () => Promise<T>, check: (v: T) => boolean, what: string): Promise<T> =>
  eventually(async () => {
    const v = await get();
    return check(v) ? v : undefined;
  }, what, 20_000, 200);

beforeAll(async () => {
  await requireNix();
  tmp = await makeTempDir('ogygia-irisd-refresh-');
  key = await nixKeyPair(tmp.path, 'refresh-1');
  other = await nixKeyPair(tmp.path, 'refresh-2');
  const salt = `${process.pid}-${Date.now()}`;
  chain = await buildChain(join(tmp.path, 'b'), { name: 'refresh', length: 3, salt, bytes: 64 });
  late = await buildChain(join(tmp.path, 'b'), { name: 'late', length: 1, salt, bytes: 64 });
  const root = join(tmp.path, 'store');
  await copyIntoStore(root, [chain.top], key.secretFile);
  I = await startTestIrisd({ dir: tmp.path, name: 'i', root, trustedKeys: [key.publicKey], store: 'refresh_seconds = 1' });
});

afterAll(async () => {
  await I?.proc.stop();
  await tmp?.cleanup();
});

describe('irisd store refresh', () => {
  it('does not ask Nix again while the store database is unchanged', async () => {
    const first = await health();
    expect(first.paths).toBe(chain.closure.length);
    // The database was written just before irisd started: it scans again until that write is SETTLE_MS old.
    const settled = await until(health, (h) => h.index.unchanged >= 1, 'a refresh that finds the database unchanged');
    const later = await until(health, (h) => h.index.unchanged >= settled.index.unchanged + 3, 'three more refreshes');
    expect(later.index.unchanged).toBeGreaterThanOrEqual(settled.index.unchanged + 3);
    expect(later.index.scans).toBe(settled.index.scans);
  });

  it('sees a path added, a path signed again and a path deleted, with no push', async () => {
    const before = await health();
    expect((await narinfo(late.top)).status).toBe(404);
    await copyIntoStore(I!.root, [late.top], key.secretFile);
    expect((await until(() => narinfo(late.top), (r) => r.status === 200, 'the added path served')).status).toBe(200);

    // A second signature changes only the database, not the store directory.
    await execa('nix', ['store', 'sign', '--store', `local?root=${I!.root}`, '--key-file', other.secretFile, chain.top], { env: nixEnv() });
    const resigned = await until(() => narinfo(chain.top), (r) => r.text.includes('Sig: refresh-2:'), 'the second signature served');
    expect(resigned.text).toContain('Sig: refresh-1:');
    expect(resigned.text).toContain('Sig: refresh-2:');

    await execa('nix', ['store', 'delete', '--store', `local?root=${I!.root}`, late.top], { env: nixEnv() });
    expect((await until(() => narinfo(late.top), (r) => r.status === 404, 'the deleted path gone')).status).toBe(404);
    const after = await health();
    expect(after.paths).toBe(chain.closure.length);
    expect(after.index.scans).toBeGreaterThan(before.index.scans);
  });

  it('stops at start, naming the failed Nix command, when the store cannot be scanned (the scan runs on a worker thread)', async () => {
    const notADirectory = join(tmp.path, 'not-a-store');
    await writeFile(notADirectory, 'a file where the store root should be\n');
    const cfg = join(tmp.path, 'bad.toml');
    await writeFile(cfg, `[server]\nlisten = ["127.0.0.1:${await freePort()}"]\n[store]\nroot = ${JSON.stringify(notADirectory)}\n[cache]\ndir = ${JSON.stringify(join(tmp.path, 'bad-cache'))}\n`);
    const r = await execa(process.execPath, [join(import.meta.dirname, '..', 'bin', 'ogygia'), 'irisd', '--config', cfg], { env: nixEnv(), reject: false, timeout: 60_000 });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('nix path-info --store failed');
    expect(r.stderr).toContain('[NixCommandError]');
  });
});
