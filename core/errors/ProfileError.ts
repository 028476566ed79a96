import { dirname } from 'node:path';
import { OgygiaError } from './OgygiaError.js';
import { exitStatus, said } from './text.js';

export type ProfileFields =
  /** The profile is there but cannot be followed to a store path: `errno` from lstat/realpath (its message when it has no code). */
  | { readonly step: 'read'; readonly profile: string; readonly errno: string }
  /** The profile resolves to `target`, outside /nix/store. */
  | { readonly step: 'read'; readonly profile: string; readonly target: string }
  /** The profile's directory could not be created. */
  | { readonly step: 'mkdir'; readonly profile: string; readonly storePath: string; readonly cause: string }
  /** `nix-env --set` failed. */
  | {
      readonly step: 'set';
      readonly profile: string;
      readonly storePath: string;
      readonly exitCode: number | null;
      readonly cause: string | null;
      readonly outputTail: string;
    };

/** Why a profile could not be read, in words. */
function readProblem(f: { readonly errno: string } | { readonly target: string }): string {
  if ('target' in f) return `it resolves to ${f.target}, which is not in /nix/store`;
  if (f.errno === 'ENOENT') return 'it is a dangling link: what it points to does not exist, was the generation garbage-collected?';
  if (f.errno === 'ELOOP') return 'a symlink loop';
  return f.errno;
}

function sentence(f: ProfileFields): string {
  switch (f.step) {
    case 'read':
      return (
        `Cannot tell which system the profile ${f.profile} points to (${readProblem(f)}); the agent applies nothing it could not roll back: ` +
        `fix the profile (\`ls -l ${f.profile}\`) so it links to a store path, or remove it on a host that never had one.`
      );
    case 'mkdir':
      return `Cannot create ${dirname(f.profile)} for the system profile (${f.cause}); check the disk and the permissions of the Nix state directory.`;
    case 'set':
      return `nix-env could not point ${f.profile} at ${f.storePath}: it exited with ${exitStatus(f.exitCode)} and ${said(f.cause)}; check the Nix store and the disk.`;
  }
}

/** Reading or setting the system profile failed. */
export class ProfileError extends OgygiaError<ProfileFields & { readonly reason?: string }> {
  readonly code = 'ProfileError';

  constructor(f: ProfileFields) {
    super(sentence(f), f.step === 'read' ? { ...f, reason: readProblem(f) } : { ...f });
  }
}
