import { readFile, stat } from 'node:fs/promises';
import { InvalidKeyError } from '../../core/errors/index.js';
import { parseSecretKey, type SecretKey } from '../../core/keys.js';

/** Read a secret key file (`ogygia keygen` or `nix key generate-secret` output). */
export async function readSecretKeyFile(file: string): Promise<SecretKey> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InvalidKeyError({ reason: 'unreadable', file, cause: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
  }
  const st = await stat(file);
  if ((st.mode & 0o077) !== 0 && process.env.OGYGIA_ALLOW_OPEN_KEYS !== '1') {
    process.stderr.write(`ogygia: warning: key file ${file} is readable by others (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 ${file}\n`);
  }
  return parseSecretKey(text);
}
