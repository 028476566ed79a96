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
  const data = { kind: 'reconciler', url, timeoutSeconds };
  let res: Response;
  let body: unknown;
  try {
    const signal = AbortSignal.timeout(Math.max(1, Math.round(timeoutSeconds * 1000)));
    res = await fetch(endpoint, { headers: { accept: 'application/json' }, signal });
    body = res.ok ? await res.json() : undefined;
  } catch (e) {
    throw new FleetStoreUnavailableError(
      `failed to connect to the reconciler at ${JSON.stringify(url)}. Check that the URL is reachable and the reconciler service is running. Connection timeout: ${timeoutSeconds}s.`,
      { ...data, cause: (e as Error).message },
    );
  }
  if (!res.ok) {
    throw new FleetStoreUnavailableError(`the reconciler at ${JSON.stringify(url)} answered HTTP ${res.status} for /v1/hosts; check the reconciler's logs.`, {
      ...data,
      status: res.status,
    });
  }
  const read = readHostsBody(body);
  if ('problems' in read) {
    const shown = read.problems.slice(0, 3).join('; ') + (read.problems.length > 3 ? `; and ${read.problems.length - 3} more` : '');
    throw new FleetStoreUnavailableError(`the reconciler at ${JSON.stringify(url)} sent /v1/hosts in a shape Ogygia does not know (${shown}); upgrade ogygia or the reconciler so they match.`, {
      ...data,
      problems: read.problems.slice(0, 10),
    });
  }
  return read.fleet;
}
