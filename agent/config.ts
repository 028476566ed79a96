import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { loadConfigFile, parseConfigText, type ConfigResult } from '../core/config-file.js';
import { etcdSection, httpUrl, seconds, toTrustConfig, trustSection, zookeeperSection } from '../core/config-schema.js';
import { CHANNEL_NAME, HOST_NAME } from '../core/release.js';
import { SYSTEM_PROFILE } from '../core/paths.js';
import type { TrustConfig } from '../core/trust.js';
import { parseWindow, type RebootWindow } from './reboot/window.js';

/** What reboots the host when `[reboot] command` is not set. */
export const DEFAULT_REBOOT_COMMAND = 'systemctl reboot';

/** `agent.toml` (DESIGN.md §8), snake_case keys; every key but `channel` and `[trust]` has a default. */
export const agentConfigSchema = z.strictObject({
  host: z.string().regex(HOST_NAME, 'must be a host name such as web01').optional(),
  channel: z.string().regex(CHANNEL_NAME, 'must be a channel name: lowercase letters, digits and ._- (at most 63)'),
  source: z
    .string()
    .min(1)
    .refine(
      (s) => /^https?:\/\/\S+$/.test(s) || /^git\+https?:\/\/\S+$/.test(s) || isAbsolute(s),
      'must be a reconciler URL (http://...), a git mirror (git+https://...) or an absolute path to a local git repository',
    ),
  branch: z.string().min(1).default('main'),
  poll_interval_seconds: seconds.default(60),
  /** Long-poll hold asked of the reconciler (`?wait=`), at most 300. */
  wait_seconds: z.number().int().min(0).max(300, 'must be at most 300 (the reconciler caps long-polls there)').default(55),
  state_dir: z.string().refine(isAbsolute, 'must be an absolute path').default('/var/lib/ogygia-agent'),
  trust: trustSection,
  nix: z
    .strictObject({
      substituters: z.array(httpUrlOrFile()).default([]),
      profile: z.string().refine(isAbsolute, 'must be an absolute path').default(SYSTEM_PROFILE),
      action: z.enum(['switch', 'boot', 'test'], 'must be one of switch, boot, test').default('switch'),
      copy_timeout_seconds: seconds.default(1800),
      stalled_download_timeout_seconds: seconds.default(60),
      switch_timeout_seconds: seconds.default(900),
      profile_timeout_seconds: seconds.default(120),
      /** `auto` uses systemd-run when systemd runs the machine; `never` runs switch-to-configuration directly. */
      systemd_run: z.enum(['auto', 'always', 'never'], 'must be one of auto, always, never').default('auto'),
    })
    .default(() => ({
      substituters: [],
      profile: SYSTEM_PROFILE,
      action: 'switch' as const,
      copy_timeout_seconds: 1800,
      stalled_download_timeout_seconds: 60,
      switch_timeout_seconds: 900,
      profile_timeout_seconds: 120,
      systemd_run: 'auto' as const,
    })),
  health: z
    .strictObject({
      command: z.string().min(1).optional(),
      timeout_seconds: seconds.default(120),
    })
    .default(() => ({ timeout_seconds: 120 })),
  report: z
    .strictObject({
      /** Where reports go; default: `source` when it is a reconciler URL. */
      url: httpUrl.optional(),
      token_file: z.string().refine(isAbsolute, 'must be an absolute path').optional(),
      /**
       * The SSH ed25519 host key that signs every report (OpenSSH private key,
       * or a Nix-format secret key), resolved under OGYGIA_ROOT; default
       * DEFAULT_HOST_KEY_FILE, and reports go unsigned when that is absent.
       */
      host_key_file: z.string().refine(isAbsolute, 'must be an absolute path').optional(),
      timeout_seconds: seconds.default(10),
    })
    .default(() => ({ timeout_seconds: 10 })),
  /** DESIGN.md §13: what to do when a release needs a reboot (a new kernel, initrd or kernel modules). */
  reboot: z
    .strictObject({
      policy: z.enum(['never', 'when-required'], 'must be one of never, when-required').default('never'),
      /** Local time "HH:MM-HH:MM", may wrap midnight; absent: any time. */
      window: z
        .string()
        .superRefine((v, ctx) => {
          const w = parseWindow(v);
          if (typeof w === 'string') ctx.addIssue({ code: 'custom', message: w });
        })
        .optional(),
      /** Run with /bin/sh -c (operator configuration), OGYGIA_ROOT passed on. */
      command: z.string().min(1).default(DEFAULT_REBOOT_COMMAND),
      timeout_seconds: seconds.default(120),
    })
    .default(() => ({ policy: 'never' as const, command: DEFAULT_REBOOT_COMMAND, timeout_seconds: 120 })),
  etcd: etcdSection.optional(),
  zookeeper: zookeeperSection.optional(),
});

/** Pure: the `[reboot] window` as a RebootWindow (validated by the schema), or undefined for any time. */
export function rebootWindow(c: AgentConfigFile): RebootWindow | undefined {
  if (c.reboot.window === undefined) return undefined;
  const w = parseWindow(c.reboot.window);
  return typeof w === 'string' ? undefined : w;
}

/** sshd's ed25519 host key: what signs reports when `[report] host_key_file` is not set. */
export const DEFAULT_HOST_KEY_FILE = '/etc/ssh/ssh_host_ed25519_key';

/** Pure: the host key file to read and whether the config names it (a missing default is not an error). */
export function hostKeyFile(c: AgentConfigFile): { readonly file: string; readonly explicit: boolean } {
  return c.report.host_key_file !== undefined ? { file: c.report.host_key_file, explicit: true } : { file: DEFAULT_HOST_KEY_FILE, explicit: false };
}

function httpUrlOrFile() {
  return z.string().regex(/^(https?|file):\/\/\S+$/, 'must be an http://, https:// or file:// binary cache URL');
}

export type AgentConfigFile = z.output<typeof agentConfigSchema>;

/** Where the head comes from. */
export type SourceSpec =
  | { readonly kind: 'reconciler'; readonly url: string }
  | { readonly kind: 'git-remote'; readonly url: string }
  | { readonly kind: 'git-local'; readonly path: string };

/** The validated configuration in the shape the agent uses. */
export interface AgentConfig {
  readonly file: AgentConfigFile;
  readonly host?: string;
  readonly channel: string;
  readonly source: SourceSpec;
  readonly trust: TrustConfig;
}

/** Pure: how the `source` string is read. */
export function sourceSpec(source: string): SourceSpec {
  if (source.startsWith('git+')) return { kind: 'git-remote', url: source.slice('git+'.length) };
  if (/^https?:\/\//.test(source)) return { kind: 'reconciler', url: source.replace(/\/+$/, '') };
  return { kind: 'git-local', path: source };
}

export function toAgentConfig(file: AgentConfigFile): AgentConfig {
  const c: AgentConfig = { file, channel: file.channel, source: sourceSpec(file.source), trust: toTrustConfig(file.trust) };
  return file.host !== undefined ? { ...c, host: file.host } : c;
}

/** The URL reports are POSTed to (`/v1/hosts/<host>/reports` is added), or undefined when there is none. */
export function reportBaseUrl(c: AgentConfig): string | undefined {
  if (c.file.report.url) return c.file.report.url.replace(/\/+$/, '');
  return c.source.kind === 'reconciler' ? c.source.url : undefined;
}

/** Pure: validate TOML text; every problem as `path.to.key: what is wrong`. */
export function parseAgentConfig(text: string, file = 'agent.toml'): ConfigResult<AgentConfigFile> {
  return parseConfigText(text, agentConfigSchema, file);
}

/** Read and validate an agent config file; throws ConfigError listing every problem. */
export async function loadAgentConfig(file: string): Promise<AgentConfig> {
  return toAgentConfig(await loadConfigFile(file, agentConfigSchema));
}
