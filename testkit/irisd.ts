import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nixEnv } from './nix.js';
import { freePort, waitForPort } from './ports.js';
import { startProcess, type Started } from './processes.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'ogygia');

export interface TestIrisd {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Its store root (`local?root=`). */
  readonly root: string;
  readonly proc: Started;
  /** Its log file. */
  readonly log: string;
}

/**
 * A real irisd (`bin/ogygia irisd`, so dist/ must be built) on a free loopback
 * port over the store `local?root=ROOT`, its config, log and NAR cache in
 * `dir` under `name`. `toml` holds extra lines, appended to the `[cache]`
 * section (more sections may follow). Stop it with `proc.stop()`.
 */
export async function startTestIrisd(opts: {
  readonly dir: string;
  readonly name: string;
  readonly root: string;
  readonly trustedKeys: readonly string[];
  readonly peers?: readonly string[];
  readonly toml?: string;
  /** Extra lines for the `[server]` section (`header_timeout_seconds = 1`, ...). */
  readonly server?: string;
  /** Extra lines for the `[store]` section (`refresh_seconds = 1`, ...). */
  readonly store?: string;
}): Promise<TestIrisd> {
  const port = await freePort();
  const cfg = join(opts.dir, `${opts.name}.toml`);
  await writeFile(
    cfg,
    [
      '[server]',
      `listen = ["127.0.0.1:${port}"]`,
      opts.server ?? '',
      '[store]',
      `root = ${JSON.stringify(opts.root)}`,
      opts.store ?? '',
      '[peers]',
      `urls = ${JSON.stringify(opts.peers ?? [])}`,
      'refresh_seconds = 1',
      '[trust]',
      `trusted_keys = ${JSON.stringify(opts.trustedKeys)}`,
      '[cache]',
      `dir = ${JSON.stringify(join(opts.dir, `${opts.name}-cache`))}`,
      opts.toml ?? '',
    ].join('\n') + '\n',
  );
  const log = join(opts.dir, `${opts.name}.log`);
  const proc = startProcess(process.execPath, [BIN, 'irisd', '--config', cfg], { log, env: nixEnv() });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForPort(port, '127.0.0.1', 60_000);
    if ((opts.peers ?? []).length > 0) {
      // Until it holds a filter from every peer (refresh_seconds = 1).
      for (const t0 = Date.now(); ; ) {
        const peers = (await (await fetch(`${url}/iris/v1/peers`, { signal: AbortSignal.timeout(10_000) })).json()) as { reachable: boolean }[];
        if (peers.every((p) => p.reachable)) break;
        if (Date.now() - t0 > 30_000) throw new Error(`startTestIrisd: ${opts.name} reached none of its peers within 30 s; see ${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (e) {
    // Not left running when it never became ready: the caller has nothing to stop.
    await proc.stop();
    throw e;
  }
  return { url, root: opts.root, proc, log };
}
