import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.js';
import type { Logger } from '../../core/log.js';
import type { StoredReport } from './schema.js';
import type { ReportStore } from './store.js';

export const REPORTS_FILE = 'reports.json';

/**
 * Reports in memory, snapshotted atomically to `<state_dir>/reports.json`
 * at most every `snapshotMs` and on close, and read back at start.
 */
export async function openMemoryStore(stateDir: string, log: Logger, snapshotMs = 1000): Promise<ReportStore> {
  const file = join(stateDir, REPORTS_FILE);
  const reports = new Map<string, StoredReport>();
  try {
    const raw = JSON.parse(await readFile(file, 'utf8')) as { version: number; reports: StoredReport[] };
    for (const r of raw.reports ?? []) reports.set(r.report.host, r);
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
