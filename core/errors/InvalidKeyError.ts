import { OgygiaError } from './OgygiaError.js';
import { quoted } from './text.js';

export type InvalidKeyFields =
  /** Not `NAME:BASE64`. */
  | { readonly reason: 'format'; readonly what: 'public' | 'secret' }
  /** A name with characters Nix key names do not use; `what` is unset for a name chosen for a new key. */
  | { readonly reason: 'name'; readonly what?: 'public' | 'secret'; readonly name: string }
  | { readonly reason: 'base64'; readonly what: 'public' | 'secret'; readonly name: string }
  /** The wrong number of bytes: a secret key given as public or the other way round. */
  | { readonly reason: 'length'; readonly what: 'public' | 'secret'; readonly name: string; readonly length: number }
  /** A secret key whose public half is not the one its seed gives. */
  | { readonly reason: 'mismatch'; readonly name: string }
  /** A key file that cannot be read. */
  | { readonly reason: 'unreadable'; readonly file: string; readonly cause: string };

const CHARS = 'may only use letters, digits and ._+-';

function sentence(f: InvalidKeyFields): string {
  switch (f.reason) {
    case 'format':
      return `The ${f.what} key is not of the form NAME:BASE64; give a key made by \`ogygia keygen\` or \`nix key generate-secret\`.`;
    case 'name':
      return f.what === undefined
        ? `The key name ${quoted(f.name)} ${CHARS} ; pick another.`
        : `The ${f.what} key name ${quoted(f.name)} ${CHARS} ; rename the key.`;
    case 'base64':
      return `The ${f.what} key ${f.name} is not valid base64; copy the whole key line again.`;
    case 'length':
      return f.what === 'public'
        ? `The public key ${f.name} holds ${f.length} bytes, not 32; give a public key (NAME:BASE64 of 32 bytes), not a secret key.`
        : `The secret key ${f.name} holds ${f.length} bytes, not 64; give the secret key file, not the public key.`;
    case 'mismatch':
      return `The secret key ${f.name} does not match its own public half; the key file is damaged, restore it from backup.`;
    case 'unreadable':
      return `Cannot read key file ${f.file} (${f.cause}); pass the path of a key made by \`ogygia keygen\`.`;
  }
}

/** A key string is not in Nix's NAME:BASE64 format, or a key file cannot be used. */
export class InvalidKeyError extends OgygiaError<InvalidKeyFields> {
  readonly code = 'InvalidKeyError';

  constructor(f: InvalidKeyFields) {
    super(sentence(f), { ...f });
  }
}
