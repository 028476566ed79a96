import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateSecretKey, parsePublicKey } from './keys.js';
import { decodeNix32, encodeNix32 } from './nix32.js';
import { fingerprint, formatNarInfo, normalizeNarHash, parseNarInfo, signNarInfo, verifiedSigners, type NarInfo } from './narinfo.js';

// A narinfo made by real Nix 2.8 (`nix store sign`) in a local?root= store.
const REAL = [
  'StorePath: /nix/store/mxai3dvqm5w7rgmig2i6h22smnshbsai-top',
  'URL: nar/mxai3dvqm5w7rgmig2i6h22smnshbsai-0hbx5dy67n30k27bc9pn49gkxhdc9y8vyai05kdj9vvc58ppymc0.nar',
  'Compression: none',
  'NarHash: sha256:0hbx5dy67n30k27bc9pn49gkxhdc9y8vyai05kdj9vvc58ppymc0',
  'NarSize: 328',
  'References: r7cwmvx5pscrd67yviac2iblygkcy6lk-dep',
  'Deriver: 9lzbf47mdlqf6y0vxcnap6jl7bq9p1k1-top.drv',
  'Sig: test-1:ihVuYQGl5vcgSzEQI7oigK9k0ZFvzcy9gcbd/8V3Qp+znPIrcZ8r8ISesOz7Dd5cbPzH1V+WkVKku99BCsXqAw==',
  '',
].join('\n');
const REAL_KEY = parsePublicKey('test-1:iHYiQZ15pvlxi/hdAL0KaGX03cnJAbkF1kenPsIXdPQ=');

describe('nix32', () => {
  it('matches `nix hash to-base32`', () => {
    expect(normalizeNarHash('sha256-gFV/Lyps7yTbLCAqv5FPrME+XyL2JraOmGDYY3wrfUE=')).toBe('sha256:0hbx5dy67n30k27bc9pn49gkxhdc9y8vyai05kdj9vvc58ppymc0');
  });
  it('round-trips any 32 or 20 bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (b) => {
      expect(decodeNix32(encodeNix32(b), 32)).toEqual(b);
    }));
    fc.assert(fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (b) => {
      expect(decodeNix32(encodeNix32(b), 20)).toEqual(b);
    }));
  });
  it('refuses letters outside the alphabet', () => {
    expect(decodeNix32('e'.repeat(52), 32)).toBeUndefined();
  });
});

describe('narinfo', () => {
  it('parses what Nix writes and formats it back byte for byte', () => {
    const r = parseNarInfo(REAL);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.references).toEqual(['/nix/store/r7cwmvx5pscrd67yviac2iblygkcy6lk-dep']);
    expect(formatNarInfo(r.value)).toBe(REAL);
  });

  it('verifies a signature made by real Nix over the fingerprint', () => {
    const r = parseNarInfo(REAL);
    if (!r.ok) throw new Error(r.error);
    expect(fingerprint(r.value)).toBe(
      '1;/nix/store/mxai3dvqm5w7rgmig2i6h22smnshbsai-top;sha256:0hbx5dy67n30k27bc9pn49gkxhdc9y8vyai05kdj9vvc58ppymc0;328;/nix/store/r7cwmvx5pscrd67yviac2iblygkcy6lk-dep',
    );
    expect(verifiedSigners(r.value, [REAL_KEY])).toEqual(['test-1']);
    expect(verifiedSigners({ ...r.value, narSize: 329 }, [REAL_KEY])).toEqual([]);
    expect(verifiedSigners(r.value, [{ name: 'test-1', bytes: generateSecretKey('test-1').publicKey.bytes }])).toEqual([]);
  });

  it('signs so that its own key verifies, and another does not', () => {
    const r = parseNarInfo(REAL);
    if (!r.ok) throw new Error(r.error);
    const k = generateSecretKey('irisd-1');
    const n: NarInfo = { ...r.value, sigs: [signNarInfo(r.value, k)] };
    expect(verifiedSigners(n, [k.publicKey])).toEqual(['irisd-1']);
    expect(verifiedSigners(n, [REAL_KEY])).toEqual([]);
  });

  it('rejects what is not a narinfo for a plain store path', () => {
    expect(parseNarInfo('StorePath: /etc/passwd\nURL: x\nNarHash: sha256:0\nNarSize: 1\n').ok).toBe(false);
    expect(parseNarInfo(REAL.replace('NarSize: 328', 'NarSize: -1')).ok).toBe(false);
    expect(parseNarInfo(REAL.replace('References: r7', 'References: ../r7')).ok).toBe(false);
    expect(parseNarInfo('garbage').ok).toBe(false);
  });
});
