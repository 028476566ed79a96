import { describe, expect, it } from 'vitest';
import { InvalidEnrollmentError } from '../../core/errors/index.js';
import { formatSshPublicKey } from '../../core/host-key.js';
import { publicKeyOfSeed } from '../../core/keys.js';
import { checkEnrollmentFile } from './enrollment-check.js';

const k = (n: number): string => formatSshPublicKey({ bytes: publicKeyOfSeed(new Uint8Array(32).fill(n)), comment: '' });
const HOSTS = `[hosts."web01.dc1.example.com"]\nkey = "${k(1)}"\n[hosts.db01]\nkey = "${k(2)}"\n`;

describe('what ogygia verify says about hosts.toml', () => {
  it('nothing without one', () => {
    expect(checkEnrollmentFile(undefined, [{ channel: 'prod', targets: ['web01'] }])).toEqual({ hosts: null, problems: [], warnings: [] });
  });

  it('warns about targets that only look like an enrolled host, never about the same name or "*"', () => {
    const r = checkEnrollmentFile(HOSTS, [
      { channel: 'prod', targets: ['*', 'web01', 'DB01'] },
      { channel: 'dev', targets: ['db01.dc1.example.com', 'web02'] },
    ]);
    expect(r.hosts).toBe(2);
    expect(r.problems).toEqual([]);
    expect(r.warnings.map(({ channel, target, enrolled }) => [channel, target, enrolled])).toEqual([
      ['prod', 'web01', 'web01.dc1.example.com'],
      ['dev', 'db01.dc1.example.com', 'db01'],
    ]);
    expect(r.warnings[0]!.message).toBe(
      'prod: target "web01" is not an enrolled host but looks like "web01.dc1.example.com" in hosts.toml; that host refuses a release that names it only so (AmbiguousHostError): spell the target as hosts.toml does',
    );
  });

  it('fails on a hosts.toml that cannot be used, or on the error reading it gave', () => {
    expect(checkEnrollmentFile('[hosts.web01]\n', []).problems.map((p) => p.code)).toEqual(['InvalidEnrollmentError']);
    const big = new InvalidEnrollmentError({ file: 'hosts.toml', problems: ['(file): 5000000 bytes, over the 4194304-byte cap'] });
    expect(checkEnrollmentFile(big, []).problems).toEqual([big]);
  });
});
