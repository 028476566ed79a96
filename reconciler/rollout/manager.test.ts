import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.js';
import type { Rollout } from '../../core/rollout.js';
import { eventually } from '../../testkit/eventually.js';
import { testKey } from '../../testkit/keys.js';
import { ReleaseChain, type Built } from '../../testkit/release-chain.js';
import type { ServedHead, ServedState } from '../heads.js';
import type { HostReport } from './engine.js';
import { createRolloutManager, eventLine } from './manager.js';
import type { RolloutRecord } from './record.js';
import type { RolloutStore } from './store.js';

// The manager with a store in memory, reports the test sets, and a clock the
// test moves: every decision comes from the engine, what is checked here is
// the wiring (persist before announce, wake on a wave, timers, leadership).

const chain = new ReleaseChain('prod', [testKey('test-only-ops-1')]);
const headOf = (b: Built): ServedHead => ({
  channel: 'prod',
  text: b.text,
  revision: b.doc.release.revision,
  digest: b.digest,
  commit: String(b.doc.release.revision).repeat(40),
  committedAt: '2026-11-21T09:00:00.000Z',
  blob: 'b'.repeat(40),
  servedAt: '2026-11-21T09:00:00.000Z',
});
const ROLLOUT: Rollout = { waves: [{ hosts: ['web01'], soakSeconds: 60 }, { percent: 100 }], maxFailures: 0 };
const r1 = chain.next();
const r2 = chain.next({ rollout: ROLLOUT });
const H1 = headOf(r1);
const H2 = headOf(r2);

function world(leads = true) {
  let now = Date.parse('2026-11-21T10:00:00.000Z');
  let reports: HostReport[] = [];
  let state: ServedState = { heads: { prod: H1 }, refusals: {} };
  const saved: Array<{ channel: string; record: RolloutRecord }> = [];
  const woken: string[] = [];
  const lines: string[] = [];
  let lead: (l: boolean) => void = () => {};
  const store: RolloutStore = {
    kind: 'file',
    async load() {
      return new Map();
    },
    async save(channel, record) {
      saved.push({ channel, record });
    },
    async follow(hooks) {
      lead = hooks.onLead;
      hooks.onLead(leads);
    },
    async close() {},
  };
  const manager = createRolloutManager({
    store,
    reports: async () => reports,
    enrolled: () => [],
    previousHead: async () => null,
    served: () => state,
    wake: (c) => woken.push(c),
    staleAfterMs: 600_000,
    log: createLogger('reconciler', (l) => lines.push(l)),
    now: () => new Date(now),
  });
  const report = (host: string, b: Built, state: HostReport['state'] = 'applied'): HostReport => ({
    host,
    channel: 'prod',
    state,
    digest: b.digest,
    errorCode: state === 'rolled-back' ? 'HealthCheckError' : null,
    receivedAt: new Date(now).toISOString(),
  });
  return {
    manager,
    saved,
    woken,
    lines,
    setReports: (r: HostReport[]) => (reports = r),
    report,
    serve: async (h: ServedHead) => {
      state = { heads: { prod: h }, refusals: {} };
      await manager.onServed(state);
    },
    advance: (ms: number) => (now += ms),
    lead: (l: boolean) => lead(l),
  };
}

describe('the rollout manager', () => {
  it('starts a rollout when its head is served (persisted first), gates the others, opens wave 2 once the soak has passed and wakes the long-polls (the timer itself: test/reconciler-rollout.test.ts)', async () => {
    const w = world();
    await w.manager.start();
    await w.serve(H1);
    w.setReports(['web01', 'web02', 'db01'].map((h) => w.report(h, r1)));
    await w.serve(H2);
    expect(w.saved.at(-1)?.record.head.digest).toBe(r2.digest);
    expect(w.manager.releaseFor('prod', 'web01', H2)).toBe(H2);
    expect(w.manager.releaseFor('prod', 'web02', H2)?.revision).toBe(1);
    expect(w.lines.some((l) => l.startsWith('reconciler: prod revision 2 rolls out in 2 waves over 3 known hosts'))).toBe(true);

    // web01 in-sync: the wave opens only once the clock passes the soak (the manager's timer would fire in 60 real seconds).
    w.setReports([w.report('web01', r2), w.report('web02', r1), w.report('db01', r1)]);
    w.manager.onReport('prod');
    await w.manager.idle();
    expect(w.woken).toEqual([]);
    w.advance(60_000);
    w.manager.onReport('prod'); // stands in for the timer (which fires in 60 real seconds)
    await w.manager.idle();
    await eventually(async () => (w.woken.length > 0 ? true : undefined), 'a wake-up');
    expect(w.woken).toEqual(['prod']);
    expect(w.lines).toContain(`reconciler: ${eventLine(H2, { kind: 'opened', wave: 2, waves: 2, percent: 100, hosts: 3 })}`);
    expect(w.lines).toContain('reconciler: prod revision 2 wave 2/2 opened (100%, 3 hosts)');
    expect(w.manager.releaseFor('prod', 'web02', H2)).toBe(H2);
    const p = (await w.manager.progress()).get('prod');
    expect(p).toMatchObject({ state: 'in-progress', wave: 2, waves: 2 });
    await w.manager.close();
  });

  it('halts on a canary that rolls back, logs it, and wakes nobody', async () => {
    const w = world();
    await w.manager.start();
    await w.serve(H1);
    await w.serve(H2);
    w.advance(1000);
    w.setReports([w.report('web01', r1, 'rolled-back')]);
    w.manager.onReport('prod');
    await w.manager.idle();
    expect(w.lines).toContain('reconciler: prod revision 2 halted: web01 rolled-back (HealthCheckError)');
    expect(w.woken).toEqual([]);
    expect((await w.manager.progress()).get('prod')).toMatchObject({ state: 'halted', failures: 1 });
    await w.manager.close();
  });

  it('a replica that does not lead starts nothing: a new head with a rollout is gated for every host until the leader records it', async () => {
    const w = world(false);
    await w.manager.start();
    await w.serve(H2);
    expect(w.saved).toEqual([]);
    expect(w.manager.releaseFor('prod', 'web01', H2)).toBeNull();
    w.lead(true);
    await eventually(async () => (w.manager.releaseFor('prod', 'web01', H2) === H2 ? true : undefined), 'the new leader starts the rollout');
    await w.manager.close();
  });
});
