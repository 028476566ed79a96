import { OgygiaError } from './OgygiaError.js';

/**
 * The fleet store (etcd or ZooKeeper) could not be reached or read within its
 * timeout. The message is the Ogygia README's wording, so `ogygia status` can
 * print it verbatim before falling back to local data.
 */
export class FleetStoreUnavailableError extends OgygiaError {
  readonly code = 'FleetStoreUnavailableError';
}
