import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, waitForPort } from '../../testkit/ports.js';
import { requireProgram, startProcess, type Started } from '../../testkit/processes.js';

/**
 * nginx (one worker, sendfile, no access log) serving `root` as static files
 * on a free loopback port: the reference a `nix copy --to file://` cache is
 * served with. Its prefix, pid and logs live in `dir`. Stop it with
 * `proc.stop()`.
 */
export async function startNginx(root: string, dir: string): Promise<{ url: string; proc: Started }> {
  await requireProgram('nginx', 'nginx');
  const port = await freePort();
  await mkdir(dir, { recursive: true });
  const conf = join(dir, 'nginx.conf');
  await writeFile(
    conf,
    `daemon off; user root; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 1024; }
http { access_log off; sendfile on; client_body_temp_path ${dir}/cb; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;
  server { listen 127.0.0.1:${port}; root ${root}; location / { default_type application/octet-stream; } } }\n`,
  );
  const proc = startProcess('/usr/sbin/nginx', ['-p', dir, '-c', conf], { log: join(dir, 'out.log') });
  await waitForPort(port);
  return { url: `http://127.0.0.1:${port}`, proc };
}
