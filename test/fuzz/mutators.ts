// Deterministic mutations of captured client envelopes. Every case draws from its own PRNG,
// seeded from the run's seed and the case number, so one case can be replayed on its own
// (FUZZ_SEED=… FUZZ_ONLY=<case>).

/** mulberry32: small, fast, good enough to pick mutations. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** murmur3's finaliser: every input bit affects every output bit. */
function fmix(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The seed of case n of a run: independent streams for different runs and cases. */
export function caseSeed(seed: number, n: number): number {
  return fmix(fmix(seed) + Math.imul(n + 1, 0x9e3779b9));
}

export type Rand = () => number;
const int = (r: Rand, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)] as T;

// ---- element spans of a (mostly) well-formed document ----

interface Span {
  /** start of the start tag */
  readonly start: number;
  /** just past the end tag (or the self-closing start tag) */
  readonly end: number;
  readonly name: string;
  /** the start tag's end (just past its ">") */
  readonly openEnd: number;
  /** the end tag's start, for elements with content */
  readonly closeStart: number;
}

/** Elements found by a light tag scanner; an empty list when the text is too broken to scan. */
export function spans(text: string): Span[] {
  const out: Span[] = [];
  const stack: { name: string; start: number; openEnd: number }[] = [];
  const tag = /<(\/?)([^\s/>!?]+)[^>]*?(\/?)>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>/g;
  for (const m of text.matchAll(tag)) {
    const name = m[2];
    if (name === undefined) continue;
    const at = m.index ?? 0;
    const after = at + m[0].length;
    if (m[1] === '/') {
      const open = stack.pop();
      if (!open || open.name !== name) return out;
      out.push({ start: open.start, end: after, name, openEnd: open.openEnd, closeStart: at });
    } else if (m[3] === '/') {
      out.push({ start: at, end: after, name, openEnd: after, closeStart: after });
    } else {
      stack.push({ name, start: at, openEnd: after });
    }
  }
  return out;
}

// ---- values worth trying ----

const BOUNDARY_NUMBERS = [
  '0', '-0', '-1', '1', '2', '8191', '8192', '32767', '32768', '65535', '65536', '2147483647', '2147483648', '-2147483649',
  '4294967295', '4294967296', '9007199254740993', '18446744073709551616', '1e30', '1e309', '-1e309', 'NaN', 'Infinity', '0x10',
  '1.5', '', ' ', '00000000000000000000000000000001', '99999999999999999999999999999999999999999',
];

const INTERESTING_TEXT = [
  "' OR 1=1 --", '"; DROP TABLE VM; --', '\\u0000', '%00', '../../../../etc/passwd', '$(reboot)', '`id`', '${jndi:ldap://127.0.0.1/x}',
  '&lt;inj:pwn xmlns:inj="urn:pwn"/&gt;', '&amp;', '&#x1F4A5;', ']]&gt;', 'OpaqueRef:NULL', 'uuid:', 'PT-1S', 'P9999999Y', 'PT0S',
  'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous', 'http://schemas.dmtf.org/wbem/wscim/1/*', 'root/interop',
  'A'.repeat(5000), '', ' ', '__proto__', 'constructor',
];

/** Code points and sequences that break or bend XML, UTF-8 and string handling. */
const UNICODE = [
  '\u0000', '\u0001', '\u0008', '\u000b', '\u001b', '\u007f', '\u0085', '\u00a0', '\u00e9', '\u0301', '\u200b', '\u200d', '\u202e',
  '\u2028', '\ufeff', '\ufffd', '\ufffe', '\uffff', '\ud800', '\udc00', '\ud83d\udca5', '\u{10ffff}', '\u{e0001}', '<', '>', '&', '"', "'",
  ']]>', '<!--', '-->', '<![CDATA[', '<?', '?>', '<!DOCTYPE x>', '&x;', '&#0;', '&#x110000;', ':', 'xmlns', '\r\n', '\t',
];

const NAMESPACES = [
  'http://www.w3.org/2003/05/soap-envelope', 'http://schemas.xmlsoap.org/soap/envelope/', 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  'http://www.w3.org/2005/08/addressing', 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd', 'http://schemas.xmlsoap.org/ws/2004/09/enumeration',
  'http://schemas.xmlsoap.org/ws/2004/09/transfer', 'http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd',
  'http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd', 'http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd',
  'http://www.w3.org/XML/1998/namespace', 'http://www.w3.org/2000/xmlns/', '', 'urn:x',
];

const NS_DECL = {
  S: 'xmlns:S="http://www.w3.org/2003/05/soap-envelope"',
  A: 'xmlns:A="http://schemas.xmlsoap.org/ws/2004/08/addressing"',
  W: 'xmlns:W="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"',
  E: 'xmlns:E="http://schemas.xmlsoap.org/ws/2004/09/enumeration"',
  B: 'xmlns:B="http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd"',
  P: 'xmlns:P="http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"',
} as const;

/** Header blocks a client could send, with values from the edges of what they allow. */
const HEADER_BLOCKS: readonly ((r: Rand) => string)[] = [
  (r) => `<W:MaxEnvelopeSize ${NS_DECL.W} ${NS_DECL.S} S:mustUnderstand="true">${pick(r, BOUNDARY_NUMBERS)}</W:MaxEnvelopeSize>`,
  (r) => `<W:OperationTimeout ${NS_DECL.W}>${pick(r, ['PT60.000S', 'PT0S', 'PT-1S', 'P9999999Y', 'PT0.001S', 'garbage', '', 'P1Y2M3DT4H5M6.7S'])}</W:OperationTimeout>`,
  (r) => `<W:Locale ${NS_DECL.W} ${NS_DECL.S} xml:lang="${pick(r, ['en-US', 'de-DE', '', 'x-&lt;&gt;', 'zz'])}" S:mustUnderstand="${pick(r, ['true', 'false'])}"/>`,
  (r) => `<P:DataLocale ${NS_DECL.P} ${NS_DECL.S} xml:lang="${pick(r, ['en-US', 'fr-FR'])}" S:mustUnderstand="${pick(r, ['true', 'false'])}"/>`,
  (r) => `<W:OptionSet ${NS_DECL.W} ${NS_DECL.S} S:mustUnderstand="${pick(r, ['true', 'false'])}"><W:Option Name="${pick(r, ['ShowExtensions', 'x', ''])}" MustComply="${pick(r, ['true', 'false'])}">1</W:Option></W:OptionSet>`,
  (r) => `<W:SelectorSet ${NS_DECL.W}><W:Selector Name="${pick(r, ['Name', 'CreationClassName', '__cimnamespace', 'Nope'])}">${pick(r, INTERESTING_TEXT)}</W:Selector></W:SelectorSet>`,
  (r) => `<W:FragmentTransfer ${NS_DECL.W} ${NS_DECL.S} S:mustUnderstand="true">${pick(r, ['EnabledState', 'Name/text()', '//*', 'p:ElementName', ''])}</W:FragmentTransfer>`,
  () => `<W:RequestTotalItemsCountEstimate ${NS_DECL.W}/>`,
  () => `<W:RequestEPR ${NS_DECL.W}/>`,
  (r) => `<A:FaultTo ${NS_DECL.A}><A:Address>${pick(r, ['http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous', 'http://127.0.0.1:9/x'])}</A:Address></A:FaultTo>`,
  (r) => {
    const name = pick(r, ['To', 'Action', 'MessageID', 'ReplyTo', 'RelatesTo', 'From']);
    return `<A:${name} ${NS_DECL.A}>${pick(r, INTERESTING_TEXT)}</A:${name}>`;
  },
  (r) => `<x:Frobnicate xmlns:x="urn:x" ${NS_DECL.S} S:mustUnderstand="${pick(r, ['true', '1', 'false', ' true ', 'TRUE'])}"/>`,
  () => `<x:Frobnicate xmlns:x="urn:x" mustUnderstand="true"/>`,
];

/** Children of Enumerate and Pull bodies, with edge values. */
const BODY_CHILDREN: readonly ((r: Rand) => string)[] = [
  () => `<W:OptimizeEnumeration ${NS_DECL.W}/>`,
  (r) => `<W:MaxElements ${NS_DECL.W}>${pick(r, BOUNDARY_NUMBERS)}</W:MaxElements>`,
  (r) => `<E:MaxElements ${NS_DECL.E}>${pick(r, BOUNDARY_NUMBERS)}</E:MaxElements>`,
  (r) => `<E:MaxCharacters ${NS_DECL.E}>${pick(r, BOUNDARY_NUMBERS)}</E:MaxCharacters>`,
  (r) => `<E:MaxTime ${NS_DECL.E}>${pick(r, ['PT0S', 'PT1S', 'PT-1S', 'garbage', 'P9999999Y'])}</E:MaxTime>`,
  (r) => `<E:Expires ${NS_DECL.E}>${pick(r, ['PT10M', 'PT0S', '-PT1S', 'P9999999Y', '2030-01-01T00:00:00Z', 'garbage', ''])}</E:Expires>`,
  (r) => `<W:EnumerationMode ${NS_DECL.W}>${pick(r, ['EnumerateEPR', 'EnumerateObjectAndEPR', 'EnumerateObject', ''])}</W:EnumerationMode>`,
  (r) => `<B:PolymorphismMode ${NS_DECL.B}>${pick(r, ['IncludeSubClassProperties', 'ExcludeSubClassProperties', 'None', 'All'])}</B:PolymorphismMode>`,
  (r) =>
    `<W:Filter ${NS_DECL.W} Dialect="${pick(r, ['http://schemas.microsoft.com/wbem/wsman/1/WQL', 'http://schemas.dmtf.org/wbem/cql/1/dsp0202.pdf', 'urn:nope'])}">` +
    `${pick(r, ['select * from CIM_ComputerSystem', 'select Name from CIM_ComputerSystem where EnabledState = 2', "select * from CIM_ComputerSystem where Name LIKE '%a%'", "' OR 1=1 --", 'select * from Xen_Nope', 'select * from CIM_ComputerSystem where ((((Name))))'])}</W:Filter>`,
  (r) => `<W:Filter ${NS_DECL.W} Dialect="http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter"><W:SelectorSet><W:Selector Name="${pick(r, ['Name', 'EnabledState', 'Nope'])}">${pick(r, INTERESTING_TEXT)}</W:Selector></W:SelectorSet></W:Filter>`,
  () => `<E:EndTo ${NS_DECL.E}><A:Address ${NS_DECL.A}>http://127.0.0.1:9/end</A:Address></E:EndTo>`,
  (r) => `<E:EnumerationContext ${NS_DECL.E}>${pick(r, INTERESTING_TEXT)}</E:EnumerationContext>`,
];

// ---- the mutators ----

export type TextMutator = (text: string, r: Rand) => string;

export const TEXT_MUTATORS: Readonly<Record<string, TextMutator>> = {
  truncate: (t, r) => t.slice(0, int(r, t.length)),

  duplicateElement: (t, r) => {
    const s = spans(t);
    if (s.length === 0) return t;
    const e = pick(r, s);
    return t.slice(0, e.end) + t.slice(e.start, e.end) + t.slice(e.end);
  },

  deleteElement: (t, r) => {
    const s = spans(t);
    if (s.length === 0) return t;
    const e = pick(r, s);
    return t.slice(0, e.start) + t.slice(e.end);
  },

  deleteAttribute: (t, r) => {
    const attrs = [...t.matchAll(/\s+[^\s=<>"']+="[^"]*"/g)];
    if (attrs.length === 0) return t;
    const a = pick(r, attrs);
    return t.slice(0, a.index) + t.slice((a.index ?? 0) + a[0].length);
  },

  duplicateAttribute: (t, r) => {
    const attrs = [...t.matchAll(/\s+[^\s=<>"']+="[^"]*"/g)];
    if (attrs.length === 0) return t;
    const a = pick(r, attrs);
    const at = (a.index ?? 0) + a[0].length;
    return t.slice(0, at) + a[0] + t.slice(at);
  },

  namespaceSwap: (t, r) => {
    const decls = [...t.matchAll(/xmlns(?::[^=\s]+)?="([^"]*)"/g)];
    if (decls.length === 0) return t;
    const d = pick(r, decls);
    const uri = d[1] ?? '';
    const at = (d.index ?? 0) + d[0].indexOf('"') + 1;
    // Either another well-known namespace, or the URI of a second declaration (two prefixes swapped).
    const other = r() < 0.5 ? pick(r, NAMESPACES) : (pick(r, decls)[1] ?? '');
    return t.slice(0, at) + other + t.slice(at + uri.length);
  },

  prefixRename: (t, r) => {
    const uses = [...t.matchAll(/<\/?([A-Za-z_][\w.-]*):/g)];
    if (uses.length === 0) return t;
    const u = pick(r, uses);
    const at = (u.index ?? 0) + u[0].indexOf(u[1] ?? '');
    return t.slice(0, at) + pick(r, ['nope', 's', 'wsa', 'wsman', 'xml', 'xmlns', '']) + t.slice(at + (u[1] ?? '').length);
  },

  numericBoundary: (t, r) => {
    const nums = [...t.matchAll(/>\s*(-?\d+(?:\.\d+)?)\s*</g)];
    const all = nums.length > 0 ? nums : [...t.matchAll(/\d+/g)];
    if (all.length === 0) return t;
    const n = pick(r, all);
    const digits = n[1] ?? n[0];
    const at = (n.index ?? 0) + n[0].indexOf(digits);
    return t.slice(0, at) + pick(r, BOUNDARY_NUMBERS) + t.slice(at + digits.length);
  },

  valueReplace: (t, r) => {
    const leaves = spans(t).filter((s) => s.closeStart > s.openEnd && !t.slice(s.openEnd, s.closeStart).includes('<'));
    if (leaves.length === 0) return t;
    const e = pick(r, leaves);
    return t.slice(0, e.openEnd) + pick(r, INTERESTING_TEXT) + t.slice(e.closeStart);
  },

  unicodeInsert: (t, r) => {
    const at = int(r, t.length + 1);
    return t.slice(0, at) + pick(r, UNICODE) + t.slice(at);
  },

  tagSwap: (t, r) => {
    const s = spans(t);
    if (s.length < 2) return t;
    const a = pick(r, s);
    const b = pick(r, s);
    if (a.name === b.name) return t;
    // Rename element a to b's name: its start tag and, when it has one, its end tag.
    const renameAt = (text: string, e: Span, to: string): string => {
      let out = text;
      if (e.closeStart < e.end) out = out.slice(0, e.closeStart + 2) + to + out.slice(e.closeStart + 2 + e.name.length);
      return out.slice(0, e.start + 1) + to + out.slice(e.start + 1 + e.name.length);
    };
    return renameAt(t, a, b.name);
  },

  insertHeader: (t, r) => {
    const h = /<(?:[\w.-]+:)?Header\b[^>]*?(\/?)>/.exec(t);
    if (!h) return t;
    const block = pick(r, HEADER_BLOCKS)(r);
    // A self-closing <s:Header/> becomes an open one.
    if (h[1] === '/') {
      const name = /<([\w.:-]+)/.exec(h[0])?.[1] ?? 'Header';
      return t.slice(0, h.index) + h[0].replace(/\/>$/, '>') + block + `</${name}>` + t.slice(h.index + h[0].length);
    }
    const at = h.index + h[0].length;
    return t.slice(0, at) + block + t.slice(at);
  },

  insertBodyChild: (t, r) => {
    const b = /<(?:[\w.-]+:)?Body\b[^>]*>\s*<([\w.:-]+)[^>]*?(\/?)>/.exec(t);
    if (!b) return t;
    const child = pick(r, BODY_CHILDREN)(r);
    if (b[2] === '/') return t.slice(0, b.index) + b[0].replace(/\/>$/, `>${child}</${b[1]}>`) + t.slice(b.index + b[0].length);
    const at = b.index + b[0].length;
    return t.slice(0, at) + child + t.slice(at);
  },

  repeatElement: (t, r) => {
    const s = spans(t);
    if (s.length === 0) return t;
    const e = pick(r, s);
    const times = pick(r, [2, 10, 100, 1000]);
    return t.slice(0, e.end) + t.slice(e.start, e.end).repeat(times) + t.slice(e.end);
  },
};

export type ByteMutator = (b: Buffer, r: Rand) => Buffer;

export const BYTE_MUTATORS: Readonly<Record<string, ByteMutator>> = {
  byteFlip: (b, r) => {
    const out = Buffer.from(b);
    const n = 1 + int(r, 4);
    for (let i = 0; i < n && out.length > 0; i++) {
      const at = int(r, out.length);
      out[at] = (out[at] ?? 0) ^ (1 << int(r, 8));
    }
    return out;
  },
  byteInsert: (b, r) => {
    const at = int(r, b.length + 1);
    const bytes = Buffer.from(Array.from({ length: 1 + int(r, 6) }, () => pick(r, [0x00, 0x80, 0xbf, 0xc0, 0xc1, 0xed, 0xf4, 0xf5, 0xfe, 0xff, int(r, 256)])));
    return Buffer.concat([b.subarray(0, at), bytes, b.subarray(at)]);
  },
  byteTruncate: (b, r) => b.subarray(0, int(r, b.length)),
};

export const MUTATOR_NAMES = [...Object.keys(TEXT_MUTATORS), ...Object.keys(BYTE_MUTATORS)];

/** How often each mutator is drawn: the ones that keep the XML readable reach deeper, so they come more often. */
const WEIGHTS: Readonly<Record<string, number>> = {
  insertHeader: 6, insertBodyChild: 6, valueReplace: 4, numericBoundary: 4, namespaceSwap: 3, duplicateElement: 3, deleteElement: 3,
  deleteAttribute: 2, duplicateAttribute: 2, tagSwap: 2, repeatElement: 2, prefixRename: 1, unicodeInsert: 2, truncate: 1,
  byteFlip: 1, byteInsert: 1, byteTruncate: 1,
};
const WEIGHTED = MUTATOR_NAMES.flatMap((m) => Array.from({ length: WEIGHTS[m] ?? 1 }, () => m));

export function pickMutators(r: Rand): string[] {
  const n = 1 + int(r, 3);
  // Byte mutators run last (on the encoded body); text ones first, in the order drawn.
  const drawn = Array.from({ length: n }, () => pick(r, WEIGHTED));
  return [...drawn.filter((m) => m in TEXT_MUTATORS), ...drawn.filter((m) => m in BYTE_MUTATORS)];
}
