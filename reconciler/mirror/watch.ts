import { relative, sep } from 'node:path';
import { watch } from 'chokidar';
import { localGitdir } from './local.js';

/**
 * Watch a local repository's refs for pushes. chokidar events are a hint only:
 * a second change of one file within ~50 ms can be dropped, so every hint
 * (debounced) makes the caller re-read the refs. `packed-refs` lives outside
 * `refs/`, so it is watched too; lock files are ignored.
 */
export function watchLocalRefs(source: string, onHint: () => void, debounceMs = 20): { close(): Promise<void>; ready: Promise<void> } {
  const gitdir = localGitdir(source);
  const wanted = (p: string): boolean => {
    const rel = relative(gitdir, p);
    if (rel === '') return true;
    if (rel.endsWith('.lock')) return false;
    return rel === 'packed-refs' || rel === 'HEAD' || rel === 'refs' || rel.startsWith('refs' + sep);
  };
  const watcher = watch(gitdir, { ignored: (p: string) => !wanted(p), ignoreInitial: true, persistent: true });
  let timer: NodeJS.Timeout | undefined;
  const hint = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onHint();
    }, debounceMs);
  };
  watcher.on('all', hint);
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async close() {
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}

