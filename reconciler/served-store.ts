import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';
import { EMPTY_STATE, type ServedState } from './heads.js';

/**
 * The only owner of `served.json`: what the reconciler served, persisted
 * atomically before it is announced, so a restart never serves older heads.
 */
export const SERVED_FILE = 'served.json';

export async function loadServedState(stateDir: string, branch: string): Promise<ServedState> {
  let text: string;
  try {
    text = await readFile(join(stateDir, SERVED_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_STATE;
    throw e;
  }
  const raw = JSON.parse(text) as { version: number; branch: string; state: ServedState };
  // A different branch starts a new history: its heads must not be compared with the old branch's commits.
  if (raw.version !== 1 || raw.branch !== branch) return { heads: raw.state.heads, refusals: {} };
  return raw.state;
}

export async function saveServedState(stateDir: string, branch: string, state: ServedState): Promise<void> {
  await writeFileAtomic(join(stateDir, SERVED_FILE), JSON.stringify({ version: 1, branch, state }) + '\n', 0o640);
}
