import { describe, expect, it } from 'vitest';
import type { TrustConfig } from '../core/trust.js';
import { testKey } from '../testkit/keys.js';
import { approve, ReleaseChain, tamper, type Built } from '../testkit/release-chain.js';
import { storePath } from '../testkit/store-paths.js';
import { EMPTY_STATE, selectHeads, type BranchSnapshot, type CandidateFile, type ServedState } from './heads.js';

const ops1 = testKey('test-only-ops-1');
const ops2 = testKey('test-only-ops-2');
const intruder = testKey('test-only-intruder');
const trust: TrustConfig = {
  default: { keys: [ops1.publicKey, ops2.publicKey], threshold: 1 },
  channels: { prod: { threshold: 2 } },
};
const now = new Date('2026-11-22T00:00:00Z');
const C1 = '1'.repeat(40);
const C2 = '2'.repeat(40);
const C3 = '3'.repeat(40);

function file(b: Built, commit: string, blob: string, intermediates: Built[] = []): CandidateFile {
  return {
    blob,
    bytes: new Uint8Array(Buffer.from(b.text)),
    commit,
    committedAt: '2026-11-21T10:00:00.000Z',
    intermediates: intermediates.map((i) => new Uint8Array(Buffer.from(i.text))),
  };
}

function snap(commit: string, files: Record<string, CandidateFile>, descendsFromServed = true): BranchSnapshot {
  return { commit, descendsFromServed, files: new Map(Object.entries(files)) };
}

const dev = new ReleaseChain('dev', [ops1]);
const dev1 = dev.next();
const dev2 = dev.next();
const dev3 = dev.next();

function served(): ServedState {
  return selectHeads(EMPTY_STATE, snap(C1, { dev: file(dev1, C1, 'b1') }), trust, now).state;
}

describe('selectHeads', () => {
  it('serves a first valid release of a new channel', () => {
    const s = selectHeads(EMPTY_STATE, snap(C1, { dev: file(dev1, C1, 'b1') }), trust, now);
    expect(s.changed).toEqual(['dev']);
    expect(s.refused).toEqual([]);
    expect(s.state.branchCommit).toBe(C1);
    expect(s.state.heads.dev).toMatchObject({ revision: 1, digest: dev1.digest, commit: C1, blob: 'b1', text: dev1.text });
  });

  it('serves revision + 1 chained to the served digest', () => {
    const s = selectHeads(served(), snap(C2, { dev: file(dev2, C2, 'b2') }), trust, now);
    expect(s.changed).toEqual(['dev']);
    expect(s.state.heads.dev?.revision).toBe(2);
    expect(s.state.refusals).toEqual({});
  });

  it('does nothing for the same branch commit', () => {
    const prev = served();
    const s = selectHeads(prev, snap(C1, { dev: file(dev2, C1, 'b2') }), trust, now);
    expect(s.state).toBe(prev);
    expect(s.changed).toEqual([]);
  });

  it('refuses the whole branch when it does not descend from the served commit (force-push)', () => {
    const prev = served();
    const s = selectHeads(prev, snap(C2, { dev: file(dev2, C2, 'b2') }, false), trust, now);
    expect(s.changed).toEqual([]);
    expect(s.state.heads).toEqual(prev.heads);
    expect(s.state.branchCommit).toBe(C1);
    expect(s.state.branchRefusal?.code).toBe('NotDescendantError');
    expect(s.state.refusals.dev?.code).toBe('NotDescendantError');
    expect(s.refused.map((r) => r.channel)).toEqual(['*']);
  });

  it('refuses a tampered release and keeps serving the last good one', () => {
    const prev = served();
    const s = selectHeads(prev, snap(C2, { dev: file(tamper(dev2), C2, 'bx') }), trust, now);
    expect(s.changed).toEqual([]);
    expect(s.state.heads.dev?.digest).toBe(dev1.digest);
    // The one verifier's code, as the agent says it: the signature does not verify.
    expect(s.state.refusals.dev?.code).toBe('BadSignatureError');
    expect(s.state.branchCommit).toBe(C2);
  });

  it('refuses a release signed only by an untrusted key', () => {
    const bad = new ReleaseChain('dev', [intruder], dev1).next({ targets: { '*': storePath('intruder') } });
    const s = selectHeads(served(), snap(C2, { dev: file(bad, C2, 'b2') }), trust, now);
    // The same code the agent and `ogygia verify` give (core/verify): the key is not trusted.
    expect(s.state.refusals.dev?.code).toBe('UnknownKeyError');
    expect(s.state.refusals.dev).toMatchObject({ revision: 2, digest: bad.digest });
  });

  it('applies the per-channel threshold: prod needs two distinct keys', () => {
    const p1 = new ReleaseChain('prod', [ops1]).next();
    const one = selectHeads(EMPTY_STATE, snap(C1, { prod: file(p1, C1, 'p1') }), trust, now);
    expect(one.state.heads.prod).toBeUndefined();
    expect(one.state.refusals.prod?.code).toBe('ThresholdNotMetError');
    const both = approve(p1, ops2);
    const two = selectHeads(one.state, snap(C2, { prod: file(both, C2, 'p2') }), trust, now);
    expect(two.state.heads.prod?.revision).toBe(1);
    expect(two.state.refusals.prod).toBeUndefined();
  });

  it('takes an added approval signature as the same release (no revision change)', () => {
    const prev = served();
    const approved = approve(dev1, ops2);
    const s = selectHeads(prev, snap(C2, { dev: file(approved, C2, 'b1b') }), trust, now);
    expect(s.state.heads.dev?.revision).toBe(1);
    expect(s.state.heads.dev?.text).toBe(approved.text);
    expect(s.state.heads.dev?.servedAt).toBe(prev.heads.dev?.servedAt);
  });

  it('refuses an older revision (replay)', () => {
    const prev = selectHeads(served(), snap(C2, { dev: file(dev2, C2, 'b2') }), trust, now).state;
    const s = selectHeads(prev, snap(C3, { dev: file(dev1, C3, 'b1') }), trust, now);
    expect(s.state.heads.dev?.revision).toBe(2);
    expect(s.state.refusals.dev?.code).toBe('ReplayError');
  });

  it('refuses revision + 1 whose previous is not the served digest', () => {
    const fork = new ReleaseChain('dev', [ops1]);
    fork.next({ targets: { '*': storePath('other') } });
    const fork2 = fork.next();
    const s = selectHeads(served(), snap(C2, { dev: file(fork2, C2, 'b2') }), trust, now);
    expect(s.state.refusals.dev?.code).toBe('BrokenChainError');
  });

  it('accepts a revision skip whose chain walks back through history to the served head', () => {
    const s = selectHeads(served(), snap(C3, { dev: file(dev3, C3, 'b3', [dev2]) }), trust, now);
    expect(s.state.heads.dev?.revision).toBe(3);
    expect(s.state.refusals).toEqual({});
  });

  it('refuses a revision skip when the intermediate revision is not in history', () => {
    const s = selectHeads(served(), snap(C3, { dev: file(dev3, C3, 'b3') }), trust, now);
    expect(s.state.heads.dev?.revision).toBe(1);
    expect(s.state.refusals.dev?.code).toBe('ChainBrokenError');
  });

  it('refuses an expired release', () => {
    const old = new ReleaseChain('dev', [ops1], dev1).next({ expiresAt: new Date('2026-11-21T12:00:00Z') });
    const s = selectHeads(served(), snap(C2, { dev: file(old, C2, 'b2') }), trust, now);
    expect(s.state.refusals.dev?.code).toBe('ExpiredReleaseError');
  });

  it('refuses malformed JSON and a file named after another channel', () => {
    const s = selectHeads(
      served(),
      snap(C2, {
        dev: { ...file(dev2, C2, 'b2'), bytes: new Uint8Array(Buffer.from('{ nope')) },
        staging: file(new ReleaseChain('qa', [ops1]).next(), C2, 'q1'),
      }),
      trust,
      now,
    );
    expect(s.state.refusals.dev?.code).toBe('MalformedJsonError');
    // channels/staging.json holding a release of qa: WrongChannelError, as an agent following staging says.
    expect(s.state.refusals.staging?.code).toBe('WrongChannelError');
    expect(s.state.heads.staging).toBeUndefined();
  });

  it('keeps serving a deleted channel and says so', () => {
    const s = selectHeads(served(), snap(C2, {}), trust, now);
    expect(s.state.heads.dev?.revision).toBe(1);
    expect(s.state.refusals.dev?.code).toBe('ChannelDeletedError');
  });

  it('clears a refusal once a good release arrives', () => {
    const refused = selectHeads(served(), snap(C2, { dev: file(tamper(dev2), C2, 'bx') }), trust, now).state;
    const s = selectHeads(refused, snap(C3, { dev: file(dev2, C3, 'b2') }), trust, now);
    expect(s.state.heads.dev?.revision).toBe(2);
    expect(s.state.refusals).toEqual({});
  });
});
