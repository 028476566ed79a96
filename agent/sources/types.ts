/**
 * A channel head as a source delivers it, before any verification: the raw
 * bytes of `channels/<channel>.json` and the git commit that introduced it.
 */
export interface ChannelHead {
  readonly bytes: Uint8Array;
  readonly commit: string;
}

export type FetchResult =
  | { readonly kind: 'head'; readonly head: ChannelHead }
  /** The source says nothing changed since the last head it gave (HTTP 304, same git commit). */
  | { readonly kind: 'unchanged' };

/** Where the agent gets its channel's head (reconciler API or a git mirror). */
export interface Source {
  readonly kind: 'reconciler' | 'git';
  /** One fetch; may hold up to `waitSeconds` for a change (long-poll) and stops early when `signal` aborts. */
  fetch(opts: { waitSeconds: number; signal?: AbortSignal }): Promise<FetchResult>;
  /** Git sources only: does `commit` descend from `ancestor`? (undefined for sources that cannot tell.) */
  descends?(commit: string, ancestor: string): Promise<boolean>;
  /** Forget the cached validator so the next fetch returns the head even when unchanged. */
  reset(): void;
}
