import { createHash } from 'node:crypto';

/**
 * Pure: the ACLs the ZooKeeper fleet store gives the nodes it creates when it
 * has digest credentials (docs/status.md, "Fleet store credentials"):
 *
 * - `<namespace>/<host>` and its values: the host's digest user may create,
 *   read, write and delete (`cdrw`), anyone may read (`ogygia status`), nobody
 *   but ZooKeeper's super user may change the ACL;
 * - path components of the namespace that do not exist yet: anyone may read
 *   and create children (`rc`), so every host can add its own node, and nobody
 *   can delete or overwrite another's.
 *
 * Without credentials nodes are created open (`world:anyone:cdrwa`), as before.
 */

export const PERM = { READ: 1, WRITE: 2, CREATE: 4, DELETE: 8, ADMIN: 16 } as const;

export interface AclEntry {
  readonly perms: number;
  readonly scheme: 'digest' | 'world';
  readonly id: string;
}

/** ZooKeeper's digest id for `user:password`: `user:` + base64(sha1("user:password")), as DigestAuthenticationProvider computes it. */
export function digestId(user: string, password: string): string {
  return `${user}:${createHash('sha1').update(`${user}:${password}`, 'utf8').digest('base64')}`;
}

/** The ACL of a host's own nodes. */
export function hostNodeAcl(user: string, password: string): AclEntry[] {
  return [
    { perms: PERM.CREATE | PERM.READ | PERM.WRITE | PERM.DELETE, scheme: 'digest', id: digestId(user, password) },
    { perms: PERM.READ, scheme: 'world', id: 'anyone' },
  ];
}

/** The ACL of namespace components a host creates because they are missing. */
export const NAMESPACE_NODE_ACL: readonly AclEntry[] = [{ perms: PERM.READ | PERM.CREATE, scheme: 'world', id: 'anyone' }];

/** `cdrwa` letters, as zkCli prints and takes them. */
export function permLetters(perms: number): string {
  return [
    [PERM.CREATE, 'c'],
    [PERM.DELETE, 'd'],
    [PERM.READ, 'r'],
    [PERM.WRITE, 'w'],
    [PERM.ADMIN, 'a'],
  ]
    .filter(([bit]) => (perms & (bit as number)) !== 0)
    .map(([, l]) => l)
    .join('');
}

/** `scheme:id:perms`, the zkCli spelling (`digest:web01:KI5d...=:cdrw`). */
export function aclText(acl: readonly AclEntry[]): string[] {
  return acl.map((a) => `${a.scheme}:${a.id}:${permLetters(a.perms)}`);
}
