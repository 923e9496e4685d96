import t from 'tap';
import { decodeXmlText, parseXml, XmlSyntaxError, child, attr, trimmedText } from '../../../src/soap/xml.js';

t.test('resolves prefixes to namespace URIs, including the default namespace', async (t) => {
  const el = parseXml('<a:Root xmlns:a="urn:a" xmlns="urn:d"><Child x="1" a:y="2"/><a:Other/></a:Root>');
  t.equal(el.ns, 'urn:a');
  t.equal(el.name, 'Root');
  const c = child(el, 'urn:d', 'Child');
  t.ok(c, 'default-namespace child found by URI');
  t.equal(attr(c!, 'x'), '1', 'unprefixed attribute is in no namespace');
  t.equal(attr(c!, 'y', 'urn:a'), '2');
  t.ok(child(el, 'urn:a', 'Other'));
  t.notOk(child(el, 'urn:d', 'Other'), 'a prefix is never matched by name alone');
});

t.test('a prefix re-bound in a child scope applies only inside it', async (t) => {
  const el = parseXml('<p:A xmlns:p="urn:1"><p:B xmlns:p="urn:2"><p:C/></p:B><p:D/></p:A>');
  const b = el.children[0]!;
  t.equal(b.ns, 'urn:2');
  t.equal(b.children[0]!.ns, 'urn:2');
  t.equal(el.children[1]!.ns, 'urn:1');
});

t.test('decodes predefined entities and character references, keeps values as strings', async (t) => {
  const el = parseXml('<a v="&quot;x&amp;y&quot;">&lt;b&gt; &#65;&#x42; 007 <![CDATA[<raw>&amp;]]></a>');
  t.equal(el.text, '<b> AB 007 <raw>&amp;');
  t.equal(attr(el, 'v'), '"x&y"');
  t.equal(trimmedText(parseXml('<a>\n  007 \t</a>')), '007');
});

t.test('refuses DOCTYPE, undeclared entities and bad character references', async (t) => {
  t.throws(() => parseXml('<!DOCTYPE a [<!ENTITY x "yyyy">]><a>&x;</a>'), XmlSyntaxError);
  t.throws(() => parseXml('<!doctype a SYSTEM "file:///etc/passwd"><a/>'), XmlSyntaxError);
  t.throws(() => parseXml('<a>&x;</a>'), XmlSyntaxError);
  t.throws(() => parseXml('<a>a & b</a>'), XmlSyntaxError);
  t.throws(() => decodeXmlText('&#0;'), XmlSyntaxError);
  t.throws(() => decodeXmlText('&#xD800;'), XmlSyntaxError);
});

t.test('refuses malformed documents with a position', async (t) => {
  for (const bad of ['<a><b></a>', '<a>', '<a x="1" x="2"/>', '', 'text', '<a/><b/>', '<p:a/>']) {
    t.throws(() => parseXml(bad), XmlSyntaxError, JSON.stringify(bad));
  }
  try {
    parseXml('<a>\n<b></a>');
    t.fail('should throw');
  } catch (err) {
    t.ok(err instanceof XmlSyntaxError && err.line !== undefined, 'line is reported');
  }
});

t.test('enforces nesting, element and attribute limits', async (t) => {
  const deep = '<a>'.repeat(100) + '</a>'.repeat(100);
  t.throws(() => parseXml(deep, { maxDepth: 64, maxElements: 1000, maxAttributes: 10 }), /nested deeper than 64/);
  t.throws(() => parseXml('<a>' + '<b/>'.repeat(50) + '</a>', { maxDepth: 64, maxElements: 20, maxAttributes: 10 }), /more than 20 elements/);
  const attrs = Array.from({ length: 11 }, (_, i) => `a${i}="x"`).join(' ');
  t.throws(() => parseXml(`<a ${attrs}/>`, { maxDepth: 64, maxElements: 1000, maxAttributes: 10 }), /more than 10 attributes/);
  t.doesNotThrow(() => parseXml('<a>'.repeat(60) + '</a>'.repeat(60)));
});
