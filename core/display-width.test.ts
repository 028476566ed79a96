import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { displayWidth } from './display-width.js';

describe('displayWidth', () => {
  it('counts the double-width glyphs as two columns', () => {
    expect(displayWidth('⚡ current')).toBe(10);
    expect(displayWidth('🥾 booted')).toBe(9);
    expect(displayWidth('🔜 next boot')).toBe(12);
    expect(displayWidth('web01')).toBe(5);
  });
  it('agrees with string-width on any string', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), (s) => {
      expect(displayWidth(s)).toBe(stringWidth(s));
    }));
  });
});
