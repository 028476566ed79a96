import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { loadConfigFile } from '../core/config-file.js';
import { etcdSectionFor, listenAddress, publicKeyString, seconds, toTrustConfig, trustSection } from '../core/config-schema.js';
import { HTTP_LIMIT_DEFAULTS, httpLimitsSection } from '../core/http-limits.js';
import type { TrustConfig } from '../core/trust.js';

/**
 * reconciler.toml (DESIGN.md §8). Keys beyond the contract, each with a
 * default that serves: poll_jitter_seconds, git, credentials_file,
 * [reports] stale_after_seconds and max_hosts, [long_poll] max_waiters, [http] (timeouts and
 * the connection cap, core/http-limits.ts), [impact] (the dashboard's closure
 * diffs: without it the dashboard shows none).
 */
export const reconcilerConfigSchema = z.strictObject({
  source: z
    .string()
    .min(1)
    .refine((s) => /^https?:\/\/\S+$/.test(s) || isAbsolute(s), 'must be an http(s):// git remote URL or an absolute path to a local repository'),
  branch: z
    .string()
    .regex(/^[A-Za-z0-9._/-]+$/, 'must be a branch name such as main')
    .refine((s) => !s.includes('..') && !s.startsWith('/') && !s.endsWith('.lock'), 'is not a valid branch name')
    .default('main'),
  listen: listenAddress.default('127.0.0.1:35740'),
  state_dir: z.string().refine(isAbsolute, 'must be an absolute path').default('/var/lib/ogygia-reconciler'),
  poll_interval_seconds: seconds.default(60),
  /** Up to this many seconds are added at random to each interval so replicas do not fetch in lockstep. */
  poll_jitter_seconds: z.number().min(0, 'must be 0 or more').optional(),
  /** The git program: the reconciler runs `git http-backend` (serving the mirror) and `git fetch` (local sources). */
  git: z.string().min(1).default('git'),
  /** Remote auth: one line, `USER:PASSWORD` (basic) or `Bearer TOKEN`. */
  credentials_file: z.string().refine(isAbsolute, 'must be an absolute path').optional(),
  trust: trustSection,
  webhook: z.strictObject({ secret_file: z.string().refine(isAbsolute, 'must be an absolute path') }).optional(),
  reports: z
    .strictObject({
      token_files: z.array(z.string().refine(isAbsolute, 'must be an absolute path')).default([]),
      /** A host with no report for this long shows as `stale` (default: 3 agent poll intervals of 60 s). */
      stale_after_seconds: seconds.default(180),
      /** The most hosts whose reports are kept (DESIGN.md §15): a report for a new host beyond it is refused (TooManyHostsError). */
      max_hosts: z.number().int('must be a whole number').min(1, 'must be at least 1').default(10_000),
    })
    .default({ token_files: [], stale_after_seconds: 180, max_hosts: 10_000 }),
  /** DESIGN.md §13: reboot slots per channel. */
  rollout: z
    .strictObject({
      /** Hosts of one channel that may reboot at once (POST /v1/hosts/:host/reboot-slot). */
      max_concurrent_reboots: z.number().int('must be a whole number').min(1, 'must be at least 1').default(1),
      /** A slot nobody releases (the host never reported back) frees after this long. */
      reboot_slot_timeout_seconds: seconds.default(1800),
    })
    .default({ max_concurrent_reboots: 1, reboot_slot_timeout_seconds: 1800 }),
  long_poll: z
    .strictObject({
      /** Requests holding a long-poll at once; beyond it `?wait` answers at once (304) instead of waiting. */
      max_waiters: z.number().int().min(0).default(50_000),
    })
    .default({ max_waiters: 50_000 }),
  http: httpLimitsSection.default({ ...HTTP_LIMIT_DEFAULTS }),
  etcd: etcdSectionFor('/ogygia').optional(),
  /** Binary caches the dashboard reads closures from, and the keys whose narinfo signatures it believes (DESIGN.md §14). */
  impact: z
    .strictObject({
      caches: z.array(z.string().regex(/^(https?|file):\/\/\S+$/, 'must be an http(s):// or file:// binary cache URL')).min(1, 'must list at least one binary cache'),
      trusted_keys: z.array(publicKeyString).min(1, 'must list at least one cache key (NAME:BASE64)'),
      /** Narinfo requests in flight at once. */
      concurrency: z.number().int().min(1).max(256).default(16),
    })
    .optional(),
});

export type ReconcilerConfigFile = z.output<typeof reconcilerConfigSchema>;

/** The validated configuration in the shape the reconciler uses. */
export interface ReconcilerConfig {
  readonly file: ReconcilerConfigFile;
  readonly trust: TrustConfig;
  readonly sourceKind: 'remote' | 'local';
}

export function toReconcilerConfig(file: ReconcilerConfigFile): ReconcilerConfig {
  return { file, trust: toTrustConfig(file.trust), sourceKind: /^https?:\/\//.test(file.source) ? 'remote' : 'local' };
}

/** Read and validate reconciler.toml; throws ConfigError listing every `path.to.key: problem`. */
export async function loadReconcilerConfig(file: string): Promise<ReconcilerConfig> {
  return toReconcilerConfig(await loadConfigFile(file, reconcilerConfigSchema));
}
