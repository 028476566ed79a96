import type { ServedHead } from './heads.js';
import type { DeliveryLog } from './webhook-deliveries.js';
import type { HttpLimits } from '../core/http-limits.js';
import type { Logger } from '../core/log.js';
import type { ServedState } from './heads.js';
import type { ReconcilerMetrics } from './metrics.js';
import type { ReportStore } from './reports/store.js';
import type { EnrollmentState } from './enrollment.js';
import type { Syncer } from './syncer.js';
import type { Waiters } from './waiters.js';
import type { ImpactReports } from './impact.js';
import type { RebootSlotStore } from './reboot-slots/store.js';
import type { RolloutManager } from './rollout/manager.js';

/** One version of a channel in history, for GET /v1/channels/:channel/history. */
export interface HistoryEntry {
  readonly revision?: number;
  readonly digest?: string;
  readonly commit: string;
  readonly committedAt: string;
  /** The `key` of each signature the version carries (`name:base64`), as committed: the reconciler's verdict on the head is in its refusals. */
  readonly signers?: readonly string[];
  readonly error?: { readonly code: string; readonly message: string };
}

/** Everything the HTTP routes use, passed in by main.ts (tests pass their own). */
export interface ServerContext {
  readonly served: () => ServedState;
  readonly lastSync: () => Syncer['last'];
  readonly history: (channel: string, limit: number) => Promise<HistoryEntry[]>;
  /** The channel file's versions (text as committed) between revision `since` and the served head, for an agent's skip. */
  readonly chain: (channel: string, head: ServedHead, since: number) => Promise<string[]>;
  readonly waiters: Waiters;
  /** Staged rollouts (DESIGN.md §12): what a host is served, and each channel's progress. */
  readonly rollouts: RolloutManager;
  readonly reports: ReportStore;
  /** Bearer tokens accepted for reports while no hosts.toml is on the branch; none = reports need no token. */
  readonly reportTokens: readonly string[];
  /** hosts.toml at the served branch commit: who may post reports (DESIGN.md §11). */
  readonly enrollment: () => EnrollmentState;
  /** Reboot slots (DESIGN.md §13) and `[rollout] max_concurrent_reboots`, `reboot_slot_timeout_seconds` (in ms). */
  readonly rebootSlots: { readonly store: RebootSlotStore; readonly max: number; readonly timeoutMs: number };
  /** `[reports] max_hosts`: reports for a new host beyond it are refused. */
  readonly maxHosts: number;
  readonly webhookSecret?: string;
  /** Which signed webhook deliveries to fetch for (replays and floods are not). */
  readonly deliveries: DeliveryLog;
  readonly triggerSync: (reason: string) => void;
  readonly metrics: ReconcilerMetrics;
  readonly staleAfterMs: number;
  readonly maxWaiters: number;
  /** Timeouts and the connection cap of the HTTP server ([http]). */
  readonly http: HttpLimits;
  readonly git: string;
  /** GIT_PROJECT_ROOT for `git http-backend`: holds channels.git. */
  readonly mirrorRoot: string;
  readonly source: string;
  readonly branch: string;
  readonly log: Logger;
  readonly now: () => Date;
  /** Closure diffs for the dashboard; absent when [impact] names no cache (then the dashboard shows none). */
  readonly impact?: ImpactReports;
}
