import { OgygiaError } from './OgygiaError.js';

export type GitErrorFields =
  /** A branch or commit name does not resolve in a repository. */
  | { readonly reason: 'resolve'; readonly repo: string; readonly ref: string; readonly cause: string }
  /** Fetching the tracked branch failed: from a remote URL (isomorphic-git) or a local repository (git CLI). */
  | { readonly reason: 'fetch'; readonly from: 'remote' | 'local'; readonly source: string; readonly branch: string; readonly cause: string }
  /** The fetched repository has no such branch. */
  | { readonly reason: 'no-branch'; readonly source: string; readonly branch: string }
  /** Committing in the operator's work tree failed. */
  | { readonly reason: 'commit'; readonly repo: string; readonly files: readonly string[]; readonly cause: string }
  /** The work tree is on a detached HEAD, so there is no branch to publish on. */
  | { readonly reason: 'detached-head'; readonly repo: string }
  /** `git push` failed. */
  | { readonly reason: 'push'; readonly remote: string; readonly branch: string; readonly cause: string }
  /** A pack index git no longer writes (not version 2). */
  | { readonly reason: 'old-pack-index'; readonly file: string }
  /** An object id that is not SHA-1 (a SHA-256 repository). */
  | { readonly reason: 'object-format'; readonly oid: string }
  /** A damaged object file: not a loose object, an unknown packed type, a size cut short. */
  | {
      readonly reason: 'corrupt';
      readonly file: string;
      readonly defect: 'not-loose-object' | 'unknown-object-type' | 'truncated-size';
      readonly offset?: number;
      readonly type?: number;
    };

const FETCH_CHECK = {
  remote: 'check the URL, the branch and the credentials file',
  local: 'check the path, the branch and that the reconciler may read it',
} as const;

const DEFECTS = {
  'not-loose-object': 'is not a loose git object',
  'unknown-object-type': 'has an object of an unknown type',
  'truncated-size': 'has an object whose size is cut short',
} as const;

function sentence(f: GitErrorFields): string {
  switch (f.reason) {
    case 'resolve':
      return `Cannot resolve ${f.ref} in ${f.repo} (${f.cause}); check the branch or commit name.`;
    case 'fetch':
      return `Fetching ${f.branch} from ${f.source} failed (${f.cause}); ${FETCH_CHECK[f.from]}.`;
    case 'no-branch':
      return `Branch ${f.branch} is missing in ${f.source}; push it or set branch = "..." to the branch you publish to.`;
    case 'commit':
      return `Committing ${f.files.join(', ')} in ${f.repo} failed (${f.cause}); check the repository with \`git status\`.`;
    case 'detached-head':
      return `${f.repo} is on a detached HEAD; check out a branch before publishing.`;
    case 'push':
      return `git push to ${f.remote} failed (${f.cause}); fix the remote or push by hand with \`git push\`.`;
    case 'old-pack-index':
      return `${f.file} is not a version 2 pack index; run \`git gc\` on the repository with a current git.`;
    case 'object-format':
      return `${f.oid} is not a SHA-1 object id; Ogygia reads SHA-1 repositories only, so publish from one.`;
    case 'corrupt': {
      const at = f.offset !== undefined ? ` at offset ${f.offset}` : '';
      const type = f.type !== undefined ? ` (${f.type})` : '';
      return `${f.file} ${DEFECTS[f.defect]}${type}${at}; the repository is corrupt, fetch it again.`;
    }
  }
}

/** A git operation failed. */
export class GitError extends OgygiaError<GitErrorFields> {
  readonly code = 'GitError';

  constructor(f: GitErrorFields) {
    super(sentence(f), { ...f });
  }
}
