import { commitFiles, pushBranch, requireWorkingChannel, writeWorkingChannel } from '../repo/worktree.js';
import { DuplicateSignatureError } from '../../core/errors/index.js';
import { readSecretKeyFile } from '../repo/key-file.js';
import { assertChannelName } from '../../core/release.js';
import { signRelease, verifySignature } from '../../core/signing.js';
import { type CommandIO, processIO } from '../io.js';

export interface ApproveOptions {
  repo: string;
  channel: string;
  key: string;
  commit: boolean;
  push?: boolean;
  remote: string;
}

/** Add one signature to the channel's current release on this branch; the release itself is unchanged. */
export async function approve(opts: ApproveOptions, io: CommandIO = processIO): Promise<number> {
  const channel = assertChannelName(opts.channel);
  const { doc, digest } = await requireWorkingChannel(opts.repo, channel);
  const key = await readSecretKeyFile(opts.key);
  for (const s of doc.signatures) {
    if (s.key === key.name || verifySignature(doc.release, s, key.publicKey)) {
      throw new DuplicateSignatureError({ when: 'approving', channel, revision: doc.release.revision, key: key.name, existing: s.key });
    }
  }
  const signed = { release: doc.release, signatures: [...doc.signatures, signRelease(doc.release, key)] };
  const file = await writeWorkingChannel(opts.repo, signed);
  let commit: string | undefined;
  if (opts.commit) commit = await commitFiles(opts.repo, [file], `${channel}: approve release ${doc.release.revision} (${key.name})`);
  io.out(
    `approve: ${channel} revision ${doc.release.revision} ${digest} now signed by ${signed.signatures.map((s) => s.key).join(', ')}` +
      (commit ? `, committed ${commit.slice(0, 12)}` : ''),
  );
  if (opts.push) io.out(`approve: pushed ${await pushBranch(opts.repo, opts.remote)} to ${opts.remote}`);
  return 0;
}
