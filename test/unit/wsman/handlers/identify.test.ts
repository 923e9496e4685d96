import t from 'tap';
import { handleIdentify } from '../../../../src/wsman/handlers/identify.js';
import { parseXml, child, trimmedText } from '../../../../src/soap/xml.js';
import { NS } from '../../../../src/soap/namespaces.js';
import { joinXml, type XmlText } from '../../../../src/soap/xml-writer.js';

const read = (bodyXml: XmlText | undefined) => parseXml(`<r xmlns:wsmid="${NS.WSMID}">${bodyXml === undefined ? '' : joinXml(bodyXml)}</r>`).children[0];

t.test('anonymous callers get protocol, vendor and version only; authenticated ones the back end and profiles', async (t) => {
  const product = { vendor: 'V & Co', version: '1.2', details: () => 'XenAPI 2.21', securityProfiles: ['http://p/https/basic'] };
  const anon = read(handleIdentify(product, false).bodyXml);
  t.equal(trimmedText(child(anon, NS.WSMID, 'ProductVendor')), 'V & Co');
  t.equal(trimmedText(child(anon, NS.WSMID, 'ProductVersion')), '1.2');
  t.notOk(child(anon, NS.WSMID, 'SecurityProfiles'));
  const auth = read(handleIdentify(product, true).bodyXml);
  t.equal(trimmedText(child(auth, NS.WSMID, 'ProductVersion')), '1.2 (XenAPI 2.21)');
  t.ok(child(auth, NS.WSMID, 'SecurityProfiles'));
  t.equal(trimmedText(child(auth, NS.WSMID, 'ProtocolVersion')), NS.WSMAN);
});

t.test('the answer follows the back end: a new version text is shown at once', async (t) => {
  let version = 'XenAPI 2.20';
  const product = { vendor: 'V', version: '1', details: () => version, securityProfiles: [] };
  const first = handleIdentify(product, true).bodyXml;
  t.equal(handleIdentify(product, true).bodyXml, first, 'unchanged back end, same answer');
  version = 'XenAPI 2.21 <upgraded>';
  const after = read(handleIdentify(product, true).bodyXml);
  t.equal(trimmedText(child(after, NS.WSMID, 'ProductVersion')), '1 (XenAPI 2.21 <upgraded>)');
  t.equal(trimmedText(child(read(handleIdentify(product, false).bodyXml), NS.WSMID, 'ProductVersion')), '1', 'still nothing for the anonymous');
});

t.test('a product without back-end details', async (t) => {
  const product = { vendor: 'V', version: '3', securityProfiles: [] };
  t.equal(trimmedText(child(read(handleIdentify(product, true).bodyXml), NS.WSMID, 'ProductVersion')), '3');
});
