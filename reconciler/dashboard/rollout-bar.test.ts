import { describe, expect, it } from 'vitest';
import type { RolloutProgress } from '../../core/wire/channel-list.js';
import { renderRolloutBar } from './rollout-bar.js';

const P: RolloutProgress = {
  state: 'in-progress',
  revision: 42,
  digest: 'sha256:' + '4'.repeat(64),
  wave: 2,
  waves: 3,
  hostsInWaves: 12,
  hostsTotal: 48,
  hostsDone: 6,
  failures: 0,
  maxFailures: 1,
  haltReason: null,
  waveOpenedAt: '2026-11-21T10:00:00.000Z',
  nextWaveAt: null,
  fallback: { revision: 41, digest: 'sha256:' + '1'.repeat(64) },
};

describe('renderRolloutBar', () => {
  it('shows wave k of n, hosts in-sync and in open waves as a bar, and what the others get', () => {
    const html = renderRolloutBar(P);
    expect(html).toContain('revision 42 wave 2/3: 6 of 48 hosts in-sync, 12 in open waves');
    expect(html).toContain('role="progressbar"');
    expect(html).toContain('aria-valuenow="6"');
    expect(html).toContain('<div class="open" style="width:25%"></div><div class="done" style="width:12.5%"></div>');
    expect(html).toContain('others get revision 41');
    expect(html).not.toContain('<script');
  });

  it('says halted and why, escaped', () => {
    const html = renderRolloutBar({ ...P, state: 'halted', failures: 1, maxFailures: 0, haltReason: 'db01 rolled-back (<HealthCheckError>)' });
    expect(html).toContain('<span class="badge bad">halted</span>');
    expect(html).toContain('halted: db01 rolled-back (&lt;HealthCheckError&gt;)');
    expect(html).toContain('1 failure (max 0)');
  });

  it('shows the next wave time while soaking, complete when done, and a dash without a rollout', () => {
    expect(renderRolloutBar({ ...P, nextWaveAt: '2026-11-21T10:30:00.000Z' })).toContain('next wave at 2026-11-21T10:30:00.000Z');
    expect(renderRolloutBar({ ...P, state: 'complete', wave: 3, hostsDone: 48, hostsInWaves: 48 })).toContain('revision 42 complete: 48 of 48 hosts in-sync');
    expect(renderRolloutBar(null)).toBe('<span class="muted">—</span>');
  });
});
