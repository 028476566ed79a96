import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.js';
import type { Logger } from '../../core/log.js';
import { parseStoredReport, type ReportStore, type StoredReport } from './store.js';

export const REPORTS_FILE = 'reports.json';

/**
 * Reports in memory, snapshotted atomically to `<state_dir>/reports.json`
 * at most every `snapshotMs` and on close, and read back at start, each
 * through the report schema (one that does not match is dropped with a warning).
 */
export async function openMemoryStore(stateDir: string, log: Logger, snapshotMs = 1000): Promise<ReportStore> {
  const file = join(stateDir, REPORTS_FILE);
  const reports = new Map<string, StoredReport>();
  try {
    const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
    const list: unknown[] = raw !== null && typeof raw === 'object' && Array.isArray((raw as { reports?: unknown }).reports) ? (raw as { reports: unknown[] }).reports : [];
    let dropped = 0;
    for (const item of list) {
      const r = parseStoredReport(item);
      if (r) reports.set(r.report.host, r);
      else dropped++;
    }
    if (dropped > 0) log.warn(`reports snapshot ${file}: dropped ${dropped} report(s) that do not match the report schema`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log.warn(`reports snapshot ${file} is unreadable (${(e as Error).message}); starting with no reports`);
  }
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  const snapshot = (): Promise<void> => {
    const data = JSON.stringify({ version: 1, reports: [...reports.values()] }) + '\n';
    writing = writing.then(() => writeFileAtomic(file, data, 0o640)).catch((e: unknown) => log.warn(`cannot write ${file}: ${(e as Error).message}`));
    return writing;
  };
  return {
    kind: 'memory',
    async put(host, stored) {
      reports.set(host, stored);
      timer ??= setTimeout(() => {
        timer = undefined;
        void snapshot();
      }, snapshotMs);
    },
    async list() {
      return [...reports.values()];
    },
    async close() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await snapshot();
    },
  };
}
