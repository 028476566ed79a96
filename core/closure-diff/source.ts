import type { BootLinks, ClosurePath } from './diff.js';

/**
 * Where closures are read from: a binary cache (narinfos), the local store,
 * or one after the other. The pure diff never sees which; tests hand it literal
 * closures, the CLI and the reconciler a real source (cache-source.ts,
 * local-store-source.ts).
 */
export interface ClosureSource {
  /** Every store path of `root`'s closure, `root` included, with its NAR size. */
  closure(root: string): Promise<readonly ClosurePath[]>;
  /** The targets of `root`'s `kernel`, `initrd` and `kernel-modules` links. */
  bootLinks(root: string): Promise<BootLinks>;
}

/** A source that asks `first` and, for a root `first` does not hold, `second` (the local store, then the caches). */
export function firstThen(first: ClosureSource & { has(root: string): Promise<boolean> }, second: ClosureSource): ClosureSource {
  return {
    closure: async (root) => ((await first.has(root)) ? first.closure(root) : second.closure(root)),
    bootLinks: async (root) => ((await first.has(root)) ? first.bootLinks(root) : second.bootLinks(root)),
  };
}
