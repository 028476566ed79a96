import { describe, expect, it } from 'vitest';
import { memberText } from '../verify/strict-json.js';
import { channelHeadBody, channelHeadSchema } from './channel-head.js';

const C = 'c'.repeat(40);
const D = `sha256:${'d'.repeat(64)}`;
const DOC = '{\n  "release": { "revision": 3 },\n  "signatures": []\n}\n';

describe('the GET /v1/channels/:channel answer', () => {
  it('embeds the committed document as is, and reads back through the one schema', () => {
    const text = channelHeadBody(DOC, C, D);
    expect(memberText(text, 'document')).toBe(DOC.trim());
    expect(channelHeadSchema.parse(JSON.parse(text))).toEqual({ document: JSON.parse(DOC), commit: C, digest: D });
  });

  it('carries the releases in between as exact text when given', () => {
    const chain = ['{"release":{"revision":2}}', '{ "release" : { "revision": 1 } }'];
    expect(channelHeadSchema.parse(JSON.parse(channelHeadBody(DOC, C, D, chain))).chain).toEqual(chain);
  });

  it('refuses an answer that is not one: no document, a commit or digest off their form, a chain of non-strings', () => {
    for (const bad of [
      { commit: C, digest: D },
      { document: null, commit: C, digest: D },
      { document: {}, commit: 'HEAD', digest: D },
      { document: {}, commit: C, digest: 'sha256:x' },
      { document: {}, commit: C, digest: D, chain: [1] },
    ]) {
      expect(channelHeadSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
