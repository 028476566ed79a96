// What the command declarations in cli/registry.ts need at start-up, with no imports: `ogygia --help` loads
// only this, commander and the registry (cli/options.ts, which validates values, pulls in the release schema).

/** Where `ogygia iris` reads irisd's address, key and store from when no --config is given. */
export const IRISD_DEFAULT_CONFIG = '/etc/ogygia/irisd.toml';

/** Where `ogygia rollout status` asks when neither --reconciler nor the status config names a reconciler. */
export const DEFAULT_RECONCILER_URL = 'http://127.0.0.1:35740';

/** commander helper: collect a repeatable option into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
