import t from 'tap';
import { DateTime, Int32 } from '../../../src/sim/values.js';
import { Body, decodeMethodCall, encodeValue, escapeXml, failureResponse, formatDouble, successResponse } from '../../../src/sim/xmlrpc-wire.js';

t.test('formatDouble prints like %.16g', async (t) => {
  const cases: [number, string][] = [
    [0, '0'],
    [1, '1'],
    [0.25, '0.25'],
    [0.1, '0.1'],
    [1 / 3, '0.3333333333333333'],
    [-2.5, '-2.5'],
    [1e-5, '1e-05'],
    [123456789012345680000, '1.234567890123457e+20'],
    [0.0347, '0.0347'],
    [Number.NaN, 'nan'],
    [Number.POSITIVE_INFINITY, 'inf'],
    [Number.NEGATIVE_INFINITY, '-inf'],
    [-0, '-0'],
  ];
  for (const [x, s] of cases) t.equal(formatDouble(x), s, `${x}`);
});

t.test('escapeXml escapes only & < >', async (t) => {
  t.equal(escapeXml('a&b<c>d"e\'f'), 'a&amp;b&lt;c&gt;d"e\'f');
  t.equal(escapeXml('plain'), 'plain');
});

t.test('encodeValue uses xapi encodings', async (t) => {
  t.equal(encodeValue('x<y'), '<value>x&lt;y</value>');
  t.equal(encodeValue(''), '<value></value>');
  t.equal(encodeValue(true), '<value><boolean>1</boolean></value>');
  t.equal(encodeValue(false), '<value><boolean>0</boolean></value>');
  t.equal(encodeValue(0.5), '<value><double>0.5</double></value>');
  t.equal(encodeValue(new DateTime('20250319T04:16:24Z')), '<value><dateTime.iso8601>20250319T04:16:24Z</dateTime.iso8601></value>');
  t.equal(encodeValue(new Int32(7)), '<value><i4>7</i4></value>');
  t.equal(encodeValue(['a', 'b']), '<value><array><data><value>a</value><value>b</value></data></array></value>');
  t.equal(encodeValue({ 'k&': 'v' }), '<value><struct><member><name>k&amp;</name><value>v</value></member></struct></value>');
  t.equal(DateTime.fromMillis(Date.UTC(2025, 2, 19, 4, 16, 24)).iso, '20250319T04:16:24Z');
});

t.test('responses are Status/Value and Status/ErrorDescription structs', async (t) => {
  const ok = Buffer.concat(successResponse('<value>x</value>')).toString();
  t.match(ok, /<member><name>Status<\/name><value>Success<\/value><\/member><member><name>Value<\/name><value>x<\/value><\/member>/);
  const body = new Body().text('<value>').bytes(Buffer.from('y')).text('</value>');
  t.match(Buffer.concat(successResponse(body)).toString(), /<name>Value<\/name><value>y<\/value>/);
  const fail = Buffer.concat(failureResponse('HANDLE_INVALID', ['VM', 'OpaqueRef:x'])).toString();
  t.match(fail, /<value>Failure<\/value>.*<name>ErrorDescription<\/name><value><array><data><value>HANDLE_INVALID<\/value><value>VM<\/value><value>OpaqueRef:x<\/value><\/data><\/array><\/value>/);
  t.notMatch(fail, /<fault>/);
});

t.test('decodeMethodCall accepts the forms clients send', async (t) => {
  const call = await decodeMethodCall(
    Buffer.from(
      '<?xml version="1.0"?><methodCall><methodName>event.from</methodName><params>' +
        '<param><value>OpaqueRef:s</value></param>' +
        '<param><value><array><data><value><string>vm</string></value></data></array></value></param>' +
        '<param><value/></param>' +
        '<param><value><double>30.0</double></value></param>' +
        '<param><value><i4>3</i4></value></param><param><value><boolean>1</boolean></value></param>' +
        '</params></methodCall>',
    ),
  );
  t.equal(call.method, 'event.from');
  t.same(call.params, ['OpaqueRef:s', ['vm'], '', 30, 3, true]);
});

t.test('decodeMethodCall rejects malformed documents', async (t) => {
  await t.rejects(decodeMethodCall(Buffer.from('this is not xml')));
  await t.rejects(decodeMethodCall(Buffer.from('<methodCall><methodName>x</methodName><params>')));
  await t.rejects(decodeMethodCall(Buffer.from('<methodResponse><params></params></methodResponse>')));
});
