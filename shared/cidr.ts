/**
 * CIDR arithmetic for IPv4 and IPv6 with bigint ranges. Pure.
 *
 * @example
 * ```ts
 * const pod = parseCidr('100.64.0.0/10')!;
 * cidrWithin(parseCidr('100.64.12.0/24')!, pod); // true
 * coversFamily([parseCidr('0.0.0.0/1')!, parseCidr('128.0.0.0/1')!], 4); // true
 * ```
 */
export interface Cidr {
  readonly family: 4 | 6;
  readonly prefix: number;
  readonly start: bigint;
  readonly end: bigint;
  /** Canonical text (network address / prefix). */
  readonly text: string;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const toGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (const [i, p] of parts.entries()) {
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4(p);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
        out.push(Number.parseInt(p, 16));
      }
    }
    return out;
  };
  const head = toGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? toGroups(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

function formatIpv4(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
}

function formatIpv6(v: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(112 - 16 * i)) & 0xffffn));
  // longest run of zeros, compressed as ::
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Parses `a.b.c.d/n` or an IPv6 CIDR; host bits are masked off. Undefined when not a CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== 'string' || text.length > 64) return undefined;
  const slash = text.indexOf('/');
  if (slash === -1) return undefined;
  const addr = text.slice(0, slash);
  const bits = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return undefined;
  const prefix = Number(bits);
  const family: 4 | 6 = addr.includes(':') ? 6 : 4;
  const width = family === 4 ? 32 : 128;
  if (prefix > width) return undefined;
  const value = family === 4 ? parseIpv4(addr) : parseIpv6(addr);
  if (value === undefined) return undefined;
  const hostBits = BigInt(width - prefix);
  const start = (value >> hostBits) << hostBits;
  const end = start + (1n << hostBits) - 1n;
  const text2 = `${family === 4 ? formatIpv4(start) : formatIpv6(start)}/${prefix}`;
  return { family, prefix, start, end, text: text2 };
}

/** True when `inner` lies entirely inside `outer` (same family). */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return inner.family === outer.family && inner.start >= outer.start && inner.end <= outer.end;
}

/** True when the two ranges share at least one address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.start <= b.end && b.start <= a.end;
}

/** True when the CIDRs of `family` together cover its whole address space. */
export function coversFamily(cidrs: readonly Cidr[], family: 4 | 6): boolean {
  const max = family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
  const ranges = cidrs
    .filter((c) => c.family === family)
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let next = 0n;
  for (const r of ranges) {
    if (r.start > next) return false;
    if (r.end + 1n > next) next = r.end + 1n;
    if (next > max) return true;
  }
  return false;
}

/** A range of addresses of one family, both ends included. */
export interface AddressSpan {
  readonly start: bigint;
  readonly end: bigint;
}

const parseAll = (texts: readonly string[]): Cidr[] => texts.map((c) => parseCidr(c) as Cidr);

/**
 * The address space the internet can reach a resource from: every IPv4 address, and IPv6 global
 * unicast (`2000::/3`, RFC 4291); unique-local, link-local, loopback, multicast and mapped IPv6
 * addresses lie outside it.
 */
export const INTERNET_SPACE: Readonly<Record<4 | 6, Cidr>> = {
  4: parseCidr('0.0.0.0/0') as Cidr,
  6: parseCidr('2000::/3') as Cidr,
};

/**
 * The special-purpose blocks inside {@link INTERNET_SPACE} that the internet never routes (IANA's IPv4
 * and IPv6 Special-Purpose Address Registries, RFC 6890, entries not globally reachable as a whole).
 * IPv4: "this network" 0/8, RFC 1918 (10/8, 172.16/12, 192.168/16), shared CGNAT 100.64/10, loopback
 * 127/8, link-local 169.254/16, IETF protocol assignments 192.0.0/24, documentation 192.0.2/24,
 * 198.51.100/24 and 203.0.113/24, benchmarking 198.18/15, multicast 224/4, reserved 240/4 (with the
 * limited broadcast 255.255.255.255/32). IPv6: benchmarking 2001:2::/48, ORCHID 2001:10::/28,
 * documentation 2001:db8::/32 and 3fff::/20.
 */
export const SPECIAL_PURPOSE_CIDRS: Readonly<Record<4 | 6, readonly Cidr[]>> = {
  4: parseAll([
    '0.0.0.0/8',
    '10.0.0.0/8',
    '100.64.0.0/10',
    '127.0.0.0/8',
    '169.254.0.0/16',
    '172.16.0.0/12',
    '192.0.0.0/24',
    '192.0.2.0/24',
    '192.168.0.0/16',
    '198.18.0.0/15',
    '198.51.100.0/24',
    '203.0.113.0/24',
    '224.0.0.0/4',
    '240.0.0.0/4',
  ]),
  6: parseAll(['2001:2::/48', '2001:10::/28', '2001:db8::/32', '3fff::/20']),
};

/** Sorts and merges spans into disjoint, non-adjacent spans. */
function mergeSpans(spans: readonly AddressSpan[]): AddressSpan[] {
  const sorted = [...spans].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: { start: bigint; end: bigint }[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end + 1n) {
      if (s.end > last.end) last.end = s.end;
    } else {
      out.push({ start: s.start, end: s.end });
    }
  }
  return out;
}

/** `from` without the addresses of `holes` (both merged). */
function subtractSpans(from: readonly AddressSpan[], holes: readonly AddressSpan[]): AddressSpan[] {
  const out: AddressSpan[] = [];
  const cuts = mergeSpans(holes);
  for (const span of mergeSpans(from)) {
    let next = span.start;
    for (const cut of cuts) {
      if (cut.end < next || cut.start > span.end) continue;
      if (cut.start > next) out.push({ start: next, end: cut.start - 1n });
      next = cut.end + 1n;
      if (next > span.end) break;
    }
    if (next <= span.end) out.push({ start: next, end: span.end });
  }
  return out;
}

/** The public (internet-routable) address space of each family, as disjoint spans. */
export const PUBLIC_SPACE: Readonly<Record<4 | 6, readonly AddressSpan[]>> = {
  4: subtractSpans([INTERNET_SPACE[4]], SPECIAL_PURPOSE_CIDRS[4]),
  6: subtractSpans([INTERNET_SPACE[6]], SPECIAL_PURPOSE_CIDRS[6]),
};

/**
 * The public addresses of a CIDR, as disjoint spans (none for a private or special-purpose block).
 *
 * @example
 * ```ts
 * publicSpans(parseCidr('10.0.0.0/7')!); // [{ start: 11.0.0.0, end: 11.255.255.255 }] (as bigints)
 * ```
 */
export function publicSpans(cidr: Cidr): AddressSpan[] {
  const out: AddressSpan[] = [];
  for (const p of PUBLIC_SPACE[cidr.family]) {
    const start = p.start > cidr.start ? p.start : cidr.start;
    const end = p.end < cidr.end ? p.end : cidr.end;
    if (start <= end) out.push({ start, end });
  }
  return out;
}

/**
 * True when the CIDR holds at least one public (internet-routable) address.
 *
 * @example
 * ```ts
 * containsPublic(parseCidr('172.16.0.0/12')!); // false
 * containsPublic(parseCidr('0.0.0.0/5')!); // true
 * ```
 */
export function containsPublic(cidr: Cidr): boolean {
  return publicSpans(cidr).length > 0;
}

/**
 * True when no address of the CIDR is public: private, shared, loopback, link-local, documentation,
 * benchmarking, multicast, reserved, or IPv6 outside global unicast.
 */
export function isNonPublic(cidr: Cidr): boolean {
  return !containsPublic(cidr);
}

/**
 * True when the CIDRs of `family` together hold every public address of that family, whatever
 * private or special-purpose space they leave out: the eight CIDRs from `0.0.0.0/5` to `128.0.0.0/1`
 * that skip `10.0.0.0/8` are the whole IPv4 internet, and so is `2000::/3` for IPv6.
 *
 * @example
 * ```ts
 * const cover = ['0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1'];
 * coversPublicSpace(cover.map((c) => parseCidr(c)!), 4); // true
 * coversPublicSpace([parseCidr('2000::/3')!], 6); // true
 * ```
 */
export function coversPublicSpace(cidrs: readonly Cidr[], family: 4 | 6): boolean {
  const own = cidrs.filter((c) => c.family === family);
  return subtractSpans(PUBLIC_SPACE[family], own).length === 0;
}
