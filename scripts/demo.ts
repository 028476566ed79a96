/**
 * `npm run demo`: the whole Ogygia loop on this machine with real programs —
 * publish → reconcile → apply → roll back → status — then stops everything
 * it started (Ctrl-C too). `npm run demo -- --keep` keeps the fleet running
 * until Ctrl-C so you can open the dashboard.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { FleetLab } from './demo/fleet-lab.js';
import { runScenario } from './demo/scenario.js';

const keep = process.argv.includes('--keep');
const started = Date.now();
const say = (line: string) => process.stdout.write(line + '\n');

async function prerequisites(): Promise<void> {
  const r = await execa('bash', [join(import.meta.dirname, 'install-system-deps.sh'), 'demo'], { reject: false, stdio: 'inherit' });
  if (r.exitCode !== 0) {
    say('demo: install the programs above, then run `npm run demo` again.');
    process.exit(1);
  }
}

async function main(): Promise<void> {
  await prerequisites();
  const dir = await mkdtemp(join(tmpdir(), 'ogygia-demo-'));
  const lab = new FleetLab(dir);
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('demo: stopping every process it started');
    await lab.close();
    if (!keep || code !== 0) await rm(dir, { recursive: true, force: true }).catch(() => {});
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(130));
  process.on('SIGTERM', () => void stop(143));
  say(`demo: working in ${dir} (logs in ${join(dir, 'logs')})`);
  try {
    await runScenario(lab, (r) => {
      say(`\n[${r.step}/7] ${r.title}  (+${((Date.now() - started) / 1000).toFixed(1)} s)`);
      for (const d of r.detail) if (d.trim()) say(`      ${d}`);
    });
  } catch (e) {
    say(`\ndemo: failed: ${(e as Error).message}\ndemo: logs are in ${join(dir, 'logs')} (kept)`);
    stopping = true;
    await lab.close();
    process.exit(1);
  }
  say(`\ndemo: the whole loop took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (keep) {
    say('demo: the fleet keeps running; open the dashboard above. Press Ctrl-C to stop everything.');
    return;
  }
  await stop(0);
}

void main();
