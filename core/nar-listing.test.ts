import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listNarRoot } from './nar-listing.js';

// A NAR encoder for the test only (irisd/nar.ts is the product's; core cannot import it).
type Node = { t: 'f'; data: string; x?: boolean } | { t: 'l'; target: string } | { t: 'd'; entries: Record<string, Node> };
function tok(s: string | Uint8Array): Buffer {
  const b = typeof s === 'string' ? Buffer.from(s) : Buffer.from(s);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(b.length));
  return Buffer.concat([len, b, Buffer.alloc((8 - (b.length % 8)) % 8)]);
}
function enc(n: Node): Buffer[] {
  const out = [tok('('), tok('type')];
  if (n.t === 'f') out.push(tok('regular'), ...(n.x ? [tok('executable'), tok('')] : []), tok('contents'), tok(n.data));
  else if (n.t === 'l') out.push(tok('symlink'), tok('target'), tok(n.target));
  else {
    out.push(tok('directory'));
    for (const name of Object.keys(n.entries).sort()) out.push(tok('entry'), tok('('), tok('name'), tok(name), tok('node'), ...enc(n.entries[name]!), tok(')'));
  }
  out.push(tok(')'));
  return out;
}
const nar = (n: Node): Uint8Array => new Uint8Array(Buffer.concat([tok('nix-archive-1'), ...enc(n)]));

const SYSTEM: Node = {
  t: 'd',
  entries: {
    kernel: { t: 'l', target: '/nix/store/0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-linux-6.6.1/bzImage' },
    initrd: { t: 'l', target: '/nix/store/1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a-initrd-linux-6.6.1/initrd' },
    'kernel-modules': { t: 'l', target: '/nix/store/2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a-linux-6.6.1-modules' },
    bin: { t: 'd', entries: { 'switch-to-configuration': { t: 'f', data: '#!/bin/sh\n', x: true } } },
    activate: { t: 'f', data: 'x'.repeat(1000) },
  },
};

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
    expect(listNarRoot(nar({ t: 'f', data: 'x' }))).toEqual({ ok: true, entries: new Map() });
  });

  it('refuses what is not a whole, well-formed NAR', () => {
    const good = nar(SYSTEM);
    expect(listNarRoot(good.subarray(0, good.length - 8))).toMatchObject({ ok: false });
    expect(listNarRoot(new Uint8Array([...good, 0, 0, 0, 0, 0, 0, 0, 0]))).toMatchObject({ ok: false, error: 'not a valid NAR: bytes after the end of the archive' });
    expect(listNarRoot(new Uint8Array(Buffer.from('garbage')))).toMatchObject({ ok: false });
    const unsorted = Buffer.concat([tok('nix-archive-1'), tok('('), tok('type'), tok('directory'),
      ...['b', 'a'].flatMap((n) => [tok('entry'), tok('('), tok('name'), tok(n), tok('node'), ...enc({ t: 'f', data: '' }), tok(')')]), tok(')')]);
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
