import { z } from 'zod';
import {
  ChannelMismatchError,
  DuplicateSignatureError,
  DuplicateTargetError,
  InvalidChannelNameError,
  InvalidFieldError,
  InvalidHostNameError,
  OversizeError,
  UnknownFieldError,
} from './errors/index.js';
import { HOST_NAME, matchTarget, sameNamedKeys } from './host-identity.js';
import { formatRollout, parseRollout, type Rollout } from './rollout.js';
import { assertStorePath } from './store-path.js';
import { isUtcTimestamp } from './timestamp.js';
import { parseStrictJson } from './verify/strict-json.js';

/** The signed release: what a channel serves. Spec 1 of DESIGN.md §3. */
export interface Release {
  type: 'ogygia-release';
  spec: 1;
  channel: string;
  revision: number;
  previous: string | null;
  issuedAt: string;
  expiresAt?: string;
  source: { revision: string };
  targets: Record<string, { storePath: string }>;
  substituters?: string[];
  /** A signed staged rollout (DESIGN §12); absent: every host at once. */
  rollout?: Rollout;
}

export interface Signature {
  key: string;
  sig: string;
}

/** A channel file: `channels/<channel>.json`. */
export interface ChannelDocument {
  release: Release;
  signatures: Signature[];
}

export const MAX_CHANNEL_FILE_BYTES = 64 * 1024;
export const CHANNEL_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
export { HOST_NAME };
export const DIGEST = /^sha256:[0-9a-f]{64}$/;
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
const GIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

const timestamp = z
  .string()
  .regex(RFC3339_UTC, 'must be an RFC 3339 UTC time like 2026-11-21T10:00:00Z')
  .refine(isUtcTimestamp, 'is not a real calendar date and time');

const releaseSchema = z.strictObject({
  type: z.literal('ogygia-release'),
  spec: z.literal(1),
  channel: z.string(),
  revision: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  previous: z.union([z.string().regex(DIGEST, 'must be sha256:<64 lowercase hex> or null'), z.null()]),
  issuedAt: timestamp,
  expiresAt: timestamp.optional(),
  source: z.strictObject({ revision: z.string().regex(GIT_SHA, 'must be a 40- or 64-character lowercase hex git commit id') }),
  targets: z
    .record(z.string(), z.strictObject({ storePath: z.string() }))
    .refine((t) => Object.keys(t).length > 0, 'must name at least one host or "*"'),
  substituters: z
    .array(z.string().url('must be a URL such as https://cache.example.com').max(2048))
    .max(16)
    .optional(),
  // Checked by parseRollout below, so each malformed wave gets its own code (InvalidWaveError).
  rollout: z.unknown().optional(),
});

const documentSchema = z.strictObject({
  release: releaseSchema,
  signatures: z
    .array(
      z.strictObject({
        key: z.string().min(1).max(128),
        sig: z
          .string()
          .regex(/^[A-Za-z0-9+/]{86}==$/, 'must be base64 of a 64-byte ed25519 signature')
          // One text per signature: the last character before "==" carries 4 unused bits, and other spellings of the same bytes are refused.
          .refine((s) => Buffer.from(s, 'base64').toString('base64') === s, 'must be canonical base64 (the unused bits of its last character must be zero)'),
      }),
    )
    .max(64),
});

function issuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '(document)' : path.map(String).join('.');
}

/**
 * Parse and validate a channel file's bytes: the size cap (before a byte is
 * parsed), strict JSON (core/verify/strict-json.ts), then the spec 1 schema.
 * Throws a specific OgygiaError per defect.
 */
export function parseChannelDocument(
  input: string | Uint8Array,
  opts: { file?: string; fileChannel?: string; size?: number } = {},
): ChannelDocument {
  const where = opts.file ?? 'channel file';
  // `size`: the file's true size when its bytes were not read because it is over the cap (core/channels-repo.ts).
  const bytes = opts.size ?? (typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength);
  if (bytes > MAX_CHANNEL_FILE_BYTES) {
    throw new OversizeError({ kind: 'channel-file', file: where, bytes, limit: MAX_CHANNEL_FILE_BYTES });
  }
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  // Strict: a member named twice, or `__proto__`/`constructor`/`prototype`, is refused (one text, one meaning).
  const raw = parseStrictJson(text, where);
  const parsed = documentSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const unknown = issues.find((i) => i.code === 'unrecognized_keys');
    if (unknown && unknown.code === 'unrecognized_keys') {
      const at = issuePath(unknown.path);
      throw new UnknownFieldError({ file: where, path: at, fields: unknown.keys });
    }
    const problems = issues.map((i) => `${issuePath(i.path)}: ${i.message}`);
    throw new InvalidFieldError({ file: where, problems });
  }
  const doc = parsed.data as ChannelDocument;
  const r = doc.release;
  if (!CHANNEL_NAME.test(r.channel)) {
    throw new InvalidChannelNameError({ channel: r.channel, file: where, in: 'release' });
  }
  if (opts.fileChannel !== undefined && opts.fileChannel !== r.channel) {
    throw new ChannelMismatchError({ file: where, fileChannel: opts.fileChannel, releaseChannel: r.channel });
  }
  for (const [host, target] of Object.entries(r.targets)) {
    if (host !== '*' && !HOST_NAME.test(host)) {
      throw new InvalidHostNameError({ role: 'target', host, file: where });
    }
    assertStorePath(target.storePath, `${where}: targets.${host}.storePath`);
  }
  for (const [a, b] of sameNamedKeys(Object.keys(r.targets))) {
    throw new DuplicateTargetError({ file: where, hosts: [a, b] });
  }
  if (r.revision === 1 && r.previous !== null) {
    throw new InvalidFieldError({ file: where, problems: ['release.previous: revision 1 must have previous = null, as it replaces nothing'] });
  }
  if (r.revision > 1 && r.previous === null) {
    throw new InvalidFieldError({ file: where, problems: [`release.previous: revision ${r.revision} must name the digest of revision ${r.revision - 1}`] });
  }
  if (r.rollout !== undefined) parseRollout(r.rollout, where);
  const seen = new Set<string>();
  for (const s of doc.signatures) {
    if (seen.has(s.key)) {
      throw new DuplicateSignatureError({ when: 'signed', channel: r.channel, revision: r.revision, file: where, key: s.key });
    }
    seen.add(s.key);
  }
  return doc;
}

/** Parse a channel name given by a user (CLI flag, URL segment). */
export function assertChannelName(name: string): string {
  if (!CHANNEL_NAME.test(name)) {
    throw new InvalidChannelNameError({ channel: name });
  }
  return name;
}

/**
 * The store path a host gets from a release under the host identity rule
 * (core/host-identity.ts): its own target (names compare ignoring case), else
 * `"*"` — but nothing when a target only looks like it (`web01` for
 * `web01.example.com`): that release meant this host and is refused, not
 * defaulted (core/verify reports AmbiguousHostError).
 */
export function targetFor(release: Release, host: string): string | undefined {
  const m = matchTarget(Object.keys(release.targets), host);
  if (m.kind === 'own') return release.targets[m.key]?.storePath;
  if (m.kind === 'default') return release.targets['*']?.storePath;
  return undefined;
}

/** Serialise a channel document the way `ogygia publish` writes it: stable key order, 2-space indent, newline. */
export function formatChannelDocument(doc: ChannelDocument): string {
  const r = doc.release;
  const release: Record<string, unknown> = {
    type: r.type,
    spec: r.spec,
    channel: r.channel,
    revision: r.revision,
    previous: r.previous,
    issuedAt: r.issuedAt,
  };
  if (r.expiresAt !== undefined) release.expiresAt = r.expiresAt;
  release.source = { revision: r.source.revision };
  const targets: Record<string, { storePath: string }> = {};
  const hosts = Object.keys(r.targets).sort((a, b) => (a === '*' ? -1 : b === '*' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  for (const h of hosts) targets[h] = { storePath: r.targets[h]!.storePath };
  release.targets = targets;
  if (r.substituters !== undefined) release.substituters = [...r.substituters];
  if (r.rollout !== undefined) release.rollout = formatRollout(r.rollout);
  return JSON.stringify({ release, signatures: doc.signatures.map((s) => ({ key: s.key, sig: s.sig })) }, null, 2) + '\n';
}
