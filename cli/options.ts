import { UsageError } from '../core/errors/index.js';
import { HOST_NAME } from '../core/release.js';
import { assertStorePath } from '../core/store-path.js';

/** `--store-path P` and `--target HOST=P` into a targets map. */
export function parseTargets(storePath: string | undefined, targets: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  if (storePath !== undefined) out['*'] = assertStorePath(storePath, '--store-path');
  for (const t of targets) {
    const eq = t.indexOf('=');
    if (eq <= 0) throw new UsageError({ reason: 'invalid', option: '--target', value: t });
    const host = t.slice(0, eq);
    if (host !== '*' && !HOST_NAME.test(host)) {
      throw new UsageError({ reason: 'invalid', option: '--target host', value: host });
    }
    if (Object.hasOwn(out, host)) throw new UsageError({ reason: 'target-twice', host });
    out[host] = assertStorePath(t.slice(eq + 1), `--target ${host}`);
  }
  return out;
}

export function parseSourceRevision(s: string): string {
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(s)) {
    throw new UsageError({ reason: 'invalid', option: '--source-revision', value: s });
  }
  return s;
}

export function parseSubstituter(s: string, flag: '--substituter' | '--cache' = '--substituter'): string {
  if (!URL.canParse(s) || !['http:', 'https:', 'file:'].includes(new URL(s).protocol)) {
    throw new UsageError({ reason: 'invalid', option: flag, value: s });
  }
  return s;
}
