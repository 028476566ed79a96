import { readFile } from 'node:fs/promises';
import { parse as parseToml } from 'smol-toml';
import type { z } from 'zod';
import { ConfigError, type ConfigFileKind } from './errors/index.js';

/** The result of validating a configuration: a value, or every problem as `path.to.key: what is wrong`. */
export interface ConfigResult<T> {
  readonly value?: T;
  readonly errors: readonly string[];
}

function keyPath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '(top level)' : path.map(String).join('.');
}

/** Pure: check an already-parsed TOML/JSON value against a zod schema, collecting every problem. */
export function validateConfig<S extends z.ZodType>(raw: unknown, schema: S): ConfigResult<z.output<S>> {
  const r = schema.safeParse(raw);
  if (r.success) return { value: r.data, errors: [] };
  const errors = r.error.issues.map((i) => {
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((k) => `${keyPath([...i.path, k])}: unknown key; check its spelling against the documentation`).join('\n');
    }
    return `${keyPath(i.path)}: ${i.message}`;
  });
  return { errors: errors.flatMap((e) => e.split('\n')) };
}

/** Pure: parse TOML text and validate it. */
export function parseConfigText<S extends z.ZodType>(text: string, schema: S, file: string): ConfigResult<z.output<S>> {
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0] ?? 'not valid TOML';
    return { errors: [`(file) ${file}: ${msg}`] };
  }
  return validateConfig(raw, schema);
}

/**
 * Read a file the operator named — a config, or a file a config points at
 * (`setting`) — as text; a missing or unreadable one is a ConfigError of its
 * `kind`, naming the setting and what to do.
 */
export async function readNamedFile(file: string, kind: ConfigFileKind = 'config', setting?: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const at = { kind, file, ...(setting !== undefined ? { setting } : {}) };
    throw code === 'ENOENT' ? new ConfigError({ reason: 'missing', ...at }) : new ConfigError({ reason: 'unreadable', ...at, cause: code ?? (e as Error).message });
  }
}

/** Read, parse and validate a config file; throws ConfigError listing every problem. */
export async function loadConfigFile<S extends z.ZodType>(file: string, schema: S): Promise<z.output<S>> {
  const text = await readNamedFile(file);
  const r = parseConfigText(text, schema, file);
  if (r.errors.length > 0 || r.value === undefined) {
    throw new ConfigError({ reason: 'invalid', file, problems: r.errors });
  }
  return r.value;
}
