import { readNamedFile } from '../../core/config-file.js';
import { ConfigError } from '../../core/errors/index.js';

/** How the reconciler authenticates to a remote: basic or bearer, from a credentials file. */
export type RemoteAuth = { readonly kind: 'basic'; readonly username: string; readonly password: string } | { readonly kind: 'bearer'; readonly token: string };

/** Pure: one line, `Bearer TOKEN` or `USER:PASSWORD`. */
export function parseCredentials(text: string, file: string): RemoteAuth {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.length > 0 && !l.startsWith('#')) ?? '';
  const bearer = /^bearer\s+(\S+)$/i.exec(line);
  if (bearer) return { kind: 'bearer', token: bearer[1]! };
  const colon = line.indexOf(':');
  if (colon > 0) return { kind: 'basic', username: line.slice(0, colon), password: line.slice(colon + 1) };
  throw new ConfigError({ reason: 'no-credentials', kind: 'credentials', setting: 'credentials_file', file });
}

export async function loadCredentials(file: string): Promise<RemoteAuth> {
  return parseCredentials(await readNamedFile(file, 'credentials', 'credentials_file'), file);
}

/** HTTP headers isomorphic-git sends with every request to the remote. */
export function authHeaders(auth: RemoteAuth | undefined): Record<string, string> {
  if (!auth) return {};
  if (auth.kind === 'bearer') return { Authorization: `Bearer ${auth.token}` };
  return { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
}
