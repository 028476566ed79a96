import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { OgygiaError } from './errors/index.js';
import { parsePublicKey, type PublicKey } from './keys.js';
import { CHANNEL_NAME } from './release.js';
import type { TrustConfig } from './trust.js';

/** Building blocks shared by the daemons' config schemas (snake_case keys, as in DESIGN.md §8). */

export const publicKeyString = z.string().transform((s, ctx): PublicKey => {
  try {
    return parsePublicKey(s);
  } catch (e) {
    if (!(e instanceof OgygiaError)) throw e;
    ctx.addIssue({ code: 'custom', message: e.message });
    return z.NEVER;
  }
});

export const threshold = z.number().int('must be a whole number').min(1, 'must be at least 1');

/** `[trust] keys = [...] threshold = N` with optional `[trust.channels.<name>]` overrides. */
export const trustSection = z
  .strictObject({
    keys: z.array(publicKeyString).min(1, 'must list at least one public key (NAME:BASE64)'),
    threshold: threshold.default(1),
    channels: z
      .record(
        z.string().regex(CHANNEL_NAME, 'is not a valid channel name'),
        z.strictObject({ keys: z.array(publicKeyString).min(1).optional(), threshold: threshold.optional() }),
      )
      .default({}),
  })
  .superRefine((t, ctx) => {
    if (t.threshold > t.keys.length) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: `is ${t.threshold} but only ${t.keys.length} key(s) are listed` });
    }
    for (const [name, c] of Object.entries(t.channels)) {
      const n = (c.keys ?? t.keys).length;
      if (c.threshold !== undefined && c.threshold > n) {
        ctx.addIssue({ code: 'custom', path: ['channels', name, 'threshold'], message: `is ${c.threshold} but only ${n} key(s) apply` });
      }
    }
  });

export function toTrustConfig(t: z.output<typeof trustSection>): TrustConfig {
  return { default: { keys: t.keys, threshold: t.threshold }, channels: t.channels };
}

/** `host:port` for a listening socket. */
export const listenAddress = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:35740')
  .refine((s) => Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535, 'port must be at most 65535');

export function splitListen(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  const host = addr.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(addr.slice(i + 1)) };
}

export const seconds = z.number().positive('must be a positive number of seconds');

export const httpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL');

/** An absolute path to a file holding a secret or a certificate (read at start, never copied into the config). */
const credentialFile = z.string().refine(isAbsolute, 'must be an absolute path');

/**
 * `[etcd]`: shared by the reconciler (reports), the agent, `ogygia status` and
 * `ogygia report`. Credentials (DESIGN.md §11) are optional: `username` with
 * `password_file`, and/or TLS (`ca_file` to trust the server, `cert_file` with
 * `key_file` for a client certificate, https:// endpoints).
 */
export function etcdSectionFor(defaultNamespace: string) {
  return z
    .strictObject({
      endpoints: z.array(httpUrl).min(1, 'must list at least one endpoint'),
      namespace: z.string().startsWith('/', 'must start with /').default(defaultNamespace),
      timeout_seconds: seconds.default(10),
      username: z.string().min(1, 'must not be empty').regex(/^[^\s:]+$/, 'must not contain spaces or ":"').optional(),
      password_file: credentialFile.optional(),
      ca_file: credentialFile.optional(),
      cert_file: credentialFile.optional(),
      key_file: credentialFile.optional(),
    })
    .superRefine((s, ctx) => {
      const need = (key: 'username' | 'password_file' | 'cert_file' | 'key_file', other: string): void => {
        ctx.addIssue({ code: 'custom', path: [key], message: `is required with ${other}` });
      };
      if (s.username !== undefined && s.password_file === undefined) need('password_file', 'username');
      if (s.password_file !== undefined && s.username === undefined) need('username', 'password_file');
      if (s.cert_file !== undefined && s.key_file === undefined) need('key_file', 'cert_file');
      if (s.key_file !== undefined && s.cert_file === undefined) need('cert_file', 'key_file');
      const secure = s.endpoints.filter((e) => e.startsWith('https://')).length;
      if (secure > 0 && secure < s.endpoints.length) {
        ctx.addIssue({ code: 'custom', path: ['endpoints'], message: 'must be all https:// or all http://, not a mix' });
      } else if (secure === 0 && (s.ca_file !== undefined || s.cert_file !== undefined)) {
        ctx.addIssue({ code: 'custom', path: ['endpoints'], message: 'must be https:// URLs when ca_file or cert_file is set (TLS)' });
      }
    });
}

export const etcdSection = etcdSectionFor('/nixos/versions');
export type EtcdSection = z.output<typeof etcdSection>;

/** `[zookeeper]`: endpoints are host:port; `auth_file` holds `user:password` for digest auth. */
export const zookeeperSection = z.strictObject({
  enable: z.boolean().default(true),
  endpoints: z.array(z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be host:port')).min(1, 'must list at least one endpoint'),
  namespace: z.string().startsWith('/', 'must start with /').default('/nixos/versions'),
  timeout_seconds: seconds.default(10),
  auth_file: credentialFile.optional(),
});
export type ZooKeeperSection = z.output<typeof zookeeperSection>;
