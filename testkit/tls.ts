import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { requireProgram } from './processes.js';

/** PEM files of one certificate and its key. */
export interface CertFiles {
  readonly cert: string;
  readonly key: string;
}

export interface TestCa {
  /** The CA certificate (PEM): what `ca_file` / `--trusted-ca-file` name. */
  readonly ca: string;
  /** A server certificate for 127.0.0.1 and localhost. */
  server(name: string): Promise<CertFiles>;
  /** A client certificate with this common name (etcd takes the CN as the user name under --client-cert-auth). */
  client(commonName: string): Promise<CertFiles>;
}

/**
 * A throwaway certificate authority made with the real `openssl` in `dir`
 * (EC P-256 keys, one day of validity), for TLS tests on loopback.
 */
export async function makeTestCa(dir: string): Promise<TestCa> {
  const openssl = await requireProgram('openssl', 'openssl');
  const run = (args: string[]) => execa(openssl, args, { cwd: dir });
  const ca = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca-key.pem');
  await run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', '/CN=ogygia test CA', '-keyout', caKey, '-out', ca]);
  let serial = 1;
  const issue = async (name: string, subject: string, ext: string): Promise<CertFiles> => {
    const key = join(dir, `${name}-key.pem`);
    const csr = join(dir, `${name}.csr`);
    const cert = join(dir, `${name}.pem`);
    const extFile = join(dir, `${name}.ext`);
    await writeFile(extFile, ext);
    await run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', subject, '-keyout', key, '-out', csr]);
    await run(['x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-set_serial', String(serial++), '-days', '1', '-extfile', extFile, '-out', cert]);
    return { cert, key };
  };
  return {
    ca,
    server: (name) =>
      issue(name, `/CN=${name}`, 'subjectAltName = IP:127.0.0.1, DNS:localhost\nextendedKeyUsage = serverAuth, clientAuth\n'),
    client: (cn) => issue(`client-${cn}`, `/CN=${cn}`, 'extendedKeyUsage = clientAuth\n'),
  };
}
