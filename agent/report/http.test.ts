import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.js';
import { REPORT_TEXT_MAX, reportSchema, type Report } from '../../core/wire/report.js';
import { createHttpReporter, toWire } from './http.js';

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
    for (const state of ['idle', 'applying', 'applied', 'failed', 'rolled-back', 'refused'] as const) {
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
