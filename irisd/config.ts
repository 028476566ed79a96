import { z } from 'zod';
import { loadConfigFile, parseConfigText, type ConfigResult } from '../core/config-file.js';
import { httpUrl, listenAddress, publicKeyString } from '../core/config-schema.js';
import { HTTP_LIMIT_DEFAULTS, httpLimitsSection } from '../core/http-limits.js';
import { NAR_COMPRESSIONS } from './nar-compression.js';

const DEFAULT_PORT = 35742;
const absolutePath = z
  .string()
  .startsWith('/', 'must be an absolute path')
  .refine((s) => !/[?&#\s]/.test(s), 'must not contain ?, &, # or spaces (it becomes part of a Nix store URI)');
const positiveInt = z.number().int('must be a whole number').positive('must be positive');
const positive = z.number().positive('must be positive');

/** irisd.toml, DESIGN.md §8 (the Ogygia README's `settings`); every key has a default that serves. */
export const irisdConfigSchema = z.strictObject({
  server: z
    .strictObject({
      listen: z.array(listenAddress).min(1, 'must list at least one host:port').default([`127.0.0.1:${DEFAULT_PORT}`]),
      /** `Priority` in /nix-cache-info (lower is preferred by Nix; cache.nixos.org is 40). */
      priority: z.number().int().min(0).max(1000).default(30),
      /** header_timeout_seconds, request_timeout_seconds, idle_timeout_seconds, max_connections (core/http-limits.ts). */
      ...httpLimitsSection.shape,
    })
    .default({ listen: [`127.0.0.1:${DEFAULT_PORT}`], priority: 30, ...HTTP_LIMIT_DEFAULTS }),
  store: z
    .strictObject({
      root: absolutePath.default('/'),
      /** How often the local index is rebuilt (also at once on `ogygia iris push`). */
      refresh_seconds: positive.default(60),
    })
    .default({ root: '/', refresh_seconds: 60 }),
  peers: z
    .strictObject({
      urls: z.array(httpUrl.transform((u) => u.replace(/\/+$/, ''))).default([]),
      refresh_seconds: positive.default(30),
      timeout_ms: positiveInt.max(60_000, 'must be at most 60000').default(1500),
      /** How long a "no peer has it" answer for a bloom hit is remembered. */
      negative_ttl_seconds: z.number().min(0).default(30),
      /** How long a peer that served a corrupt NAR or a bad narinfo is left out. */
      bad_peer_seconds: positive.default(300),
    })
    .default({ urls: [], refresh_seconds: 30, timeout_ms: 1500, negative_ttl_seconds: 30, bad_peer_seconds: 300 }),
  trust: z
    .strictObject({ trusted_keys: z.array(publicKeyString).default([]) })
    .default({ trusted_keys: [] }),
  signing: z.strictObject({ key_file: absolutePath.optional() }).default({}),
  cache: z
    .strictObject({
      dir: absolutePath.default('/var/cache/ogygia-irisd'),
      max_size_bytes: z.number().int().min(0).default(10 * 1024 ** 3),
      ttl_seconds: positive.default(7 * 24 * 3600),
      /** How NARs are sent to Nix clients (narinfo `Compression`); between irisd peers they always go uncompressed. */
      compression: z.enum(NAR_COMPRESSIONS).default('none'),
      /** zstd level when `compression = "zstd"`: 1 (fastest) to 19; 3 is zstd's own default. */
      compression_level: z.number().int('must be a whole number').min(1, 'must be 1 to 19').max(19, 'must be 1 to 19').default(3),
    })
    .default({ dir: '/var/cache/ogygia-irisd', max_size_bytes: 10 * 1024 ** 3, ttl_seconds: 7 * 24 * 3600, compression: 'none', compression_level: 3 }),
  bloom: z
    .strictObject({
      false_positive_rate: z.number().gt(0, 'must be above 0').lt(0.5, 'must be below 0.5').default(0.01),
      hashing: z.enum(['nixhash', 'xxh64']).default('nixhash'),
    })
    .default({ false_positive_rate: 0.01, hashing: 'nixhash' }),
});

export type IrisdConfig = z.output<typeof irisdConfigSchema>;

/** Pure: parse and validate irisd.toml text. */
export function parseIrisdConfig(text: string, file = 'irisd.toml'): ConfigResult<IrisdConfig> {
  return parseConfigText(text, irisdConfigSchema, file);
}

/** Read and validate irisd.toml; throws ConfigError listing every problem. */
export function loadIrisdConfig(file: string): Promise<IrisdConfig> {
  return loadConfigFile(file, irisdConfigSchema);
}
