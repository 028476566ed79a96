import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testKey } from '../testkit/keys.js';
import { testHostKeyFile } from '../testkit/ssh-keys.js';
import { canonicalJson } from './canonical-json.js';
import { parseHostKey, parseSshPublicKey, type HostKey } from './host-key.js';
import { publicKeyOfSeed, verifyBytes } from './keys.js';
import { isReportSignature, reportSigningBytes, signReport, verifyReport } from './report-signing.js';
import { signingBytes } from './signing.js';
import { REBOOT_SLOT_SIGNING_PREFIX, REPORT_SIGNING_PREFIX } from './wire/report-signature.js';

const web01 = parseHostKey(readFileSync(testHostKeyFile('test-only-host-web01'), 'utf8'), 'web01');
const web01Public = parseSshPublicKey(readFileSync(testHostKeyFile('test-only-host-web01.pub'), 'utf8'), 'pub').bytes;
const db01: HostKey = { seed: new Uint8Array(32).fill(2), publicKey: publicKeyOfSeed(new Uint8Array(32).fill(2)) };

const report = {
  host: 'web01',
  channel: 'prod',
  state: 'applied',
  revision: 42,
  digest: null,
  commit: null,
  current: 'a1b2c3d4e5f6',
  booted: 'a1b2c3d4e5f6',
  nextboot: 'unknown',
  agentVersion: '0.1.0',
  reportedAt: '2026-11-21T10:00:00Z',
  seq: 1764000000000,
};

describe('signed reports (core/report-signing.ts)', () => {
  it('signs "ogygia-report-v1\\n" + JCS(report) with the host key', () => {
    const sig = signReport(report, web01);
    expect(isReportSignature(sig)).toBe(true);
    expect(Buffer.from(reportSigningBytes(report)).toString('utf8')).toBe(REPORT_SIGNING_PREFIX + canonicalJson(report));
    expect(verifyBytes({ name: 'x', bytes: web01Public }, reportSigningBytes(report), Buffer.from(sig, 'base64'))).toBe(true);
    expect(verifyReport(report, sig, web01Public)).toBe(true);
  });

  it('verifies whatever order the JSON was written in (the reconciler checks the body as it parsed it)', () => {
    const sig = signReport(report, web01);
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(report).reverse())));
    expect(verifyReport(reordered, sig, web01Public)).toBe(true);
  });

  it("refuses another host's key, a changed report, and a malformed header", () => {
    const sig = signReport(report, web01);
    expect(verifyReport(report, sig, db01.publicKey)).toBe(false);
    expect(verifyReport({ ...report, host: 'db01' }, sig, web01Public)).toBe(false);
    expect(verifyReport({ ...report, seq: report.seq + 1 }, sig, web01Public)).toBe(false);
    expect(verifyReport(report, sig.slice(0, -4), web01Public)).toBe(false);
    expect(verifyReport(report, `${sig} `, web01Public)).toBe(false);
    expect(isReportSignature('A'.repeat(86) + '==')).toBe(true);
    expect(isReportSignature('A'.repeat(85) + 'B==')).toBe(false); // bits past the 64th byte
  });

  it('signs a reboot-slot request under its own prefix: neither signature verifies as the other', () => {
    const slot = { host: 'web01', channel: 'prod', digest: 'sha256:' + 'a'.repeat(64), requestedAt: '2026-11-21T10:00:00Z', seq: 7 };
    const sig = signReport(slot, web01, 'reboot-slot');
    expect(Buffer.from(reportSigningBytes(slot, 'reboot-slot')).toString('utf8')).toBe(REBOOT_SLOT_SIGNING_PREFIX + canonicalJson(slot));
    expect(verifyReport(slot, sig, web01Public, 'reboot-slot')).toBe(true);
    expect(verifyReport(slot, sig, web01Public, 'report')).toBe(false);
    expect(verifyReport(report, signReport(report, web01), web01Public, 'reboot-slot')).toBe(false);
  });

  it('is not a release signature: the same key over the same JSON under the release prefix does not verify', () => {
    const ops = testKey('test-only-ops-1');
    const asHost: HostKey = { seed: ops.seed, publicKey: ops.publicKey.bytes };
    const sig = signReport(report, asHost);
    expect(verifyBytes(ops.publicKey, signingBytes(report as never), Buffer.from(sig, 'base64'))).toBe(false);
  });

  it('verifies exactly the report it signed, for any change to any field', () => {
    const field = fc.constantFrom(...Object.keys(report));
    fc.assert(
      fc.property(field, fc.oneof(fc.string(), fc.integer(), fc.constant(null)), (k, v) => {
        const sig = signReport(report, web01);
        const changed = { ...report, [k]: v };
        expect(verifyReport(changed, sig, web01Public)).toBe(canonicalJson(changed) === canonicalJson(report));
      }),
    );
  });
});
