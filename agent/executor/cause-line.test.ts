import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CAUSE_MAX_CHARS, causeLine } from './cause-line.js';

describe('causeLine', () => {
  it('takes the last error: line', () => {
    const out = [
      'copying path ...',
      "error: opening directory '/tmp/root/nix/var/nix/profiles': No such file or directory",
      '',
    ].join('\n');
    expect(causeLine(out)).toBe("error: opening directory '/tmp/root/nix/var/nix/profiles': No such file or directory");
  });

  it('prefers the last error line over later noise', () => {
    const out = 'activating the configuration...\nerror: unit foo.service failed to start\nwarning: the following units failed: foo.service\n';
    expect(causeLine(out)).toBe('error: unit foo.service failed to start');
  });

  it('takes the last error of several', () => {
    expect(causeLine('error: first\nerror: second\n')).toBe('error: second');
  });

  it('falls back to the last non-empty line', () => {
    expect(causeLine('starting\nfoo.service: Failed with result exit-code.\n\n  \n')).toBe('foo.service: Failed with result exit-code.');
  });

  it('is undefined for no output', () => {
    expect(causeLine('')).toBeUndefined();
    expect(causeLine('\n \n\t\n')).toBeUndefined();
  });

  it('removes colours and terminal escapes', () => {
    expect(causeLine('\u001b[31;1merror:\u001b[0m disk full\u001b]0;title\u0007\n')).toBe('error: disk full');
  });

  it('handles carriage returns from progress bars', () => {
    expect(causeLine('[1/3 copied]\r[2/3 copied]\rerror: cannot connect\r\n')).toBe('error: cannot connect');
  });

  it('cuts long lines', () => {
    const c = causeLine('error: ' + 'x'.repeat(1000));
    expect(c).toHaveLength(CAUSE_MAX_CHARS);
    expect(c!.endsWith('…')).toBe(true);
  });

  it('never returns control characters or more than the limit', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (s) => {
        const c = causeLine(s);
        if (c === undefined) return;
        expect(c.length).toBeGreaterThan(0);
        expect(c.length).toBeLessThanOrEqual(CAUSE_MAX_CHARS);
        expect(c).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      }),
    );
  });
});
