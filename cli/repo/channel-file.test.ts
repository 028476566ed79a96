import { describe, expect, it } from 'vitest';
import { WrongChannelError } from '../../core/errors/index.js';
import { testKey } from '../../testkit/keys.js';
import { releaseAfter, signed } from '../../testkit/release-chain.js';
import { checkRepository } from './check.js';
import { parseChannelFile } from './channel-file.js';

const key = testKey('test-only-ops-1');

describe('parseChannelFile', () => {
  it('reads a release of the channel its file is named after', () => {
    const prod = signed(releaseAfter(undefined, 'prod'), key);
    expect(parseChannelFile(prod.text, 'channels/prod.json', 'prod')).toEqual(prod.doc);
  });

  it('refuses a release of another channel with the code `ogygia verify` gives the same file', () => {
    const dev = signed(releaseAfter(undefined, 'dev'), key);
    let caught: unknown;
    try {
      parseChannelFile(dev.text, 'channels/prod.json', 'prod');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(WrongChannelError);
    expect((caught as WrongChannelError).data).toEqual({ file: 'channels/prod.json', expected: 'prod', actual: 'dev', revision: 1 });
    const verified = checkRepository({
      head: { commit: 'c'.repeat(40), files: new Map([['prod', new TextEncoder().encode(dev.text)]]) },
      policy: { channels: {}, default: { keys: [key.publicKey], threshold: 1 } },
      now: new Date('2026-11-21T12:00:00Z'),
    });
    expect(verified.channels[0]!.problems[0]!.code).toBe((caught as WrongChannelError).code);
  });
});
