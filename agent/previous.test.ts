import { describe, expect, it } from 'vitest';
import { storePath } from '../testkit/store-paths.js';
import { previousStorePath } from './previous.js';
import type { Deployment } from './state.js';

const A = storePath('a');
const B = storePath('b');
const C = storePath('c');
const deploy = (storePath: string, revision = 2): Deployment => ({ revision, digest: 'sha256:' + String(revision).repeat(64), commit: 'c'.repeat(40), storePath, sourceRevision: 'b'.repeat(40) });
const good = (storePath: string) => ({ good: deploy(storePath, 1) });

describe('previousStorePath', () => {
  it('is what the profile points to now', () => {
    expect(previousStorePath(A, deploy(B), good(A))).toBe(A);
  });
  it('is the profile even when it differs from the last good release (an operator switched by hand)', () => {
    expect(previousStorePath(C, deploy(B), good(A))).toBe(C);
  });
  it('is nothing on a host without a profile', () => {
    expect(previousStorePath(null, deploy(B), { good: null })).toBeNull();
    expect(previousStorePath(null, deploy(B), good(A))).toBeNull();
  });
  it('is the last good release when the profile already points at the new path', () => {
    expect(previousStorePath(B, deploy(B), good(A))).toBe(A);
  });
  it('is the new path itself when the profile points at it and nothing was ever good here (kept as it was)', () => {
    // A rollback then re-switches to the failed path itself. This is the behaviour from before the
    // extraction, kept on purpose here; returning null ("nothing to go back to") is a separate change.
    expect(previousStorePath(B, deploy(B), { good: null })).toBe(B);
  });
});
