import { OgygiaError } from './OgygiaError.js';

const NAMES = { etcd: 'etcd', zookeeper: 'ZooKeeper' } as const;

export type FleetStoreUnavailableFields =
  /** etcd or ZooKeeper could not be reached or read within its timeout. */
  | {
      readonly reason: 'unreachable';
      readonly kind: 'etcd' | 'zookeeper';
      readonly endpoints: readonly string[];
      readonly timeoutSeconds: number;
      readonly cause?: string;
    }
  /** The reconciler could not be reached within the timeout. */
  | { readonly reason: 'unreachable'; readonly kind: 'reconciler'; readonly url: string; readonly timeoutSeconds: number; readonly cause?: string }
  /** The reconciler answered `GET /v1/hosts` with an error status. */
  | { readonly reason: 'status'; readonly kind: 'reconciler'; readonly url: string; readonly timeoutSeconds: number; readonly status: number }
  /** The reconciler's `/v1/hosts` body is off the host row schema (core/wire/host-row.ts). */
  | { readonly reason: 'shape'; readonly kind: 'reconciler'; readonly url: string; readonly timeoutSeconds: number; readonly problems: readonly string[] };

function sentence(f: FleetStoreUnavailableFields): string {
  if (f.kind !== 'reconciler') {
    const name = NAMES[f.kind];
    // The README's wording (docs/status.md), printed verbatim by `ogygia status` before its local fallback.
    return `failed to connect to ${name} at ${JSON.stringify(f.endpoints)}. Check that the endpoints are reachable and the ${name} service is running. Connection timeout: ${f.timeoutSeconds}s.`;
  }
  const at = `the reconciler at ${JSON.stringify(f.url)}`;
  switch (f.reason) {
    case 'unreachable':
      return `failed to connect to ${at}. Check that the URL is reachable and the reconciler service is running. Connection timeout: ${f.timeoutSeconds}s.`;
    case 'status':
      return `${at} answered HTTP ${f.status} for /v1/hosts; check the reconciler's logs.`;
    case 'shape': {
      const shown = f.problems.slice(0, 3).join('; ') + (f.problems.length > 3 ? `; and ${f.problems.length - 3} more` : '');
      return `${at} sent /v1/hosts in a shape Ogygia does not know (${shown}); upgrade ogygia or the reconciler so they match.`;
    }
  }
}

/**
 * The fleet store (etcd, ZooKeeper or the reconciler) could not be reached or
 * read within its timeout. A connection failure keeps the README's wording,
 * so `ogygia status` can print it verbatim before falling back to local data.
 */
export class FleetStoreUnavailableError extends OgygiaError<FleetStoreUnavailableFields> {
  readonly code = 'FleetStoreUnavailableError';

  constructor(f: FleetStoreUnavailableFields) {
    super(sentence(f), f.reason === 'shape' ? { ...f, problems: f.problems.slice(0, 10) } : { ...f });
  }
}
