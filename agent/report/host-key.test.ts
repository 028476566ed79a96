import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidHostKeyError } from '../../core/errors/index.js';
import { createLogger } from '../../core/log.js';
import { sshFingerprint } from '../../core/host-key.js';
import { formatSecretKey, generateSecretKey } from '../../core/keys.js';
import { sshKeygen } from '../../testkit/ssh-keys.js';
import { makeTempDir } from '../../testkit/tmp.js';
import { loadHostKey } from './host-key.js';

let tmp: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('ogygia-host-key-');
});
afterAll(async () => {
  await tmp.cleanup();
});

function logger(): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, log: createLogger('agent', (l) => lines.push(l)) };
}

describe('the host key the agent signs reports with', () => {
  it('reads a key ssh-keygen made and logs its fingerprint, the one hosts.toml must enroll', async () => {
    const made = await sshKeygen(join(tmp.path, 'ssh_host_ed25519_key'));
    const { lines, log } = logger();
    const key = await loadHostKey(made.file, false, log);
    expect(key).toEqual(made.key);
    expect(lines.join('\n')).toContain(sshFingerprint(made.key.publicKey));
  });

  it('reads a Nix-format secret key', async () => {
    const k = generateSecretKey('web01');
    const file = join(tmp.path, 'nix-key');
    await writeFile(file, formatSecretKey(k) + '\n', { mode: 0o600 });
    expect(await loadHostKey(file, true, logger().log)).toEqual({ seed: k.seed, publicKey: k.publicKey.bytes });
  });

  it('without the default file: unsigned reports, said once in the log', async () => {
    const { lines, log } = logger();
    expect(await loadHostKey(join(tmp.path, 'absent'), false, log)).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^agent: warn: no host key at .*absent: reports are sent unsigned/);
  });

  it('stops on a key file set explicitly that is not there, and on a file that is not a key', async () => {
    await expect(loadHostKey(join(tmp.path, 'absent'), true, logger().log)).rejects.toMatchObject({ code: 'InvalidHostKeyError', data: { reason: 'unreadable', cause: 'ENOENT' } });
    const junk = join(tmp.path, 'junk');
    await writeFile(junk, 'not a key\n');
    await expect(loadHostKey(junk, false, logger().log)).rejects.toBeInstanceOf(InvalidHostKeyError);
    const big = join(tmp.path, 'big');
    await writeFile(big, 'x'.repeat(20_000));
    await expect(loadHostKey(big, false, logger().log)).rejects.toMatchObject({ data: { reason: 'unreadable' } });
  });
});
