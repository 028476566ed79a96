import { releaseDigest, signRelease } from '../../core/signing.js';
import type { ChannelDocument, Release } from '../../core/release.js';
import type { CommandIO } from '../io.js';
import { readSecretKeyFile } from './key-file.js';
import { commitFiles, pushBranch, writeWorkingChannel } from './worktree.js';

/** Write a signed release to the work tree, commit it and optionally push. Shared by publish and rollback. */
export async function writeRelease(
  opts: { repo: string; commit: boolean; push?: boolean; remote: string },
  release: Release,
  keyFile: string,
  message: string,
  io: CommandIO,
): Promise<{ digest: string; commit?: string }> {
  const key = await readSecretKeyFile(keyFile);
  const doc: ChannelDocument = { release, signatures: [signRelease(release, key)] };
  const file = await writeWorkingChannel(opts.repo, doc);
  const digest = releaseDigest(release);
  let commit: string | undefined;
  if (opts.commit) commit = await commitFiles(opts.repo, [file], message);
  io.out(
    `publish: ${release.channel} revision ${release.revision} ${digest} signed by ${key.name}` +
      (commit ? `, committed ${commit.slice(0, 12)}` : ', written (not committed)'),
  );
  if (opts.push) {
    if (!commit) io.err('publish: --push without a commit pushes nothing new; commit first.');
    const branch = await pushBranch(opts.repo, opts.remote);
    io.out(`publish: pushed ${branch} to ${opts.remote}`);
  }
  const out: { digest: string; commit?: string } = { digest };
  if (commit) out.commit = commit;
  return out;
}
