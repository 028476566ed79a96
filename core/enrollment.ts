import { parse as parseToml } from 'smol-toml';
import { InvalidEnrollmentError, InvalidHostKeyError } from './errors/index.js';
import { parseSshPublicKey, type SshPublicKey } from './host-key.js';
import { canonicalHost, relateHosts } from './host-identity.js';
import { HOST_NAME } from './release.js';

/**
 * The fleet's enrollment (DESIGN.md §11): `hosts.toml` at the root of the
 * channels repository, changed by pull request like everything else.
 *
 *   [hosts.web01]
 *   key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA... root@web01"
 *   [hosts."web01.dc1.example.com"]      # a name with dots is quoted in TOML
 *   key = "ssh-ed25519 AAAA..."
 *
 * Strict: no key other than `hosts`, no field other than `key`, names are
 * host names, two names that are the *same* host (core/host-identity.ts)
 * are refused, and so is one key enrolled for two hosts (each could then
 * sign the other's reports). Keys are ssh-ed25519 only.
 */

export const ENROLLMENT_FILE = 'hosts.toml';

/** The largest hosts.toml read: 10,000 hosts at ~150 bytes each fit several times over. */
export const MAX_ENROLLMENT_BYTES = 4 * 1024 * 1024;

/** The problem line of a hosts.toml over MAX_ENROLLMENT_BYTES (refused from its git object header, never inflated). */
export function oversizeProblem(bytes: number): string {
  return `(file): ${bytes} bytes, over the ${MAX_ENROLLMENT_BYTES}-byte cap`;
}

export interface EnrolledHost {
  /** The name as hosts.toml spells it. */
  readonly name: string;
  readonly key: SshPublicKey;
}

export interface Enrollment {
  /** Enrolled hosts by canonical name (core/host-identity.ts canonicalHost). */
  readonly hosts: ReadonlyMap<string, EnrolledHost>;
}

/** The name as a TOML key: bare when it can be, quoted when it holds dots. */
export function tomlHostKey(name: string): string {
  return /^[A-Za-z0-9_-]+$/.test(name) ? name : JSON.stringify(name);
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function keyProblem(e: InvalidHostKeyError): string {
  const d = e.data;
  switch (d.reason) {
    case 'not-ed25519':
      return `is a ${JSON.stringify(d.type)} key; only ssh-ed25519 host keys are enrolled`;
    case 'damaged':
      return `is not a valid ssh-ed25519 key (${d.detail})`;
    default:
      return 'must be "ssh-ed25519 BASE64 [comment]", the line of /etc/ssh/ssh_host_ed25519_key.pub';
  }
}

/** Pure: hosts.toml text → the enrollment, or every problem as `path.to.key: what is wrong`. */
export function checkEnrollment(text: string): { value?: Enrollment; problems: string[] } {
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (e) {
    return { problems: [`(file): not valid TOML: ${(e as Error).message.split('\n')[0] ?? 'parse error'}`] };
  }
  const problems: string[] = [];
  const top = raw as Record<string, unknown>;
  for (const k of Object.keys(top)) if (k !== 'hosts') problems.push(`${tomlHostKey(k)}: unknown key; hosts.toml holds only [hosts.<name>] tables`);
  const table = top.hosts ?? {};
  if (!isTable(table)) return { problems: [...problems, 'hosts: must be a table of [hosts.<name>] entries'] };
  const hosts = new Map<string, EnrolledHost>();
  const byKey = new Map<string, string>();
  for (const [name, entry] of Object.entries(table)) {
    const at = `hosts.${tomlHostKey(name)}`;
    if (!HOST_NAME.test(name)) {
      problems.push(`${at}: ${JSON.stringify(name)} is not a host name`);
      continue;
    }
    if (!isTable(entry)) {
      problems.push(`${at}: must be a table with key = "ssh-ed25519 ..."`);
      continue;
    }
    const extra = Object.keys(entry).filter((k) => k !== 'key');
    for (const k of extra) {
      problems.push(
        isTable(entry[k]) && !('key' in entry)
          ? `${at}.${tomlHostKey(k)}: unknown key; a host name with dots is quoted: [hosts."${name}.${k}…"]`
          : `${at}.${tomlHostKey(k)}: unknown key; an entry holds only key`,
      );
    }
    if (typeof entry.key !== 'string') {
      if (extra.length === 0 || 'key' in entry) problems.push(`${at}.key: required, a string "ssh-ed25519 BASE64 [comment]"`);
      continue;
    }
    let key: SshPublicKey;
    try {
      key = parseSshPublicKey(entry.key, `${at}.key`);
    } catch (e) {
      if (!(e instanceof InvalidHostKeyError)) throw e;
      problems.push(`${at}.key: ${keyProblem(e)}`);
      continue;
    }
    const canonical = canonicalHost(name);
    const same = hosts.get(canonical);
    if (same) {
      problems.push(`${at}: names the same host as hosts.${tomlHostKey(same.name)} (names compare ignoring case); keep one`);
      continue;
    }
    const id = Buffer.from(key.bytes).toString('hex');
    const owner = byKey.get(id);
    if (owner !== undefined) {
      problems.push(`${at}.key: is the key of hosts.${tomlHostKey(owner)} too; each host has its own host key (a cloned image shares one: regenerate it)`);
      continue;
    }
    byKey.set(id, name);
    hosts.set(canonical, { name, key });
  }
  return problems.length > 0 ? { problems } : { value: { hosts }, problems: [] };
}

/** Pure: hosts.toml text → the enrollment; throws InvalidEnrollmentError listing every problem. */
export function parseEnrollment(text: string, file = ENROLLMENT_FILE): Enrollment {
  const r = checkEnrollment(text);
  if (!r.value) throw new InvalidEnrollmentError({ file, problems: r.problems });
  return r.value;
}

/** What the enrollment says about a host name: enrolled (the *same* name), only a look-alike enrolled, or nothing. */
export type EnrollmentMatch =
  | { readonly kind: 'enrolled'; readonly host: EnrolledHost }
  | { readonly kind: 'look-alike'; readonly name: string }
  | { readonly kind: 'none' };

/** Pure: the enrolled entry for `host` by the host identity rule. */
export function matchEnrolled(enrollment: Enrollment, host: string): EnrollmentMatch {
  const own = enrollment.hosts.get(canonicalHost(host));
  if (own) return { kind: 'enrolled', host: own };
  for (const h of enrollment.hosts.values()) if (relateHosts(h.name, host) === 'looks-alike') return { kind: 'look-alike', name: h.name };
  return { kind: 'none' };
}

/**
 * Pure: release targets that look like an enrolled host without being one
 * (`web01` while hosts.toml enrolls `web01.dc1.example.com`): that host would
 * refuse the release (AmbiguousHostError). A target that is the *same* as
 * some enrolled name is never listed.
 */
export function lookAlikeTargets(targets: Iterable<string>, enrollment: Enrollment): Array<{ readonly target: string; readonly enrolled: string }> {
  const out: Array<{ target: string; enrolled: string }> = [];
  for (const t of targets) {
    if (t === '*' || enrollment.hosts.has(canonicalHost(t))) continue;
    for (const h of enrollment.hosts.values()) if (relateHosts(t, h.name) === 'looks-alike') out.push({ target: t, enrolled: h.name });
  }
  return out;
}
