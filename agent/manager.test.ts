import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthCheckError, NixCopyError, ProfileError, SwitchError } from '../core/errors/index.js';
import { createLogger } from '../core/log.js';
import { eventually } from '../testkit/eventually.js';
import { testKey } from '../testkit/keys.js';
import { bytesOf, ReleaseChain } from '../testkit/release-chain.js';
import { storePath } from '../testkit/store-paths.js';
import { makeTempDir } from '../testkit/tmp.js';
import type { Executor } from './executor/types.js';
import type { HealthCheck } from './health.js';
import { Manager, type RebootDeps } from './manager.js';
import type { SlotAnswer } from './reboot/slot-client.js';
import type { RebootSystem } from './reboot/system.js';
import { parseWindow, type RebootWindow } from './reboot/window.js';
import type { PollResult } from './outcome.js';
import type { Report as AgentReport } from '../core/wire/report.js';
import type { FetchResult, Source } from './sources/types.js';
import { createStateStore, FLOOR_FILE, STATE_FILE, type AgentState } from './state.js';

// Manager's sequencing, with time owned by the test (STYLE.md, after comin's
// ExecutorMock): every executor step and the health check return a promise the
// test resolves or rejects, the source hands out what the test feeds it, and
// the state store is the real one in a temporary directory. Assertions wait
// (poll) for what the manager wrote or reported. Real Nix runs in test/agent*.

const A = storePath('a');
const B = storePath('b');
const C = storePath('c');
const CONFIGURED_SUBSTITUTERS = ['http://127.0.0.1:9/configured'];
const NOW = new Date('2026-01-02T00:00:00Z');

type StepName = 'copy' | 'profile' | 'switch' | 'health';

/** One executor step or health check, pending until the test settles it. */
interface Call {
  readonly step: StepName;
  readonly path?: string;
  readonly substituters?: readonly string[];
  resolve(ms?: number): void;
  reject(e: unknown): void;
}

/** The machine an agent runs on; it outlives an agent process that "crashes". */
interface Machine {
  profile: string | null;
  system: string | null;
  /** When set, profileTarget fails with it (an unreadable profile). */
  profileUnreadable?: ProfileError;
}

/** The calls one agent process made, in order; `next` hands them to the test one at a time. */
class Steps {
  readonly calls: Call[] = [];
  private taken = 0;

  call(step: StepName, extra: { path?: string; substituters?: readonly string[] } = {}): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.calls.push({ step, ...extra, resolve: (ms = 1) => resolve(ms), reject });
    });
  }

  /** The next call the manager makes (waiting for it), checked against what the test expects. */
  async next(step: StepName, path?: string): Promise<Call> {
    const c = await eventually(async () => this.calls[this.taken], `the manager's next step (${step}${path ? ` ${path}` : ''})`, 10_000, 5);
    this.taken++;
    expect({ step: c.step, path: c.path }, `call ${this.taken}`).toEqual({ step, path });
    return c;
  }

  /** Resolve every call, as it comes, until `until` settles (the happy path where the test has nothing to say). */
  async resolveAllUntil<T>(until: Promise<T>): Promise<T> {
    let done = false;
    const settled = until.finally(() => {
      done = true;
    });
    while (!done) {
      const c = this.calls[this.taken];
      if (c) {
        this.taken++;
        c.resolve();
      } else await new Promise((r) => setTimeout(r, 2));
    }
    return settled;
  }

  /** No call was made beyond those taken. */
  expectNoMore(): void {
    expect(this.calls.slice(this.taken).map((c) => `${c.step} ${c.path ?? ''}`)).toEqual([]);
  }
}

function fakeExecutor(machine: Machine, steps: Steps): { executor: Executor; health: HealthCheck } {
  return {
    executor: {
      profileTarget: async () => {
        if (machine.profileUnreadable) throw machine.profileUnreadable;
        return machine.profile;
      },
      copy: (path, substituters) => steps.call('copy', { path, substituters }),
      setProfile: async (path) => {
        const ms = await steps.call('profile', { path });
        machine.profile = path;
        return ms;
      },
      switchTo: async (path) => {
        const ms = await steps.call('switch', { path });
        machine.system = path;
        return ms;
      },
    },
    health: { command: 'test', run: () => steps.call('health') },
  };
}

/** A source the test feeds: each fed head is handed out once (then `unchanged`), again after `reset`. */
class FedSource implements Source {
  readonly kind = 'reconciler' as const;
  private head: { bytes: Uint8Array; commit: string } | undefined;
  private delivered = true;
  fetches = 0;

  feed(text: string, commit: string): void {
    this.head = { bytes: bytesOf(text), commit };
    this.delivered = false;
  }
  async fetch(): Promise<FetchResult> {
    this.fetches++;
    if (!this.head || this.delivered) return { kind: 'unchanged' };
    this.delivered = true;
    return { kind: 'head', head: this.head };
  }
  reset(): void {
    this.delivered = false;
  }
}

const key = testKey('test-only-ops-1');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** One host: a state directory, a machine, a source, and the reports it received. Agents are started on it with `agent()`. */
async function host() {
  const tmp = await makeTempDir('ogygia-manager-');
  cleanups.push(tmp.cleanup);
  const stateDir = join(tmp.path, 'state');
  const machine: Machine = { profile: null, system: null };
  const source = new FedSource();
  const reports: AgentReport[] = [];
  const chain = new ReleaseChain('prod', [key]);
  let commits = 0;
  const h = {
    dir: tmp.path,
    stateDir,
    machine,
    source,
    reports,
    chain,
    /** Publish the next release of the chain with these targets and feed it to the source. */
    publish(targets: Record<string, string>, extra: { substituters?: string[] } = {}) {
      const r = chain.next({ targets, ...extra });
      source.feed(r.text, (++commits).toString(16).padStart(40, '0'));
      return r;
    },
    /** Start an agent process on this host (the previous one, if any, is taken as dead). */
    async agent(opts: { dryRun?: boolean; reboot?: RebootDeps; now?: () => Date; random?: () => number } = {}) {
      const steps = new Steps();
      const { executor, health } = fakeExecutor(machine, steps);
      const manager = new Manager({
        host: 'web01',
        channel: 'prod',
        policy: { keys: [key.publicKey], threshold: 1 },
        root: tmp.path,
        action: 'switch',
        substituters: CONFIGURED_SUBSTITUTERS,
        source,
        executor,
        health,
        store: createStateStore(stateDir, () => NOW),
        publish: (r) => void reports.push(r),
        log: createLogger('agent', () => {}),
        agentVersion: '0.0.0-test',
        dryRun: opts.dryRun === true,
        now: opts.now ?? (() => NOW),
        ...(opts.reboot ? { reboot: opts.reboot } : {}),
        ...(opts.random ? { random: opts.random } : {}),
      });
      const recovered = manager.start();
      return { manager, steps, recovered };
    },
    async state(): Promise<AgentState> {
      return JSON.parse(await readFile(join(stateDir, STATE_FILE), 'utf8')) as AgentState;
    },
    /** Wait until state.json on disk matches. */
    async stateIs(what: string, match: (s: AgentState) => boolean): Promise<AgentState> {
      return eventually(async () => {
        const s = await h.state();
        return match(s) ? s : undefined;
      }, `state: ${what}`, 10_000, 5);
    },
    reportStates(): string[] {
      return reports.map((r) => (r.error ? `${r.state} ${r.error.code}` : r.state));
    },
  };
  return h;
}

/** Resolve every step the manager takes until `poll` is over. */
function runThrough(steps: Steps, poll: Promise<PollResult | undefined>): Promise<PollResult | undefined> {
  return steps.resolveAllUntil(poll);
}

/** A host that applied revision 1 (A) and runs an agent with nothing pending. */
async function hostOnA() {
  const h = await host();
  const a = await h.agent();
  await a.recovered;
  const r1 = h.publish({ '*': A });
  expect(await runThrough(a.steps, a.manager.pollOnce(0))).toMatchObject({ outcome: 'applied', revision: 1 });
  h.reports.length = 0;
  return { h, a, r1 };
}

// A step the test forgets to settle shows up as a timeout naming it, not as a two-minute hang.
describe('Manager', { timeout: 20_000 }, () => {
  it('applies a release step by step, writing the phase before each step, and reports it', async () => {
    const h = await host();
    const a = await h.agent();
    expect(await a.recovered).toBeUndefined();
    expect(h.reportStates()).toEqual(['idle']);

    const r1 = h.publish({ '*': A });
    const poll = a.manager.pollOnce(0);
    const copy = await a.steps.next('copy', A);
    expect(copy.substituters).toEqual(CONFIGURED_SUBSTITUTERS);
    await h.stateIs('copying revision 1', (s) => s.phase === 'copying' && s.revision === 1 && s.previousStorePath === null);
    expect(JSON.parse(await readFile(join(h.stateDir, FLOOR_FILE), 'utf8'))).toMatchObject({ revision: 1, digest: r1.digest });
    expect(h.reportStates()).toEqual(['idle', 'applying']);
    copy.resolve(40);

    const profile = await a.steps.next('profile', A);
    await h.stateIs('setting the profile', (s) => s.phase === 'setting-profile');
    profile.resolve(5);
    const sw = await a.steps.next('switch', A);
    await h.stateIs('switching', (s) => s.phase === 'switching');
    sw.resolve(300);
    const health = await a.steps.next('health');
    await h.stateIs('health-checking', (s) => s.phase === 'health-checking');
    expect(h.machine).toMatchObject({ profile: A, system: A });
    health.resolve(7);

    expect(await poll).toEqual({ outcome: 'applied', revision: 1 });
    a.steps.expectNoMore();
    expect(await h.state()).toMatchObject({ phase: 'applied', revision: 1, digest: r1.digest, storePath: A, good: { revision: 1, storePath: A }, resumes: 0, error: null });
    expect(h.reportStates()).toEqual(['idle', 'applying', 'applied']);
    expect(h.reports.at(-1)).toMatchObject({ host: 'web01', channel: 'prod', revision: 1, digest: r1.digest, timings: { copy: 40, profile: 5, switch: 300, health: 7 } });

    // The same head again: nothing to do.
    h.source.reset();
    expect(await a.manager.pollOnce(0)).toEqual({ outcome: 'up-to-date', revision: 1 });
    a.steps.expectNoMore();
  });

  it("copies from the release's own substituters when it names some", async () => {
    const h = await host();
    const a = await h.agent();
    await a.recovered;
    h.publish({ '*': A }, { substituters: ['https://cache.example.com'] });
    const poll = a.manager.pollOnce(0);
    const copy = await a.steps.next('copy', A);
    expect(copy.substituters).toEqual(['https://cache.example.com']);
    copy.resolve();
    expect(await runThrough(a.steps, poll)).toMatchObject({ outcome: 'applied' });
  });

  it('rolls back to the previous store path, with its own switch, when the switch fails', async () => {
    const { h, a } = await hostOnA();
    const r2 = h.publish({ '*': B });
    const poll = a.manager.pollOnce(0);
    (await a.steps.next('copy', B)).resolve();
    (await a.steps.next('profile', B)).resolve();
    (await a.steps.next('switch', B)).reject(new SwitchError({ storePath: B, action: 'switch', exitCode: 4, cause: 'error: unit foo.service failed', outputTail: 'error: unit foo.service failed' }));

    // Quarantined and recorded before anything is touched.
    const rollingBack = await h.stateIs('rolling back', (s) => s.phase === 'rolling-back');
    expect(rollingBack).toMatchObject({ previousStorePath: A, quarantined: [r2.digest], error: { code: 'SwitchError' } });
    (await a.steps.next('profile', A)).resolve();
    (await a.steps.next('switch', A)).resolve();

    expect(await poll).toMatchObject({ outcome: 'rolled-back', revision: 2, error: { code: 'SwitchError' } });
    a.steps.expectNoMore();
    expect(h.machine).toMatchObject({ profile: A, system: A });
    expect(await h.state()).toMatchObject({ phase: 'rolled-back', revision: 2, storePath: B, previousStorePath: A, good: { revision: 1, storePath: A }, quarantined: [r2.digest] });
    expect(h.reportStates()).toEqual(['applying', 'rolled-back SwitchError']);
    expect(h.reports.at(-1)).toMatchObject({ revision: 1, error: { outputTail: 'error: unit foo.service failed' } });
  });

  it('rolls back when the health check fails, and does not retry the quarantined digest until a newer release', async () => {
    const { h, a } = await hostOnA();
    const r2 = h.publish({ '*': B });
    const poll = a.manager.pollOnce(0);
    (await a.steps.next('copy', B)).resolve();
    (await a.steps.next('profile', B)).resolve();
    (await a.steps.next('switch', B)).resolve();
    (await a.steps.next('health')).reject(new HealthCheckError({ command: 'true', exitCode: 1, cause: null, outputTail: '' }));
    (await a.steps.next('profile', A)).resolve();
    (await a.steps.next('switch', A)).resolve();
    expect(await poll).toMatchObject({ outcome: 'rolled-back', revision: 2, error: { code: 'HealthCheckError' } });

    // The same head again, and again after a restart: quarantined, nothing runs.
    h.source.reset();
    expect(await a.manager.pollOnce(0)).toEqual({ outcome: 'quarantined', revision: 2 });
    a.steps.expectNoMore();
    const again = await h.agent();
    expect(await again.recovered).toBeUndefined();
    h.source.reset();
    expect(await again.manager.pollOnce(0)).toEqual({ outcome: 'quarantined', revision: 2 });
    again.steps.expectNoMore();
    expect((await h.state()).quarantined).toEqual([r2.digest]);
    expect(h.reports.at(-1)?.state).toBe('rolled-back');

    // A newer release (chaining on the quarantined one) applies.
    h.publish({ '*': C });
    const poll3 = again.manager.pollOnce(0);
    (await again.steps.next('copy', C)).resolve();
    expect(await runThrough(again.steps, poll3)).toMatchObject({ outcome: 'applied', revision: 3 });
    expect(await h.state()).toMatchObject({ phase: 'applied', good: { revision: 3, storePath: C }, previousStorePath: A });
  });

  it('refuses a replay of an older release and touches nothing', async () => {
    const { h, a, r1 } = await hostOnA();
    h.publish({ '*': B });
    await runThrough(a.steps, a.manager.pollOnce(0));
    h.reports.length = 0;
    const before = await readFile(join(h.stateDir, STATE_FILE), 'utf8');

    h.source.feed(r1.text, 'f'.repeat(40));
    const r = await a.manager.pollOnce(0);
    expect(r.outcome).toBe('refused');
    expect(r.error?.code).toBe('ReplayError');
    a.steps.expectNoMore();
    expect(h.reportStates()).toEqual(['refused ReplayError']);
    expect(h.reports[0]).toMatchObject({ revision: 2 });
    expect(await readFile(join(h.stateDir, STATE_FILE), 'utf8')).toBe(before);
    expect(JSON.parse(await readFile(join(h.stateDir, FLOOR_FILE), 'utf8')).revision).toBe(2);
    expect(h.machine).toMatchObject({ profile: B, system: B });
  });

  describe('a restart after a crash mid-apply resumes at the step the state says', () => {
    const cases: ReadonlyArray<{ crashAt: StepName; phase: AgentState['phase']; resumes: StepName[] }> = [
      { crashAt: 'copy', phase: 'copying', resumes: ['copy', 'profile', 'switch', 'health'] },
      { crashAt: 'profile', phase: 'setting-profile', resumes: ['profile', 'switch', 'health'] },
      { crashAt: 'switch', phase: 'switching', resumes: ['profile', 'switch', 'health'] },
      { crashAt: 'health', phase: 'health-checking', resumes: ['health'] },
    ];
    for (const c of cases) {
      it(`killed during ${c.phase}: resumes at ${c.resumes[0]}`, async () => {
        const { h, a } = await hostOnA();
        h.publish({ '*': B });
        void a.manager.pollOnce(0);
        // Let the first agent run up to the step where it "dies": that call is never settled.
        for (const s of ['copy', 'profile', 'switch', 'health'] as const) {
          const call = await a.steps.next(s, s === 'health' ? undefined : B);
          if (s === c.crashAt) break;
          call.resolve();
        }
        await h.stateIs(c.phase, (s) => s.phase === c.phase);

        const b = await h.agent();
        for (const s of c.resumes) (await b.steps.next(s, s === 'health' ? undefined : B)).resolve();
        expect(await b.recovered).toMatchObject({ outcome: 'applied', revision: 2 });
        b.steps.expectNoMore();
        expect(await h.state()).toMatchObject({ phase: 'applied', storePath: B, previousStorePath: A, good: { revision: 2, storePath: B }, resumes: 0 });
        expect(h.machine).toMatchObject({ profile: B, system: B });
        // The restarted agent has nothing left to do with the head.
        h.source.reset();
        expect(await b.manager.pollOnce(0)).toEqual({ outcome: 'up-to-date', revision: 2 });
      });
    }

    it('a switch that keeps killing the agent is rolled back on the third restart instead of looping', async () => {
      const { h, a } = await hostOnA();
      const r2 = h.publish({ '*': B });
      void a.manager.pollOnce(0);
      (await a.steps.next('copy', B)).resolve();
      (await a.steps.next('profile', B)).resolve();
      await a.steps.next('switch', B); // dies here
      for (let n = 1; n <= 2; n++) {
        const again = await h.agent();
        (await again.steps.next('profile', B)).resolve();
        await again.steps.next('switch', B); // and here again
        await h.stateIs(`resumed ${n} time(s)`, (s) => s.phase === 'switching' && s.resumes === n);
      }
      const last = await h.agent();
      (await last.steps.next('profile', A)).resolve();
      (await last.steps.next('switch', A)).resolve();
      expect(await last.recovered).toMatchObject({ outcome: 'rolled-back', revision: 2, error: { code: 'InterruptedApplyError' } });
      last.steps.expectNoMore();
      expect(await h.state()).toMatchObject({ phase: 'rolled-back', quarantined: [r2.digest], error: { code: 'InterruptedApplyError' } });
      expect(h.machine).toMatchObject({ profile: A, system: A });
    });

    it('killed during a rollback: the restart finishes the rollback', async () => {
      const { h, a } = await hostOnA();
      const r2 = h.publish({ '*': B });
      void a.manager.pollOnce(0);
      (await a.steps.next('copy', B)).resolve();
      (await a.steps.next('profile', B)).resolve();
      (await a.steps.next('switch', B)).reject(new SwitchError({ storePath: B, action: 'switch', exitCode: 4, cause: null, outputTail: '' }));
      await a.steps.next('profile', A); // dies here
      await h.stateIs('rolling back', (s) => s.phase === 'rolling-back');

      const b = await h.agent();
      (await b.steps.next('profile', A)).resolve();
      (await b.steps.next('switch', A)).resolve();
      expect(await b.recovered).toMatchObject({ outcome: 'rolled-back', revision: 2 });
      expect(await h.state()).toMatchObject({ phase: 'rolled-back', quarantined: [r2.digest], error: { code: 'SwitchError' } });
    });
  });

  it('a damaged replay floor stops applies, says which file and how to fix it, and applies resume once it is fixed', async () => {
    const { h } = await hostOnA();
    await writeFile(join(h.stateDir, FLOOR_FILE), '{"channel":"prod","rev');
    const b = await h.agent();
    expect(await b.recovered).toBeUndefined();
    expect(h.reportStates()).toEqual(['failed ReplayFloorCorruptError']);
    expect(h.reports[0]?.error?.message).toContain(join(h.stateDir, FLOOR_FILE));

    h.publish({ '*': B });
    const r = await b.manager.pollOnce(0);
    expect(r).toMatchObject({ outcome: 'failed', error: { code: 'ReplayFloorCorruptError' } });
    expect(r.error?.message).toMatch(/restore the file from a backup, or delete it/);
    b.steps.expectNoMore();
    expect(h.machine).toMatchObject({ profile: A, system: A });
    expect(await readFile(join(h.stateDir, FLOOR_FILE), 'utf8')).toBe('{"channel":"prod","rev');

    // The operator removes it: the floor recorded in state.json (revision 1) holds, and B applies.
    await rm(join(h.stateDir, FLOOR_FILE));
    expect(await runThrough(b.steps, b.manager.pollOnce(0))).toMatchObject({ outcome: 'applied', revision: 2 });
    expect(JSON.parse(await readFile(join(h.stateDir, FLOOR_FILE), 'utf8')).revision).toBe(2);
  });

  it('a damaged replay floor does not stop the recovery of an apply this host already accepted', async () => {
    const { h, a } = await hostOnA();
    h.publish({ '*': B });
    void a.manager.pollOnce(0);
    (await a.steps.next('copy', B)).resolve();
    (await a.steps.next('profile', B)).resolve();
    await a.steps.next('switch', B); // dies here
    await writeFile(join(h.stateDir, FLOOR_FILE), 'garbage');
    const b = await h.agent();
    (await b.steps.next('profile', B)).resolve();
    (await b.steps.next('switch', B)).resolve();
    (await b.steps.next('health')).resolve();
    expect(await b.recovered).toMatchObject({ outcome: 'applied', revision: 2 });
    // ...but nothing new is applied while it stays damaged.
    h.publish({ '*': C });
    expect(await b.manager.pollOnce(0)).toMatchObject({ outcome: 'failed', error: { code: 'ReplayFloorCorruptError' } });
    b.steps.expectNoMore();
  });

  it('an unreadable profile stops an apply before anything changes, and the apply runs once it reads again', async () => {
    const { h, a } = await hostOnA();
    h.machine.profileUnreadable = new ProfileError({ step: 'read', profile: '/nix/var/nix/profiles/system', errno: 'EACCES' });
    h.publish({ '*': B });
    const r = await a.manager.pollOnce(0);
    expect(r).toMatchObject({ outcome: 'failed', revision: 2, error: { code: 'ProfileError' } });
    a.steps.expectNoMore();
    expect(h.reportStates()).toEqual(['failed ProfileError']);
    expect(await h.state()).toMatchObject({ phase: 'applied', revision: 1 });
    expect(JSON.parse(await readFile(join(h.stateDir, FLOOR_FILE), 'utf8')).revision).toBe(1);

    delete h.machine.profileUnreadable;
    // The failed poll asked the source to hand the head out again.
    const poll = a.manager.pollOnce(0);
    (await a.steps.next('copy', B)).resolve();
    expect(await runThrough(a.steps, poll)).toMatchObject({ outcome: 'applied', revision: 2 });
    expect(await h.state()).toMatchObject({ previousStorePath: A });
  });

  it('a failed copy changes nothing, is not quarantined, and is retried at the next poll', async () => {
    const { h, a } = await hostOnA();
    h.publish({ '*': B });
    const poll = a.manager.pollOnce(0);
    (await a.steps.next('copy', B)).reject(new NixCopyError({ reason: 'copy-failed', storePath: B, attempts: [], cause: null, outputTail: '' }));
    expect(await poll).toMatchObject({ outcome: 'failed', revision: 2, error: { code: 'NixCopyError' } });
    a.steps.expectNoMore();
    expect(await h.state()).toMatchObject({ phase: 'failed', quarantined: [], error: { code: 'NixCopyError' } });
    expect(h.reportStates()).toEqual(['applying', 'failed NixCopyError']);
    expect(h.machine).toMatchObject({ profile: A, system: A });
    const retry = a.manager.pollOnce(0);
    (await a.steps.next('copy', B)).resolve();
    expect(await runThrough(a.steps, retry)).toMatchObject({ outcome: 'applied', revision: 2 });
  });

  it('a dry run verifies and plans, and touches nothing', async () => {
    const h = await host();
    const a = await h.agent({ dryRun: true });
    expect(await a.recovered).toBeUndefined();
    h.publish({ '*': A });
    expect(await a.manager.pollOnce(0)).toEqual({ outcome: 'would-apply', revision: 1 });
    a.steps.expectNoMore();
    await expect(h.state()).rejects.toThrow();
  });

  it('a heartbeat re-sends the last report with a fresh time', async () => {
    const { h, a } = await hostOnA();
    await a.manager.heartbeat();
    expect(h.reportStates()).toEqual(['applied']);
    h.source.feed(h.chain.next({ targets: { '*': B } }, [testKey('test-only-intruder')]).text, 'e'.repeat(40));
    expect((await a.manager.pollOnce(0)).error?.code).toBe('UnknownKeyError');
    await a.manager.heartbeat();
    expect(h.reportStates()).toEqual(['applied', 'refused UnknownKeyError', 'refused UnknownKeyError']);
    expect(h.reports.at(-1)).toMatchObject({ revision: 1, reportedAt: NOW.toISOString() });
  });
});

/**
 * The machine's boot side for the reboot tests: each system has a kernel
 * (by store path), /run/booted-system, the marker in /run, and the runs of
 * the reboot command. `boot()` is a reboot: /run emptied, another system booted.
 */
class BootSide implements RebootSystem {
  booted: string | null = A;
  marker = false;
  runs = 0;
  failWith: Error | undefined;
  /** writeMarker fails with it (a read-only /run). */
  markerFails: Error | undefined;
  constructor(private readonly kernels: Record<string, string>) {}
  async reasons(storePath: string) {
    return this.booted !== null && this.kernels[this.booted] !== this.kernels[storePath] ? ['kernel' as const] : [];
  }
  async bootedSystem() {
    return this.booted;
  }
  async markerPresent() {
    return this.marker;
  }
  async writeMarker() {
    if (this.markerFails) throw this.markerFails;
    this.marker = true;
  }
  async clearMarker() {
    this.marker = false;
  }
  async run() {
    this.runs++;
    if (this.failWith) throw this.failWith;
  }
  boot(system: string): void {
    this.marker = false;
    this.booted = system;
  }
}

/** Slots the test hands out: each ask takes the next answer (refused when none is left). */
class Slots {
  asks = 0;
  constructor(private readonly answers: SlotAnswer[]) {}
  async ask(): Promise<SlotAnswer> {
    this.asks++;
    return this.answers.shift() ?? { granted: false, retryAfterSeconds: 30, reason: 'HTTP 429' };
  }
}

describe('Manager and reboots (DESIGN.md §13)', { timeout: 20_000 }, () => {
  const kernels = { [A]: '6.1', [B]: '6.6', [C]: '6.1' };
  const win = (t: string): RebootWindow => parseWindow(t) as RebootWindow;

  it('a start in rebooting with the marker still in /run did not reboot: it waits for the reboot again, and reboots once more', async () => {
    const boot = new BootSide(kernels);
    const h = await host();
    const reboot: RebootDeps = { policy: 'when-required', window: undefined, system: boot };
    const a = await h.agent({ reboot });
    await a.recovered;
    h.publish({ '*': A });
    expect(await runThrough(a.steps, a.manager.pollOnce(0))).toMatchObject({ outcome: 'applied' });
    h.publish({ '*': B });
    expect(await runThrough(a.steps, a.manager.pollOnce(0))).toMatchObject({ outcome: 'rebooting', revision: 2 });
    expect([boot.runs, boot.marker, (await h.state()).phase]).toEqual([1, true, 'rebooting']);

    // The agent is restarted, but the machine never went down.
    const b = await h.agent({ reboot });
    expect(await b.recovered).toMatchObject({ outcome: 'reboot-required', revision: 2 });
    expect([boot.marker, (await h.state()).phase]).toEqual([false, 'reboot-required']);
    expect(await runThrough(b.steps, b.manager.pollOnce(0))).toMatchObject({ outcome: 'rebooting' });
    expect(boot.runs).toBe(2);

    // Now it does reboot, into B: health, then applied; nothing more to do.
    boot.boot(B);
    const c = await h.agent({ reboot });
    expect(await runThrough(c.steps, c.recovered)).toMatchObject({ outcome: 'applied', revision: 2 });
    expect(await h.state()).toMatchObject({ phase: 'applied', good: { revision: 2 } });
    expect(await runThrough(c.steps, c.manager.pollOnce(0))).toMatchObject({ outcome: 'unchanged' });
    expect(boot.runs).toBe(2);
    expect(h.reports.at(-1)).toMatchObject({ state: 'applied', revision: 2 });
  });

  it('from a reconciler it reboots only with a slot; refused, it reports reboot-required and asks again at the next poll', async () => {
    const boot = new BootSide(kernels);
    const slots = new Slots([{ granted: false, retryAfterSeconds: 30, reason: 'HTTP 429' }, { granted: true }]);
    const h = await host();
    const a = await h.agent({ reboot: { policy: 'when-required', window: undefined, system: boot, slots } });
    await a.recovered;
    h.publish({ '*': A });
    await runThrough(a.steps, a.manager.pollOnce(0));
    h.publish({ '*': B });
    expect(await runThrough(a.steps, a.manager.pollOnce(0))).toMatchObject({ outcome: 'reboot-required', revision: 2 });
    expect([slots.asks, boot.runs]).toEqual([1, 0]);
    expect(h.reports.at(-1)).toMatchObject({ state: 'reboot-required', revision: 1 });
    expect(await runThrough(a.steps, a.manager.pollOnce(0))).toMatchObject({ outcome: 'rebooting', revision: 2 });
    expect([slots.asks, boot.runs]).toEqual([2, 1]);
  });

  it('does not reboot when it cannot record that it reboots, and says why', async () => {
    const boot = new BootSide(kernels);
    boot.markerFails = Object.assign(new Error('read-only file system'), { code: 'EROFS' });
    const h = await host();
    const a = await h.agent({ reboot: { policy: 'when-required', window: undefined, system: boot } });
    await a.recovered;
    h.publish({ '*': A });
    await runThrough(a.steps, a.manager.pollOnce(0));
    h.publish({ '*': B });
    const r = await runThrough(a.steps, a.manager.pollOnce(0));
    expect([r?.outcome, r?.error?.code]).toEqual(['failed', 'StateWriteError']);
    expect([boot.runs, (await h.state()).phase]).toEqual([0, 'reboot-required']);
    expect(h.reportStates().at(-1)).toBe('reboot-required StateWriteError');
  });

  it('a userland-only change completes at once; policy never and a closed window never reboot', async () => {
    for (const reboot of [
      { policy: 'when-required' as const, window: undefined },
      { policy: 'never' as const, window: undefined },
      { policy: 'when-required' as const, window: win('02:00-03:00') },
    ]) {
      const boot = new BootSide(kernels);
      const h = await host();
      const a = await h.agent({ reboot: { ...reboot, system: boot }, now: () => new Date(2026, 0, 2, 12, 0) });
      await a.recovered;
      h.publish({ '*': A });
      await runThrough(a.steps, a.manager.pollOnce(0));
      h.publish({ '*': C });
      expect(await runThrough(a.steps, a.manager.pollOnce(0))).toMatchObject({ outcome: 'applied', revision: 2 });
      h.publish({ '*': B });
      const waits = reboot.policy === 'never' || reboot.window !== undefined;
      expect(await runThrough(a.steps, a.manager.pollOnce(0))).toMatchObject({ outcome: waits ? 'reboot-required' : 'rebooting', revision: 3 });
      expect(boot.runs).toBe(waits ? 0 : 1);
    }
  });

  it('from a git source it waits for the moment it drew in the window, then reboots once', async () => {
    const boot = new BootSide(kernels);
    let now = new Date(2026, 0, 2, 2, 0);
    const h = await host();
    const a = await h.agent({ reboot: { policy: 'when-required', window: win('01:00-03:00'), system: boot }, now: () => now, random: () => 0.5 });
    await a.recovered;
    h.publish({ '*': A });
    await runThrough(a.steps, a.manager.pollOnce(0));
    h.publish({ '*': B });
    // Half of the hour left: 02:30.
    expect(await runThrough(a.steps, a.manager.pollOnce(0))).toMatchObject({ outcome: 'reboot-required' });
    now = new Date(2026, 0, 2, 2, 29);
    expect(await runThrough(a.steps, a.manager.pollOnce(0))).toMatchObject({ outcome: 'unchanged' });
    expect(boot.runs).toBe(0);
    now = new Date(2026, 0, 2, 2, 30);
    expect(await runThrough(a.steps, a.manager.pollOnce(0))).toMatchObject({ outcome: 'rebooting' });
    expect(await runThrough(a.steps, a.manager.pollOnce(0))).toMatchObject({ outcome: 'unchanged' });
    expect(boot.runs).toBe(1);
  });
});
