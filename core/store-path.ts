import { InvalidStorePathError } from './errors/index.js';

/** Nix's store path syntax: 32 nix32 characters (no e, o, t, u), a dash, a name. */
export const STORE_PATH = /^\/nix\/store\/[0-9a-df-np-sv-z]{32}-[A-Za-z0-9+._?=-]+$/;
export const STORE_HASH = /^[0-9a-df-np-sv-z]{32}$/;

export function isStorePath(s: string): boolean {
  return STORE_PATH.test(s) && s.length <= 211 + 44;
}

export function assertStorePath(s: string, where: string): string {
  if (!isStorePath(s)) {
    throw new InvalidStorePathError({ where, value: s });
  }
  return s;
}

/** The 32-character hash part of a store path. */
export function storePathHash(path: string): string {
  return path.slice('/nix/store/'.length, '/nix/store/'.length + 32);
}
