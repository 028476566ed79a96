import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../core/atomic-write.js';
import type { Logger } from '../../core/log.js';
import { admitReport } from './admit.js';
import { type HistoryEntry, parseHistory, recordHistory } from './history.js';
import { latestPerHost, parseStoredReport, reportKey, type ReportStore, type StoredReport } from './store.js';

export const REPORTS_FILE = 'reports.json';

/** The snapshot file; each report in it is then read through the stored report schema on its own. */
const snapshotSchema = z.object({ version: z.number().int(), reports: z.array(z.unknown()), history: z.record(z.string(), z.unknown()).optional() });

/**
 * Reports in memory, snapshotted atomically to `<state_dir>/reports.json`
 * at most every `snapshotMs` and on close, and read back at start, each
 * through the report schema (one that does not match is dropped with a warning).
 * Reports are soft state (every agent sends its report again), so a snapshot
 * that cannot be read at all is logged and the reconciler starts with none.
 * Hosts are keyed by canonical name; of two spellings of one host in an older
 * snapshot, the report received last is kept.
 */
export async function openMemoryStore(stateDir: string, log: Logger, snapshotMs = 1000): Promise<ReportStore> {
  const file = join(stateDir, REPORTS_FILE);
  const read: StoredReport[] = [];
  let dropped = 0;
  const snap = await readSnapshot(file, log);
  for (const item of snap.reports) {
    const r = parseStoredReport(item);
    if (r) read.push(r);
    else dropped++;
  }
  const reports = latestPerHost(read);
  // Each host's history is read on its own: a damaged one is dropped, never the reports.
  const histories = new Map<string, readonly HistoryEntry[]>();
  for (const [key, value] of Object.entries(snap.history)) {
    if (reports.has(key)) histories.set(key, parseHistory(value));
  }
  if (dropped > 0) log.warn(`reports snapshot ${file}: dropped ${dropped} report(s) that do not match the report schema`);
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  const snapshot = (): Promise<void> => {
    const data = JSON.stringify({ version: 1, reports: [...reports.values()], history: Object.fromEntries(histories) }) + '\n';
    writing = writing.then(() => writeFileAtomic(file, data, 0o640)).catch((e: unknown) => log.warn(`cannot write ${file}: ${(e as Error).message}`));
    return writing;
  };
  return {
    kind: 'memory',
    async keep(host, stored, rules) {
      // No await between the look-up and the write: one report at a time passes this check.
      const key = reportKey(host);
      const admission = admitReport(stored, reports.get(key), reports.size, rules);
      if (!admission.kept) return admission;
      reports.set(key, stored);
      histories.set(key, recordHistory(histories.get(key) ?? [], stored));
      timer ??= setTimeout(() => {
        timer = undefined;
        void snapshot();
      }, snapshotMs);
      return admission;
    },
    async list() {
      return [...reports.values()];
    },
    onOtherReport() {
      // One reconciler, one writer: every report comes through its own route.
    },
    async history(host) {
      return histories.get(reportKey(host)) ?? [];
    },
    async close() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await snapshot();
    },
  };
}

interface Snapshot {
  readonly reports: unknown[];
  readonly history: Record<string, unknown>;
}

const NO_SNAPSHOT: Snapshot = { reports: [], history: {} };

/** The reports and histories in a snapshot file, unchecked; none (with a warning) when the file is unreadable, not JSON or off the snapshot schema. */
async function readSnapshot(file: string, log: Logger): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log.warn(`reports snapshot ${file} is unreadable (${(e as Error).message}); starting with no reports`);
    return NO_SNAPSHOT;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    log.warn(`reports snapshot ${file} is not JSON (${(e as Error).message}); starting with no reports, agents report again`);
    return NO_SNAPSHOT;
  }
  const parsed = snapshotSchema.safeParse(raw);
  if (!parsed.success) {
    log.warn(`reports snapshot ${file} is not a reports snapshot (${parsed.error.issues[0]?.message ?? 'wrong shape'}); starting with no reports, agents report again`);
    return NO_SNAPSHOT;
  }
  return { reports: parsed.data.reports, history: parsed.data.history ?? {} };
}
