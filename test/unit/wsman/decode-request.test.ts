import t from 'tap';
import { decodeEnvelope } from '../../../src/soap/decode-envelope.js';
import { WsmanFault } from '../../../src/soap/faults.js';
import { ACTION, NS } from '../../../src/soap/namespaces.js';
import { decodeRequest } from '../../../src/wsman/decode-request.js';

const pull = (body: string): string =>
  `<s:Envelope xmlns:s="${NS.S}" xmlns:wsa="${NS.WSA}" xmlns:wsman="${NS.WSMAN}" xmlns:wsen="${NS.WSEN}"><s:Header>` +
  `<wsa:To>http://127.0.0.1/wsman</wsa:To><wsman:ResourceURI>http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem</wsman:ResourceURI>` +
  `<wsa:Action>${ACTION.PULL}</wsa:Action><wsa:MessageID>uuid:1</wsa:MessageID></s:Header>` +
  `<s:Body><wsen:Pull><wsen:EnumerationContext>c</wsen:EnumerationContext>${body}</wsen:Pull></s:Body></s:Envelope>`;

const refusal = (xml: string): WsmanFault | undefined => {
  try {
    decodeRequest(decodeEnvelope(xml), { maxElementsCap: 1000 });
  } catch (err) {
    if (err instanceof WsmanFault) return err;
    throw err;
  }
  return undefined;
};

t.test('a bad count is refused under its own name', async (t) => {
  const chars = refusal(pull('<wsen:MaxElements>10</wsen:MaxElements><wsen:MaxCharacters>abc</wsen:MaxCharacters>'));
  t.equal(chars?.subcode, 'wsman:SchemaValidationError');
  t.match(chars?.message, /^MaxCharacters "abc"/);
  const elements = refusal(pull('<wsen:MaxElements>0</wsen:MaxElements>'));
  t.match(elements?.message, /^MaxElements "0"/);
});

t.test('valid counts are taken, large ones capped', async (t) => {
  const req = decodeRequest(decodeEnvelope(pull('<wsen:MaxElements>99999999999999999999</wsen:MaxElements><wsen:MaxCharacters>5000</wsen:MaxCharacters>')), { maxElementsCap: 1000 });
  t.equal(req.kind, 'pull');
  if (req.kind === 'pull') {
    t.equal(req.maxElements, 1000);
    t.equal(req.maxCharacters, 5000);
  }
});
