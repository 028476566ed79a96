import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { ENROLLMENT_FILE } from '../../core/enrollment.js';
import { InvalidHostKeyError, InvalidKeyError, UsageError } from '../../core/errors/index.js';
import { MAX_KEY_FILE_BYTES, findSshPublicKey, sshFingerprint, type SshPublicKey } from '../../core/host-key.js';
import { parsePublicKey } from '../../core/keys.js';
import { HOST_NAME } from '../../core/release.js';
import { enrollHost } from '../repo/hosts-file.js';
import { commitFiles, ensureRepo, pushBranch } from '../repo/worktree.js';
import { type CommandIO, processIO } from '../io.js';

export interface EnrollOptions {
  repo: string;
  host: string;
  keyFile: string;
  commit: boolean; // --no-commit sets false
  push?: boolean;
  remote: string;
  message?: string;
}

/** The key text: a file, or standard input for `-` (at most MAX_KEY_FILE_BYTES either way). */
async function readKeyText(keyFile: string): Promise<string> {
  if (keyFile === '-') {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const c of process.stdin) {
      total += (c as Buffer).length;
      if (total > MAX_KEY_FILE_BYTES) throw new InvalidHostKeyError({ reason: 'unreadable', source: 'standard input', cause: `over ${MAX_KEY_FILE_BYTES} bytes` });
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    const fh = await open(keyFile, 'r');
    try {
      const buf = Buffer.alloc(MAX_KEY_FILE_BYTES + 1);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      if (bytesRead > MAX_KEY_FILE_BYTES) throw new InvalidHostKeyError({ reason: 'unreadable', source: keyFile, cause: `over ${MAX_KEY_FILE_BYTES} bytes` });
      return buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (e instanceof InvalidHostKeyError) throw e;
    throw new InvalidHostKeyError({ reason: 'unreadable', source: keyFile, cause: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
  }
}

/** The key in a .pub line or ssh-keyscan output, or a Nix-format public key (`NAME:BASE64`, for hosts that sign with a Nix key). */
function publicKeyOf(text: string, source: string): SshPublicKey {
  try {
    return findSshPublicKey(text, source);
  } catch (e) {
    if (!(e instanceof InvalidHostKeyError) || e.data.reason !== 'format' || text.trim().includes('\n')) throw e;
    try {
      const nix = parsePublicKey(text);
      return { bytes: nix.bytes, comment: nix.name };
    } catch (nixError) {
      if (nixError instanceof InvalidKeyError) throw e;
      throw nixError;
    }
  }
}

async function readHostsFile(dir: string): Promise<string | undefined> {
  try {
    return await readFile(join(dir, ENROLLMENT_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Enroll a host's SSH ed25519 host key in hosts.toml (DESIGN.md §11) and commit it, as `ogygia publish` commits a release. */
export async function enroll(opts: EnrollOptions, io: CommandIO = processIO): Promise<number> {
  if (!HOST_NAME.test(opts.host)) throw new UsageError({ reason: 'invalid', option: '--host', value: opts.host });
  const source = opts.keyFile === '-' ? 'standard input' : opts.keyFile;
  const key = publicKeyOf(await readKeyText(opts.keyFile), source);
  const fingerprint = sshFingerprint(key.bytes);
  if (await ensureRepo(opts.repo)) io.err(`enroll: initialised a git repository in ${opts.repo} (branch main)`);
  const edit = enrollHost(await readHostsFile(opts.repo), opts.host, key);
  if (edit.change === 'unchanged') {
    io.out(`enroll: ${edit.name} is already enrolled with ${fingerprint}; nothing to do`);
    return 0;
  }
  if (edit.lookAlike !== undefined) {
    io.err(
      `enroll: warning: ${JSON.stringify(edit.lookAlike)} is enrolled too and looks like ${JSON.stringify(edit.name)} (names compare ignoring case only); ` +
        'if both are one machine, keep the name its agent uses (host in agent.toml) and remove the other',
    );
  }
  if (edit.rewritten) io.err(`enroll: ${ENROLLMENT_FILE} was written anew (the entry for ${edit.name} was not in the [hosts.<name>] form); its comments are gone`);
  if (edit.name !== opts.host) io.err(`enroll: ${opts.host} is enrolled as ${edit.name} (names compare ignoring case); its key is replaced`);
  await writeFileAtomic(join(opts.repo, ENROLLMENT_FILE), edit.text);
  let commit: string | undefined;
  if (opts.commit) {
    const verb = edit.change === 'updated' ? 'new host key for' : 'enroll';
    commit = await commitFiles(opts.repo, [ENROLLMENT_FILE], opts.message ?? `hosts: ${verb} ${edit.name} (${fingerprint})`);
  }
  const what = edit.change === 'updated' ? `replaced the key of ${edit.name}` : `enrolled ${edit.name}`;
  io.out(`enroll: ${what} with ssh-ed25519 ${fingerprint} in ${ENROLLMENT_FILE}` + (commit ? `, committed ${commit.slice(0, 12)}` : ', written (not committed)'));
  if (edit.change === 'created') {
    io.err(
      `enroll: created ${ENROLLMENT_FILE}; once it is on the branch the reconciler follows, only enrolled hosts' signed reports are kept: enroll every reporting host before that merge`,
    );
  }
  if (opts.push) {
    if (!commit) io.err('enroll: --push without a commit pushes nothing new; commit first.');
    const branch = await pushBranch(opts.repo, opts.remote);
    io.out(`enroll: pushed ${branch} to ${opts.remote}`);
  }
  return 0;
}
