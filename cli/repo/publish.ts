import { UsageError } from '../../core/errors/index.js';
import type { ChannelDocument, Release } from '../../core/release.js';
import type { Rollout } from '../../core/rollout.js';

/** What an operator asks for when publishing; the previous release fills in the rest. */
export interface PublishRequest {
  readonly channel: string;
  readonly targets: Readonly<Record<string, string>>; // host or "*" -> store path
  readonly sourceRevision: string;
  readonly substituters?: readonly string[];
  readonly issuedAt: Date;
  readonly expiresAt?: Date;
  /** A staged rollout (DESIGN §12), from `--wave` flags or the channel's `ogygia.toml` default; not carried over from the previous release. */
  readonly rollout?: Rollout;
}

/** Pure: the next release of a channel given its current head (if any) and its digest. */
export function nextRelease(current: { doc: ChannelDocument; digest: string } | undefined, req: PublishRequest): Release {
  if (Object.keys(req.targets).length === 0) {
    throw new UsageError({ reason: 'missing', need: 'target' });
  }
  if (req.expiresAt && req.expiresAt.getTime() <= req.issuedAt.getTime()) {
    throw new UsageError({ reason: 'expired-on-issue', expiresAt: req.expiresAt.toISOString(), issuedAt: req.issuedAt.toISOString() });
  }
  const release: Release = {
    type: 'ogygia-release',
    spec: 1,
    channel: req.channel,
    revision: current ? current.doc.release.revision + 1 : 1,
    previous: current ? current.digest : null,
    issuedAt: isoSeconds(req.issuedAt),
    source: { revision: req.sourceRevision },
    targets: Object.fromEntries(Object.entries(req.targets).map(([h, p]) => [h, { storePath: p }])),
  };
  if (req.expiresAt) release.expiresAt = isoSeconds(req.expiresAt);
  const subs = req.substituters ?? current?.doc.release.substituters;
  if (subs && subs.length > 0) release.substituters = [...subs];
  if (req.rollout) release.rollout = req.rollout;
  return release;
}

export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Parse `90d`, `12h`, `30m`, `2w` or an RFC 3339 time into an absolute time after `now`. */
export function parseExpiry(text: string, now: Date): Date {
  const m = /^(\d+)([smhdw])$/.exec(text.trim());
  if (m) {
    const mult = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
    return new Date(now.getTime() + Number(m[1]) * mult * 1000);
  }
  const t = Date.parse(text);
  if (!Number.isNaN(t) && /^\d{4}-\d{2}-\d{2}T/.test(text)) return new Date(t);
  throw new UsageError({ reason: 'invalid', option: '--expires', value: text });
}
