import type { AcceptedHead } from '../../core/transition.js';

/**
 * A channel head as a source delivers it, before any verification: the raw
 * bytes of `channels/<channel>.json` and the git commit that introduced it.
 */
export interface ChannelHead {
  readonly bytes: Uint8Array;
  /** Set when the file is over the cap and its bytes were never read (`bytes` is empty): verification refuses it by this size. */
  readonly size?: number;
  readonly commit: string;
  /**
   * When the head skips revisions past `since` (see Source.fetch): the versions
   * of the channel file in between, any order, unverified — a skip must chain
   * back to the last accepted release through them (DESIGN.md §12).
   */
  readonly chain?: readonly Uint8Array[];
}

export type FetchResult =
  | { readonly kind: 'head'; readonly head: ChannelHead }
  /** The source says nothing changed since the last head it gave (HTTP 304, same git commit). */
  | { readonly kind: 'unchanged' };

/** Where the agent gets its channel's head (reconciler API or a git mirror). */
export interface Source {
  readonly kind: 'reconciler' | 'git';
  /**
   * One fetch; may hold up to `waitSeconds` for a change (long-poll) and stops
   * early when `signal` aborts. `since` is the last release this host accepted:
   * a head that skips past it comes with the releases in between (`chain`).
   */
  fetch(opts: { waitSeconds: number; signal?: AbortSignal; since?: AcceptedHead }): Promise<FetchResult>;
  /** Git sources only: does `commit` descend from `ancestor`? (undefined for sources that cannot tell.) */
  descends?(commit: string, ancestor: string): Promise<boolean>;
  /** Forget the cached validator so the next fetch returns the head even when unchanged. */
  reset(): void;
}
