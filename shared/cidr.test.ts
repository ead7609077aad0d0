import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_BUT_TEN } from '../test/helpers/security-group.js';
import {
  type Cidr,
  cidrOverlaps,
  cidrWithin,
  containsPublic,
  coversFamily,
  coversPublicSpace,
  INTERNET_SPACE,
  isNonPublic,
  parseCidr,
  SPECIAL_PURPOSE_CIDRS,
} from './cidr.js';

const SEED = 20261130;
const width = (family: 4 | 6) => (family === 4 ? 32 : 128);

/** Any address of a family, as a bigint. */
const address = (family: 4 | 6) => fc.bigInt({ min: 0n, max: (1n << BigInt(width(family))) - 1n });

/** Formats an address (full, uncompressed text), so that the parser is fed what it did not produce. */
function formatAddress(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  return Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(
    ':',
  );
}

/** A CIDR of either family: any address (host bits included) and any prefix length. */
const cidr: fc.Arbitrary<Cidr> = fc
  .constantFrom<4 | 6>(4, 6)
  .chain((family) =>
    fc.tuple(fc.constant(family), address(family), fc.integer({ min: 0, max: width(family) })),
  )
  .map(([family, value, prefix]) => parseCidr(`${formatAddress(family, value)}/${prefix}`)!);

/** A CIDR and a CIDR inside it (a longer prefix through one of its addresses). */
const cidrAndInner = cidr.chain((outer) =>
  fc
    .tuple(
      fc.bigInt({ min: outer.start, max: outer.end }),
      fc.integer({ min: outer.prefix, max: width(outer.family) }),
    )
    .map(([value, prefix]) => ({
      outer,
      inner: parseCidr(`${formatAddress(outer.family, value)}/${prefix}`)!,
    })),
);

/** Tiles a CIDR: each choice, depth first, splits the current piece into its two halves or keeps it. */
function tile(c: Cidr, choices: boolean[]): Cidr[] {
  if (!choices.shift() || c.prefix === width(c.family)) return [c];
  const half = 1n << BigInt(width(c.family) - c.prefix - 1);
  const low = parseCidr(`${formatAddress(c.family, c.start)}/${c.prefix + 1}`)!;
  const high = parseCidr(`${formatAddress(c.family, c.start + half)}/${c.prefix + 1}`)!;
  return [...tile(low, choices), ...tile(high, choices)];
}

/** A family and pieces that tile its whole address space exactly (at least two), in random order. */
const tiling = fc
  .tuple(fc.constantFrom<4 | 6>(4, 6), fc.array(fc.boolean(), { minLength: 1, maxLength: 24 }))
  .chain(([family, choices]) => {
    const pieces = tile(parseCidr(family === 4 ? '0.0.0.0/0' : '::/0')!, [true, ...choices]);
    return fc
      .shuffledSubarray(pieces, { minLength: pieces.length, maxLength: pieces.length })
      .map((shuffled) => ({ family, pieces: shuffled }));
  });

describe('Function: parseCidr', () => {
  it.each([
    ['10.1.2.3/8', { family: 4, prefix: 8, text: '10.0.0.0/8', start: 0x0a000000n, end: 0x0affffffn }],
    ['0.0.0.0/0', { family: 4, prefix: 0, text: '0.0.0.0/0', start: 0n, end: 0xffffffffn }],
    ['192.168.1.77/32', { family: 4, prefix: 32, text: '192.168.1.77/32' }],
    ['::/0', { family: 6, prefix: 0, text: '::/0', start: 0n, end: (1n << 128n) - 1n }],
    ['2001:DB8:0:0:1::1/64', { family: 6, prefix: 64, text: '2001:db8::/64' }],
    ['fe80::1/10', { family: 6, prefix: 10, text: 'fe80::/10' }],
    ['::ffff:10.0.0.1/128', { family: 6, prefix: 128, text: '::ffff:a00:1/128' }],
    ['1:0:0:2:0:0:0:3/128', { family: 6, prefix: 128, text: '1:0:0:2::3/128' }],
    ['1:0:2:3:4:5:6:7/128', { family: 6, prefix: 128, text: '1:0:2:3:4:5:6:7/128' }],
  ])('parses %s and masks the host bits', (text, expected) => {
    // Act
    const parsed = parseCidr(text);

    // Assess
    expect(parsed).toMatchObject(expected);
  });

  it.each([
    ['no prefix', '10.0.0.0'],
    ['a prefix too long for IPv4', '10.0.0.0/33'],
    ['a prefix too long for IPv6', '::/129'],
    ['a negative prefix', '10.0.0.0/-1'],
    ['an octet over 255', '10.0.0.256/32'],
    ['three octets', '10.0.0/24'],
    ['a sign in an octet', '10.+1.0.0/16'],
    ['a space', ' 10.0.0.0/8'],
    ['two ::', '1::2::3/64'],
    ['nine groups', '1:2:3:4:5:6:7:8:9/128'],
    [':: standing for no group', '1::2:3:4:5:6:7:8/128'],
    ['a five-digit group', '12345::/16'],
    ['an IPv4 tail that is not an address', '::ffff:1.2.3/128'],
    ['a look-alike digit', '１0.0.0.0/8'],
    ['an empty string', ''],
    ['a 1 MB string', `${'1'.repeat(1024 * 1024)}/8`],
  ])('rejects %s', (_name, text) => {
    // Act
    const parsed = parseCidr(text);

    // Assess
    expect(parsed).toBeUndefined();
  });

  it('gives a canonical text that parses back to the same CIDR', () => {
    fc.assert(
      fc.property(cidr, (c) => {
        // Act
        const again = parseCidr(c.text);

        // Assess
        expect(again).toEqual(c);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('spans exactly 2^(width - prefix) addresses, starting on a multiple of that size', () => {
    fc.assert(
      fc.property(cidr, (c) => {
        const size = 1n << BigInt(width(c.family) - c.prefix);
        expect(c.end - c.start + 1n).toBe(size);
        expect(c.start % size).toBe(0n);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe('Function: cidrWithin', () => {
  it('holds for a CIDR inside another, and for every single address of it', () => {
    fc.assert(
      fc.property(cidrAndInner, ({ outer, inner }) => {
        const host = parseCidr(`${formatAddress(inner.family, inner.end)}/${width(inner.family)}`)!;
        expect(cidrWithin(inner, outer)).toBe(true);
        expect(cidrWithin(host, outer)).toBe(true);
        expect(cidrOverlaps(inner, outer)).toBe(true);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('holds both ways only for the same CIDR', () => {
    fc.assert(
      fc.property(cidr, cidr, (a, b) => {
        const both = cidrWithin(a, b) && cidrWithin(b, a);
        expect(both).toBe(a.text === b.text);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('does not hold for the address just outside a CIDR', () => {
    fc.assert(
      fc.property(
        cidr.filter((c) => c.prefix > 0),
        (c) => {
          const max = (1n << BigInt(width(c.family))) - 1n;
          const outside = c.end < max ? c.end + 1n : c.start - 1n;
          const host = parseCidr(`${formatAddress(c.family, outside)}/${width(c.family)}`)!;
          expect(cidrWithin(host, c)).toBe(false);
          expect(cidrOverlaps(host, c)).toBe(false);
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('never holds across families, even for the whole address space', () => {
    // Prepare
    const v4 = parseCidr('0.0.0.0/0')!;
    const v6 = parseCidr('::/0')!;
    const mapped = parseCidr('::ffff:0.0.0.0/96')!;

    // Act and Assess
    expect(cidrWithin(v4, v6)).toBe(false);
    expect(cidrWithin(mapped, v4)).toBe(false);
    expect(cidrOverlaps(v4, mapped)).toBe(false);
  });
});

describe('Function: coversFamily', () => {
  it('covers the whole space with pieces that tile it, in any order', () => {
    fc.assert(
      fc.property(tiling, ({ family, pieces }) => {
        expect(coversFamily(pieces, family)).toBe(true);
        expect(coversFamily(pieces, family === 4 ? 6 : 4)).toBe(false);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('does not cover the space when any one piece is missing', () => {
    fc.assert(
      fc.property(tiling, fc.nat(), ({ family, pieces }, drop) => {
        const missing = pieces.filter((_, i) => i !== drop % pieces.length);
        expect(coversFamily(missing, family)).toBe(false);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it.each([
    ['0.0.0.0/1 and 128.0.0.0/1', ['0.0.0.0/1', '128.0.0.0/1'], 4, true],
    ['overlapping halves', ['0.0.0.0/1', '64.0.0.0/2', '96.0.0.0/3', '128.0.0.0/1'], 4, true],
    [
      'a gap (8.0.0.0/7 and 10.0.0.0/8 left out)',
      ['0.0.0.0/5', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1'],
      4,
      false,
    ],
    ['::/1 and 8000::/1', ['::/1', '8000::/1'], 6, true],
    ['nothing', [], 4, false],
  ])('%s: %s', (_name, texts, family, covers) => {
    // Prepare
    const cidrs = (texts as string[]).map((t) => parseCidr(t)!);

    // Act and Assess
    expect(coversFamily(cidrs, family as 4 | 6)).toBe(covers);
  });
});

describe('Function: isNonPublic', () => {
  it.each([
    ['10.20.0.0/16', true],
    ['172.31.255.0/24', true],
    ['192.168.0.0/16', true],
    ['100.64.0.0/10', true],
    ['169.254.169.254/32', true],
    ['fd00:1::/64', true],
    ['fe80::/64', true],
    ['::1/128', true],
    ['172.32.0.0/16', false],
    ['8.8.8.8/32', false],
    ['10.0.0.0/7', false],
    ['0.0.0.0/0', false],
    ['2001:db8::/32', true],
    ['3fff:1::/32', true],
    ['fc00::/7', true],
    ['ff02::1/128', true],
    ['::ffff:0.0.0.0/96', true],
    ['2001:db8::/31', false],
    ['2000::/3', false],
    ['::/0', false],
    ['0.0.0.0/8', true],
    ['198.18.0.0/15', true],
    ['198.51.100.0/24', true],
    ['203.0.113.0/24', true],
    ['192.0.0.0/24', true],
    ['192.0.2.0/24', true],
    ['224.0.0.0/3', true],
    ['255.255.255.255/32', true],
    ['192.0.1.0/24', false],
    ['203.0.112.0/23', false],
  ])('says %s is non-public: %s', (text, expected) => {
    expect(isNonPublic(parseCidr(text)!)).toBe(expected);
  });

  it('holds for every CIDR inside a private range', () => {
    const privateRanges = fc.constantFrom('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7');
    fc.assert(
      fc.property(
        privateRanges.chain((r) => {
          const outer = parseCidr(r)!;
          return fc
            .tuple(
              fc.bigInt({ min: outer.start, max: outer.end }),
              fc.integer({ min: outer.prefix, max: width(outer.family) }),
            )
            .map(([v, p]) => parseCidr(`${formatAddress(outer.family, v)}/${p}`)!);
        }),
        (inner) => {
          expect(isNonPublic(inner)).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});

/** One address of a family as a /32 or /128. */
const host = (family: 4 | 6, value: bigint) => parseCidr(`${formatAddress(family, value)}/${width(family)}`)!;

/** Independent of the span arithmetic: an address is public when no special-purpose block holds it. */
const isPublicAddress = (a: Cidr) =>
  cidrWithin(a, INTERNET_SPACE[a.family]) && !SPECIAL_PURPOSE_CIDRS[a.family].some((s) => cidrWithin(a, s));

describe('Function: containsPublic', () => {
  it('holds for a single address exactly when no special-purpose block holds it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<4 | 6>(4, 6).chain((f) => fc.tuple(fc.constant(f), address(f))),
        ([family, value]) => {
          const a = host(family, value);
          expect(containsPublic(a)).toBe(isPublicAddress(a));
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('holds for a CIDR that holds a public address, and for every CIDR around it', () => {
    fc.assert(
      fc.property(cidrAndInner, ({ outer, inner }) => {
        if (containsPublic(inner)) expect(containsPublic(outer)).toBe(true);
        const some = host(inner.family, inner.start);
        if (isPublicAddress(some)) expect(containsPublic(inner)).toBe(true);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('holds for no address of a special-purpose block', () => {
    for (const family of [4, 6] as const) {
      for (const block of SPECIAL_PURPOSE_CIDRS[family]) {
        expect(containsPublic(block)).toBe(false);
        expect(containsPublic(host(family, block.start))).toBe(false);
        expect(containsPublic(host(family, block.end))).toBe(false);
      }
    }
  });
});

describe('Function: coversPublicSpace', () => {
  it.each([
    ['0.0.0.0/0', ['0.0.0.0/0'], 4, true],
    ['the eight CIDRs that skip 10.0.0.0/8', ALL_BUT_TEN, 4, true],
    ['the eight CIDRs without 11.0.0.0/8', ALL_BUT_TEN.filter((c) => c !== '11.0.0.0/8'), 4, false],
    [
      'every address but 255.255.255.255',
      [
        '0.0.0.0/1',
        '128.0.0.0/2',
        '192.0.0.0/3',
        '224.0.0.0/4',
        '240.0.0.0/5',
        '248.0.0.0/6',
        '252.0.0.0/7',
        '254.0.0.0/8',
        '255.0.0.0/9',
        '255.128.0.0/10',
        '255.192.0.0/11',
        '255.224.0.0/12',
        '255.240.0.0/13',
        '255.248.0.0/14',
        '255.252.0.0/15',
        '255.254.0.0/16',
        '255.255.0.0/17',
        '255.255.128.0/18',
        '255.255.192.0/19',
        '255.255.224.0/20',
        '255.255.240.0/21',
        '255.255.248.0/22',
        '255.255.252.0/23',
        '255.255.254.0/24',
        '255.255.255.0/25',
        '255.255.255.128/26',
        '255.255.255.192/27',
        '255.255.255.224/28',
        '255.255.255.240/29',
        '255.255.255.248/30',
        '255.255.255.252/31',
        '255.255.255.254/32',
      ],
      4,
      true,
    ],
    [
      '0.0.0.0/1 + 128.0.0.0/2 + 192.0.0.0/3 (224/3 left out)',
      ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3'],
      4,
      true,
    ],
    ['half of the internet', ['0.0.0.0/1'], 4, false],
    ['the private ranges only', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], 4, false],
    ['::/0', ['::/0'], 6, true],
    ['2000::/3, the IPv6 internet', ['2000::/3'], 6, true],
    ['2000::/4 + 3000::/4', ['2000::/4', '3000::/4'], 6, true],
    ['2000::/4 only', ['2000::/4'], 6, false],
    ['fc00::/7 + fe80::/10', ['fc00::/7', 'fe80::/10'], 6, false],
    ['an IPv4 cover, asked about IPv6', ['0.0.0.0/0'], 6, false],
  ])('%s: %s', (_name, texts, family, covers) => {
    // Prepare
    const cidrs = (texts as string[]).map((t) => parseCidr(t)!);

    // Act and Assess
    expect(coversPublicSpace(cidrs, family as 4 | 6)).toBe(covers);
  });

  it('still covers when a piece holding no public address is left out, and not when a public one is', () => {
    fc.assert(
      fc.property(tiling, fc.nat(), ({ family, pieces }, drop) => {
        const dropped = pieces[drop % pieces.length]!;
        const rest = pieces.filter((p) => p !== dropped);
        expect(coversPublicSpace(pieces, family)).toBe(true);
        expect(coversPublicSpace(rest, family)).toBe(!containsPublic(dropped));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('covers with the whole space minus any special-purpose block', () => {
    for (const family of [4, 6] as const) {
      for (const block of SPECIAL_PURPOSE_CIDRS[family]) {
        // the space tiled around the block: the sibling of each of its ancestors
        const pieces: Cidr[] = [];
        for (let p = 1; p <= block.prefix; p++) {
          const ancestor = parseCidr(`${formatAddress(family, block.start)}/${p}`)!;
          const size = 1n << BigInt(width(family) - p);
          const sibling = ancestor.start ^ size;
          pieces.push(parseCidr(`${formatAddress(family, sibling)}/${p}`)!);
        }
        expect(coversPublicSpace(pieces, family)).toBe(true);
        expect(coversFamily(pieces, family)).toBe(false);
      }
    }
  });
});
