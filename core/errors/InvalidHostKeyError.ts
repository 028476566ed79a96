import { OgygiaError } from './OgygiaError.js';
import { quoted } from './text.js';

export type InvalidHostKeyFields = {
  /** Where the key came from: a file, `--key-file -`, `hosts.toml: hosts.web01.key`. */
  readonly source: string;
} & (
  /** A public key of another type (`ssh-rsa`, `ecdsa-sha2-nistp256`): enrollment takes ed25519 keys only. */
  | { readonly reason: 'not-ed25519'; readonly type: string }
  /** No `ssh-ed25519 BASE64 [comment]` public key in the text. */
  | { readonly reason: 'format' }
  /** ssh-keyscan output (or a file) holding more than one distinct ed25519 key. */
  | { readonly reason: 'several'; readonly count: number }
  /** A private key file that is neither OpenSSH (openssh-key-v1) nor a Nix-format secret key. */
  | { readonly reason: 'private-format' }
  /** An OpenSSH private key protected by a passphrase. */
  | { readonly reason: 'encrypted'; readonly cipher: string }
  /** The right format, but its content does not hold together (lengths, check numbers, public half). */
  | { readonly reason: 'damaged'; readonly detail: string }
  /** The file cannot be read, or is larger than any key file. */
  | { readonly reason: 'unreadable'; readonly cause: string }
);

function sentence(f: InvalidHostKeyFields): string {
  switch (f.reason) {
    case 'not-ed25519':
      return `${f.source} holds a ${quoted(f.type)} key, not ssh-ed25519; enroll the host's ed25519 key (/etc/ssh/ssh_host_ed25519_key.pub, or \`ssh-keyscan -t ed25519 HOST\`).`;
    case 'format':
      return `${f.source} holds no "ssh-ed25519 BASE64" public key line; give the host's /etc/ssh/ssh_host_ed25519_key.pub or \`ssh-keyscan -t ed25519 HOST\` output.`;
    case 'several':
      return `${f.source} holds ${f.count} different ssh-ed25519 keys; give exactly one host's key (\`ssh-keyscan -t ed25519 HOST\` for one host).`;
    case 'private-format':
      return `${f.source} is neither an OpenSSH ed25519 private key nor a Nix-format ed25519 secret key; point [report] host_key_file at /etc/ssh/ssh_host_ed25519_key.`;
    case 'encrypted':
      return `${f.source} is encrypted with a passphrase (${f.cipher}); give an unencrypted key, as sshd keeps its host keys.`;
    case 'damaged':
      return `${f.source} is not a valid ed25519 key (${f.detail}); restore it, or make a new one with \`ssh-keygen -t ed25519\` and enroll that.`;
    case 'unreadable':
      return `Cannot read host key ${f.source} (${f.cause}); check the path and its permissions.`;
  }
}

/** An SSH host key (public, for enrollment; private, for signing reports) cannot be used. */
export class InvalidHostKeyError extends OgygiaError<InvalidHostKeyFields> {
  readonly code = 'InvalidHostKeyError';

  constructor(f: InvalidHostKeyFields) {
    super(sentence(f), { ...f });
  }
}
