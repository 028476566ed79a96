import { canonicalJson } from './canonical-json.js';
import type { HostKey } from './host-key.js';
import { signBytes, verifyBytes } from './keys.js';
import { REBOOT_SLOT_SIGNING_PREFIX, REPORT_SIGNATURE, REPORT_SIGNING_PREFIX } from './wire/report-signature.js';

/**
 * The one rule for signed reports (DESIGN.md §11): the agent signs, the
 * reconciler verifies, both through these two functions. The signature is
 * ed25519 by the host's SSH host key over `"ogygia-report-v1\n" + JCS(report)`,
 * sent base64 in the `Ogygia-Signature` header (core/wire/report-signature.ts).
 * JCS makes the bytes independent of how the JSON was written, so the
 * reconciler verifies the body as it parsed it.
 */

/** What a host signs: a report, or a reboot-slot request (DESIGN.md §13); each has its own prefix. */
export type SignedKind = 'report' | 'reboot-slot';

const PREFIX: Readonly<Record<SignedKind, string>> = { report: REPORT_SIGNING_PREFIX, 'reboot-slot': REBOOT_SLOT_SIGNING_PREFIX };

/** The exact bytes signed: the prefix and the body's canonical JSON. */
export function reportSigningBytes(report: unknown, kind: SignedKind = 'report'): Uint8Array {
  return new Uint8Array(Buffer.from(PREFIX[kind] + canonicalJson(report), 'utf8'));
}

/** Pure: the header value for a report (or a reboot-slot request), signed by the host key. */
export function signReport(report: unknown, key: HostKey, kind: SignedKind = 'report'): string {
  const secret = { name: 'host', seed: key.seed, publicKey: { name: 'host', bytes: key.publicKey } };
  return Buffer.from(signBytes(secret, reportSigningBytes(report, kind))).toString('base64');
}

/** Whether a header value is well formed (base64 of 64 bytes), before any key is tried. */
export function isReportSignature(header: string): boolean {
  return REPORT_SIGNATURE.test(header);
}

/** Pure: whether `header` is the signature of `publicKey` (32 bytes) over the report (or reboot-slot request). */
export function verifyReport(report: unknown, header: string, publicKey: Uint8Array, kind: SignedKind = 'report'): boolean {
  if (!isReportSignature(header)) return false;
  return verifyBytes({ name: 'host', bytes: publicKey }, reportSigningBytes(report, kind), new Uint8Array(Buffer.from(header, 'base64')));
}
