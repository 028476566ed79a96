/**
 * Which push-webhook deliveries to act on (DESIGN.md §15): a delivery seen
 * before — the same delivery id (`X-GitHub-Delivery`, `X-Gitea-Delivery`,
 * `X-Forgejo-Delivery`, `X-Gogs-Delivery`), or the same signed body, since
 * the HMAC covers the body but not the headers — is a replay and triggers
 * nothing; fresh deliveries trigger at most `burst` fetches at once and
 * `perMinute` a minute after that. Pure state machine: time is passed in.
 */
export interface DeliveryPolicy {
  /** Deliveries remembered (ids and body digests each); the oldest are forgotten first. */
  readonly remember: number;
  readonly burst: number;
  readonly perMinute: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { remember: 10_000, burst: 10, perMinute: 30 };

export type DeliveryVerdict = { readonly kind: 'fetch' } | { readonly kind: 'replay'; readonly by: 'id' | 'body' } | { readonly kind: 'rate-limited'; readonly retryAfterSeconds: number };

export interface DeliveryLog {
  /** Judge one validly signed delivery at `nowMs`; a fresh one is remembered. */
  judge(delivery: { readonly id: string | undefined; readonly bodyDigest: string }, nowMs: number): DeliveryVerdict;
}

export function createDeliveryLog(policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY): DeliveryLog {
  const ids = new Set<string>();
  const bodies = new Set<string>();
  const remember = (set: Set<string>, key: string): void => {
    set.add(key);
    if (set.size > policy.remember) set.delete(set.values().next().value as string);
  };
  let tokens = policy.burst;
  let lastMs: number | undefined;
  return {
    judge({ id, bodyDigest }, nowMs) {
      if (id !== undefined && ids.has(id)) return { kind: 'replay', by: 'id' };
      if (bodies.has(bodyDigest)) return { kind: 'replay', by: 'body' };
      const perMs = policy.perMinute / 60_000;
      tokens = Math.min(policy.burst, tokens + (lastMs === undefined ? 0 : Math.max(0, nowMs - lastMs) * perMs));
      lastMs = nowMs;
      if (tokens < 1) return { kind: 'rate-limited', retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) };
      tokens -= 1;
      if (id !== undefined) remember(ids, id);
      remember(bodies, bodyDigest);
      return { kind: 'fetch' };
    },
  };
}

/** The delivery id a git server put on a webhook request, if any. */
export function deliveryId(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  for (const h of ['x-github-delivery', 'x-gitea-delivery', 'x-forgejo-delivery', 'x-gogs-delivery']) {
    const v = headers[h];
    const s = (Array.isArray(v) ? v[0] : v)?.trim();
    if (s) return `${h}:${s.slice(0, 128)}`;
  }
  return undefined;
}
