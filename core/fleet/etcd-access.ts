import { X509Certificate } from 'node:crypto';
import type { IOptions } from 'etcd3';
import { FleetStoreAuthError, FleetStorePermissionError } from '../errors/index.js';
import type { EtcdSecrets } from './credentials.js';
import type { FleetStoreConfig } from './types.js';

/**
 * etcd credentials for the etcd3 client, and the errors etcd answers them
 * with. Shared by the fleet store (core/fleet/etcd-store.ts) and the
 * reconciler's report store, so both log in and fail the same way.
 */

/** The etcd3 options for these secrets: `auth` (user, password) and `credentials` (TLS). */
export function etcdClientAuth(secrets: EtcdSecrets): Pick<IOptions, 'auth' | 'credentials'> {
  const out: Pick<IOptions, 'auth' | 'credentials'> = {};
  if (secrets.auth) out.auth = { username: secrets.auth.username, password: secrets.auth.password.reveal() };
  if (secrets.tls) {
    out.credentials = {
      // null: trust the system's CAs (grpc's createSsl takes null; etcd3's type says Buffer).
      rootCertificate: secrets.tls.ca ?? (null as unknown as Buffer),
      ...(secrets.tls.cert ? { certChain: secrets.tls.cert } : {}),
      ...(secrets.tls.key ? { privateKey: secrets.tls.key.reveal() } : {}),
    };
  }
  return out;
}

/** Who we are to etcd, for messages: a user, a client certificate's CN, or nobody. */
export function etcdIdentity(secrets: EtcdSecrets): string {
  if (secrets.auth) return `user "${secrets.auth.username}"`;
  if (secrets.tls?.cert) {
    try {
      const cn = /(?:^|\n)CN=([^\n]*)/.exec(new X509Certificate(secrets.tls.cert).subject)?.[1];
      if (cn !== undefined) return `the client certificate of "${cn}"`;
    } catch {
      /* not parseable here; the TLS handshake will say so */
    }
    return 'the client certificate';
  }
  return 'an anonymous client';
}


/**
 * Map an error from the etcd3 client, or from the lean listing of
 * core/fleet/etcd-range.ts (both carry etcd's own message), to FleetStoreAuthError (credentials
 * refused, none given where etcd needs them, a TLS handshake refused) or
 * FleetStorePermissionError (the role lacks permission on `access.prefix`);
 * undefined when it is neither (unreachable, timed out...).
 */
export function etcdAccessError(
  e: unknown,
  config: FleetStoreConfig,
  secrets: EtcdSecrets,
  access: { readonly op: 'read' | 'write'; readonly prefix: string },
): FleetStoreAuthError | FleetStorePermissionError | undefined {
  const message = e instanceof Error ? e.message : String(e);
  const who = etcdIdentity(secrets);
  const base = { store: 'etcd' as const, endpoints: [...config.endpoints], identity: who, section: config.section ?? 'etcd', cause: message };
  if (message.includes('authentication failed, invalid user ID or password')) {
    return new FleetStoreAuthError({ ...base, reason: 'refused' });
  }
  if (message.includes('etcdserver: user name is empty')) {
    return new FleetStoreAuthError({ ...base, reason: 'no-user' });
  }
  if (message.includes('etcdserver: permission denied')) {
    return new FleetStorePermissionError({ ...base, op: access.op, path: access.prefix });
  }
  if (/alert (bad certificate|certificate required|unknown ca|certificate unknown|handshake failure)/i.test(message)) {
    return new FleetStoreAuthError({ ...base, reason: 'client-certificate' });
  }
  const untrusted = /unable to verify[a-z ]*|self[- ]signed certificate[a-z ]*|certificate has expired|does not match certificate's altnames|unable to get (local )?issuer certificate/i.exec(message);
  if (untrusted) {
    return new FleetStoreAuthError({ ...base, reason: 'server-untrusted', detail: untrusted[0] });
  }
  return undefined;
}
