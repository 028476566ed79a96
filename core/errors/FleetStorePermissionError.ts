import { OgygiaError } from './OgygiaError.js';

/**
 * The fleet store accepted who we are but refused the read or write: an etcd
 * role without permission on the key range, a ZooKeeper node whose ACL does
 * not name our digest user. The usual case is a host writing another host's
 * `<namespace>/<host>/`.
 */
export class FleetStorePermissionError extends OgygiaError {
  readonly code = 'FleetStorePermissionError';
}
