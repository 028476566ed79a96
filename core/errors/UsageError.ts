import { OgygiaError } from './OgygiaError.js';
import { quoted } from './text.js';

/**
 * Values a command or the API takes in a set form: what the form is, and how
 * to give one. A value off its form is `{ reason: 'invalid', option, value }`.
 */
const FORMS = {
  '--target': { is: 'HOST=STORE_PATH', fix: 'write it like --target web01=/nix/store/...' },
  '--target host': { is: 'a host name or "*"', fix: 'name the host as it names itself' },
  '--host': { is: 'a host name', fix: 'name the host as its agent names itself (host in agent.toml)' },
  '--source-revision': { is: 'a full lowercase git commit id', fix: 'pass `git rev-parse HEAD` of your NixOS config repository' },
  '--substituter': { is: 'an http(s):// or file:// URL', fix: 'give the binary cache URL hosts fetch from' },
  '--cache': { is: 'an http(s):// or file:// URL', fix: 'give the binary cache URL the closures are in' },
  '--expires': { is: 'a duration (90d, 12h, 2w) or an RFC 3339 time', fix: 'pass one of those' },
  '--to': { is: 'a revision number', fix: 'run `ogygia history` and pick one of its revisions' },
  '--from': { is: 'a revision number', fix: 'run `ogygia history` and pick one of its revisions' },
  '--wave': { is: 'HOSTS[:SOAK], PERCENT%[:SOAK] or HOSTS,PERCENT%[:SOAK] (SOAK in seconds, or with s, m, h or d)', fix: 'write each wave like --wave web01,web02:600 --wave 25%:30m --wave 100%' },
  '--max-failures': { is: 'a whole number from 0 to 10000', fix: 'pass how many hosts may fail before the rollout halts (0: the first failure halts it)' },
  '--reconciler': { is: 'an http:// or https:// URL', fix: 'pass the reconciler\'s address, e.g. --reconciler http://127.0.0.1:35740' },
  'store path hash': { is: 'a store path hash (32 nix32 characters) or a store path', fix: 'copy it from the path' },
} as const;

export type UsageOption = keyof typeof FORMS;

/** Things a command cannot run without. */
const NEEDS = {
  target: 'A release needs at least one target; pass --store-path PATH or --target HOST=PATH.',
  'push-path': 'No store path to push was named; name at least one, e.g. ogygia iris push /nix/store/...-mypackage.',
  'signing-key': '--sign needs a key: set signing.key_file in irisd.toml or pass --key-file FILE.',
} as const;

export type UsageNeed = keyof typeof NEEDS;

/** Rollout flags of `ogygia publish` that contradict each other. */
const ROLLOUT_FLAGS = {
  'no-rollout-with-wave': '--no-rollout publishes without a rollout and --wave asks for one; pass one of them.',
  'no-rollout-with-max-failures': '--max-failures belongs to the waves of --wave, and --no-rollout publishes without any; drop one of them.',
  'max-failures-without-wave': '--max-failures belongs to the waves of --wave; pass the waves too (an ogygia.toml default sets max_failures itself).',
} as const;

export type RolloutFlagsProblem = keyof typeof ROLLOUT_FLAGS;

export type UsageFields =
  /** A value off its form. */
  | { readonly reason: 'invalid'; readonly option: UsageOption; readonly value: string }
  /** A number (an HTTP query parameter such as `?wait=`) out of its range. */
  | { readonly reason: 'out-of-range'; readonly parameter: string; readonly value: string; readonly min: number; readonly max: number }
  /** Something the command needs and did not get. */
  | { readonly reason: 'missing'; readonly need: UsageNeed }
  /** A daemon command (`ogygia agent`, ...) run without --config or --check-config. */
  | { readonly reason: 'no-config'; readonly command: 'agent' | 'reconciler' | 'irisd' }
  /** One host given two store paths. */
  | { readonly reason: 'target-twice'; readonly host: string }
  /** `--expires` at or before the issue time. */
  | { readonly reason: 'expired-on-issue'; readonly expiresAt: string; readonly issuedAt: string }
  /** `--repo` names a directory inside another git repository. */
  | { readonly reason: 'nested-repo'; readonly repo: string; readonly enclosing: string }
  /** `ogygia keygen --out` names a file that exists, without --force. */
  | { readonly reason: 'key-exists'; readonly out: string }
  /** `ogygia publish` rollout flags that do not go together. */
  | { readonly reason: 'rollout-flags'; readonly problem: RolloutFlagsProblem }
  /** Two options that each choose the same thing (the output format). */
  | { readonly reason: 'exclusive'; readonly options: readonly [string, string] };

function sentence(f: UsageFields): string {
  switch (f.reason) {
    case 'invalid': {
      const form = FORMS[f.option];
      const what = f.option.startsWith('--') ? `${f.option} ${quoted(f.value)}` : quoted(f.value);
      return `${what} is not ${form.is}; ${form.fix}.`;
    }
    case 'out-of-range':
      return `?${f.parameter}=${f.value} is out of range; pass a number from ${f.min} to ${f.max}.`;
    case 'missing':
      return NEEDS[f.need];
    case 'no-config':
      return `ogygia ${f.command} needs a config: pass --config FILE (the ${f.command}.toml to run with) or --check-config FILE to only validate it.`;
    case 'target-twice':
      return `Host ${f.host} is targeted twice; give one store path per host.`;
    case 'expired-on-issue':
      return 'The expiry is not after the issue time; pass --expires with a later time such as 90d.';
    case 'nested-repo':
      return `${f.repo} is inside the git repository ${f.enclosing}; pass its top level (--repo ${f.enclosing}) so channels/ sits at the repository root.`;
    case 'key-exists':
      return `${f.out} already exists; pick another --out or pass --force to replace that key for good.`;
    case 'rollout-flags':
      return ROLLOUT_FLAGS[f.problem];
    case 'exclusive':
      return `${f.options[0]} and ${f.options[1]} each choose the output; pass one of them.`;
  }
}

/** A command (or an API request) was called with missing, malformed or contradictory arguments. */
export class UsageError extends OgygiaError<UsageFields> {
  readonly code = 'UsageError';

  constructor(f: UsageFields) {
    super(sentence(f), { ...f });
  }
}
