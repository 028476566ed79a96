import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OgygiaError } from '../errors/index.js';
import { formatChannelDocument, type ChannelDocument, type Release } from '../release.js';
import { releaseDigest, signRelease } from '../signing.js';
import type { TrustConfig, TrustPolicy } from '../trust.js';
import { testKey } from '../../testkit/keys.js';
import { ReleaseChain, SOURCE_REV } from '../../testkit/release-chain.js';
import { storePath } from '../../testkit/store-paths.js';
import { acceptedOrThrow, verifyRelease, type VerifyRequest } from './pipeline.js';

const k1 = testKey('test-only-ops-1');
const k2 = testKey('test-only-ops-2');
const stranger = testKey('test-only-intruder');
const A = storePath('a');
const B = storePath('b');
const NOW = new Date('2026-02-01T00:00:00Z');
const C1 = '1'.repeat(40);
const C2 = '2'.repeat(40);
const OTHER = 'sha256:' + 'e'.repeat(64);
const policy: TrustPolicy = { keys: [k1.publicKey, k2.publicKey], threshold: 1 };
const config: TrustConfig = { default: policy, channels: { prod: { threshold: 1 } } };
const FILE = 'channels/prod.json';

const codes = (v: { problems: readonly OgygiaError[] }): string[] => v.problems.map((p) => p.code);

/** As the agent calls it: channel, host, one policy, its replay floor. */
const asAgent = (bytes: string, over: Partial<VerifyRequest> = {}) =>
  verifyRelease({ bytes, file: FILE, channel: 'prod', host: 'web01', trust: policy, now: NOW, transition: {}, ...over });
/** As the reconciler calls it: the file's channel, a trust configuration, no host. */
const asReconciler = (bytes: string, over: Partial<VerifyRequest> = {}) =>
  verifyRelease({ bytes, file: FILE, channel: 'prod', trust: config, now: NOW, transition: { intermediates: [] }, ...over });
/** As `ogygia verify` without --base calls it. */
const asVerify = (bytes: string, over: Partial<VerifyRequest> = {}) => verifyRelease({ bytes, file: FILE, channel: 'prod', trust: config, now: NOW, ...over });

function signed(release: Release, ...signers: (typeof k1)[]): string {
  return formatChannelDocument({ release, signatures: signers.map((k) => signRelease(release, k)) });
}

function release(over: Partial<Release> = {}): Release {
  return {
    type: 'ogygia-release',
    spec: 1,
    channel: 'prod',
    revision: 1,
    previous: null,
    issuedAt: '2026-01-01T00:00:00Z',
    source: { revision: SOURCE_REV },
    targets: { '*': { storePath: A } },
    ...over,
  };
}

describe('verifyRelease: literal cases', () => {
  const chain = new ReleaseChain('prod', [k1]);
  const r1 = chain.next({ targets: { '*': A, web01: B } });
  const r2 = chain.next({ targets: { '*': A } });
  const r3 = chain.next({ targets: { '*': B } });

  it('accepts a good release and returns its release, digest, store path, transition and signers', () => {
    const v = asAgent(r1.text);
    expect(v.problems).toEqual([]);
    expect(v.notes).toEqual([]);
    expect(v).toMatchObject({ release: r1.doc.release, digest: r1.digest, storePath: B, transition: 'first', signers: ['test-only-ops-1'] });
    expect(acceptedOrThrow(v).document).toEqual(r1.doc);
  });

  it('gives a store path only when a host is given', () => {
    expect(asReconciler(r1.text).storePath).toBeUndefined();
    expect(asAgent(r1.text, { host: 'db01' }).storePath).toBe(A);
  });

  it('stops after the size cap, the parse or the schema: there is no release to check further', () => {
    expect(codes(asAgent(' '.repeat(64 * 1024) + r1.text))).toEqual(['OversizeError']);
    expect(codes(asAgent('{nope'))).toEqual(['MalformedJsonError']);
    expect(codes(asAgent('{"release":{},"signatures":[],"x":1}'))).toEqual(['UnknownFieldError']);
    const dup = r1.text.replace('"revision": 1,', '"revision": 7,\n    "revision": 1,');
    expect(codes(asAgent(dup))).toEqual(['DuplicateMemberError']);
    const proto = r1.text.replace('"signatures": [', '"__proto__": {},\n  "signatures": [');
    expect(codes(asAgent(proto))).toEqual(['ForbiddenMemberError']);
    expect(asAgent('{nope').release).toBeUndefined();
  });

  it('lists every later problem in DESIGN.md §5 order', () => {
    const floor = { revision: 5, digest: OTHER, commit: C1 };
    const bad = signed(release({ channel: 'staging', targets: { web02: { storePath: A } }, expiresAt: '2026-01-15T00:00:00Z' }), stranger);
    const v = asAgent(bad, { transition: { floor }, descendsFromFloor: false, commit: C2 });
    expect(codes(v)).toEqual([
      'WrongChannelError',
      'HostNotTargetedError',
      'UnknownKeyError',
      'ThresholdNotMetError',
      'ExpiredReleaseError',
      'ReplayError',
      'NotDescendantError',
    ]);
    expect(v.release?.channel).toBe('staging'); // the release and digest are there to describe the refusal
    expect(v.digest).toMatch(/^sha256:/);
  });

  describe('signatures', () => {
    it('refuses a release signed only by an untrusted key with UnknownKeyError, then ThresholdNotMetError, for every caller', () => {
      const text = signed(release(), stranger);
      for (const v of [asAgent(text), asReconciler(text), asVerify(text)]) expect(codes(v)).toEqual(['UnknownKeyError', 'ThresholdNotMetError']);
    });

    it('refuses an unsigned release, or too few good signatures, with ThresholdNotMetError alone', () => {
      expect(codes(asAgent(signed(release())))).toEqual(['ThresholdNotMetError']);
      expect(codes(asAgent(r1.text, { trust: { ...policy, threshold: 2 } }))).toEqual(['ThresholdNotMetError']);
    });

    it('puts the most serious signature first: bad, then unknown, then one key twice', () => {
      const r = release();
      const forged = { key: k1.name, sig: signRelease(r, k2).sig };
      const text = formatChannelDocument({ release: r, signatures: [signRelease(r, stranger), forged] });
      expect(codes(asAgent(text))).toEqual(['BadSignatureError', 'UnknownKeyError', 'ThresholdNotMetError']);
      const alias = { ...k1, name: 'test-only-alias', publicKey: { ...k1.publicKey, name: 'test-only-alias' } };
      const twice = formatChannelDocument({ release: r, signatures: [signRelease(r, k1), signRelease(r, alias)] });
      expect(codes(asAgent(twice, { trust: { keys: [k1.publicKey, alias.publicKey], threshold: 2 } }))).toEqual(['DuplicateSignatureError', 'ThresholdNotMetError']);
    });

    it('accepts when the threshold is met, keeping signatures that did not count as notes', () => {
      const v = asAgent(signed(release(), k1, stranger));
      expect(v.problems).toEqual([]);
      expect(codes({ problems: v.notes })).toEqual(['UnknownKeyError']);
    });

    it('refuses a channel the trust configuration has no keys for', () => {
      expect(codes(asVerify(r1.text, { trust: { channels: {} } }))).toEqual(['NoTrustPolicyError']);
    });
  });

  describe('channel and host', () => {
    it('refuses a release of another channel with WrongChannelError, for the agent and for a file named after another channel', () => {
      const staging = signed(release({ channel: 'staging' }), k1);
      expect(codes(asAgent(staging))).toEqual(['WrongChannelError']);
      expect(codes(asReconciler(staging))).toEqual(['WrongChannelError']);
      expect(asAgent(staging).problems[0]?.data).toMatchObject({ expected: 'prod', actual: 'staging' });
      expect(codes(asVerify(staging, { channel: undefined }))).toEqual([]); // no channel expected: any
    });

    it('refuses a file not named after a valid channel, and checks the rest', () => {
      expect(codes(asReconciler(r1.text, { channel: 'Prod!' }))).toEqual(['InvalidChannelNameError']);
    });

    it('takes a target that names the host in another case, and refuses one that only looks like it (never falling back to "*")', () => {
      const upper = signed(release({ targets: { '*': { storePath: A }, WEB01: { storePath: B } } }), k1);
      expect(asAgent(upper)).toMatchObject({ problems: [], storePath: B });
      const short = signed(release({ targets: { '*': { storePath: A }, web01: { storePath: B } } }), k1);
      expect(codes(asAgent(short, { host: 'web01.example.com' }))).toEqual(['AmbiguousHostError']);
      expect(asAgent(short, { host: 'web01.example.com' }).problems[0]?.data).toMatchObject({ host: 'web01.example.com', targets: ['web01'] });
      // A different host altogether still takes "*".
      expect(asAgent(short, { host: 'web010.example.com' })).toMatchObject({ problems: [], storePath: A });
    });

    it('refuses a release whose targets name one host twice, at parse', () => {
      const twice = signed(release({ targets: { web01: { storePath: A }, WEB01: { storePath: B } } }), k1);
      expect(codes(asReconciler(twice))).toEqual(['DuplicateTargetError']);
    });

    it('refuses a release that targets neither the host nor "*"', () => {
      const text = signed(release({ targets: { web02: { storePath: A } } }), k1);
      expect(codes(asAgent(text))).toEqual(['HostNotTargetedError']);
      expect(asAgent(text, { host: 'web02' }).storePath).toBe(A);
      expect(codes(asReconciler(text))).toEqual([]);
    });
  });

  it('refuses an expired release', () => {
    const text = signed(release({ expiresAt: '2026-01-15T00:00:00Z' }), k1);
    expect(codes(asAgent(text))).toEqual(['ExpiredReleaseError']);
    expect(codes(asAgent(text, { now: new Date('2026-01-10T00:00:00Z') }))).toEqual([]);
  });

  describe('transition', () => {
    const floor1 = { revision: 1, digest: r1.digest, commit: C1 };
    const floor2 = { revision: 2, digest: r2.digest, commit: C2 };

    it.each([
      ['the first release', r1.text, undefined, 'first'],
      ['the same release again', r2.text, floor2, 'same'],
      ['the next revision chained', r2.text, floor1, 'next'],
    ] as const)('takes %s', (_, text, floor, kind) => {
      expect(asAgent(text, { transition: floor ? { floor } : {} })).toMatchObject({ problems: [], transition: kind });
    });

    it('takes a skip that chains back to the floor through the releases in between', () => {
      expect(asAgent(r3.text, { transition: { floor: floor1, intermediates: [r2.text] } })).toMatchObject({ problems: [], transition: 'skip' });
    });

    it.each([
      ['an older revision', r1.text, { floor: floor2 }, 'ReplayError'],
      ['the same revision with other content', r2.text, { floor: { ...floor2, digest: OTHER } }, 'ReplayError'],
      ['the next revision not naming the floor', r2.text, { floor: { ...floor1, digest: OTHER } }, 'BrokenChainError'],
      ['a skip when only +1 is allowed', r3.text, { floor: floor1, allowSkip: false }, 'RevisionGapError'],
      ['a new channel not at revision 1', r2.text, { requireFirstRevision: true }, 'RevisionGapError'],
      ['a skip without the releases in between', r3.text, { floor: floor1 }, 'ChainBrokenError'],
      ['a skip whose revision in between is not in the history', r3.text, { floor: floor1, intermediates: [] }, 'ChainBrokenError'],
      ['a skip whose chain does not reach the floor', r3.text, { floor: { ...floor1, digest: OTHER }, intermediates: [r2.text] }, 'ChainBrokenError'],
    ] as const)('refuses %s', (_, text, transition, code) => {
      const v = asAgent(text, { transition });
      expect(codes(v)).toEqual([code]);
      expect(v.transition).toBeUndefined();
    });

    it('follows a skip through the versions in between, in any order, leaving out ones that do not parse', () => {
      const r4 = chain.next({ targets: { '*': A } });
      const v = asReconciler(r4.text, { transition: { floor: floor1, intermediates: [r3.text, '{broken', r2.text] } });
      expect(v).toMatchObject({ problems: [], transition: 'skip' });
    });

    it('checks nothing about transitions without rules (`ogygia verify` without --base)', () => {
      expect(asVerify(r3.text)).toMatchObject({ problems: [] });
      expect(asVerify(r3.text).transition).toBeUndefined();
    });
  });

  it('refuses a commit that does not descend from the floor commit, last; only when the caller knows', () => {
    const floor1 = { revision: 1, digest: r1.digest, commit: C1 };
    expect(codes(asAgent(r2.text, { transition: { floor: floor1 }, descendsFromFloor: false, commit: C2 }))).toEqual(['NotDescendantError']);
    expect(codes(asAgent(r2.text, { transition: { floor: floor1 }, descendsFromFloor: true, commit: C2 }))).toEqual([]);
    expect(codes(asAgent(r2.text, { transition: { floor: floor1 }, commit: C2 }))).toEqual([]);
    expect(codes(asAgent(r2.text, { transition: { floor: { revision: 1, digest: r1.digest } }, descendsFromFloor: false }))).toEqual([]);
  });

  it('acceptedOrThrow throws the first problem', () => {
    expect(() => acceptedOrThrow(asAgent(signed(release(), stranger)))).toThrow(expect.objectContaining({ code: 'UnknownKeyError' }));
  });
});

/** The step of DESIGN.md §5 each code belongs to. */
const STEP: Record<string, number> = {
  InvalidChannelNameError: 0,
  OversizeError: 1,
  MalformedJsonError: 1,
  DuplicateMemberError: 1,
  ForbiddenMemberError: 1,
  UnknownFieldError: 1,
  InvalidFieldError: 1,
  InvalidHostNameError: 1,
  InvalidStorePathError: 1,
  WrongChannelError: 2,
  HostNotTargetedError: 3,
  AmbiguousHostError: 3,
  DuplicateTargetError: 1,
  NoTrustPolicyError: 4,
  BadSignatureError: 4,
  UnknownKeyError: 4,
  DuplicateSignatureError: 4,
  ThresholdNotMetError: 4,
  ExpiredReleaseError: 5,
  ReplayError: 6,
  RevisionGapError: 6,
  BrokenChainError: 6,
  ChainBrokenError: 6,
  NotYetValidError: 5,
  NotDescendantError: 7,
};

describe('verifyRelease: properties', () => {
  /** A release with any mix of defects, and the floor it is judged against. */
  const defective = fc
    .record({
      channel: fc.constantFrom('prod', 'staging'),
      targets: fc.constantFrom<Release['targets'][]>({ '*': { storePath: A } }, { web01: { storePath: B } }, { web02: { storePath: A } }),
      signers: fc.subarray(['k1', 'k2', 'stranger', 'forged'] as const),
      expired: fc.boolean(),
      // 1: older than the floor; 2: the floor's revision (same or other content); 3: the next (chained or not).
      revision: fc.constantFrom(1, 2, 3),
      sameOrChained: fc.boolean(),
      floorCommit: fc.boolean(),
      descends: fc.constantFrom(true, false, undefined),
    })
    .map((d) => {
      const r = release({
        channel: d.channel,
        targets: d.targets,
        revision: d.revision,
        previous: d.revision === 1 ? null : d.revision === 3 && d.sameOrChained ? OTHER : 'sha256:' + 'b'.repeat(64),
        ...(d.expired ? { expiresAt: '2026-01-15T00:00:00Z' } : {}),
      });
      const signatures = d.signers.map((s) => (s === 'forged' ? { key: k2.name, sig: signRelease(r, k1).sig } : signRelease(r, s === 'k1' ? k1 : s === 'k2' ? k2 : stranger)));
      const doc: ChannelDocument = { release: r, signatures };
      const floor = { revision: 2, digest: d.revision === 2 && d.sameOrChained ? releaseDigest(r) : OTHER, ...(d.floorCommit ? { commit: C1 } : {}) };
      return { text: formatChannelDocument(doc), floor, descends: d.descends };
    });

  it('agent, reconciler and `ogygia verify --base` agree: the same problems, but for host targeting only the agent checks', () => {
    fc.assert(
      fc.property(defective, ({ text, floor }) => {
        const agent = codes(asAgent(text, { transition: { floor } })).filter((c) => c !== 'HostNotTargetedError');
        const reconciler = codes(asReconciler(text, { transition: { floor, intermediates: [] } }));
        const verify = codes(asVerify(text, { transition: { floor, allowSkip: false } }));
        expect(reconciler).toEqual(agent);
        expect(verify).toEqual(agent);
      }),
      { numRuns: 300 },
    );
  });

  it('lists problems in DESIGN.md §5 order, and accepts exactly when there are none', () => {
    fc.assert(
      fc.property(defective, ({ text, floor, descends }) => {
        const v = asAgent(text, { transition: { floor }, commit: C2, ...(descends !== undefined ? { descendsFromFloor: descends } : {}) });
        const steps = codes(v).map((c) => STEP[c]);
        expect(steps.every((s) => s !== undefined)).toBe(true);
        expect(steps).toEqual([...steps].sort((a, b) => a! - b!));
        if (v.problems.length === 0) expect(acceptedOrThrow(v).storePath).toBeDefined();
        else expect(() => acceptedOrThrow(v)).toThrow(v.problems[0]!.message);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws, whatever the bytes, and a parse failure is the only problem', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        const v = verifyRelease({ bytes, file: FILE, channel: 'prod', host: 'web01', trust: policy, now: NOW, transition: {} });
        expect(v.problems.length).toBe(1);
        expect(STEP[v.problems[0]!.code]).toBe(1);
      }),
      { numRuns: 300 },
    );
  });
});
