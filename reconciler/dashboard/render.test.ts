import { describe, expect, it } from 'vitest';
import type { HostRow, HostState } from '../../core/wire/host-row.js';
import type { ServedState } from '../heads.js';
import { renderChannelPage, renderDashboard, renderHostPage } from './render.js';

const D2 = 'sha256:' + '2'.repeat(64);
const C2 = '2'.repeat(40);
const state: ServedState = {
  heads: { prod: { channel: 'prod', text: '{}', revision: 2, digest: D2, commit: C2, committedAt: '2026-11-21T09:00:00Z', blob: 'b'.repeat(40), servedAt: '2026-11-21T09:00:01Z' } },
  refusals: {},
};
const now = new Date('2026-11-21T10:00:00Z');
const row = (host: string, st: HostState, over: Partial<HostRow> = {}): HostRow => ({
  host, channel: 'prod', state: st, agentState: 'applied', desired: { revision: 2, digest: D2, commit: C2 }, applied: { revision: 2, digest: D2, commit: C2 },
  current: 'a1b2c3d4e5f6', booted: 'a1b2c3d4e5f6', nextboot: 'a1b2c3d4e5f6', error: null, agentVersion: '0.1.0', reportedAt: '2026-11-21T09:59:00Z', lastSeen: '2026-11-21T09:59:30Z', ...over,
});
const base = { state, now, source: '/srv/git', branch: 'main', lastSync: {} };
/** The host names in the order their rows appear. */
const hostOrder = (html: string): string[] => [...html.matchAll(/<a class="host" href="\/hosts\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]!);

describe('renderDashboard', () => {
  const hosts = [row('web01', 'in-sync'), row('web02', 'rolled-back'), row('web03', 'failed'), row('web04', 'applying')];

  it('lists problems first and links each host to its page', () => {
    expect(hostOrder(renderDashboard({ ...base, hosts }))).toEqual(['web03', 'web02', 'web04', 'web01']);
  });
  it('makes every counter a link to its state, keeping the other filters, and counts what the channel and name filters keep', () => {
    const withDb = [...hosts, row('db01', 'rolled-back', { channel: 'staging' })];
    const html = renderDashboard({ ...base, hosts: withDb, query: { channel: 'prod', q: 'web', page: 2 } });
    expect(html).toContain('<a class="tile bad" href="/?state=rolled-back&amp;channel=prod&amp;q=web"><div class="n">1</div><div>rolled-back</div></a>');
    expect(html).toContain('<a class="tile on" href="/?channel=prod&amp;q=web"><div class="n">4</div><div>matching hosts</div></a>');
    const all = renderDashboard({ ...base, hosts: withDb, query: { state: 'failed', page: 1 } });
    expect(all).toContain('<a class="tile bad" href="/?state=rolled-back"><div class="n">2</div><div>rolled-back</div></a>');
    expect(all).toContain('<a class="tile" href="/"><div class="n">5</div><div>all hosts</div></a>');
  });
  it('links channel names to their hosts and to their history', () => {
    const html = renderDashboard({ ...base, hosts });
    expect(html).toContain('<a class="chan" href="/?channel=prod">prod</a>');
    expect(html).toContain('<a class="chan small" href="/channels/prod">history</a>');
  });
  it('shows only the filtered hosts, keeps the filter in the search form, and says what is filtered', () => {
    const html = renderDashboard({ ...base, hosts, query: { state: 'rolled-back', page: 1 } });
    expect(hostOrder(html)).toEqual(['web02']);
    expect(html).toContain('<input type="hidden" name="state" value="rolled-back">');
    expect(html).toContain('state rolled-back · <a href="/">clear</a>');
  });
  it('pages 100 rows with previous and next links', () => {
    const many = Array.from({ length: 250 }, (_, i) => row(`h${String(i).padStart(3, '0')}`, 'in-sync'));
    const p2 = renderDashboard({ ...base, hosts: many, query: { page: 2 } });
    expect(hostOrder(p2)).toHaveLength(100);
    expect(hostOrder(p2)[0]).toBe('h100');
    expect(p2).toContain('hosts 101–200 of 250 · page 2 of 3');
    expect(p2).toContain('<a rel="prev" href="/">← previous</a>');
    expect(p2).toContain('<a rel="next" href="/?page=3">next →</a>');
    expect(renderDashboard({ ...base, hosts: many, query: { page: 9 } })).toContain('No host matches.');
  });
  it('escapes host data and shows only the first line of an error in the list', () => {
    const html = renderDashboard({ ...base, hosts: [row('web01', 'failed', { error: { code: 'SwitchError', message: 'bad <b>\nsecond line', outputTail: '<script>x</script>' } })] });
    expect(html).toContain('SwitchError: bad &lt;b&gt;…');
    expect(html).not.toContain('second line');
    expect(html).not.toContain('<script>x');
  });
  it('has the live-refresh script and a refresh for browsers without JavaScript', () => {
    const html = renderDashboard({ ...base, hosts });
    expect(html).toContain('<noscript><meta http-equiv="refresh" content="30"></noscript>');
    expect(html).toContain("const ids = ['tiles', 'hosts', 'updated'];");
    expect(html).toContain('<div class="tiles" id="tiles">');
    expect(html).toContain('<div id="hosts">');
  });
});

describe('renderHostPage', () => {
  it('shows revisions, desired vs applied, the last report and the full error, escaped', () => {
    const html = renderHostPage({
      row: row('web<1>', 'rolled-back', {
        applied: { revision: 1, digest: null, commit: null }, nextboot: 'ffffffffffff', agentState: 'rolled-back',
        error: { code: 'HealthCheckError', message: 'exited 3 & <more>', outputTail: 'line 1\n<script>alert(1)</script>\nline 3' },
      }),
      now,
      history: [
        { state: 'rolled-back', revision: 2, digest: D2, error: { code: 'HealthCheckError', message: 'exited 3 <x>' }, reportedAt: '2026-11-21T09:10:00Z', receivedAt: '2026-11-21T09:10:01Z' },
        { state: 'applied', revision: 1, digest: null, error: null, reportedAt: '2026-11-21T08:00:00Z', receivedAt: '2026-11-21T08:00:01Z' },
      ],
    });
    expect(html).toContain('<title>web&lt;1&gt; · Ogygia fleet</title>');
    expect(html).toContain('<dt>desired (served head)</dt><dd>revision 2 · digest <code>2222222222222222</code> · commit <code>222222222222</code></dd>');
    expect(html).toContain('<dt>applied</dt><dd><span class="warn">revision 1 · digest <code>—</code> · commit <code>—</code></span></dd>');
    expect(html).toContain('<dt>next boot</dt><dd><code>ffffffffffff</code> <span class="badge warn">reboot to apply</span></dd>');
    expect(html).toContain('<span id="error-message">exited 3 &amp; &lt;more&gt;</span>');
    expect(html).toContain('<pre class="tail" id="output-tail">line 1\n&lt;script&gt;alert(1)&lt;/script&gt;\nline 3</pre>');
    const history = html.slice(html.indexOf('<table id="history">'));
    expect([...history.matchAll(/<td><code>([a-z-]+)<\/code><\/td><td class="num">(\d+)<\/td>/g)].map((m) => `${m[1]} ${m[2]}`)).toEqual(['rolled-back 2', 'applied 1']);
    expect(history).toContain('<span class="badge bad">HealthCheckError</span><div class="why">exited 3 &lt;x&gt;</div>');
    expect(html).not.toContain('<script>');
  });
  it('has no error section for a host without an error', () => {
    expect(renderHostPage({ row: row('web01', 'in-sync'), now, history: [] })).not.toContain('<h2>Error</h2>');
  });
});

describe('renderChannelPage', () => {
  it('lists the history newest first with refusals, and links counters to the channel filter', () => {
    const html = renderChannelPage({
      channel: 'prod', state, now, counts: { 'rolled-back': 2 },
      history: [
        { revision: 3, commit: '3'.repeat(40), committedAt: '2026-11-21T09:30:00Z', error: { code: 'BadSignatureError', message: 'signature <x>' } },
        { revision: 2, digest: D2, commit: C2, committedAt: '2026-11-21T09:00:00Z', signers: ['ops-alice:QUJD', 'ops-<bob>:REVG'] },
      ],
    });
    expect(html).toContain('<a class="tile bad" href="/?state=rolled-back&amp;channel=prod"><div class="n">2</div><div>rolled-back</div></a>');
    expect([...html.matchAll(/<tr><td class="num">(\d+)<\/td>/g)].map((m) => m[1])).toEqual(['3', '2']);
    expect(html).toContain('<span class="badge bad">BadSignatureError</span><div class="why">signature &lt;x&gt;</div>');
    expect(html).toContain('<td><code title="ops-alice:QUJD">ops-alice</code>, <code title="ops-&lt;bob&gt;:REVG">ops-&lt;bob&gt;</code></td>');
  });
});
