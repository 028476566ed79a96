import { hostname as osHostname } from 'node:os';

/**
 * Host name detection in the order of the Ogygia README:
 * $OGYGIA_HOSTNAME, `hostname -f`, $HOSTNAME, `hostname`, gethostname().
 */
export async function detectHostname(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = env.OGYGIA_HOSTNAME?.trim();
  if (fromEnv) return fromEnv;
  const fqdn = await run(['-f']);
  if (fqdn) return fqdn;
  const shellVar = env.HOSTNAME?.trim();
  if (shellVar) return shellVar;
  const short = await run([]);
  if (short) return short;
  return osHostname();
}

async function run(args: string[]): Promise<string | undefined> {
  try {
    const { execa } = await import('execa'); // loaded only when $OGYGIA_HOSTNAME does not name the host
    const r = await execa('hostname', args, { timeout: 2000, reject: false, stdin: 'ignore' });
    const out = r.exitCode === 0 ? String(r.stdout).trim() : '';
    return out.length > 0 && !/\s/.test(out) ? out : undefined;
  } catch {
    return undefined; // no `hostname` program: the caller falls back to os.hostname()
  }
}
