import { ENROLLMENT_FILE, matchEnrolled, parseEnrollment, tomlHostKey, type Enrollment } from '../../core/enrollment.js';
import { InternalError } from '../../core/errors/index.js';
import { equalBytes } from '../../core/keys.js';
import { canonicalHost } from '../../core/host-identity.js';
import { formatSshPublicKey, type SshPublicKey } from '../../core/host-key.js';

/** What `ogygia enroll` does to hosts.toml. */
export interface EnrollEdit {
  /** The new text of hosts.toml (the old one when nothing changes). */
  readonly text: string;
  readonly change: 'created' | 'added' | 'updated' | 'unchanged';
  /** The host's name as hosts.toml spells it (an existing entry keeps its spelling). */
  readonly name: string;
  /** An enrolled name that only looks like the new one (a shorter or longer form): probably the same machine twice. */
  readonly lookAlike?: string;
  /** True when the file had to be written anew (an entry in a form the edit does not find): its comments are gone. */
  readonly rewritten?: boolean;
}

const HEADER = `# Ogygia enrollment (DESIGN.md §11): each host's SSH ed25519 host key.
# With this file on the branch the reconciler follows, it keeps reports only
# from the hosts below, signed by these keys. Add hosts with \`ogygia enroll\`.
`;

function entry(name: string, key: SshPublicKey): string {
  return `[hosts.${tomlHostKey(name)}]\nkey = ${JSON.stringify(formatSshPublicKey(key))}\n`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replace the `key = …` line of `[hosts.<name>]` in place, keeping every other line; undefined when the entry is not written that way. */
function replaceKeyLine(text: string, name: string, key: SshPublicKey): string | undefined {
  const lines = text.split('\n');
  const names = [escapeRegExp(name), escapeRegExp(JSON.stringify(name)), escapeRegExp(`'${name}'`)].join('|');
  const header = new RegExp(`^\\s*\\[\\s*hosts\\s*\\.\\s*(?:${names})\\s*\\]\\s*(?:#.*)?$`);
  const start = lines.findIndex((l) => header.test(l));
  if (start < 0) return undefined;
  for (let i = start + 1; i < lines.length && !/^\s*\[/.test(lines[i]!); i++) {
    if (/^\s*key\s*=/.test(lines[i]!)) {
      lines[i] = `key = ${JSON.stringify(formatSshPublicKey(key))}`;
      return lines.join('\n');
    }
  }
  return undefined;
}

function render(enrollment: Enrollment): string {
  return HEADER + [...enrollment.hosts.values()].map((h) => '\n' + entry(h.name, h.key)).join('');
}

/**
 * Pure: hosts.toml with `host` enrolled under `key`: a new entry appended, or
 * the key line of the host's entry replaced (an entry of the *same* name in
 * another case keeps its spelling). Comments and order stay. The current
 * text must parse (InvalidEnrollmentError otherwise), and so must the result:
 * a key already enrolled for another host is refused that way.
 */
export function enrollHost(current: string | undefined, host: string, key: SshPublicKey): EnrollEdit {
  if (current === undefined) {
    const text = `${HEADER}\n${entry(host, key)}`;
    parseEnrollment(text, ENROLLMENT_FILE);
    return { text, change: 'created', name: host };
  }
  const before = parseEnrollment(current, ENROLLMENT_FILE);
  const match = matchEnrolled(before, host);
  if (match.kind === 'enrolled') {
    const name = match.host.name;
    if (equalBytes(match.host.key.bytes, key.bytes)) return { text: current, change: 'unchanged', name };
    let text = replaceKeyLine(current, name, key);
    let rewritten = false;
    if (text === undefined) {
      const hosts = new Map(before.hosts);
      hosts.set(canonicalHost(name), { name, key });
      text = render({ hosts });
      rewritten = true;
    }
    checkResult(text, name, key);
    return { text, change: 'updated', name, ...(rewritten ? { rewritten } : {}) };
  }
  const text = `${current}${current === '' || current.endsWith('\n') ? '' : '\n'}\n${entry(host, key)}`;
  checkResult(text, host, key);
  return { text, change: 'added', name: host, ...(match.kind === 'look-alike' ? { lookAlike: match.name } : {}) };
}

/** The edited text parses and enrolls exactly this key for this host (InvalidEnrollmentError when the key is another host's). */
function checkResult(text: string, name: string, key: SshPublicKey): void {
  const after = parseEnrollment(text, ENROLLMENT_FILE);
  const got = after.hosts.get(canonicalHost(name));
  if (!got || !equalBytes(got.key.bytes, key.bytes)) throw new InternalError({ where: 'ogygia enroll', cause: `the edited ${ENROLLMENT_FILE} does not enroll ${name} with the new key` });
}
