import { OgygiaError } from './OgygiaError.js';

/**
 * The fleet store (etcd or ZooKeeper) did not accept the credentials it was
 * given: a wrong password, an unknown user, or no user at all where the store
 * requires one. The message names the config keys to fix; it never holds the
 * secret.
 */
export class FleetStoreAuthError extends OgygiaError {
  readonly code = 'FleetStoreAuthError';
}
