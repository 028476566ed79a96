import { UsageError } from '../core/errors/index.js';
import { HOST_NAME } from '../core/release.js';
import { assertStorePath } from '../core/store-path.js';

/** commander helper: collect a repeatable option into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--store-path P` and `--target HOST=P` into a targets map. */
export function parseTargets(storePath: string | undefined, targets: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  if (storePath !== undefined) out['*'] = assertStorePath(storePath, '--store-path');
  for (const t of targets) {
    const eq = t.indexOf('=');
    if (eq <= 0) throw new UsageError(`--target ${JSON.stringify(t)} is not HOST=STORE_PATH; write it like --target web01=/nix/store/...`, { value: t });
    const host = t.slice(0, eq);
    if (host !== '*' && !HOST_NAME.test(host)) {
      throw new UsageError(`--target host ${JSON.stringify(host)} is not a host name or "*"; name the host as it names itself.`, { value: t });
    }
    if (Object.hasOwn(out, host)) throw new UsageError(`Host ${host} is targeted twice; give one store path per host.`, { host });
    out[host] = assertStorePath(t.slice(eq + 1), `--target ${host}`);
  }
  return out;
}

export function parseSourceRevision(s: string): string {
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(s)) {
    throw new UsageError(`--source-revision ${JSON.stringify(s)} is not a full lowercase git commit id; pass \`git rev-parse HEAD\` of your NixOS config repository.`, {
      value: s,
    });
  }
  return s;
}

export function parseSubstituter(s: string, flag = '--substituter'): string {
  try {
    const u = new URL(s);
    if (!['http:', 'https:', 'file:'].includes(u.protocol)) throw new Error('scheme');
    return s;
  } catch {
    throw new UsageError(`${flag} ${JSON.stringify(s)} is not an http(s):// or file:// URL; give the binary cache URL hosts fetch from.`, { value: s });
  }
}
