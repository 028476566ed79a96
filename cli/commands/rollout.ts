import { ChannelNotFoundError, UsageError } from '../../core/errors/index.js';
import { systemRoot } from '../../core/paths.js';
import { assertChannelName } from '../../core/release.js';
import { loadStatusConfig, statusConfigPath } from '../../status/config.js';
import { type CommandIO, processIO } from '../io.js';
import { DEFAULT_RECONCILER_URL } from '../option-values.js';
import { fetchChannelList } from '../rollout/channel-list.js';
import { renderRolloutStatus, rolloutExitStatus } from '../rollout/progress-table.js';

/** The reconciler's address when neither --reconciler nor the status config names one (DESIGN §4's default port). */
const DEFAULT_TIMEOUT_SECONDS = 10;

export interface RolloutStatusOptions {
  channel?: string;
  reconciler?: string;
  json?: boolean;
}

/**
 * Where to ask: --reconciler, else `[ogygia.reconciler] url` of the config
 * `ogygia status` reads (OGYGIA_CONFIG, else the current system's), else
 * the default port on this machine.
 */
async function reconcilerOf(opts: RolloutStatusOptions, env: NodeJS.ProcessEnv): Promise<{ url: string; timeoutSeconds: number }> {
  if (opts.reconciler !== undefined) {
    if (!/^https?:\/\/[^\s]+$/.test(opts.reconciler) || !URL.canParse(opts.reconciler)) {
      throw new UsageError({ reason: 'invalid', option: '--reconciler', value: opts.reconciler });
    }
    return { url: opts.reconciler, timeoutSeconds: DEFAULT_TIMEOUT_SECONDS };
  }
  const config = await loadStatusConfig(statusConfigPath(env, systemRoot(env)));
  const r = config?.ogygia.reconciler;
  return r ? { url: r.url, timeoutSeconds: r.timeout_seconds } : { url: DEFAULT_RECONCILER_URL, timeoutSeconds: DEFAULT_TIMEOUT_SECONDS };
}

/**
 * Show where each channel's staged rollout stands (DESIGN §12), from the
 * reconciler's `GET /v1/channels`. Exit 0 when it was read and no shown
 * rollout is halted, 3 when one is, 1 when the reconciler could not be read.
 */
export async function rolloutStatus(opts: RolloutStatusOptions, io: CommandIO = processIO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const only = opts.channel === undefined ? undefined : assertChannelName(opts.channel);
  const { url, timeoutSeconds } = await reconcilerOf(opts, env);
  const list = await fetchChannelList(url, timeoutSeconds);
  const channels = only === undefined ? list.channels : list.channels.filter((c) => c.name === only);
  if (only !== undefined && channels.length === 0) {
    throw new ChannelNotFoundError({ where: 'reconciler', channel: only, branch: list.branch.name });
  }
  if (opts.json) {
    io.out(JSON.stringify({ reconciler: url, branch: list.branch.name, channels: channels.map((c) => ({ name: c.name, revision: c.revision, digest: c.digest, rollout: c.rollout })) }, null, 2));
  } else {
    for (const line of renderRolloutStatus(channels, new Date())) io.out(line);
  }
  return rolloutExitStatus(channels);
}

