import { open } from 'node:fs/promises';
import { InvalidHostKeyError } from '../../core/errors/index.js';
import { MAX_KEY_FILE_BYTES, parseHostKey, sshFingerprint, type HostKey } from '../../core/host-key.js';
import type { Logger } from '../../core/log.js';

/**
 * The key the agent signs its reports with (DESIGN.md §11): `[report]
 * host_key_file`, by default sshd's `/etc/ssh/ssh_host_ed25519_key` (under
 * OGYGIA_ROOT). Read once at start.
 *
 * - The file is there and is a key: reports are signed (the log says with
 *   which key, by its fingerprint, the one `hosts.toml` must enroll).
 * - The default file is not there: reports go unsigned (a bearer token, if
 *   any, still goes with them) and the log says so once; a reconciler with
 *   hosts.toml on its branch refuses them (UnsignedReportError).
 * - A file set explicitly is not there, or any file cannot be read or is not
 *   a key: the agent stops (InvalidHostKeyError), as for any bad setting.
 */
export async function loadHostKey(file: string, explicit: boolean, log: Logger): Promise<HostKey | undefined> {
  let text: string;
  try {
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(MAX_KEY_FILE_BYTES + 1);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      if (bytesRead > MAX_KEY_FILE_BYTES) throw new InvalidHostKeyError({ reason: 'unreadable', source: file, cause: `larger than ${MAX_KEY_FILE_BYTES} bytes` });
      text = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (e instanceof InvalidHostKeyError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) {
      log.warn(
        `no host key at ${file}: reports are sent unsigned (with the bearer token, if [report] token_file is set); ` +
          'a reconciler whose branch has hosts.toml refuses them, so give this host an ed25519 host key or set [report] host_key_file',
      );
      return undefined;
    }
    throw new InvalidHostKeyError({ reason: 'unreadable', source: file, cause: code ?? (e as Error).message });
  }
  const key = parseHostKey(text, file);
  log.info(`signing reports with the host key ${file} (${sshFingerprint(key.publicKey)}); hosts.toml must enroll this key for this host`);
  return key;
}
