import { FleetStoreUnavailableError } from '../core/errors/index.js';
import { readHostsBody } from './reconciler-hosts.js';
import type { FleetHost } from './rows.js';

/**
 * Read the fleet from a reconciler's `GET <url>/v1/hosts`, bounded by
 * `timeoutSeconds` (connect and body), through the host row schema
 * (core/wire/host-row.ts). Any failure, a body off that schema included, is a
 * FleetStoreUnavailableError whose message `ogygia status` prints before
 * falling back to local data.
 */
export async function readReconcilerHosts(url: string, timeoutSeconds: number): Promise<FleetHost[]> {
  const endpoint = `${url.replace(/\/+$/, '')}/v1/hosts`;
  const at = { kind: 'reconciler', url, timeoutSeconds } as const;
  let res: Response;
  let body: unknown;
  try {
    const signal = AbortSignal.timeout(Math.max(1, Math.round(timeoutSeconds * 1000)));
    res = await fetch(endpoint, { headers: { accept: 'application/json' }, signal });
    body = res.ok ? await res.json() : undefined;
  } catch (e) {
    throw new FleetStoreUnavailableError({ reason: 'unreachable', ...at, cause: (e as Error).message });
  }
  if (!res.ok) {
    throw new FleetStoreUnavailableError({ reason: 'status', ...at, status: res.status });
  }
  const read = readHostsBody(body);
  if ('problems' in read) {
    throw new FleetStoreUnavailableError({ reason: 'shape', ...at, problems: read.problems });
  }
  return read.fleet;
}
