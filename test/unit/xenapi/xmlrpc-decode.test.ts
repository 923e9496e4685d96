import t from 'tap';
import { decodeMethodResponse, XmlRpcDecodeError } from '../../../src/xenapi/xmlrpc-decode.js';

const resp = (value: string): Buffer => Buffer.from(`<?xml version="1.0"?>\n<methodResponse><params><param><value>${value}</value></param></params></methodResponse>`);
const value = (v: string) => {
  const r = decodeMethodResponse(resp(v));
  if (r.kind !== 'value') throw new Error('fault');
  return r.value;
};

t.test("xapi's encodings: bare strings, ints as strings, booleans, doubles, datetimes", async (t) => {
  t.equal(value('OpaqueRef:abc'), 'OpaqueRef:abc', 'a bare string');
  t.equal(value(''), '', 'an empty value is the empty string');
  t.equal(value('<string>a &amp; b &lt;c&gt; &#233;&#x41;</string>'), 'a & b <c> éA');
  t.equal(value('<string/>'), '');
  t.equal(value('4294967296'), '4294967296', 'xapi int64s arrive as strings and stay strings');
  t.equal(value('<i4>-7</i4>'), -7);
  t.equal(value('<int> 12 </int>'), 12);
  t.equal(value('<i8>9007199254740993</i8>'), '9007199254740993', 'beyond 2^53 stays exact as a string');
  t.equal(value('<boolean>1</boolean>'), true);
  t.equal(value('<boolean>0</boolean>'), false);
  t.equal(value('<double>0.25</double>'), 0.25);
  t.same(value('<dateTime.iso8601>20250319T04:16:24Z</dateTime.iso8601>'), new Date('2025-03-19T04:16:24Z'));
  t.same(value('<dateTime.iso8601>2025-03-19T04:16:24+01:00</dateTime.iso8601>'), new Date('2025-03-19T03:16:24Z'));
  t.same(value('<dateTime.iso8601>20250319T04:16:24</dateTime.iso8601>'), new Date('2025-03-19T04:16:24Z'), 'no zone means UTC');
  t.equal(value('<base64>aGVsbG8=</base64>'), 'hello');
  t.equal(value('<nil/>'), '');
  t.equal(value('  <string>x</string>\n'), 'x', 'whitespace around a typed value is not content');
  t.equal(value('ünïcødé'), 'ünïcødé');
});

t.test('structs and arrays, nested, with empty forms', async (t) => {
  t.same(
    value('<struct><member><name>Status</name><value>Success</value></member><member><name>Value</name><value><array><data><value>a</value><value><i4>1</i4></value><value/></data></array></value></member></struct>'),
    { Status: 'Success', Value: ['a', 1, ''] },
  );
  t.same(value('<struct></struct>'), {});
  t.same(value('<struct/>'), {});
  t.same(value('<array><data/></array>'), []);
  t.same(value('<array/>'), []);
  const v = value('<struct><member><name>__proto__</name><value>x</value></member></struct>') as Record<string, unknown>;
  t.equal(Object.getPrototypeOf(v), Object.prototype, 'a "__proto__" key stays data');
  t.equal(Object.keys(v)[0], '__proto__');
});

t.test('structs of every size keep members as data, in order, the last of a repeated name winning', async (t) => {
  const member = (name: string, v: string): string => `<member><name>${name}</name><value>${v}</value></member>`;
  for (const count of [3, 40, 256, 257, 3000]) {
    const names = Array.from({ length: count }, (_, i) => `f${i}`);
    names[1] = '__proto__';
    const xml = `<struct>${names.map((n, i) => member(n, String(i))).join('')}${member('f0', 'again')}</struct>`;
    const v = value(xml) as Record<string, unknown>;
    t.equal(Object.getPrototypeOf(v), Object.prototype, `${count} members: "__proto__" stays data`);
    t.same(Object.keys(v), names, `${count} members: every name, in order`);
    t.equal(v['__proto__'], '1');
    t.equal(v['f0'], 'again');
    t.equal(v[`f${count - 1}`], String(count - 1));
  }
});

t.test('empty arrays and structs are shared and cannot be changed', async (t) => {
  const v = value('<struct><member><name>a</name><value><array><data/></array></value></member><member><name>b</name><value><array><data></data></array></value></member><member><name>c</name><value><struct/></value></member><member><name>d</name><value><struct></struct></value></member></struct>') as Record<string, unknown>;
  t.equal(v['a'], v['b']);
  t.equal(v['c'], v['d']);
  t.throws(() => (v['a'] as unknown[]).push(1), TypeError);
  t.throws(() => { (v['c'] as Record<string, unknown>)['x'] = 1; }, TypeError);
  t.same(value('<array><data/></array>'), [], 'and still empty');
});

t.test('faults and broken documents', async (t) => {
  const f = decodeMethodResponse(Buffer.from('<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member></struct></value></fault></methodResponse>'));
  t.same(f, { kind: 'fault', fault: { faultCode: 1 } });
  for (const bad of [
    '<html><body>500</body></html>',
    '<methodResponse><params><param><value><i4>x</i4></value></param></params></methodResponse>',
    '<methodResponse><params><param><value><struct><member><name>a</name>',
    '<methodResponse><params><param><value><wat>1</wat></value></param></params></methodResponse>',
    '<methodResponse><params><param><value><dateTime.iso8601>yesterday</dateTime.iso8601></value></param></params></methodResponse>',
    '<!DOCTYPE x><methodResponse/>',
    '<methodResponse><params><param><value><string>x</value></param></params></methodResponse>',
    '',
  ]) {
    t.throws(() => decodeMethodResponse(Buffer.from(bad)), XmlRpcDecodeError, bad.slice(0, 60));
  }
  t.doesNotThrow(() => decodeMethodResponse(Buffer.from('<!-- c --><methodResponse><params><param><value>x</value></param></params></methodResponse>')));
});

t.test('tag names are matched by their bytes, not a prefix or a hash alone', async (t) => {
  t.equal(value('<string >spaced</string >'), 'spaced', 'whitespace after a tag name');
  t.equal(value('<string\n>nl</string\n>'), 'nl');
  t.same(value('<struct><member><name>k</name><value><i4>1</i4></value></member></struct>'), { k: 1 });
  for (const bad of ['<strinG>x</strinG>', '<strings>x</strings>', '<strin>x</strin>', '<valuee>x</valuee>']) {
    t.throws(() => value(bad), XmlRpcDecodeError, `${bad} is no XML-RPC type`);
  }
  t.throws(() => decodeMethodResponse(Buffer.from('<methodResponse><params><param><value>x</value></param></params></methodResponse')), XmlRpcDecodeError, 'an unterminated tag');
  t.throws(() => decodeMethodResponse(Buffer.from('<?xml version="1.0"')), XmlRpcDecodeError, 'an unterminated declaration');
  t.throws(() => decodeMethodResponse(Buffer.from('<!-- never closed <methodResponse/>')), XmlRpcDecodeError, 'an unterminated comment');
  t.equal(value('a&amp;b ü'), 'a&b ü', 'entities and multi-byte UTF-8 in one bare string');
});
