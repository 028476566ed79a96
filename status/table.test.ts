import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { buildRows } from './rows.js';
import { renderTable } from './table.js';

const r = (c: string, b: string, n: string) => ({ current: c, booted: b, nextboot: n });

describe('renderTable', () => {
  it('renders the local-only table of the README', () => {
    const rows = buildRows({ localHost: 'hostname', localRevisions: r('a1b2c3d4e5f6', 'a1b2c3d4e5f6', 'g7h8i9j0k1l2') });
    expect(renderTable(rows).join('\n')).toBe(
      [
        'Host      ⚡ current    🥾 booted     🔜 next boot',
        '-'.repeat(50),
        'hostname  a1b2c3d4e5f6  a1b2c3d4e5f6  g7h8i9j0k1l2',
      ].join('\n'),
    );
  });

  it('renders the fleet table of the README with the local marker first', () => {
    const rows = buildRows({
      localHost: 'web01.dc1.example.com',
      localRevisions: r('a1b2c3d4e5f6', 'a1b2c3d4e5f6', 'g7h8i9j0k1l2'),
      domain: 'example.com',
      fleet: [
        { host: 'web02.dc1.example.com', current: 'b2c3d4e5f6a1', booted: 'b2c3d4e5f6a1' },
        { host: 'db01.dc2.example.com', current: 'c3d4e5f6a1b2', booted: 'c3d4e5f6a1b2', nextboot: 'c3d4e5f6a1b2' },
        { host: 'web01.dc1.example.com', current: 'old000000000', booted: 'old000000000', nextboot: 'old000000000' },
      ],
    });
    expect(renderTable(rows).join('\n')).toBe(
      [
        'Host                 ⚡ current    🥾 booted     🔜 next boot',
        '-'.repeat(61),
        '* web01.dc1 (local)  a1b2c3d4e5f6  a1b2c3d4e5f6  g7h8i9j0k1l2',
        'db01.dc2             c3d4e5f6a1b2  c3d4e5f6a1b2  c3d4e5f6a1b2',
        'web02.dc1            b2c3d4e5f6a1  b2c3d4e5f6a1  unknown',
      ].join('\n'),
    );
  });

  it('adds the agent columns with --wide', () => {
    const rows = buildRows({
      localHost: 'web01',
      localRevisions: r('a1b2c3d4e5f6', 'a1b2c3d4e5f6', 'a1b2c3d4e5f6'),
      fleet: [{ host: 'web02', current: 'b', detail: { channel: 'prod', revision: 42, state: 'in-sync', lastSeen: '2026-11-21T10:00:00.123Z' } }],
    });
    expect(renderTable(rows, { wide: true })).toEqual([
      'Host             ⚡ current    🥾 booted     🔜 next boot  Channel  Revision  State    Last seen',
      '-'.repeat(107),
      '* web01 (local)  a1b2c3d4e5f6  a1b2c3d4e5f6  a1b2c3d4e5f6  -        -         -        -',
      'web02            b             unknown       unknown       prod     42        in-sync  2026-11-21T10:00:00Z',
    ]);
  });

  it('keeps every column aligned by display width, whatever the names', () => {
    const host = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,40}$/);
    const rev = fc.option(fc.stringMatching(/^[0-9a-f]{1,40}$/), { nil: undefined });
    fc.assert(
      fc.property(host, fc.array(fc.record({ host, current: rev, booted: rev, nextboot: rev }), { maxLength: 8 }), fc.boolean(), (local, fleet, wide) => {
        const rows = buildRows({ localHost: local, localRevisions: r('abc', 'def', 'unknown'), fleet: fleet.map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as { host: string }) });
        const lines = renderTable(rows, { wide });
        const [header, sep, ...body] = lines;
        // Every line, padded to the table width, has the same display width as the dash line.
        for (const l of [header!, ...body]) expect(stringWidth(l)).toBeLessThanOrEqual(sep!.length);
        expect(Math.max(...[header!, ...body].map((l) => stringWidth(l)))).toBe(sep!.length);
        // Each column starts at the same display column in every line.
        const starts = (l: string) => {
          const out: number[] = [];
          let w = 0;
          let prevSpace = 0;
          for (const ch of l) {
            if (ch !== ' ' && prevSpace >= 2) out.push(w);
            prevSpace = ch === ' ' ? prevSpace + 1 : 0;
            w += stringWidth(ch);
          }
          return out;
        };
        const headerStarts = starts(header!);
        for (const l of body) expect(starts(l)).toEqual(headerStarts.slice(0, starts(l).length));
        expect(body.length).toBe(rows.length);
      }),
    );
  });
});
