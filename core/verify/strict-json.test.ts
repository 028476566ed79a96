import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DuplicateMemberError, ForbiddenMemberError, MalformedJsonError, OgygiaError, OversizeError } from '../errors/index.js';
import { MAX_JSON_DEPTH, memberText, parseStrictJson } from './strict-json.js';

const FILE = 'channels/prod.json';

function refusal(text: string): OgygiaError | undefined {
  try {
    parseStrictJson(text, FILE);
  } catch (e) {
    if (e instanceof OgygiaError) return e;
    throw e;
  }
  return undefined;
}

const nest = (n: number, inner = '1'): string => '['.repeat(n) + inner + ']'.repeat(n);

describe('parseStrictJson: literal cases', () => {
  it('returns exactly what JSON.parse returns', () => {
    const text = '{"release":{"targets":{"*":{"storePath":"/nix/store/x"}},"n":-0,"big":1e400,"s":"\\ud800\\u00e9"},"signatures":[]}';
    const value = parseStrictJson(text, FILE) as { release: { n: number; big: number } };
    expect(value).toEqual(JSON.parse(text));
    expect(Object.is(value.release.n, -0)).toBe(true);
    expect(value.release.big).toBe(Infinity);
  });

  it.each([
    ['at the top level', '{"release":1,"signatures":[],"release":2}', '(document)', 'release', 1, 30],
    ['in a nested object', '{"release":{"targets":{"web01":{"storePath":"a"},"web01":{"storePath":"b"}}}}', 'release.targets', 'web01', 1, 50],
    ['inside an array element', '{"signatures":[{"key":"a","sig":"x","key":"b"}]}', 'signatures.0', 'key', 1, 37],
    ['spelt with an escape', '{"revision":1,\n  "\\u0072evision":2}', '(document)', 'revision', 2, 3],
  ])('refuses a member named twice %s', (_, text, path, member, line, column) => {
    const e = refusal(text);
    expect(e).toBeInstanceOf(DuplicateMemberError);
    expect(e?.code).toBe('DuplicateMemberError');
    expect(e?.data).toEqual({ file: FILE, path, member, line, column });
    expect(e?.message).toContain(`member ${JSON.stringify(member)} of ${path} appears a second time at line ${line}`);
    expect(() => JSON.parse(text)).not.toThrow(); // JSON.parse would have taken the last value silently
  });

  it.each([
    ['__proto__ at the top level', '{"__proto__":{"isAdmin":true}}', '(document)', '__proto__'],
    ['constructor in targets', '{"release":{"targets":{"constructor":{"storePath":"a"}}}}', 'release.targets', 'constructor'],
    ['prototype in an array element', '[{"prototype":1}]', '0', 'prototype'],
    ['__proto__ spelt with an escape', '{"\\u005f_proto__":1}', '(document)', '__proto__'],
  ])('refuses %s', (_, text, path, member) => {
    const e = refusal(text);
    expect(e).toBeInstanceOf(ForbiddenMemberError);
    expect(e?.code).toBe('ForbiddenMemberError');
    expect(e?.data).toMatchObject({ file: FILE, path, member });
  });

  it('accepts the same name in different objects, and the reserved words as values', () => {
    expect(parseStrictJson('{"a":{"a":1},"b":{"a":2},"c":["constructor","__proto__"]}', FILE)).toEqual({ a: { a: 1 }, b: { a: 2 }, c: ['constructor', '__proto__'] });
  });

  it('reports the first problem in document order', () => {
    expect(refusal('{"x":{"constructor":1},"x":2}')?.code).toBe('ForbiddenMemberError');
    expect(refusal('{"a":1,"a":{"__proto__":1}}')?.code).toBe('DuplicateMemberError');
    expect(refusal('{"__proto__":1,"__proto__":2}')?.code).toBe('ForbiddenMemberError');
  });

  it.each([
    ['empty text', ''],
    ['an unfinished object', '{"release": {'],
    ['a UTF-8 byte order mark', '\ufeff{}'],
    ['a raw control character in a string (momoa alone would take it)', '{"a":"\u0001"}'],
    ['a trailing comma', '{"a":1,}'],
    ['a comment', '{"a":1 /* no */}'],
    ['single quotes', "{'a':1}"],
  ])('refuses %s as MalformedJsonError', (_, text) => {
    const e = refusal(text);
    expect(e).toBeInstanceOf(MalformedJsonError);
    expect(e?.message).toMatch(/^channels\/prod\.json is not valid JSON \(/);
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels before building a tree (no stack overflow)`, () => {
    expect(parseStrictJson(nest(MAX_JSON_DEPTH), FILE)).toEqual(JSON.parse(nest(MAX_JSON_DEPTH)));
    expect(refusal(nest(MAX_JSON_DEPTH + 1))).toBeInstanceOf(OversizeError);
    expect(refusal(nest(20_000))?.data).toMatchObject({ limit: MAX_JSON_DEPTH });
    // Brackets inside strings are text, not nesting.
    const inString = JSON.stringify({ a: '['.repeat(1000) + '\\"[' });
    expect(parseStrictJson(inString, FILE)).toEqual(JSON.parse(inString));
  });
});

describe('memberText', () => {
  it('gives the exact source text of a top-level member, duplicates and all', () => {
    const doc = '{ "release": {"revision": 2, "revision": 1},\n  "signatures": [] }';
    expect(memberText(`{"document":${doc},"commit":"c0ffee"}`, 'document')).toBe(doc);
    expect(memberText('{"document":{"a":1},"document":{"b":2}}', 'document')).toBe('{"b":2}'); // the one JSON.parse takes
    expect(memberText('{"document":"text"}', 'document')).toBe('"text"');
  });

  it('gives undefined when there is no such member or no tree', () => {
    expect(memberText('{"commit":"c"}', 'document')).toBeUndefined();
    expect(memberText('[{"document":1}]', 'document')).toBeUndefined();
    expect(memberText('{"document":', 'document')).toBeUndefined();
    expect(memberText(`{"document":${nest(MAX_JSON_DEPTH + 1)}}`, 'document')).toBeUndefined();
  });
});

/** Whether a value has a forbidden member name anywhere. */
function hasForbidden(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasForbidden);
  if (v !== null && typeof v === 'object') return Object.keys(v).some((k) => ['__proto__', 'constructor', 'prototype'].includes(k) || hasForbidden((v as Record<string, unknown>)[k]));
  return false;
}

describe('parseStrictJson: properties', () => {
  const json = fc.jsonValue({ maxDepth: 6 });

  it('parses any JSON.stringify output (no duplicates possible) to exactly what JSON.parse gives', () => {
    fc.assert(
      fc.property(json, fc.constantFrom(undefined, 0, 2, '\t', ' \r\n'), (v, indent) => {
        const text = JSON.stringify(v, null, indent);
        if (hasForbidden(v)) expect(refusal(text)).toBeInstanceOf(ForbiddenMemberError);
        else expect(parseStrictJson(text, FILE)).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('always refuses a duplicated member name, wherever the object sits', () => {
    const key = fc.string({ unit: 'grapheme', maxLength: 8 }).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k));
    const object = fc.uniqueArray(fc.tuple(key, fc.jsonValue({ maxDepth: 2 })), { minLength: 1, maxLength: 6, selector: ([k]) => k });
    fc.assert(
      fc.property(object, fc.nat(), fc.nat(), fc.jsonValue({ maxDepth: 2 }), fc.nat({ max: 3 }), (members, pick, at, again, depth) => {
        fc.pre(!members.some(([, v]) => hasForbidden(v)) && !hasForbidden(again));
        const [name] = members[pick % members.length]!;
        const withDuplicate = [...members];
        withDuplicate.splice(pick % members.length + 1 + (at % (members.length - (pick % members.length))), 0, [name, again]);
        let text = `{${withDuplicate.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
        for (let i = 0; i < depth; i++) text = i % 2 ? `[${text}]` : `{"wrap":${text}}`;
        expect(() => JSON.parse(text)).not.toThrow();
        const e = refusal(text);
        expect(e).toBeInstanceOf(DuplicateMemberError);
        expect(e?.data.member).toBe(name);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws anything but an OgygiaError, and accepts only what JSON.parse accepts', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), json.map((v) => JSON.stringify(v).slice(0, -1))), (text) => {
        const e = refusal(text);
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        if (!parses) expect(e).toBeInstanceOf(MalformedJsonError);
        if (e === undefined) expect(parses).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
