import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { visible } from './terminal-safe.js';

describe('visible', () => {
  it('shows escape sequences instead of running them', () => {
    expect(visible('web01\u001b[1A\u001b[2K')).toBe('web01\\e[1A\\e[2K');
    expect(visible('\u001b]0;owned\u0007')).toBe('\\e]0;owned\\x07');
    expect(visible('a\tb\nc\rd\u009bx\u007f')).toBe('a\\tb\\nc\\rd\\x9bx\\x7f');
  });

  it('leaves printable text, emoji and wide characters alone', () => {
    expect(visible('⚡ current 🥾 ünïcødé 東京')).toBe('⚡ current 🥾 ünïcødé 東京');
  });

  it('never lets a control character through', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(visible(s)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      }),
    );
  });
});
