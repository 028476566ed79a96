import { InvalidWaveError, UsageError } from '../core/errors/index.js';
import { MAX_FAILURES_LIMIT, parseRollout, type Rollout, type Wave } from '../core/rollout.js';

/**
 * `ogygia publish --wave SPEC ... [--max-failures N] [--no-rollout]`: the
 * staged rollout of DESIGN §12 from the command line. Pure.
 *
 *   SPEC = HOSTS[:SOAK] | PERCENT%[:SOAK] | HOSTS,PERCENT%[:SOAK]
 *   HOSTS = host[,host...]     SOAK = seconds, or a number with s, m, h or d
 *
 * e.g. `--wave web01,web02:600 --wave 25%:30m --wave 100%`. A spec off this
 * form is a UsageError naming it; a wave that reads but breaks a rule of
 * DESIGN §12 (percent 1–100 and never falling, a host in two waves, at most 7
 * days of soak) is the InvalidWaveError parseRollout gives a channel file,
 * naming the flag value instead of a file.
 */

/** What publish does about a rollout. */
export type RolloutChoice =
  /** `--wave` given: this rollout. */
  | { readonly kind: 'flags'; readonly rollout: Rollout }
  /** `--no-rollout`: every host at once, whatever ogygia.toml says. */
  | { readonly kind: 'none' }
  /** Neither: the channel's `[channels.<name>.rollout]` default in ogygia.toml, if it has one. */
  | { readonly kind: 'default' };

export interface RolloutFlags {
  readonly wave?: readonly string[];
  readonly maxFailures?: string;
  /** commander's `--no-rollout`: false when given. */
  readonly rollout?: boolean;
}

const SOAK_UNITS = { s: 1, m: 60, h: 3600, d: 86400 } as const;
const SOAK = /^(\d{1,9})([smhd]?)$/;
const PERCENT = /^(\d{1,9}(?:\.\d{1,9})?)%$/;
const WHOLE = /^\d{1,9}$/;

function badWave(spec: string): never {
  throw new UsageError({ reason: 'invalid', option: '--wave', value: spec });
}

/** Pure: one `--wave` value as a wave, checked for its form only (parseRollout checks the rules). */
export function parseWaveSpec(spec: string): Wave {
  const colon = spec.indexOf(':');
  const who = colon < 0 ? spec : spec.slice(0, colon);
  const soakText = colon < 0 ? undefined : spec.slice(colon + 1);
  const wave: Wave = {};
  if (soakText !== undefined) {
    const m = SOAK.exec(soakText);
    if (!m) badWave(spec);
    wave.soakSeconds = Number(m[1]) * SOAK_UNITS[(m[2] || 's') as keyof typeof SOAK_UNITS];
  }
  const hosts: string[] = [];
  for (const part of who.split(',')) {
    const pm = PERCENT.exec(part);
    if (pm) {
      if (wave.percent !== undefined) badWave(spec); // one share per wave
      wave.percent = Number(pm[1]);
    } else if (part.length === 0 || part.includes('%')) {
      badWave(spec); // an empty name (web01,,web02 or a trailing comma), or a share that is not a number
    } else {
      hosts.push(part); // its spelling is parseRollout's to judge, with the host identity rule
    }
  }
  // Key order as formatRollout writes it, so the value is the one a channel file shows.
  return {
    ...(hosts.length > 0 ? { hosts } : {}),
    ...(wave.percent !== undefined ? { percent: wave.percent } : {}),
    ...(wave.soakSeconds !== undefined ? { soakSeconds: wave.soakSeconds } : {}),
  };
}

/** Pure: the `--wave` value that gives this wave (soak in seconds). */
export function formatWaveSpec(w: Wave): string {
  const who = [...(w.hosts ?? []), ...(w.percent !== undefined ? [`${w.percent}%`] : [])].join(',');
  return w.soakSeconds !== undefined ? `${who}:${w.soakSeconds}` : who;
}

/** Pure: the publish flags that give this rollout. */
export function rolloutFlags(r: Rollout): string[] {
  return [...r.waves.flatMap((w) => ['--wave', formatWaveSpec(w)]), '--max-failures', String(r.maxFailures)];
}

/**
 * Pure: what publish does about a rollout, from its flags. `--max-failures`
 * defaults to 0 (the first failed host halts) and only goes with `--wave`;
 * `--no-rollout` goes with neither.
 */
export function rolloutFromFlags(f: RolloutFlags): RolloutChoice {
  const specs = f.wave ?? [];
  if (f.rollout === false) {
    if (specs.length > 0) throw new UsageError({ reason: 'rollout-flags', problem: 'no-rollout-with-wave' });
    if (f.maxFailures !== undefined) throw new UsageError({ reason: 'rollout-flags', problem: 'no-rollout-with-max-failures' });
    return { kind: 'none' };
  }
  if (specs.length === 0) {
    if (f.maxFailures !== undefined) throw new UsageError({ reason: 'rollout-flags', problem: 'max-failures-without-wave' });
    return { kind: 'default' };
  }
  if (f.maxFailures !== undefined && (!WHOLE.test(f.maxFailures) || Number(f.maxFailures) > MAX_FAILURES_LIMIT)) {
    throw new UsageError({ reason: 'invalid', option: '--max-failures', value: f.maxFailures });
  }
  const raw = { waves: specs.map(parseWaveSpec), maxFailures: f.maxFailures === undefined ? 0 : Number(f.maxFailures) };
  try {
    return { kind: 'flags', rollout: parseRollout(raw, '--wave flags') };
  } catch (e) {
    // Name the flag value the operator typed, not a file.
    if (e instanceof InvalidWaveError) throw new InvalidWaveError({ ...e.data, file: `--wave ${JSON.stringify(specs[e.data.wave - 1])}` });
    throw e;
  }
}
