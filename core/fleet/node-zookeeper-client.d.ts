// The few parts of node-zookeeper-client (pure JS, no bundled types) that the fleet store uses.
declare module 'node-zookeeper-client' {
  import type { EventEmitter } from 'node:events';

  export interface ZkError extends Error {
    getCode(): number;
  }
  export interface ZkStat {
    version: number;
  }
  export interface ClientOptions {
    sessionTimeout?: number;
    spinDelay?: number;
    retries?: number;
  }
  export class Id {
    constructor(scheme: string, id: string);
    scheme: string;
    id: string;
  }
  export class ACL {
    constructor(permission: number, id: Id);
    permission: number;
    id: Id;
  }
  export interface Client extends EventEmitter {
    connect(): void;
    close(): void;
    once(event: 'connected' | 'disconnected' | 'expired' | 'authenticationFailed', listener: () => void): this;
    addAuthInfo(scheme: string, auth: Buffer): void;
    getChildren(path: string, cb: (err: ZkError | null, children: string[], stat: ZkStat) => void): void;
    getData(path: string, cb: (err: ZkError | null, data: Buffer | undefined, stat: ZkStat) => void): void;
    getACL(path: string, cb: (err: ZkError | null, acls: ACL[], stat: ZkStat) => void): void;
    exists(path: string, cb: (err: ZkError | null, stat: ZkStat | null) => void): void;
    setData(path: string, data: Buffer, version: number, cb: (err: ZkError | null, stat: ZkStat) => void): void;
    create(path: string, data: Buffer, cb: (err: ZkError | null, path: string) => void): void;
    create(path: string, data: Buffer, acls: ACL[], cb: (err: ZkError | null, path: string) => void): void;
    mkdirp(path: string, cb: (err: ZkError | null, path: string) => void): void;
    mkdirp(path: string, data: Buffer, acls: ACL[], cb: (err: ZkError | null, path: string) => void): void;
  }
  export function createClient(connectionString: string, options?: ClientOptions): Client;
  export const Exception: { NO_NODE: number; NODE_EXISTS: number; CONNECTION_LOSS: number; NO_AUTH: number; AUTH_FAILED: number; INVALID_ACL: number };
  export const Permission: { READ: number; WRITE: number; CREATE: number; DELETE: number; ADMIN: number; ALL: number };
  const zookeeper: {
    createClient: typeof createClient;
    Exception: typeof Exception;
    Permission: typeof Permission;
    ACL: typeof ACL;
    Id: typeof Id;
  };
  export default zookeeper;
}
