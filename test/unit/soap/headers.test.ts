import t from 'tap';
import { decodeEnvelope } from '../../../src/soap/decode-envelope.js';
import { WsmanFault } from '../../../src/soap/faults.js';
import { decodeHeaders, parseDurationMs } from '../../../src/soap/headers.js';

const env = (headers: string, body = ''): string =>
  `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" ` +
  `xmlns:wsman="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:x="urn:x"><s:Header>${headers}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;

const headersOf = (h: string) => decodeHeaders(decodeEnvelope(env(h)).headers);

const faultOf = (fn: () => unknown): WsmanFault => {
  try {
    fn();
  } catch (err) {
    if (err instanceof WsmanFault) return err;
    throw err;
  }
  throw new Error('no fault');
};

t.test('reads addressing and WS-Man headers', async (t) => {
  const h = headersOf(
    '<wsa:Action s:mustUnderstand="true">urn:act</wsa:Action><wsa:To>http://x/wsman</wsa:To><wsa:MessageID>uuid:1</wsa:MessageID>' +
      '<wsa:ReplyTo><wsa:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:Address></wsa:ReplyTo>' +
      '<wsman:ResourceURI>urn:r</wsman:ResourceURI><wsman:MaxEnvelopeSize mustUnderstand="true">153600</wsman:MaxEnvelopeSize>' +
      '<wsman:OperationTimeout>PT60.000S</wsman:OperationTimeout><wsman:Locale xml:lang="de-DE" s:mustUnderstand="false"/>' +
      '<wsman:SelectorSet><wsman:Selector Name="Name">x</wsman:Selector></wsman:SelectorSet>' +
      '<wsman:OptionSet s:mustUnderstand="true"/><wsman:RequestTotalItemsCountEstimate/>',
  );
  t.equal(h.action, 'urn:act');
  t.equal(h.to, 'http://x/wsman');
  t.equal(h.messageId, 'uuid:1');
  t.equal(h.resourceUri, 'urn:r');
  t.equal(h.maxEnvelopeSize, 153600);
  t.equal(h.operationTimeoutMs, 60000);
  t.equal(h.locale, 'de-DE');
  t.same(h.selectors, [{ name: 'Name', value: 'x' }]);
  t.same(h.options, [], 'an empty OptionSet marked mustUnderstand (Windows) is no fault');
  t.equal(h.optionSetMustUnderstand, true);
  t.same(headersOf('<wsman:OptionSet><wsman:Option Name="ShowExtensions"/></wsman:OptionSet>').options, [{ name: 'ShowExtensions', value: '' }], "wsmancli's -T option, not marked, is read and ignored");
  const refused = faultOf(() => headersOf('<wsman:OptionSet s:mustUnderstand="true"><wsman:Option Name="ShowExtensions"/></wsman:OptionSet>'));
  t.equal(refused.subcode, 'wsman:InvalidOptions', 'an option this service does not act on, in a mustUnderstand set, is refused [DSP0226 R6.4-3]');
  t.equal(h.requestTotalItemsCountEstimate, true);
});

t.test('an unknown header marked mustUnderstand is a MustUnderstand fault [DSP0226 R5.2-2]', async (t) => {
  const f = faultOf(() => headersOf('<x:Custom s:mustUnderstand="true">1</x:Custom>'));
  t.equal(f.subcode, 'MustUnderstand');
  t.same(f.notUnderstood, { ns: 'urn:x', name: 'Custom' });
  t.doesNotThrow(() => headersOf('<x:Custom s:mustUnderstand="false">1</x:Custom>'), 'mustUnderstand=false is ignored');
  t.doesNotThrow(() => headersOf('<x:Custom mustUnderstand="true">1</x:Custom>'), "pywinrm's unqualified attribute is not the SOAP one");
});

t.test('a repeated WS-Addressing header is refused [DSP0226 R13.1-9]', async (t) => {
  const f = faultOf(() => headersOf('<wsa:To>a</wsa:To><wsa:To>b</wsa:To>'));
  t.equal(f.subcode, 'wsa:InvalidMessageInformationHeader');
});

t.test('bad MaxEnvelopeSize and OperationTimeout values are refused', async (t) => {
  t.equal(faultOf(() => headersOf('<wsman:MaxEnvelopeSize>big</wsman:MaxEnvelopeSize>')).subcode, 'wsa:InvalidMessageInformationHeader');
  const f = faultOf(() => headersOf('<wsman:OperationTimeout>soon</wsman:OperationTimeout>'));
  t.equal(f.subcode, 'wsa:InvalidMessageInformationHeader');
  t.equal(f.detail, 'OperationTimeout');
});

t.test('a selector without a Name is refused', async (t) => {
  const f = faultOf(() => headersOf('<wsman:SelectorSet><wsman:Selector>x</wsman:Selector></wsman:SelectorSet>'));
  t.equal(f.subcode, 'wsman:InvalidSelectors');
});

t.test('xs:duration parsing', async (t) => {
  t.equal(parseDurationMs('PT20S'), 20000);
  t.equal(parseDurationMs('PT30.5S'), 30500);
  t.equal(parseDurationMs('P1DT1H1M1S'), 90061000);
  t.equal(parseDurationMs('PT0S'), 0);
  for (const bad of ['', 'P', 'PT', '20', '-PT5S', 'PT5', 'P1H']) t.equal(parseDurationMs(bad), undefined, bad);
});

t.test('envelope checks', async (t) => {
  t.equal(faultOf(() => decodeEnvelope('<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>')).subcode, 'VersionMismatch');
  t.equal(faultOf(() => decodeEnvelope('<a/>')).subcode, 'wsman:SchemaValidationError');
  t.equal(faultOf(() => decodeEnvelope('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header/></s:Envelope>')).subcode, 'wsman:SchemaValidationError');
  t.equal(faultOf(() => decodeEnvelope('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/><s:Other/></s:Envelope>')).subcode, 'wsman:SchemaValidationError');
  t.match(faultOf(() => decodeEnvelope('<s:Envelope')).message, /not well-formed/);
});
