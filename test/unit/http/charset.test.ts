import t from 'tap';
import { encodeReply, utf8Bytes } from '../../../src/http/charset.js';

// A small seeded generator: the same pieces on every run.
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

t.test('pieces are written as the UTF-8 of their joined text, whatever characters they hold', async (t) => {
  const cases: [string, string[]][] = [
    ['<?xml?>', []], ['', ['']], ['a', ['', '', 'b']], ['h', ['é']], ['h', ['x'.repeat(10), 'é', '日本', '😀']], ['', ['😀']], ['😀', ['😀😀', '', 'é']],
    ['<?xml version="1.0" encoding="UTF-8"?>', Array.from({ length: 50 }, (_, i) => (i % 7 === 0 ? 'ü' : 'a').repeat(i))],
  ];
  const next = random(42);
  const alphabet = ['a', 'é', '日', '😀', '<', '\u0080', '\uffff'];
  const pick = (): string => alphabet[Math.floor(next() * alphabet.length)] ?? 'a';
  for (let i = 0; i < 1000; i++) {
    const pieces = Array.from({ length: Math.floor(next() * 6) }, () => Array.from({ length: Math.floor(next() * 6) }, pick).join(''));
    cases.push([pick().repeat(i % 3), pieces]);
  }
  let wrong = 0;
  for (const [head, pieces] of cases) if (!utf8Bytes(head, pieces).equals(Buffer.from(head + pieces.join('')))) wrong++;
  t.equal(wrong, 0, `${cases.length} cases`);
});

t.test('a reply in pieces is the same document as the reply whole, in every encoding', async (t) => {
  const pieces = ['<s:Envelope>', '<p:A>é</p:A>', '<p:B>日本</p:B>', '</s:Envelope>'];
  for (const encoding of ['utf-8', 'utf-16le', 'utf-16be'] as const) {
    const whole = encodeReply(pieces.join(''), encoding);
    const split = encodeReply(pieces, encoding);
    t.equal(split.contentType, whole.contentType);
    t.ok(Buffer.from(split.body).equals(Buffer.from(whole.body)), encoding);
  }
});
