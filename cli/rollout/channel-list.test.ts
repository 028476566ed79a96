import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OversizeError, ReconcilerUnavailableError } from '../../core/errors/index.js';
import type { ChannelList } from '../../core/wire/channel-list.js';
import { type LoopbackHttpServer, serveHttp, writeEndlessly } from '../../testkit/http-server.js';
import { fetchChannelList, readChannelListBody } from './channel-list.js';

const LIST: ChannelList = {
  branch: { name: 'main', commit: 'c'.repeat(40), refusal: null },
  channels: [
    {
      name: 'prod',
      revision: 42,
      digest: 'sha256:' + 'a'.repeat(64),
      commit: 'c'.repeat(40),
      committedAt: '2026-11-27T17:00:00Z',
      servedAt: '2026-11-27T17:00:01Z',
      refusal: null,
      rollout: {
        state: 'in-progress', revision: 42, digest: 'sha256:' + 'a'.repeat(64), wave: 1, waves: 3, hostsInWaves: 1, hostsTotal: 3, hostsDone: 0,
        failures: 0, maxFailures: 0, haltReason: null, waveOpenedAt: '2026-11-27T17:00:02Z', nextWaveAt: null, fallback: null,
      },
    },
  ],
};

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('readChannelListBody', () => {
  it('takes an answer on the schema and lists the problems of one off it, without control characters', () => {
    expect(readChannelListBody(JSON.parse(JSON.stringify(LIST)))).toEqual({ list: LIST });
    const bad = JSON.parse(JSON.stringify(LIST));
    bad.channels[0].rollout.state = 'paused';
    bad.channels[0].rollout.wave = 0;
    const r = readChannelListBody(bad);
    expect('problems' in r && r.problems.map((p) => p.split(':')[0])).toEqual(['channels.0.rollout.state', 'channels.0.rollout.wave']);
    expect(readChannelListBody({ ['\u001b[2J']: 1 })).toEqual({ problems: ['branch: Invalid input: expected object, received undefined', 'channels: Invalid input: expected array, received undefined'] });
    expect(readChannelListBody([])).toEqual({ problems: ['(body): Invalid input: expected object, received array'] });
  });
});

describe('fetchChannelList against a real HTTP server', () => {
  let server: LoopbackHttpServer;
  beforeAll(async () => {
    server = await serveHttp((req, res) => {
      const body = req.url === '/good/v1/channels' ? JSON.stringify(LIST) : req.url === '/text/v1/channels' ? '<html>hello</html>' : undefined;
      if (req.url === '/endless/v1/channels') {
        res.writeHead(200, { 'content-type': 'application/json' });
        writeEndlessly(res, Buffer.alloc(64 * 1024, 0x20));
        return;
      }
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      res.end(body ?? '{"error":"not found"}');
    });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('reads a good answer, with or without a trailing slash on the URL', async () => {
    expect(await fetchChannelList(`${server.url}/good`, 5)).toEqual(LIST);
    expect(await fetchChannelList(`${server.url}/good/`, 5)).toEqual(LIST);
  });

  it('gives each bad answer its reason', async () => {
    const status = await rejection(fetchChannelList(`${server.url}/missing`, 5));
    expect(status).toBeInstanceOf(ReconcilerUnavailableError);
    expect((status as ReconcilerUnavailableError).data).toMatchObject({ reason: 'status', status: 404, route: '/v1/channels' });
    expect(((await rejection(fetchChannelList(`${server.url}/text`, 5))) as ReconcilerUnavailableError).data.reason).toBe('not-json');
    expect(await rejection(fetchChannelList(`${server.url}/endless`, 5))).toBeInstanceOf(OversizeError);
  });

  it('says the reconciler did not answer when nothing listens', async () => {
    const gone = await serveHttp((_req, res) => res.end());
    await gone.stop();
    const e = await rejection(fetchChannelList(gone.url, 5));
    expect(e).toBeInstanceOf(ReconcilerUnavailableError);
    expect((e as ReconcilerUnavailableError).data.reason).toBe('unreachable');
    expect(e.message).toMatch(/did not answer \/v1\/channels within 5s \(.*ECONNREFUSED.*\); check that it runs/);
  });
});
