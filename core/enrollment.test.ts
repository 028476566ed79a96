import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEnrollment, lookAlikeTargets, matchEnrolled, parseEnrollment, tomlHostKey } from './enrollment.js';
import { InvalidEnrollmentError } from './errors/index.js';
import { formatSshPublicKey } from './host-key.js';
import { publicKeyOfSeed } from './keys.js';

const keyLine = (n: number, comment = `root@host${n}`): string => formatSshPublicKey({ bytes: publicKeyOfSeed(new Uint8Array(32).fill(n)), comment });
const K1 = keyLine(1);
const K2 = keyLine(2);
const K3 = keyLine(3);
const problems = (text: string): string[] => checkEnrollment(text).problems;

describe('hosts.toml (core/enrollment.ts)', () => {
  it('reads entries by name, dotted names quoted, keyed by canonical name', () => {
    const e = parseEnrollment(`# the fleet\n[hosts.web01]\nkey = "${K1}"\n\n[hosts."DB01.dc1.example.com"]\nkey = "${K2}"\n`);
    expect([...e.hosts.keys()]).toEqual(['web01', 'db01.dc1.example.com']);
    expect(e.hosts.get('db01.dc1.example.com')).toMatchObject({ name: 'DB01.dc1.example.com', key: { comment: 'root@host2' } });
    expect(e.hosts.get('web01')!.key.bytes).toEqual(publicKeyOfSeed(new Uint8Array(32).fill(1)));
  });

  it('takes an empty file, and one with an empty [hosts] table, as an enrollment of nobody', () => {
    expect(parseEnrollment('').hosts.size).toBe(0);
    expect(parseEnrollment('[hosts]\n').hosts.size).toBe(0);
  });

  it.each([
    ['an unknown top-level key', `owner = "ops"\n[hosts.web01]\nkey = "${K1}"`, 'owner: unknown key; hosts.toml holds only [hosts.<name>] tables'],
    ['an unknown field', `[hosts.web01]\nkey = "${K1}"\nrole = "web"`, 'hosts.web01.role: unknown key; an entry holds only key'],
    ['a missing key', `[hosts.web01]`, 'hosts.web01.key: required, a string "ssh-ed25519 BASE64 [comment]"'],
    ['a key that is not a string', `[hosts.web01]\nkey = 1`, 'hosts.web01.key: required, a string "ssh-ed25519 BASE64 [comment]"'],
    ['an RSA key', `[hosts.web01]\nkey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDI"`, 'hosts.web01.key: is a "ssh-rsa" key; only ssh-ed25519 host keys are enrolled'],
    ['a key that is not a key line', `[hosts.web01]\nkey = "AAAAC3NzaC1lZDI1NTE5"`, 'hosts.web01.key: must be "ssh-ed25519 BASE64 [comment]", the line of /etc/ssh/ssh_host_ed25519_key.pub'],
    ['a damaged key', `[hosts.web01]\nkey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"`, 'hosts.web01.key: is not a valid ssh-ed25519 key (the public key is cut short)'],
    ['a name that is not a host name', `[hosts."web 01"]\nkey = "${K1}"`, 'hosts."web 01": "web 01" is not a host name'],
    ['"*"', `[hosts."*"]\nkey = "${K1}"`, 'hosts."*": "*" is not a host name'],
    ['an unquoted dotted name', `[hosts.web01.example.com]\nkey = "${K1}"`, 'hosts.web01.example: unknown key; a host name with dots is quoted: [hosts."web01.example…"]'],
    ['two spellings of one host', `[hosts.web01]\nkey = "${K1}"\n[hosts.WEB01]\nkey = "${K2}"`, 'hosts.WEB01: names the same host as hosts.web01 (names compare ignoring case); keep one'],
    ['one key for two hosts', `[hosts.web01]\nkey = "${K1}"\n[hosts.web02]\nkey = "${keyLine(1, 'clone')}"`, 'hosts.web02.key: is the key of hosts.web01 too; each host has its own host key (a cloned image shares one: regenerate it)'],
    ['hosts that is not a table', `hosts = ["web01"]`, 'hosts: must be a table of [hosts.<name>] entries'],
  ])('refuses %s', (_what, text, problem) => {
    expect(problems(text)).toEqual([problem]);
  });

  it('refuses TOML errors, a table named twice included', () => {
    expect(problems(`[hosts.web01]\nkey = "${K1}"\n[hosts.web01]\nkey = "${K2}"`)[0]).toMatch(/^\(file\): not valid TOML: /);
    expect(problems('[hosts')[0]).toMatch(/^\(file\): not valid TOML: /);
  });

  it('lists every problem at once, and throws them as one InvalidEnrollmentError', () => {
    const text = `x = 1\n[hosts.web01]\nkey = "${K1}"\nextra = 2\n[hosts.Web01]\nkey = "${K2}"\n[hosts.db01]\n`;
    expect(problems(text)).toHaveLength(4);
    try {
      parseEnrollment(text, 'hosts.toml at 3b1c2d4e5f6a');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidEnrollmentError);
      expect((e as InvalidEnrollmentError).data.problems).toHaveLength(4);
      expect((e as InvalidEnrollmentError).message).toMatch(/^hosts\.toml at 3b1c2d4e5f6a cannot be used \(x: unknown key; .* and 3 more\); /);
    }
  });

  it('reads back any set of distinct hosts written as ogygia enroll writes them', () => {
    const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);
    const name = fc.array(label, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.'));
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 8, selector: (n) => n.toLowerCase() }), fc.boolean(), (names, upper) => {
        const text = names.map((n, i) => `[hosts.${tomlHostKey(upper ? n.toUpperCase() : n)}]\nkey = "${keyLine(i + 1)}"\n`).join('\n');
        const e = parseEnrollment(text);
        expect([...e.hosts.keys()].sort()).toEqual(names.map((n) => n.toLowerCase()).sort());
      }),
    );
  });

  it('never throws anything but its problems on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const r = checkEnrollment(s);
        expect(r.value !== undefined || r.problems.length > 0).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 12 }), fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string(), fc.integer()))), (hosts) => {
        const text = Object.entries(hosts)
          .map(([n, fields]) => `[hosts.${JSON.stringify(n)}]\n${Object.entries(fields).map(([k, v]) => `${JSON.stringify(k)} = ${JSON.stringify(v)}`).join('\n')}`)
          .join('\n');
        const r = checkEnrollment(text);
        expect(r.value !== undefined || r.problems.length > 0).toBe(true);
      }),
    );
  });
});

describe('matching names against the enrollment (the host identity rule)', () => {
  const e = parseEnrollment(`[hosts.web01]\nkey = "${K1}"\n[hosts."db01.dc1.example.com"]\nkey = "${K2}"\n[hosts.cache]\nkey = "${K3}"`);

  it('finds a host by any case, and tells a look-alike from a stranger', () => {
    expect(matchEnrolled(e, 'WEB01')).toMatchObject({ kind: 'enrolled', host: { name: 'web01' } });
    expect(matchEnrolled(e, 'db01.DC1.example.com.')).toMatchObject({ kind: 'enrolled', host: { name: 'db01.dc1.example.com' } });
    expect(matchEnrolled(e, 'web01.example.com')).toEqual({ kind: 'look-alike', name: 'web01' });
    expect(matchEnrolled(e, 'db01')).toEqual({ kind: 'look-alike', name: 'db01.dc1.example.com' });
    expect(matchEnrolled(e, 'db01.dc2.example.com')).toEqual({ kind: 'none' });
    expect(matchEnrolled(e, 'web010')).toEqual({ kind: 'none' });
  });

  it('lists release targets that only look like an enrolled host', () => {
    expect(lookAlikeTargets(['*', 'WEB01', 'db01', 'web01.example.com', 'cache', 'web02'], e)).toEqual([
      { target: 'db01', enrolled: 'db01.dc1.example.com' },
      { target: 'web01.example.com', enrolled: 'web01' },
    ]);
    expect(lookAlikeTargets(['web01', 'web01.example.com'], parseEnrollment(`[hosts.web01]\nkey = "${K1}"\n[hosts."web01.example.com"]\nkey = "${K2}"`))).toEqual([]);
  });
});
