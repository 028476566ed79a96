import { Agent, request } from 'node:http';

/** A tiny HTTP GET on a keep-alive agent (node:http only, no extra dependency). */
export function get(url: string, agent: Agent, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export function keepAliveAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: Infinity, keepAliveMsecs: 600_000 });
}

/** `n` sequential GETs of `url` after `warmups` unmeasured ones: each one's milliseconds (sorted) and the body size; a status other than 200 throws. */
export async function timeGets(url: string, n: number, warmups = 3): Promise<{ ms: number[]; bytes: number }> {
  let bytes = 0;
  for (let i = 0; i < warmups; i++) await (await fetch(url)).arrayBuffer();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await fetch(url);
    const body = await r.arrayBuffer();
    ms.push(performance.now() - t);
    if (r.status !== 200) throw new Error(`${url}: ${r.status}`);
    bytes = body.byteLength;
  }
  return { ms: ms.sort((a, b) => a - b), bytes };
}
