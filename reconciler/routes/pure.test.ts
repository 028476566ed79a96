import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { matchesEtag } from './channels.js';
import { validHubSignature } from './hooks.js';
import { tokenAccepted } from './hosts.js';

describe('request checks', () => {
  it('matches If-None-Match lists, weak tags and *', () => {
    const e = '"sha256:ab"';
    expect(matchesEtag(e, e)).toBe(true);
    expect(matchesEtag(`"x", ${e}`, e)).toBe(true);
    expect(matchesEtag(`W/${e}`, e)).toBe(true);
    expect(matchesEtag('*', e)).toBe(true);
    expect(matchesEtag('"sha256:cd"', e)).toBe(false);
    expect(matchesEtag(undefined, e)).toBe(false);
  });

  it('checks X-Hub-Signature-256', () => {
    const body = Buffer.from('{"ref":"refs/heads/main"}');
    const good = 'sha256=' + createHmac('sha256', 's3cret').update(body).digest('hex');
    expect(validHubSignature(good, body, 's3cret')).toBe(true);
    expect(validHubSignature(good.toUpperCase().replace('SHA256=', 'sha256='), body, 's3cret')).toBe(true);
    expect(validHubSignature(good, Buffer.from('{"ref":"refs/heads/evil"}'), 's3cret')).toBe(false);
    expect(validHubSignature(good, body, 'other')).toBe(false);
    expect(validHubSignature('sha1=abc', body, 's3cret')).toBe(false);
    expect(validHubSignature(undefined, body, 's3cret')).toBe(false);
  });

  it('accepts only a configured bearer token (none configured: open)', () => {
    expect(tokenAccepted(undefined, [])).toBe(true);
    expect(tokenAccepted('Bearer t1', ['t0', 't1'])).toBe(true);
    expect(tokenAccepted('Bearer t2', ['t0', 't1'])).toBe(false);
    expect(tokenAccepted('t1', ['t1'])).toBe(false);
    expect(tokenAccepted(undefined, ['t1'])).toBe(false);
  });
});
