import { describe, expect, it } from 'vitest';
import { chooseSubstituters } from './substituters.js';

const CONFIGURED = ['http://127.0.0.1:35742'];

describe('chooseSubstituters', () => {
  it("takes the release's substituters when it names some", () => {
    expect(chooseSubstituters({ substituters: ['https://cache.example.com', 'https://b.example.com'] }, CONFIGURED)).toEqual([
      'https://cache.example.com',
      'https://b.example.com',
    ]);
  });
  it('takes [nix] substituters when the release names none', () => {
    expect(chooseSubstituters({}, CONFIGURED)).toEqual(CONFIGURED);
  });
  it("keeps a release's empty list: the local store only", () => {
    expect(chooseSubstituters({ substituters: [] }, CONFIGURED)).toEqual([]);
  });
  it('is empty when neither names one', () => {
    expect(chooseSubstituters({}, [])).toEqual([]);
  });
});
