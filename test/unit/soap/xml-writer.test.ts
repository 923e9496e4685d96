import t from 'tap';
import { escapeAttr, escapeText, xmlSafe } from '../../../src/soap/xml-writer.js';
import { parseXml } from '../../../src/soap/xml.js';

t.test('text that needs nothing comes back as it is', async (t) => {
  for (const s of ['', '56395929-399f-472d-a8a4-0d990a1c0f49', 'http://schemas.dmtf.org/wbem/wscim/1/*', 'Ünïcödé name', 'tab\tand\nline']) {
    t.equal(escapeText(s), s, JSON.stringify(s));
  }
  t.equal(escapeAttr('plain value'), 'plain value');
});

t.test('markup characters are escaped', async (t) => {
  t.equal(escapeText('a & b < c > d\r'), 'a &amp; b &lt; c &gt; d&#13;');
  t.equal(escapeText('&amp;'), '&amp;amp;', 'an entity-shaped text is escaped, not passed through');
  t.equal(escapeAttr('say "hi"\n\t&<>'), 'say &quot;hi&quot;&#10;&#9;&amp;&lt;&gt;');
  t.equal(escapeText('"quotes" stay in text'), '"quotes" stay in text');
});

t.test('characters XML cannot carry are replaced, pairs of surrogates kept', async (t) => {
  t.equal(escapeText('a\u0000b\u0008c\u000bd\u001fe\uffff'), 'a?b?c?d?e?');
  t.equal(escapeText('emoji \ud83d\ude00 ok'), 'emoji \ud83d\ude00 ok');
  t.equal(escapeText('lone \ud83d high'), 'lone ? high');
  t.equal(escapeText('lone \ude00 low'), 'lone ? low');
  t.equal(escapeAttr('x\u0001<'), 'x?&lt;');
  t.equal(xmlSafe('a&b\u0002'), 'a&amp;b?');
});

t.test('whatever goes in, the escaped text reads back as the same characters (illegal ones as "?")', async (t) => {
  const samples = ['', 'a&b', '<x>', 'q"\'', 'cr\r\nlf', 'e\ud83d\ude00', 'bad\u0007', 'lone\udc00', '&#0;', ']]>'];
  for (const s of samples) {
    const expected = s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '?');
    t.equal(parseXml(`<r a="${escapeAttr(s)}">${escapeText(s)}</r>`).text, expected, `text ${JSON.stringify(s)}`);
    t.equal(parseXml(`<r a="${escapeAttr(s)}"/>`).attrs[0]?.value, expected, `attribute ${JSON.stringify(s)}`);
  }
});
