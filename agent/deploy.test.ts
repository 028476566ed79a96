import { describe, expect, it } from 'vitest';
import { StateWriteError } from '../core/errors/index.js';
import { createLogger } from '../core/log.js';
import { applyDeployment, type DeployContext } from './deploy.js';
import { emptyState, type AgentState, type Deployment, type StateStore } from './state.js';

// The apply sequence with its side effects swapped for recorders (STYLE.md:
// comin's executor swap). Real Nix runs in test/agent*.test.ts; here we force
// the one failure real disks rarely give on cue: state that cannot be written.
const OLD = '/nix/store/0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-nixos-system-old';
const NEW = '/nix/store/1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b-nixos-system-new';
const d: Deployment = { revision: 2, digest: 'sha256:' + 'a'.repeat(64), commit: 'c'.repeat(40), storePath: NEW, sourceRevision: 'b'.repeat(40) };

function world(failSaveAt: ReadonlySet<AgentState['phase']>) {
  const calls: string[] = [];
  const saved: AgentState['phase'][] = [];
  const reports: string[] = [];
  const store: StateStore = {
    dir: '/nonexistent',
    load: async () => {
      throw new Error('not used');
    },
    save: async (s) => {
      if (failSaveAt.has(s.phase)) throw new StateWriteError({ owner: 'agent', file: '/nonexistent/state.json', errno: 'ENOSPC' });
      saved.push(s.phase);
      return s;
    },
    readFloor: async () => undefined,
    raiseFloor: async () => {},
  };
  const ctx: DeployContext = {
    store,
    executor: {
      profileTarget: async () => OLD,
      copy: async (p) => (calls.push(`copy ${p}`), 1),
      setProfile: async (p) => (calls.push(`profile ${p}`), 1),
      switchTo: async (p) => (calls.push(`switch ${p}`), 1),
    },
    health: { command: 'true', run: async () => (calls.push('health'), 1) },
    action: 'switch',
    log: createLogger('agent', () => {}),
    report: async (_s, state, err) => void reports.push(err ? `${state} ${err.code}` : state),
  };
  return { ctx, calls, saved, reports };
}

const start = { previousStorePath: OLD, substituters: ['https://cache.example.com'], startAt: 'copy' as const, resumed: false };

describe('applyDeployment when state cannot be written', () => {
  it('applies nothing when the first state write fails', async () => {
    const w = world(new Set(['copying']));
    await expect(applyDeployment(w.ctx, emptyState('prod'), d, start)).rejects.toMatchObject({ code: 'StateWriteError' });
    expect(w.calls).toEqual([]);
  });

  it('rolls back to the previous system, with its own switch, when the disk fills after the profile changed', async () => {
    const w = world(new Set(['switching', 'rolling-back', 'rolled-back']));
    const r = await applyDeployment(w.ctx, emptyState('prod'), d, start);
    expect(w.calls).toEqual([`copy ${NEW}`, `profile ${NEW}`, `profile ${OLD}`, `switch ${OLD}`]);
    expect(r.outcome).toBe('rolled-back');
    expect(r.state.quarantined).toEqual([d.digest]);
    expect(w.reports.at(-1)).toBe('rolled-back StateWriteError');
    expect(w.saved).toEqual(['copying', 'setting-profile']);
  });

  it('applies normally when every write succeeds', async () => {
    const w = world(new Set());
    const r = await applyDeployment(w.ctx, emptyState('prod'), d, start);
    expect(r.outcome).toBe('applied');
    expect(w.calls).toEqual([`copy ${NEW}`, `profile ${NEW}`, `switch ${NEW}`, 'health']);
    expect(w.saved).toEqual(['copying', 'setting-profile', 'switching', 'health-checking', 'applied']);
  });
});
