import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEnrollment } from '../../core/enrollment.js';
import { formatSshPublicKey, type SshPublicKey } from '../../core/host-key.js';
import { publicKeyOfSeed } from '../../core/keys.js';
import { codeOf } from '../../testkit/error-code.js';
import { enrollHost } from './hosts-file.js';

const key = (n: number, comment = `root@h${n}`): SshPublicKey => ({ bytes: publicKeyOfSeed(new Uint8Array(32).fill(n)), comment });

describe('enrollHost (pure): what `ogygia enroll` writes to hosts.toml', () => {
  it('creates the file with a header that says what it does, then appends entries', () => {
    const a = enrollHost(undefined, 'web01', key(1));
    expect(a.change).toBe('created');
    expect(a.text).toMatch(/^# Ogygia enrollment/);
    expect(a.text).toContain(`[hosts.web01]\nkey = "${formatSshPublicKey(key(1))}"\n`);
    const b = enrollHost(a.text, 'db01.dc1.example.com', key(2));
    expect(b.change).toBe('added');
    expect(b.text.startsWith(a.text)).toBe(true);
    expect(b.text).toContain('[hosts."db01.dc1.example.com"]');
    expect([...parseEnrollment(b.text).hosts.keys()]).toEqual(['web01', 'db01.dc1.example.com']);
  });

  it('replaces the key line of an existing entry in place, keeping comments, order and its spelling', () => {
    const text = `# rack 3\n[hosts.WEB01] # the front\nkey = "${formatSshPublicKey(key(1))}"  # old\n\n# db\n[hosts.db01]\nkey = "${formatSshPublicKey(key(2))}"\n`;
    const e = enrollHost(text, 'web01', key(3));
    expect(e).toMatchObject({ change: 'updated', name: 'WEB01' });
    expect(e.text).toBe(text.replace(`key = "${formatSshPublicKey(key(1))}"  # old`, `key = "${formatSshPublicKey(key(3))}"`));
    expect(e.rewritten).toBeUndefined();
  });

  it('writes the file anew when the entry is in a form it does not edit in place', () => {
    const text = `hosts.web01.key = "${formatSshPublicKey(key(1))}"\n`;
    const e = enrollHost(text, 'web01', key(3));
    expect(e).toMatchObject({ change: 'updated', rewritten: true });
    expect(parseEnrollment(e.text).hosts.get('web01')!.key.bytes).toEqual(key(3).bytes);
  });

  it('changes nothing when the host is enrolled with this key already', () => {
    const a = enrollHost(undefined, 'web01', key(1));
    expect(enrollHost(a.text, 'WEB01', key(1, 'another comment'))).toEqual({ text: a.text, change: 'unchanged', name: 'web01' });
  });

  it('refuses a key already enrolled for another host, and a hosts.toml that does not parse', () => {
    const a = enrollHost(undefined, 'web01', key(1));
    expect(codeOf(() => enrollHost(a.text, 'web02', key(1)))).toBe('InvalidEnrollmentError');
    expect(codeOf(() => enrollHost('[hosts.web01]\nrole = "x"\n', 'web02', key(2)))).toBe('InvalidEnrollmentError');
  });

  it('says when the new name only looks like an enrolled one', () => {
    const a = enrollHost(undefined, 'web01', key(1));
    expect(enrollHost(a.text, 'web01.example.com', key(2))).toMatchObject({ change: 'added', lookAlike: 'web01' });
  });

  it('keeps a file without a final newline valid, and comments with control characters out', () => {
    const a = enrollHost(`[hosts.web01]\nkey = "${formatSshPublicKey(key(1))}"`, 'web02', key(2, 'evil\u001b[2K"\\'));
    expect(parseEnrollment(a.text).hosts.get('web02')!.key.comment).toBe('evil [2K"\\');
  });

  it('enrolls any sequence of hosts so that the file says exactly that', () => {
    const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,6}[a-z0-9])?$/);
    const name = fc.array(label, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.'));
    fc.assert(
      fc.property(fc.array(fc.tuple(name, fc.integer({ min: 1, max: 200 })), { maxLength: 12 }), (steps) => {
        let text: string | undefined;
        const want = new Map<string, number>();
        const owner = new Map<number, string>();
        for (const [host, k] of steps) {
          const canonical = host.toLowerCase();
          if (owner.has(k) && owner.get(k) !== canonical) {
            expect(codeOf(() => enrollHost(text, host, key(k)))).toBe('InvalidEnrollmentError');
            continue;
          }
          text = enrollHost(text, host, key(k)).text;
          const before = want.get(canonical);
          if (before !== undefined) owner.delete(before);
          want.set(canonical, k);
          owner.set(k, canonical);
        }
        if (text === undefined) return;
        const got = parseEnrollment(text).hosts;
        expect(new Map([...got].map(([h, e]) => [h, e.key.bytes]))).toEqual(new Map([...want].map(([h, k]) => [h, key(k).bytes])));
      }),
    );
  });
});
