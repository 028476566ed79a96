import { ConfigError, IrisdUnreachableError, UsageError } from '../../core/errors/index.js';
import { STORE_HASH, assertStorePath, storePathHash } from '../../core/store-path.js';
import { loadIrisdConfig } from '../../irisd/config.js';
import { localStore, signPaths } from '../../irisd/store/nix-store.js';
import { type CommandIO, processIO } from '../io.js';
import { IRISD_DEFAULT_CONFIG } from '../option-values.js';

const DEFAULT_CONFIG = IRISD_DEFAULT_CONFIG;

export interface IrisClientOptions {
  config?: string;
  url?: string;
}

export interface IrisPushOptions extends IrisClientOptions {
  sign?: boolean;
  keyFile?: string;
  storeRoot?: string;
}

interface Resolved {
  url: string;
  keyFile?: string;
  storeRoot: string;
}

/** Where the local irisd is (and its key and store): --url/--key-file/--store-root, else the config file's values. */
async function resolveTarget(opts: IrisPushOptions): Promise<Resolved> {
  const explicitConfig = opts.config !== undefined;
  let cfg: Awaited<ReturnType<typeof loadIrisdConfig>> | undefined;
  if (explicitConfig || !opts.url) {
    try {
      cfg = await loadIrisdConfig(opts.config ?? DEFAULT_CONFIG);
    } catch (e) {
      // Without --config, a default irisd.toml this user cannot read means "ask the default address"; a broken one is reported.
      if (explicitConfig || !(e instanceof ConfigError && (e.data.reason === 'missing' || e.data.reason === 'unreadable'))) throw e;
    }
  }
  const listen = cfg?.server.listen[0] ?? '127.0.0.1:35742';
  const host = listen.slice(0, listen.lastIndexOf(':'));
  const port = listen.slice(listen.lastIndexOf(':') + 1);
  const local = host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host;
  const keyFile = opts.keyFile ?? cfg?.signing.key_file;
  return {
    url: (opts.url ?? `http://${local}:${port}`).replace(/\/+$/, ''),
    storeRoot: opts.storeRoot ?? cfg?.store.root ?? '/',
    ...(keyFile ? { keyFile } : {}),
  };
}

async function call(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(120_000) });
  } catch (e) {
    throw new IrisdUnreachableError({ reason: 'no-answer', url, cause: (e as Error).message });
  }
}

/** `ogygia iris push [--sign] PATH...`: optionally sign with the configured key, then have the local irisd index them now. */
export async function irisPush(paths: string[], opts: IrisPushOptions, io: CommandIO = processIO): Promise<number> {
  if (paths.length === 0) throw new UsageError({ reason: 'missing', need: 'push-path' });
  const checked = paths.map((p) => assertStorePath(p.replace(/\/+$/, ''), 'iris push'));
  const t = await resolveTarget(opts);
  if (opts.sign) {
    if (!t.keyFile) throw new UsageError({ reason: 'missing', need: 'signing-key' });
    await signPaths(localStore(t.storeRoot), t.keyFile, checked);
    io.err(`iris: signed ${checked.length} path(s) with ${t.keyFile}`);
  }
  const res = await call(`${t.url}/iris/v1/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ paths: checked }),
  });
  // An answer that is not JSON (a proxy's error page) carries no detail.
  const body = (await res.json().catch(() => ({}))) as { indexed?: number; missing?: string[]; error?: string };
  if (!res.ok) throw new IrisdUnreachableError({ reason: 'push-refused', url: t.url, status: res.status, ...(body.error !== undefined ? { detail: body.error } : {}) });
  for (const p of body.missing ?? []) io.err(`iris: ${p} is not a valid path of the store irisd serves; build or copy it there first`);
  io.out(`iris: irisd now indexes ${body.indexed ?? 0} paths; peers see the new filter within their refresh interval`);
  return (body.missing ?? []).length > 0 ? 1 : 0;
}

/** `ogygia iris providers HASH`: which peers hold a path, as the local irisd sees it. */
export async function irisProviders(hashOrPath: string, opts: IrisClientOptions & { json?: boolean }, io: CommandIO = processIO): Promise<number> {
  const hash = hashOrPath.startsWith('/nix/store/') ? storePathHash(hashOrPath) : hashOrPath;
  if (!STORE_HASH.test(hash)) throw new UsageError({ reason: 'invalid', option: 'store path hash', value: hashOrPath });
  const t = await resolveTarget(opts);
  const res = await call(`${t.url}/iris/v1/providers/${hash}`);
  if (!res.ok) throw new IrisdUnreachableError({ reason: 'status', url: t.url, status: res.status });
  const body = (await res.json()) as {
    local: { storePath: string } | null;
    providers: { url: string; storePath: string; trusted: boolean; signers: string[] }[];
  };
  if (opts.json) {
    io.out(JSON.stringify(body, null, 2));
    return body.local || body.providers.length > 0 ? 0 : 1;
  }
  if (body.local) io.out(`local\t${body.local.storePath}`);
  for (const p of body.providers) io.out(`${p.url}\t${p.storePath}\t${p.trusted ? `signed by ${p.signers.join(',')}` : 'UNTRUSTED (not offered)'}`);
  if (!body.local && body.providers.length === 0) {
    io.err(`iris: no peer holds ${hash}`);
    return 1;
  }
  return 0;
}
