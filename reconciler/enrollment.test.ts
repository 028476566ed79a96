import { describe, expect, it } from 'vitest';
import { formatSshPublicKey } from '../core/host-key.js';
import { publicKeyOfSeed } from '../core/keys.js';
import { nextEnrollment, type EnrollmentState } from './enrollment.js';

const key = formatSshPublicKey({ bytes: publicKeyOfSeed(new Uint8Array(32).fill(1)), comment: 'root@web01' });
const GOOD = { kind: 'text', text: `[hosts.web01]\nkey = "${key}"\n` } as const;
const BAD = { kind: 'text', text: `[hosts.web01]\nkey = "ssh-rsa AAAA"\n` } as const;
const C1 = '1'.repeat(40);
const C2 = '2'.repeat(40);
const open: EnrollmentState = { kind: 'open' };

describe('nextEnrollment (pure): which enrollment is in force after a sync', () => {
  it('is open without hosts.toml, and enrolled with a good one', () => {
    expect(nextEnrollment(open, { kind: 'absent' }, C1)).toEqual({ state: open });
    const s = nextEnrollment(open, GOOD, C1).state;
    expect(s.kind === 'enrolled' && [...s.enrollment.hosts.keys()]).toEqual(['web01']);
  });

  it('refuses every report while the first hosts.toml seen cannot be used: never open instead', () => {
    const r = nextEnrollment(open, BAD, C1);
    expect(r.state).toMatchObject({ kind: 'unusable', commit: C1, error: { code: 'InvalidEnrollmentError', data: { file: 'hosts.toml at 111111111111' } } });
    expect(r.warning).toMatch(/every report is refused until it is fixed$/);
    expect(nextEnrollment(open, { kind: 'oversize', bytes: 5_000_000 }, C1).state).toMatchObject({
      kind: 'unusable',
      error: { data: { problems: ['(file): 5000000 bytes, over the 4194304-byte cap'] } },
    });
  });

  it('keeps a good enrollment in force when a later hosts.toml breaks, and says so', () => {
    const good = nextEnrollment(open, GOOD, C1).state;
    const r = nextEnrollment(good, BAD, C2);
    expect(r.state).toBe(good);
    expect(r.warning).toMatch(/the enrollment of 111111111111 stays in force$/);
  });

  it('opens again when hosts.toml is removed by a commit on the branch', () => {
    const good = nextEnrollment(open, GOOD, C1).state;
    expect(nextEnrollment(good, { kind: 'absent' }, C2).state).toEqual(open);
  });
});
