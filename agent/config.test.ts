import { describe, expect, it } from 'vitest';
import { testPublicKey } from '../testkit/keys.js';
import { parseAgentConfig, reportBaseUrl, sourceSpec, toAgentConfig } from './config.js';

const pub = testPublicKey('test-only-ops-1');

describe('agent config', () => {
  it('fills defaults for a minimal file', () => {
    const r = parseAgentConfig(`channel = "prod"\nsource = "http://127.0.0.1:35740"\n[trust]\nkeys = ["${pub}"]\n`);
    expect(r.errors).toEqual([]);
    expect(r.value).toMatchObject({
      poll_interval_seconds: 60,
      state_dir: '/var/lib/ogygia-agent',
      nix: { profile: '/nix/var/nix/profiles/system', action: 'switch', substituters: [] },
      health: { timeout_seconds: 120 },
      trust: { threshold: 1 },
    });
  });

  it('lists every problem as path: message', () => {
    const r = parseAgentConfig(
      `channel = "Prod!"\nsource = "ftp://x"\nstate_dir = "relative"\nbogus = 1\n[trust]\nkeys = ["${pub}"]\nthreshold = 2\n[nix]\naction = "reboot"\n`,
    );
    expect(r.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^channel: /),
        expect.stringMatching(/^source: /),
        expect.stringMatching(/^state_dir: /),
        expect.stringMatching(/^bogus: unknown key/),
        expect.stringMatching(/^trust\.threshold: is 2 but only 1 key/),
        expect.stringMatching(/^nix\.action: /),
      ]),
    );
  });

  it('reads the three kinds of source', () => {
    expect(sourceSpec('http://r:35740/')).toEqual({ kind: 'reconciler', url: 'http://r:35740' });
    expect(sourceSpec('git+https://r/git/channels.git')).toEqual({ kind: 'git-remote', url: 'https://r/git/channels.git' });
    expect(sourceSpec('/srv/git/channels.git')).toEqual({ kind: 'git-local', path: '/srv/git/channels.git' });
  });

  it('reports to the reconciler source unless [report] url says otherwise', () => {
    const base = `channel = "prod"\n[trust]\nkeys = ["${pub}"]\n`;
    const http = toAgentConfig(parseAgentConfig(`source = "http://r:35740"\n${base}`).value!);
    expect(reportBaseUrl(http)).toBe('http://r:35740');
    const git = toAgentConfig(parseAgentConfig(`source = "/srv/git/channels.git"\n${base}`).value!);
    expect(reportBaseUrl(git)).toBeUndefined();
    const both = toAgentConfig(parseAgentConfig(`source = "/srv/git/channels.git"\n${base}[report]\nurl = "http://r:35740/"\n`).value!);
    expect(reportBaseUrl(both)).toBe('http://r:35740');
  });
});
