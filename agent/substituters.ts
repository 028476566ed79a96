import type { Release } from '../core/release.js';

/**
 * Pure: where `nix copy` fetches a release's closure from. A release that
 * names substituters is copied from those (it is signed, so the operator who
 * published it chose them); a release that names none is copied from
 * `[nix] substituters`. A release's empty list is its own choice: no binary
 * cache, the closure must already be in the local store.
 */
export function chooseSubstituters(release: Pick<Release, 'substituters'>, configured: readonly string[]): readonly string[] {
  return release.substituters ?? configured;
}
