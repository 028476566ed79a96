import { readFileAt } from '../core/channels-repo.js';
import { ENROLLMENT_FILE, MAX_ENROLLMENT_BYTES, checkEnrollment, oversizeProblem, type Enrollment } from '../core/enrollment.js';
import { InvalidEnrollmentError, OversizeError, OgygiaError } from '../core/errors/index.js';
import type { Logger } from '../core/log.js';

/**
 * The fleet's enrollment as the reconciler uses it (DESIGN.md §11): hosts.toml
 * read from the mirror at the served branch commit, after each sync. It
 * decides who may post reports:
 *
 * - `open`: no hosts.toml on the branch: bearer tokens ([reports] token_files), as before enrollment;
 * - `enrolled`: only enrolled hosts, with reports signed by their enrolled key;
 * - `unusable`: hosts.toml is there but cannot be used, and no earlier one could:
 *   every report is refused (InvalidEnrollmentError, 503) until it is fixed,
 *   never taken as "no enrollment".
 *
 * A hosts.toml that breaks after a good one leaves the good one in force (logged).
 */
export type EnrollmentState =
  | { readonly kind: 'open' }
  | { readonly kind: 'enrolled'; readonly enrollment: Enrollment; readonly commit: string }
  | { readonly kind: 'unusable'; readonly error: InvalidEnrollmentError; readonly commit: string };

/** What reading hosts.toml at a commit found. */
export type EnrollmentRead = { readonly kind: 'absent' } | { readonly kind: 'text'; readonly text: string } | { readonly kind: 'oversize'; readonly bytes: number };

/** Pure: the enrollment in force after reading hosts.toml at `commit`, and what to log about it. */
export function nextEnrollment(prev: EnrollmentState, read: EnrollmentRead, commit: string): { state: EnrollmentState; warning?: string } {
  if (read.kind === 'absent') return { state: { kind: 'open' } };
  const file = `${ENROLLMENT_FILE} at ${commit.slice(0, 12)}`;
  const r = read.kind === 'text' ? checkEnrollment(read.text) : { problems: [oversizeProblem(read.bytes)] };
  if (r.value) return { state: { kind: 'enrolled', enrollment: r.value, commit } };
  const error = new InvalidEnrollmentError({ file, problems: r.problems });
  if (prev.kind === 'enrolled') {
    return { state: prev, warning: `${error.message} [${error.code}]; the enrollment of ${prev.commit.slice(0, 12)} stays in force` };
  }
  return { state: { kind: 'unusable', error, commit }, warning: `${error.message} [${error.code}]; every report is refused until it is fixed` };
}

export interface EnrollmentTracker {
  current(): EnrollmentState;
  /** Read hosts.toml at the served branch commit; nothing to do when that commit was read already. */
  refresh(commit: string | undefined): Promise<void>;
}

export function createEnrollmentTracker(gitdir: string, log: Logger): EnrollmentTracker {
  let state: EnrollmentState = { kind: 'open' };
  let readAt: string | undefined;
  let lastText: string | undefined;
  return {
    current: () => state,
    async refresh(commit) {
      if (commit === undefined || commit === readAt) return;
      let read: EnrollmentRead;
      try {
        const bytes = await readFileAt({ gitdir }, commit, ENROLLMENT_FILE, MAX_ENROLLMENT_BYTES);
        read = bytes === undefined ? { kind: 'absent' } : { kind: 'text', text: Buffer.from(bytes).toString('utf8') };
      } catch (e) {
        if (e instanceof OversizeError && e.data.kind === 'channel-file') read = { kind: 'oversize', bytes: e.data.bytes };
        else if (e instanceof OgygiaError) {
          // The commit cannot be read (a GitError): keep what is in force and try again after the next sync; before
          // any read succeeded, nobody knows whether hosts.toml is there, so reports wait rather than go unchecked.
          if (readAt === undefined) {
            state = { kind: 'unusable', commit, error: new InvalidEnrollmentError({ file: `${ENROLLMENT_FILE} at ${commit.slice(0, 12)}`, problems: [`(file): cannot be read (${e.message})`] }) };
          }
          log.warn(`cannot read ${ENROLLMENT_FILE} at ${commit.slice(0, 12)}: ${e.message} [${e.code}]; ${readAt === undefined ? 'reports are refused until it can be' : 'the enrollment in force stays'}`);
          return;
        } else throw e;
      }
      readAt = commit;
      // Most commits change a channel file, not hosts.toml: nothing to parse or log then.
      const text = read.kind === 'text' ? read.text : undefined;
      if (text !== undefined && text === lastText) return;
      lastText = text;
      const before = state.kind;
      const next = nextEnrollment(state, read, commit);
      state = next.state;
      if (next.warning) log.warn(next.warning);
      if (state.kind === 'enrolled' && state.commit === commit) log.info(`${ENROLLMENT_FILE} at ${commit.slice(0, 12)}: ${state.enrollment.hosts.size} host(s) enrolled; only their signed reports are kept`);
      if (state.kind === 'open' && before !== 'open') log.info(`${ENROLLMENT_FILE} is gone from the branch at ${commit.slice(0, 12)}: reports are taken with bearer tokens again`);
    },
  };
}
