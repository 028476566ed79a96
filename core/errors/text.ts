/** Small pieces the error classes build their sentences from (never used for anything else). */

/** A value as JSON shows it: quoted, with control characters escaped. */
export function quoted(s: string): string {
  return JSON.stringify(s);
}

/** The first 12 characters of a git commit id, as `git log --oneline` shows it. */
export function shortCommit(commit: string): string {
  return commit.slice(0, 12);
}

/** How a program ended: its exit status, or `a signal` when it had none. */
export function exitStatus(exitCode: number | null | undefined): string {
  return exitCode === null || exitCode === undefined ? 'a signal' : String(exitCode);
}

/** `said "<cause line>"`, or `printed nothing`: the end of "<program> exited with 4 and …". */
export function said(cause: string | null | undefined): string {
  return cause ? `said "${cause}"` : 'printed nothing';
}

/** `it` or `them`, after a count. */
export function itOrThem(n: number): string {
  return n === 1 ? 'it' : 'them';
}
