import { OgygiaError } from './OgygiaError.js';

export type FleetStoreAuthFields = {
  readonly store: 'etcd' | 'zookeeper';
  readonly endpoints: readonly string[];
  /** Who we tried to be (`user "web01"`, `the client certificate of "web01"`, `digest user "web01"`); never a secret. */
  readonly identity: string;
  /** The config section the credentials come from (`etcd`, `ogygia.etcd`, `zookeeper`), to name the keys to fix. */
  readonly section: string;
  /** The client library's own words, when it gave any. */
  readonly cause?: string;
} & (
  | { readonly reason: 'refused' }
  | { readonly reason: 'no-user' }
  | { readonly reason: 'client-certificate' }
  | { readonly reason: 'server-untrusted'; readonly detail: string }
);

function sentence(f: FleetStoreAuthFields): string {
  const at = `${f.store === 'etcd' ? 'etcd' : 'ZooKeeper'} at ${JSON.stringify(f.endpoints)}`;
  const k = (key: string): string => `${f.section}.${key}`;
  switch (f.reason) {
    case 'refused':
      return f.store === 'etcd'
        ? `${at} refused the credentials of ${f.identity} (authentication failed); check ${k('username')} and the password in ${k('password_file')}.`
        : `${at} refused the credentials of ${f.identity}; check the "user:password" line in ${k('auth_file')}.`;
    case 'no-user':
      return `${at} has authentication enabled and this client gave no user; set ${k('username')} and ${k('password_file')} (or a client certificate: ${k('cert_file')}, ${k('key_file')}).`;
    case 'client-certificate':
      return `${at} refused this client's certificate in the TLS handshake; check ${k('cert_file')} and ${k('key_file')} (a certificate signed by a CA etcd trusts).`;
    case 'server-untrusted':
      return `the certificate of ${at} is not trusted (${f.detail}); set ${k('ca_file')} to the CA that signed the etcd server certificates.`;
  }
}

/**
 * The fleet store (etcd or ZooKeeper) did not accept the credentials it was
 * given: a wrong password, an unknown user, or no user at all where the store
 * requires one. The message names the config keys to fix; it never holds the
 * secret.
 */
export class FleetStoreAuthError extends OgygiaError<FleetStoreAuthFields> {
  readonly code = 'FleetStoreAuthError';

  constructor(f: FleetStoreAuthFields) {
    super(sentence(f), { ...f });
  }
}
