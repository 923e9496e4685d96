// The single-pass reader against the oracle it replaced (fast-xml-parser's validator and parser,
// test/helpers/fxp-reference.ts): the same verdict and the same tree on every captured client
// envelope and on thousands of seeded mutations of them, plus the cases where XML 1.0 is
// stricter than the oracle was.
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { parseXml, XmlSyntaxError, type XmlElement } from '../../../src/soap/xml.js';
import { referenceParseXml } from '../../helpers/fxp-reference.js';
import { caseSeed, pickMutators, rng, TEXT_MUTATORS } from '../../fuzz/mutators.js';

const DIR = new URL('../../fixtures/captures/', import.meta.url);
const captures = readdirSync(DIR).filter((f) => f.endsWith('.xml')).sort().map((f) => {
  const bytes = readFileSync(new URL(f, DIR));
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe;
  return { name: f, text: utf16 ? bytes.subarray(2).toString('utf16le') : bytes.toString('utf8').replace(/^\ufeff/, '') };
});

type Verdict = { ok: true; tree: XmlElement } | { ok: false; message: string };
const verdict = (f: () => XmlElement): Verdict => {
  try {
    return { ok: true, tree: f() };
  } catch (err) {
    if (err instanceof XmlSyntaxError) return { ok: false, message: err.message };
    throw err;
  }
};

/** Where the oracle was more lenient than XML 1.0: the reader refuses these, rightly. */
const STRICTER: readonly RegExp[] = [
  /"--" inside a comment/,
  /XML declaration/,
  /processing instruction/,
];

t.test('every captured envelope reads the same as with the oracle', async (t) => {
  t.ok(captures.length > 50, `${captures.length} captures`);
  for (const c of captures) {
    const mine = verdict(() => parseXml(c.text));
    const theirs = verdict(() => referenceParseXml(c.text));
    t.equal(mine.ok, theirs.ok, `${c.name}: same verdict`);
    if (mine.ok && theirs.ok) t.same(mine.tree, theirs.tree, `${c.name}: same tree`);
  }
});

t.test('seeded mutations: the same verdict and tree, or a refusal XML 1.0 demands', async (t) => {
  const cases = Number(process.env['XML_DIFF_CASES'] ?? 4000);
  let accepted = 0;
  let refused = 0;
  const disagreements: string[] = [];
  for (let n = 0; n < cases; n++) {
    const r = rng(caseSeed(7_001, n));
    const c = captures[Math.floor(r() * captures.length)]!;
    let text = c.text;
    for (const m of pickMutators(r)) text = TEXT_MUTATORS[m]?.(text, r) ?? text;
    const mine = verdict(() => parseXml(text));
    const theirs = verdict(() => referenceParseXml(text));
    // The oracle drops U+FEFF (a legal name and text character) wherever it appears.
    if (text.includes('\ufeff')) continue;
    if (mine.ok && theirs.ok) {
      accepted++;
      if (JSON.stringify(mine.tree) !== JSON.stringify(theirs.tree)) disagreements.push(`#${n} ${c.name}: trees differ`);
    } else if (!mine.ok && !theirs.ok) {
      refused++;
    } else if (!mine.ok && STRICTER.some((re) => re.test(mine.message))) {
      refused++;
    } else {
      disagreements.push(`#${n} ${c.name}: reader ${mine.ok ? 'accepts' : `refuses (${mine.message})`}, oracle ${theirs.ok ? 'accepts' : `refuses (${theirs.message})`}: ${JSON.stringify(text.slice(0, 300))}`);
    }
  }
  t.comment(`${cases} mutations: ${accepted} read alike, ${refused} refused by both (or by XML 1.0's stricter rules)`);
  t.ok(accepted > cases / 20 && refused > cases / 20, 'the mutations exercise both verdicts');
  t.same(disagreements.slice(0, 10), [], `${disagreements.length} disagreements`);
});

t.test('what XML 1.0 and Namespaces require, beyond the oracle', async (t) => {
  const bad = [
    '<a><!-- x -- y --></a>',
    '<a/><?xml version="1.0"?>',
    '<?xml version="1.0"?><?xml version="1.0"?><a/>',
    '<?xml version="2" ?><a/>',
    '<a><?xml-stylesheet href="x"?></a><?xml x?>',
    '<a x="1"y="2"/>',
    '<a x=1/>',
    '<a x="1/>',
    '<a></a >x',
    '<a><![CDATA[x</a>',
    '<![CDATA[x]]><a/>',
    '<a><!ELEMENT a ANY></a>',
    '<a></ a>',
    '<a>]]></a>',
    '<a xmlns:p=""/>',
    '<a xmlns:xmlns="urn:x"/>',
    '<a xmlns:xml="urn:x"/>',
    '<p:a xmlns:p="urn:1" xmlns:q="urn:1" p:x="1" q:x="2"/>',
    '<a>&amp</a>',
    '<a x="&bogus;"/>',
    '<a><b></a></b>',
    '<a></b>',
    '</a>',
    '<a',
    '<a x',
    '<1a/>',
    '<-a/>',
    '<.a/>',
    '<p:1a xmlns:p="urn:p"/>',
    '<:a/>',
    '<p:/>',
    '<p::a xmlns:p="urn:p"/>',
    '<p:a:b xmlns:p="urn:p"/>',
    '<a b:="1"/>',
  ];
  for (const b of bad) t.throws(() => parseXml(b), XmlSyntaxError, JSON.stringify(b));
  const good = parseXml('<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n<!-- c --><?pi data?><a  x = \'1\' >t<![CDATA[<c>]]>&#x41;<b\n/></a >\n<!-- after -->\n');
  t.same({ name: good.name, text: good.text, x: good.attrs[0]?.value, kids: good.children.length }, { name: 'a', text: 't<c>A', x: '1', kids: 1 });
  t.equal(parseXml('<a>1\r\n2\r3&#13;</a>').text, '1\n2\n3\r', 'line ends normalized to LF; a character reference to CR stays');
  t.equal(parseXml('<a-1.b_c x-y.z="1"/>').name, 'a-1.b_c', 'digits, "-" and "." after the first character');
  t.equal(parseXml('<p:_x xmlns:p="urn:p"/>').name, '_x');
  t.equal(parseXml('<été/>').name, 'été', 'a non-ASCII name goes through the full NameChar check');
  try {
    parseXml('<a>\n  <b>\n</a>');
    t.fail('should throw');
  } catch (err) {
    t.match(err, { line: 3 }, 'the error names the line of the mismatched end tag');
  }
});
