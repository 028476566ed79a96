import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { UsageError } from '../../core/errors/index.js';
import { formatPublicKey, formatSecretKey, generateSecretKey } from '../../core/keys.js';
import { type CommandIO, processIO } from '../io.js';

export interface KeygenOptions {
  name: string;
  out: string;
  force?: boolean;
}

/** Write a new ed25519 secret key in Nix's format (mode 0600) and print its public key. */
export async function keygen(opts: KeygenOptions, io: CommandIO = processIO): Promise<number> {
  if (existsSync(opts.out) && !opts.force) {
    throw new UsageError({ reason: 'key-exists', out: opts.out });
  }
  const key = generateSecretKey(opts.name);
  await mkdir(dirname(opts.out), { recursive: true, mode: 0o700 });
  await writeFileAtomic(opts.out, formatSecretKey(key) + '\n', 0o600);
  io.out(formatPublicKey(key.publicKey));
  io.err(`keygen: wrote secret key ${opts.name} to ${opts.out} (mode 0600); keep it offline and pin the public key above on your hosts.`);
  return 0;
}
