import t from 'tap';
import { encodeEnvelope, encodeEnvelopeText, newMessageId } from '../../../src/soap/encode-envelope.js';
import { joinXml } from '../../../src/soap/xml-writer.js';
import { parseXml } from '../../../src/soap/xml.js';

const UUID = /^uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

t.test('reply MessageIDs are RFC 4122 UUIDs and never repeat', async (t) => {
  const seen = new Set<string>();
  for (let i = 0; i < 20_000; i++) seen.add(newMessageId());
  t.equal(seen.size, 20_000, 'all distinct');
  for (const id of [...seen].slice(0, 50)) t.match(id, UUID);
});

t.test('an envelope with a body in one string is written in pieces, the body untouched', async (t) => {
  const body = '<p:X xmlns:p="urn:x"><p:A>1</p:A></p:X>';
  const text = encodeEnvelopeText({ action: 'urn:act&1', bodyXml: body }, 'uuid:req');
  t.ok(Array.isArray(text), 'pieces');
  t.ok((text as readonly string[]).includes(body), 'the body is one of them, as given');
  const env = parseXml(joinXml(text));
  const header = env.children.find((c) => c.name === 'Header');
  const texts = Object.fromEntries((header?.children ?? []).map((c) => [c.name, c.text]));
  t.equal(texts['Action'], 'urn:act&1', 'the action escaped and read back');
  t.equal(texts['RelatesTo'], 'uuid:req');
  t.match(texts['MessageID'] ?? '', UUID);
  // The same action again: its cached headers, a fresh MessageID.
  const again = parseXml(joinXml(encodeEnvelopeText({ action: 'urn:act&1', bodyXml: body }, 'uuid:req2')));
  const againIds = (again.children.find((c) => c.name === 'Header')?.children ?? []).filter((c) => c.name === 'MessageID').map((c) => c.text);
  t.equal(againIds.length, 1);
  t.not(againIds[0], texts['MessageID']);
  t.match(encodeEnvelope({ action: 'urn:empty', bodyXml: '' }), /<s:Body\/><\/s:Envelope>$/, 'an empty body is one element');
});
