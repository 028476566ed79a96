import { EtcdAuthenticationFailedError, EtcdPermissionDeniedError, GRPCInvalidArgumentError, GRPCUnavailableError } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { FleetStoreAuthError, FleetStorePermissionError } from '../errors/index.js';
import { Secret } from './credentials.js';
import { etcdAccessError, etcdClientAuth, etcdIdentity } from './etcd-access.js';
import type { FleetStoreConfig } from './types.js';

const config: FleetStoreConfig = { endpoints: ['https://etcd1:2379'], namespace: '/nixos/versions', timeoutSeconds: 10, section: 'etcd' };
const web01 = { auth: { username: 'web01', password: new Secret('hunter2') } };
const write = { op: 'write', prefix: '/nixos/versions/db01/' } as const;

describe('etcd access errors', () => {
  it('hands the secrets to etcd3 as auth and TLS credentials', () => {
    const key = Buffer.from('KEY');
    expect(etcdClientAuth({})).toEqual({});
    expect(etcdClientAuth({ ...web01, tls: { ca: Buffer.from('CA'), cert: Buffer.from('CERT'), key: new Secret(key) } })).toEqual({
      auth: { username: 'web01', password: 'hunter2' },
      credentials: { rootCertificate: Buffer.from('CA'), certChain: Buffer.from('CERT'), privateKey: key },
    });
  });

  it('names who we are', () => {
    expect(etcdIdentity(web01)).toBe('user "web01"');
    expect(etcdIdentity({})).toBe('an anonymous client');
    expect(etcdIdentity({ tls: { cert: Buffer.from('not a certificate'), key: new Secret(Buffer.from('k')) } })).toBe('the client certificate');
  });

  it('makes a wrong password a FleetStoreAuthError naming the keys to check, never the password', () => {
    const e = etcdAccessError(
      new EtcdAuthenticationFailedError('3 INVALID_ARGUMENT: etcdserver: authentication failed, invalid user ID or password'),
      config,
      web01,
      write,
    );
    expect(e).toBeInstanceOf(FleetStoreAuthError);
    expect(e?.message).toBe(
      'etcd at ["https://etcd1:2379"] refused the credentials of user "web01" (authentication failed); check etcd.username and the password in etcd.password_file.',
    );
    expect(JSON.stringify(e)).not.toContain('hunter2');
  });

  it('makes a missing user a FleetStoreAuthError', () => {
    const e = etcdAccessError(new GRPCInvalidArgumentError('3 INVALID_ARGUMENT: etcdserver: user name is empty'), { ...config, section: 'ogygia.etcd' }, {}, write);
    expect(e).toBeInstanceOf(FleetStoreAuthError);
    expect(e?.message).toMatch(/has authentication enabled and this client gave no user; set ogygia\.etcd\.username and ogygia\.etcd\.password_file/);
  });

  it('makes a refused key range a FleetStorePermissionError naming the prefix and the permission it needs', () => {
    const denied = new EtcdPermissionDeniedError('7 PERMISSION_DENIED: etcdserver: permission denied');
    const w = etcdAccessError(denied, config, web01, write);
    expect(w).toBeInstanceOf(FleetStorePermissionError);
    expect(w?.message).toMatch(/^etcd refused to write \/nixos\/versions\/db01\/ for user "web01" \(permission denied\); its role needs readwrite permission on the prefix \/nixos\/versions\/db01\/, and a host may write only its own <namespace>\/<host>\//);
    expect(w?.data).toMatchObject({ op: 'write', path: '/nixos/versions/db01/', identity: 'user "web01"' });
    const r = etcdAccessError(denied, config, web01, { op: 'read', prefix: '/nixos/versions/' });
    expect(r?.message).toBe('etcd refused to read /nixos/versions/ for user "web01" (permission denied); its role needs read permission on the prefix /nixos/versions/.');
  });

  it('tells a refused client certificate from an untrusted server certificate', () => {
    const refused = etcdAccessError(new GRPCUnavailableError('14 UNAVAILABLE: No connection established. Last error: 80FC:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate'), config, {}, write);
    expect(refused).toBeInstanceOf(FleetStoreAuthError);
    expect(refused?.message).toMatch(/refused this client's certificate in the TLS handshake; check etcd\.cert_file and etcd\.key_file/);
    const untrusted = etcdAccessError(new GRPCUnavailableError('14 UNAVAILABLE: No connection established. Last error: Error: unable to verify the first certificate.'), config, {}, write);
    expect(untrusted?.message).toBe(
      'the certificate of etcd at ["https://etcd1:2379"] is not trusted (unable to verify the first certificate); set etcd.ca_file to the CA that signed the etcd server certificates.',
    );
  });

  it('leaves every other failure to the caller (unreachable, timed out)', () => {
    expect(etcdAccessError(new GRPCUnavailableError('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:2379'), config, web01, write)).toBeUndefined();
    expect(etcdAccessError(new Error('timed out'), config, web01, write)).toBeUndefined();
  });
});
