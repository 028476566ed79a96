import { OgygiaError } from './OgygiaError.js';

/**
 * What a file is, which decides how the message names it and what it tells
 * the operator to do:
 * - `config`: a TOML configuration (agent.toml, reconciler.toml, irisd.toml, the status config);
 * - `trust-policy`: a channels repository's ogygia.toml, or `verify --trust FILE`;
 * - `secret`: a file holding one secret on one line (webhook secret, report token);
 * - `signing-key`: a secret key file (`ogygia keygen` output);
 * - `credentials`: the reconciler's `credentials_file` for a remote;
 * - `store-password`, `store-certificate`, `store-private-key`, `store-digest`: a fleet
 *   store credential ([etcd] password_file, ca_file/cert_file, key_file; [zookeeper] auth_file).
 */
export type ConfigFileKind =
  | 'config'
  | 'trust-policy'
  | 'secret'
  | 'signing-key'
  | 'credentials'
  | 'store-password'
  | 'store-certificate'
  | 'store-private-key'
  | 'store-digest';

export type ConfigErrorFields = {
  readonly file: string;
  /** `config` unless said. */
  readonly kind?: ConfigFileKind;
  /** The setting that names the file (`webhook.secret_file`), for a file a config points at. */
  readonly setting?: string;
} & (
  | { readonly reason: 'missing' }
  | { readonly reason: 'unreadable'; readonly cause: string }
  | { readonly reason: 'empty' }
  /** The file parses but holds no usable `USER:PASSWORD` or `Bearer TOKEN` line. */
  | { readonly reason: 'no-credentials' }
  /** Every problem as `path.to.key: what is wrong`; `ogygia` prints them below the message. */
  | { readonly reason: 'invalid'; readonly problems: readonly string[] }
);

const ON_MISSING: Record<ConfigFileKind, string> = {
  config: 'create it or pass the right path with --config',
  'trust-policy': 'create it or pass the right path with --trust',
  secret: 'create it with the secret on one line',
  'signing-key': 'create it with `ogygia keygen` or fix the path',
  credentials: 'create it with "USER:PASSWORD" or "Bearer TOKEN" on its first line',
  'store-password': 'create it holding the etcd password on one line, readable by the user running Ogygia (with systemd: LoadCredential)',
  'store-certificate': 'point it at the PEM certificate (the CA that signed the etcd servers, or this host\'s client certificate)',
  'store-private-key': 'point it at the PEM private key of the client certificate, readable by the user running Ogygia (with systemd: LoadCredential)',
  'store-digest': 'create it holding this host\'s ZooKeeper digest credentials as "user:password" on one line (with systemd: LoadCredential)',
};

const ON_EMPTY: Record<ConfigFileKind, string> = {
  config: 'write the configuration into it',
  'trust-policy': 'write [channels.<name>] keys = [...], threshold = N into it',
  secret: 'write the secret on its first line',
  'signing-key': 'write the key made by `ogygia keygen` into it',
  credentials: 'write "USER:PASSWORD" or "Bearer TOKEN" on its first line',
  'store-password': 'write the etcd password on its first line',
  'store-certificate': 'write the PEM certificate into it',
  'store-private-key': 'write the PEM private key into it',
  'store-digest': 'write "user:password" on its first line',
};

function subject(f: ConfigErrorFields): string {
  const kind = f.kind ?? 'config';
  if (kind === 'config' && f.setting === undefined) return `Config file ${f.file}`;
  if (kind === 'trust-policy') return `Trust policy ${f.file}`;
  return `${f.setting ?? kind} ${f.file}`;
}

function sentence(f: ConfigErrorFields): string {
  const kind = f.kind ?? 'config';
  switch (f.reason) {
    case 'missing':
      return `${subject(f)} does not exist; ${ON_MISSING[kind]}.`;
    case 'unreadable':
      return `${subject(f)} cannot be read (${f.cause}); check the path and its permissions.`;
    case 'empty':
      return `${subject(f)} is empty; ${ON_EMPTY[kind]}.`;
    case 'no-credentials':
      return `${subject(f)} holds neither "USER:PASSWORD" nor "Bearer TOKEN"; write one of those on its first line.`;
    case 'invalid':
      return `${subject(f)} has ${f.problems.length} problem(s); fix each one listed below and start again.`;
  }
}

/** The problem lines for a file that could not be used at all (there is no key to blame). */
function fileProblem(f: ConfigErrorFields): string {
  const at = f.setting ?? '(file)';
  switch (f.reason) {
    case 'missing':
      return `${at}: ${f.file} does not exist`;
    case 'unreadable':
      return `${at}: ${f.file} cannot be read (${f.cause})`;
    case 'empty':
      return `${at}: ${f.file} is empty`;
    case 'no-credentials':
      return `${at}: ${f.file} has no usable credentials line`;
    case 'invalid':
      return `${at}: invalid`;
  }
}

/**
 * A configuration file (or a file a configuration points at) cannot be used;
 * `data.problems` lists every problem as `path.to.key: what is wrong`.
 */
export class ConfigError extends OgygiaError<ConfigErrorFields & { readonly problems: readonly string[] }> {
  readonly code = 'ConfigError';

  constructor(f: ConfigErrorFields) {
    super(sentence(f), { ...f, problems: f.reason === 'invalid' ? [...f.problems] : [fileProblem(f)] });
  }
}
