import { OgygiaError } from './OgygiaError.js';

/** `ogygia report` found no etcd or ZooKeeper to publish to. */
export class NoFleetStoreError extends OgygiaError {
  readonly code = 'NoFleetStoreError';
}
