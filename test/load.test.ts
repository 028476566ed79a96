import { setMaxListeners } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKeyFile, testPublicKey } from '../testkit/keys.js';
import { freePort, waitForPort } from '../testkit/ports.js';
import { startProcess, type Started } from '../testkit/processes.js';
import { storePath } from '../testkit/store-paths.js';
import { makeTempDir } from '../testkit/tmp.js';

// Load: AGENTS simulated agents hold long-polls on one reconciler and report
// every 10 s for SECONDS (60 in CI; `npm run test:soak` runs 300), while new
// releases are pushed. No request may fail, every agent must see every
// release, and the reconciler must keep every report.
const AGENTS = Number(process.env.OGYGIA_LOAD_AGENTS ?? 1000);
const SECONDS = Number(process.env.OGYGIA_LOAD_SECONDS ?? 60);
const REPORT_EVERY_MS = 10_000;
const BIN = join(import.meta.dirname, '..', 'bin', 'ogygia');
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'L', GIT_AUTHOR_EMAIL: 'l@l.invalid', GIT_COMMITTER_NAME: 'L', GIT_COMMITTER_EMAIL: 'l@l.invalid' };

describe(`load: ${AGENTS} agents long-polling and reporting every 10 s for ${SECONDS} s`, () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let reconciler: Started;
  let url: string;
  let work: string;

  const publish = async (storePath: string) => {
    await execa(BIN, ['publish', '--repo', work, '--channel', 'prod', '--key', testKeyFile('test-only-ops-1'), '--store-path', storePath, '--source-revision', 'c'.repeat(40), '--push'], { env: GIT_ENV });
    return JSON.parse(await execa('cat', [join(work, 'channels/prod.json')]).then((r) => String(r.stdout)));
  };

  beforeAll(async () => {
    tmp = await makeTempDir('ogygia-load-');
    const bare = join(tmp.path, 'channels.git');
    await execa('git', ['init', '-q', '--bare', '-b', 'main', bare]);
    work = join(tmp.path, 'work');
    await execa('git', ['clone', '-q', bare, work]);
    await publish(storePath('a'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    await mkdir(join(tmp.path, 'state'));
    await writeFile(
      join(tmp.path, 'reconciler.toml'),
      `source = "${bare}"\nlisten = "127.0.0.1:${port}"\nstate_dir = "${join(tmp.path, 'state')}"\npoll_interval_seconds = 30\n[trust]\nkeys = ["${testPublicKey('test-only-ops-1')}"]\n[reports]\nstale_after_seconds = 60\n`,
    );
    reconciler = startProcess(process.execPath, [BIN, 'reconciler', '--config', join(tmp.path, 'reconciler.toml')], {
      log: join(tmp.path, 'reconciler.log'),
      env: { ...process.env, OGYGIA_LOG: 'quiet' },
    });
    await waitForPort(port);
  });

  afterAll(async () => {
    await reconciler?.stop();
    await tmp?.cleanup();
  });

  it('fails no request, releases every long-poll on each push, and keeps every report', async () => {
    const stop = new AbortController();
    setMaxListeners(AGENTS + 10, stop.signal); // one link per simulated agent
    const errors: string[] = [];
    const lastSent = new Map<string, string>();
    const seen = new Map<string, string>(); // host -> last digest it received
    let sent = 0;
    let polls = 0;

    const agent = async (i: number) => {
      const host = `sim${String(i).padStart(4, '0')}`;
      let etag: string | undefined;
      let head: { revision: number; digest: string; commit: string } | undefined;
      // Each agent has its own signal, linked once to the fleet's stop signal.
      const mine = new AbortController();
      stop.signal.addEventListener('abort', () => mine.abort(), { once: true });
      const poll = async () => {
        while (!stop.signal.aborted) {
          try {
            const r = await fetch(`${url}/v1/channels/prod?wait=20`, { headers: etag ? { 'if-none-match': etag } : {}, signal: mine.signal });
            polls++;
            if (r.status === 200) {
              const body = (await r.json()) as { document: { release: { revision: number } }; commit: string; digest: string };
              etag = r.headers.get('etag') ?? undefined;
              head = { revision: body.document.release.revision, digest: body.digest, commit: body.commit };
              seen.set(host, body.digest);
            } else if (r.status !== 304) {
              errors.push(`${host} poll ${r.status}`);
              await r.arrayBuffer();
            }
          } catch (e) {
            if (!stop.signal.aborted) errors.push(`${host} poll ${(e as Error).message}`);
          }
        }
      };
      const report = async () => {
        await new Promise((r) => setTimeout(r, (i * REPORT_EVERY_MS) / AGENTS)); // spread the fleet over the interval
        while (!stop.signal.aborted) {
          const reportedAt = new Date().toISOString();
          const body = {
            host, channel: 'prod', state: head ? 'applied' : 'idle', revision: head?.revision ?? null, digest: head?.digest ?? null, commit: head?.commit ?? null,
            current: 'cccccccccccc', booted: 'cccccccccccc', nextboot: 'cccccccccccc', agentVersion: 'load-test', reportedAt,
          };
          try {
            const r = await fetch(`${url}/v1/hosts/${host}/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
            await r.arrayBuffer();
            if (r.status >= 200 && r.status < 300) {
              lastSent.set(host, reportedAt);
              sent++;
            } else errors.push(`${host} report ${r.status}`);
          } catch (e) {
            errors.push(`${host} report ${(e as Error).message}`);
          }
          await new Promise((r) => setTimeout(r, REPORT_EVERY_MS));
        }
      };
      await Promise.all([poll(), report()]);
    };

    const fleet = Array.from({ length: AGENTS }, (_, i) => agent(i));
    const third = (SECONDS * 1000) / 3;
    await new Promise((r) => setTimeout(r, third));
    await publish(storePath('b'));
    await new Promise((r) => setTimeout(r, third));
    await publish(storePath('c'));
    await new Promise((r) => setTimeout(r, third));
    stop.abort();
    await Promise.all(fleet);

    expect(errors.slice(0, 10)).toEqual([]);
    // The load really happened: every agent reported on schedule, give or take its staggered start.
    expect(sent).toBeGreaterThanOrEqual(AGENTS * (Math.floor((SECONDS * 1000) / REPORT_EVERY_MS) - 1));
    // Every agent holds the newest release.
    const newest = ((await (await fetch(`${url}/v1/channels/prod`)).json()) as { digest: string; document: { release: { revision: number } } });
    expect(newest.document.release.revision).toBe(3);
    expect([...seen.values()].filter((d) => d === newest.digest)).toHaveLength(AGENTS);
    // Every report kept: the reconciler's count equals what was acknowledged, and each host's stored report is its last one.
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const accepted = Number(/ogygia_reconciler_reports_total\{result="accepted"\} (\d+)/.exec(metrics)?.[1] ?? NaN);
    expect(accepted).toBe(sent);
    const hosts = ((await (await fetch(`${url}/v1/hosts`)).json()) as { hosts: { host: string; reportedAt: string }[] }).hosts;
    expect(hosts).toHaveLength(AGENTS);
    const mismatched = hosts.filter((h) => lastSent.get(h.host) !== h.reportedAt);
    expect(mismatched).toEqual([]);
    console.log(`load: ${AGENTS} agents, ${SECONDS} s: ${sent} reports kept, ${polls} long-poll answers, 0 errors`);
  }, (SECONDS + 120) * 1000);
});
