import { OgygiaError } from './OgygiaError.js';

export type FleetStorePermissionFields = {
  readonly store: 'etcd' | 'zookeeper';
  readonly endpoints: readonly string[];
  readonly identity: string;
  readonly op: 'read' | 'write';
  /** The key prefix (etcd) or node path (ZooKeeper) refused. */
  readonly path: string;
  /** The config section, to name the credential key (`zookeeper.auth_file`). */
  readonly section: string;
  readonly cause?: string;
};

function sentence(f: FleetStorePermissionFields): string {
  if (f.store === 'etcd') {
    const need = f.op === 'write' ? 'readwrite' : 'read';
    return (
      `etcd refused to ${f.op} ${f.path} for ${f.identity} (permission denied); its role needs ${need} permission on the prefix ${f.path}` +
      (f.op === 'write' ? ', and a host may write only its own <namespace>/<host>/ (docs/status.md, "Fleet store credentials").' : '.')
    );
  }
  return (
    `ZooKeeper refused to ${f.op} ${f.path} for ${f.identity} (NoAuth: the node's ACL does not grant it)` +
    (f.op === 'write'
      ? `; a host may write only its own <namespace>/<host>/ with the digest user that created it (${f.section}.auth_file; docs/status.md, "Fleet store credentials").`
      : '; the node must be readable by anyone (world:anyone:r) or by this digest user.')
  );
}

/**
 * The fleet store accepted who we are but refused the read or write: an etcd
 * role without permission on the key range, a ZooKeeper node whose ACL does
 * not name our digest user. The usual case is a host writing another host's
 * `<namespace>/<host>/`.
 */
export class FleetStorePermissionError extends OgygiaError<FleetStorePermissionFields> {
  readonly code = 'FleetStorePermissionError';

  constructor(f: FleetStorePermissionFields) {
    super(sentence(f), { ...f });
  }
}
