import fs from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { CHANNELS_DIR, channelHistory, descendsFrom, readFileAt, resolveCommit, type Repo } from '../../core/channels-repo.js';
import { MAX_CHAIN_RELEASES, chainVersions, claimedRevision, needsChain } from '../../core/release-chain.js';
import { OversizeError, SourceUnavailableError } from '../../core/errors/index.js';
import { MAX_CHANNEL_FILE_BYTES } from '../../core/release.js';
import type { FetchResult, Source } from './types.js';

const REMOTE = 'origin';

/**
 * A git source: either a mirror of a remote (`git+https://...`, fetched with
 * isomorphic-git into `<state_dir>/channels.git`) or a local repository path
 * read in place. Old objects stay in the mirror after a force-push, so the
 * descent check can still see the commit that was applied.
 */
export function createGitSource(
  spec: { kind: 'git-remote'; url: string; mirrorDir: string } | { kind: 'git-local'; path: string },
  channel: string,
  branch: string,
): Source {
  let lastCommit: string | undefined;
  let repo: Repo | undefined;

  async function openRepo(): Promise<{ repo: Repo; ref: string }> {
    if (spec.kind === 'git-local') {
      const r: Repo = fs.existsSync(join(spec.path, '.git')) ? { dir: spec.path } : { gitdir: spec.path };
      return { repo: r, ref: `refs/heads/${branch}` };
    }
    const r: Repo = { gitdir: spec.mirrorDir };
    if (!fs.existsSync(join(spec.mirrorDir, 'HEAD'))) {
      await mkdir(spec.mirrorDir, { recursive: true });
      await git.init({ fs, gitdir: spec.mirrorDir, bare: true, defaultBranch: branch });
      await git.addRemote({ fs, gitdir: spec.mirrorDir, remote: REMOTE, url: spec.url });
    }
    await git.fetch({ fs, http, gitdir: spec.mirrorDir, remote: REMOTE, ref: branch, singleBranch: true, tags: false, prune: false });
    return { repo: r, ref: `refs/remotes/${REMOTE}/${branch}` };
  }

  return {
    kind: 'git',
    reset() {
      lastCommit = undefined;
    },
    async fetch({ since }): Promise<FetchResult> {
      let commit: string;
      let bytes: Uint8Array | undefined;
      let chain: Uint8Array[] | undefined;
      const where = spec.kind === 'git-local' ? spec.path : spec.url;
      try {
        const o = await openRepo();
        repo = o.repo;
        commit = await resolveCommit(o.repo, o.ref);
        if (commit === lastCommit) return { kind: 'unchanged' };
        try {
          bytes = await readFileAt(o.repo, commit, `${CHANNELS_DIR}/${channel}.json`, MAX_CHANNEL_FILE_BYTES);
        } catch (e) {
          // Over the cap: never inflated; verification refuses it by its size (OversizeError), as a release.
          if (!(e instanceof OversizeError) || e.data.kind !== 'channel-file') throw e;
          lastCommit = commit;
          return { kind: 'head', head: { bytes: new Uint8Array(0), size: e.data.bytes, commit } };
        }
        // A skip past the last accepted release: the versions in between, from history, for the chain check.
        const revision = bytes && claimedRevision(bytes);
        if (bytes && since && needsChain(since, revision)) {
          const versions = await channelHistory(o.repo, commit, channel, 2 * MAX_CHAIN_RELEASES, since.commit);
          chain = chainVersions(versions, since.revision, revision!).map((v) => v.bytes);
        }
      } catch (e) {
        throw new SourceUnavailableError({ reason: 'git-unreadable', source: where, branch, cause: (e as Error).message });
      }
      if (bytes === undefined) {
        throw new SourceUnavailableError({ reason: 'git-no-channel', source: where, branch, channel });
      }
      lastCommit = commit;
      return { kind: 'head', head: { bytes, commit, ...(chain ? { chain } : {}) } };
    },
    async descends(commit: string, ancestor: string): Promise<boolean> {
      if (!repo) return false;
      try {
        return await descendsFrom(repo, commit, ancestor);
      } catch {
        // The ancestor is not in the repository at all: it cannot be an ancestor.
        return false;
      }
    },
  };
}
