import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from './canonical-json.js';

const SEED = 20261130;

/** The same value with every object's keys in reverse insertion order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  }
  return value;
}

describe('Function: canonicalJson', () => {
  it('sorts keys at every depth and writes no white space', () => {
    // Prepare
    const value = { b: 1, a: { d: [true, null, { z: 'x y', y: 2 }], c: '' } };

    // Act
    const text = canonicalJson(value);

    // Assess
    expect(text).toBe('{"a":{"c":"","d":[true,null,{"y":2,"z":"x y"}]},"b":1}');
  });

  it('gives the same text whatever the key order, and JSON that reads back as the value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // Act
        const text = canonicalJson(value);

        // Assess
        expect(canonicalJson(reverseKeys(value))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('keeps white space only inside strings', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        const outsideStrings = text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
        expect(outsideStrings).not.toMatch(/\s/);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('sorts keys by UTF-16 code unit, not by code point or locale', () => {
    // Prepare: U+00E9, U+1F600 (surrogates D83D DE00), U+FF46, and ASCII
    const value = { ｆ: 4, '😀': 3, é: 2, z: 1, Z: 0 };

    // Act
    const text = canonicalJson(value);

    // Assess
    expect(text).toBe('{"Z":0,"z":1,"é":2,"😀":3,"ｆ":4}');
  });

  it('escapes what JSON escapes and keeps other unicode as is', () => {
    // Prepare
    const value = { s: 'quote " backslash \\ newline \n tab \t nul \u0000 lone \ud800 é 😀' };

    // Act
    const text = canonicalJson(value);

    // Assess
    expect(text).toBe('{"s":"quote \\" backslash \\\\ newline \\n tab \\t nul \\u0000 lone \\ud800 é 😀"}');
    expect(JSON.parse(text)).toEqual(value);
  });

  it.each([
    ['an integer', 42, '42'],
    ['a negative fraction', -0.5, '-0.5'],
    ['negative zero', -0, '0'],
    ['a large number', 1e21, '1e+21'],
    ['a small number', 1e-7, '1e-7'],
    ['the largest safe integer', Number.MAX_SAFE_INTEGER, '9007199254740991'],
    ['NaN', Number.NaN, 'null'],
    ['Infinity', Number.POSITIVE_INFINITY, 'null'],
    ['a bigint', 12345678901234567890n, '"12345678901234567890"'],
  ])('writes %s as %s', (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('drops undefined, function and symbol members, writes them as null in arrays, and a Date as its ISO text', () => {
    // Prepare
    const value = {
      kept: 1,
      gone: undefined,
      fn: () => 1,
      sym: Symbol('x'),
      list: [undefined, () => 1],
      at: new Date('2026-11-30T08:00:00.000Z'),
    };

    // Act
    const text = canonicalJson(value);

    // Assess
    expect(text).toBe('{"at":"2026-11-30T08:00:00.000Z","kept":1,"list":[null,null]}');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('gives equal text only to equal values (key order aside)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const equal = isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
        expect(canonicalJson(a) === canonicalJson(b)).toBe(equal);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('sorts integer-like keys as text, not in the engine numeric order', () => {
    expect(canonicalJson({ 9: 'b', 10: 'a', x: 'c' })).toBe('{"10":"a","9":"b","x":"c"}');
  });
});

describe('Function: sha256Hex', () => {
  it('gives the SHA-256 of the UTF-8 text in hex', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('é')).toBe(sha256Hex('\u00e9'));
    expect(sha256Hex('é')).not.toBe(sha256Hex('e\u0301'));
  });
});
