/**
 * How an agent signs the report it POSTs to `/v1/hosts/:host/reports`
 * (DESIGN.md §11, docs/api.md): the header and the bytes, defined once for
 * both sides. The rule itself (sign, verify) is core/report-signing.ts.
 * This file imports nothing, so the error classes can name the header too.
 */

/** The HTTP header that carries the signature: base64 of the 64-byte ed25519 signature. */
export const REPORT_SIGNATURE_HEADER = 'Ogygia-Signature';

/** Domain separation: a report signature is never valid as a release signature, or anything else the host key signs (SSH). */
export const REPORT_SIGNING_PREFIX = 'ogygia-report-v1\n';

/** The prefix of a signed reboot-slot request (core/wire/reboot-slot.ts): not a report, so never signed as one. */
export const REBOOT_SLOT_SIGNING_PREFIX = 'ogygia-reboot-slot-v1\n';

/** The header's value: standard base64 of exactly 64 bytes. */
export const REPORT_SIGNATURE = /^[A-Za-z0-9+/]{85}[AQgw]==$/;
