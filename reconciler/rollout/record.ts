import type { ServedHead } from '../heads.js';

/**
 * What the reconciler keeps per channel about staged rollouts (DESIGN.md
 * §12): the head it concerns, what hosts outside the open waves are served
 * (`fallback`), and the rollout's progress when the head carries one. The
 * pure engine (engine.ts) moves it forward; the store (store.ts, etcd-store.ts)
 * persists it; the manager (manager.ts) wires both to reports and the routes.
 */
export interface RolloutRecord {
  /** The channel head this record concerns. */
  readonly head: ServedHead;
  /** The newest release before `head` whose rollout completed (or that had none): what gated hosts get. Null: none known. */
  readonly fallback: ServedHead | null;
  /** Null when `head` carries no rollout (every host gets it). */
  readonly progress: WaveProgress | null;
  /**
   * Releases this record's rollout replaced before they completed, kept for
   * the hosts whose wave of them was open (canonical host → digest): such a
   * host, gated here, keeps what it was given instead of being sent back to
   * `fallback` (which its agent would refuse as a replay).
   */
  readonly carried: { readonly heads: readonly ServedHead[]; readonly byHost: Readonly<Record<string, string>> };
}

export interface WaveProgress {
  readonly state: 'in-progress' | 'halted' | 'complete';
  /** The hosts each wave adds, snapshotted when the rollout started (core/rollout.ts planWaves); hosts seen later go with the last wave. */
  readonly plan: readonly (readonly string[])[];
  /** When each open wave opened (ISO); its length is the number of open waves (≥ 1). */
  readonly openedAt: readonly string[];
  /** Per host (canonical name): when the reconciler first saw it in-sync on the head's digest (ISO). */
  readonly syncedAt: Readonly<Record<string, string>>;
  /** Per host (canonical name): the failure counted against the rollout (report state and error code). */
  readonly failures: Readonly<Record<string, { readonly state: 'failed' | 'rolled-back'; readonly code: string | null; readonly at: string }>>;
  readonly haltReason: string | null;
  /**
   * Hosts (canonical) whose last report already said failed, refused or
   * rolled-back when their wave opened (an earlier release's failure), until
   * they report anything else. Such a host's agent repeats that report as a
   * heartbeat, so one arriving just after the wave opened is not taken for a
   * failure of this release (engine.ts HEARTBEAT_GRACE_MS).
   */
  readonly failingAtOpen: Readonly<Record<string, true>>;
}

/** The number of open waves. */
export function openWaves(p: WaveProgress): number {
  return p.openedAt.length;
}
