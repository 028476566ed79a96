import fs from 'node:fs';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { GitError } from '../../core/errors/index.js';
import { authHeaders, type RemoteAuth } from './credentials.js';
import { fetchedRef } from './repo.js';

/** Fetch the tracked branch of a smart-HTTP remote into the mirror with isomorphic-git; returns the fetched commit. */
export async function fetchRemote(opts: { gitdir: string; url: string; branch: string; auth?: RemoteAuth }): Promise<string> {
  const { gitdir, url, branch } = opts;
  try {
    // fetch into a repository without a remote throws NoRefspecError: (re)declare it first.
    await git.addRemote({ fs, gitdir, remote: 'origin', url, force: true });
    const r = await git.fetch({
      fs,
      http,
      gitdir,
      url,
      remote: 'origin',
      ref: branch,
      remoteRef: branch,
      singleBranch: true,
      tags: false,
      prune: false,
      headers: authHeaders(opts.auth),
    });
    if (r.fetchHead) return r.fetchHead;
    return await git.resolveRef({ fs, gitdir, ref: fetchedRef(branch) });
  } catch (e) {
    throw new GitError({ reason: 'fetch', from: 'remote', source: url, branch, cause: (e as Error).message });
  }
}
