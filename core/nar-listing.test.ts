import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeTestNar, type TestNarNode } from '../testkit/fake-cache.js';
import { listNarRoot } from './nar-listing.js';

type Node = TestNarNode;
const nar = encodeTestNar;
const f = (contents: string, executable = false): Node => ({ type: 'regular', contents, executable });
const l = (target: string): Node => ({ type: 'symlink', target });
const d = (entries: Record<string, Node>): Node => ({ type: 'directory', entries });

const SYSTEM: Node = d({
  kernel: l('/nix/store/0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-linux-6.6.1/bzImage'),
  initrd: l('/nix/store/1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a-initrd-linux-6.6.1/initrd'),
  'kernel-modules': l('/nix/store/2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a-linux-6.6.1-modules'),
  bin: d({ 'switch-to-configuration': f('#!/bin/sh\n', true) }),
  activate: f('x'.repeat(1000)),
});

describe('listNarRoot', () => {
  it('lists the root entries of a system with their symlink targets', () => {
    const r = listNarRoot(nar(SYSTEM));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Object.fromEntries(r.entries)).toEqual({
      activate: { type: 'regular' },
      bin: { type: 'directory' },
      initrd: { type: 'symlink', target: '/nix/store/1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a-initrd-linux-6.6.1/initrd' },
      kernel: { type: 'symlink', target: '/nix/store/0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-linux-6.6.1/bzImage' },
      'kernel-modules': { type: 'symlink', target: '/nix/store/2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a-linux-6.6.1-modules' },
    });
  });

  it('gives an empty listing for a path that is a file', () => {
    expect(listNarRoot(nar(f('x')))).toEqual({ ok: true, entries: new Map() });
  });

  it('refuses what is not a whole, well-formed NAR', () => {
    const good = nar(SYSTEM);
    expect(listNarRoot(good.subarray(0, good.length - 8))).toMatchObject({ ok: false });
    expect(listNarRoot(new Uint8Array([...good, 0, 0, 0, 0, 0, 0, 0, 0]))).toMatchObject({ ok: false, error: 'not a valid NAR: bytes after the end of the archive' });
    expect(listNarRoot(new Uint8Array(Buffer.from('garbage')))).toMatchObject({ ok: false });
    // Entries out of order: swap the two names of a directory of `a` and `b` in the bytes.
    const sorted = Buffer.from(nar(d({ a: f(''), b: f('') })));
    const unsorted = Buffer.from(sorted.toString('latin1').replace(/(\x01\0{7}a\0{7})(.*)(\x01\0{7}b\0{7})/s, '$3$2$1'), 'latin1');
    expect(unsorted.equals(sorted)).toBe(false);
    expect(listNarRoot(new Uint8Array(unsorted))).toMatchObject({ ok: false, error: 'not a valid NAR: entries are not sorted or repeat' });
  });

  it('never throws on any bytes, whole or cut anywhere', () => {
    const good = nar(SYSTEM);
    fc.assert(fc.property(fc.nat(good.length), (cut) => {
      const r = listNarRoot(good.subarray(0, cut));
      expect(r.ok).toBe(cut === good.length);
    }));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      expect(typeof listNarRoot(b).ok).toBe('boolean');
    }));
  });
});
