import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.js';
import { REPORT_STATES, REPORT_TEXT_MAX, reportSchema, type Report } from '../../core/wire/report.js';
import { parseHostKey } from '../../core/host-key.js';
import { verifyReport } from '../../core/report-signing.js';
import { createHttpReporter, refusalOf, toWire } from './http.js';
import { encodeOpenSshPrivateKey } from '../../testkit/ssh-keys.js';
import { publicKeyOfSeed } from '../../core/keys.js';

const report = (state: Report['state'], extra: Partial<Report> = {}): Report => ({
  host: 'web01',
  channel: 'prod',
  state,
  revision: 1,
  digest: 'sha256:' + 'a'.repeat(64),
  commit: 'c'.repeat(40),
  current: 'unknown',
  booted: 'unknown',
  nextboot: 'unknown',
  agentVersion: '0.1.0',
  reportedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

describe('toWire', () => {
  it('leaves reports without an output tail alone', () => {
    const r = report('refused', { error: { code: 'ReplayError', message: 'old' } });
    expect(toWire(r)).toEqual(r);
  });
  it('sends the output tail as its own field, keeping its end within the limit', () => {
    const w = toWire(report('rolled-back', { error: { code: 'SwitchError', message: 'switch failed', outputTail: 'x'.repeat(4000) + 'END' } }));
    const e = w.error as { code: string; message: string; outputTail?: string };
    expect(e.message).toBe('switch failed');
    expect(e.outputTail?.endsWith('END')).toBe(true);
    expect(e.outputTail?.length).toBeLessThanOrEqual(REPORT_TEXT_MAX);
  });
});

describe('contract with the reconciler (core/wire/report.ts, docs/api.md)', () => {
  it('every report state, with and without an error and output tail, is accepted on the wire', () => {
    for (const state of REPORT_STATES) {
      for (const extra of [
        {},
        { revision: null, digest: null, commit: null },
        { error: { code: 'HealthCheckError', message: 'm'.repeat(2048), outputTail: 't'.repeat(4096) }, timings: { copy: 1, total: 2 } },
        { error: { code: 'SwitchError', message: 'm'.repeat(REPORT_TEXT_MAX + 100), outputTail: 't'.repeat(3 * REPORT_TEXT_MAX) } },
        { current: 'abc\u001b[2Jdef', booted: '\u0007', nextboot: '0123456789ab' },
      ]) {
        const wire = reportSchema.safeParse(JSON.parse(JSON.stringify(toWire(report(state, extra)))));
        expect(wire.success, JSON.stringify(wire.error?.issues)).toBe(true);
      }
    }
  });
  it('the reporter sends exactly what the wire schema accepts, and never a report it would refuse', () => {
    const rep = createHttpReporter({ baseUrl: 'http://127.0.0.1:9', host: 'web01', timeoutMs: 100, log: createLogger('agent', () => {}), minBackoffMs: 10 });
    try {
      expect(() => rep.submit(report('failed', { error: { code: 'SwitchError', message: 'm'.repeat(REPORT_TEXT_MAX * 2) } }))).not.toThrow();
      expect(() => rep.submit(report('applied', { commit: 'not-a-commit' }))).toThrow();
    } finally {
      rep.close();
    }
  });
});

describe('HTTP reporter', () => {
  it('retries with backoff while the reconciler fails and delivers the newest report once it answers', async () => {
    const seen: Array<{ auth: string | undefined; body: Report }> = [];
    let failFirst = 3;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (failFirst-- > 0) return void res.writeHead(503).end();
        seen.push({ auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString()) });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const lines: string[] = [];
    const rep = createHttpReporter({ baseUrl: url, host: 'web01', timeoutMs: 2000, log: createLogger('agent', (l) => lines.push(l)), minBackoffMs: 20, maxBackoffMs: 80 });
    try {
      rep.submit(report('applying'));
      rep.submit(report('applied'));
      expect(await rep.flush(5000)).toBe(true);
      expect(seen.map((s) => s.body.state)).toEqual(['applied']);
      expect(lines.some((l) => l.startsWith('agent: warn: cannot deliver report'))).toBe(true);
    } finally {
      rep.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('never blocks the caller: submit returns at once even when nothing listens', async () => {
    const rep = createHttpReporter({ baseUrl: 'http://127.0.0.1:9', host: 'web01', timeoutMs: 500, log: createLogger('agent', () => {}), minBackoffMs: 10 });
    const t0 = Date.now();
    rep.submit(report('applied'));
    expect(Date.now() - t0).toBeLessThan(50);
    expect(await rep.flush(200)).toBe(false);
    rep.close();
  });
});

describe('signed, numbered reports (DESIGN.md §11)', () => {
  const seed = new Uint8Array(32).fill(11);
  const key = parseHostKey(encodeOpenSshPrivateKey({ seed, publicKey: publicKeyOfSeed(seed) }), 'test key');

  it('gives every attempt the next seq and signs the body it sends with the host key', async () => {
    const seen: Array<{ sig: string | undefined; body: Report }> = [];
    let failFirst = 1;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ sig: req.headers['ogygia-signature'] as string | undefined, body: JSON.parse(Buffer.concat(chunks).toString()) });
        res.writeHead(failFirst-- > 0 ? 503 : 202).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let n = 40;
    const rep = createHttpReporter({ baseUrl: url, host: 'web01', timeoutMs: 2000, log: createLogger('agent', () => {}), minBackoffMs: 10, hostKey: key, seq: { next: async () => ++n } });
    try {
      rep.submit(report('applied'));
      expect(await rep.flush(5000)).toBe(true);
      expect(seen.map((s) => s.body.seq)).toEqual([41, 42]);
      for (const s of seen) {
        expect(verifyReport(s.body, s.sig!, key.publicKey)).toBe(true);
        expect(reportSchema.safeParse(s.body).success).toBe(true);
      }
      expect(verifyReport({ ...seen[1]!.body, seq: 41 }, seen[1]!.sig!, key.publicKey)).toBe(false);
    } finally {
      rep.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("logs a refusal with the reconciler's code and message, made safe for a terminal", async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'UnsignedReportError', message: 'no signature\u001b[2K' })));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const lines: string[] = [];
    const rep = createHttpReporter({ baseUrl: url, host: 'web01', timeoutMs: 2000, log: createLogger('agent', (l) => lines.push(l)), minBackoffMs: 10 });
    try {
      rep.submit(report('applied'));
      expect(await rep.flush(5000)).toBe(true);
      expect(lines.join('\n')).toContain('the reconciler refused a report with 401: no signature\\e[2K [UnsignedReportError]');
    } finally {
      rep.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    expect(refusalOf('<html>')).toBe('');
  });
});
