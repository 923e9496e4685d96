// wsdl/xen-wsman-gateway.wsdl describes what the dispatcher serves: every action it binds is
// answered, and every action answered is bound.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { parseXml } from '../../src/soap/xml.js';
import { ACTION } from '../../src/soap/namespaces.js';
import { startStack } from '../helpers/stack.js';
import { envelope, faultOf, find, post, ROOT, CS_URI } from '../helpers/wsman-client.js';

const WSDL = readFileSync(new URL('../../wsdl/xen-wsman-gateway.wsdl', import.meta.url), 'utf8');
const SOAP12 = 'http://schemas.xmlsoap.org/wsdl/soap12/';

t.test('the WSDL binds exactly the actions the gateway answers', async (t) => {
  const doc = parseXml(WSDL.replace(/^<\?xml[^>]*\?>/, ''));
  const bound = new Set(find(doc, SOAP12, 'operation').map((o) => o.attrs.find((a) => a.name === 'soapAction')?.value ?? '').filter((a) => a !== ''));
  t.same(bound, new Set([ACTION.GET, ACTION.PUT, ACTION.ENUMERATE, ACTION.PULL, ACTION.RELEASE, ACTION.RENEW, ACTION.GET_STATUS]));
  const stack = await startStack();
  t.teardown(() => stack.close());
  for (const action of Object.values(ACTION)) {
    const r = await post(stack.endpoint, envelope({ action, resourceUri: CS_URI, body: '<wsen:Enumerate/>' }), ROOT);
    // A served action may still fault on this made-up request, but never as an unsupported action.
    const unsupported = faultOf(r)?.subcode === 'wsa:ActionNotSupported';
    t.equal(unsupported, !bound.has(action), `${action} is ${bound.has(action) ? 'served' : 'refused'} as the WSDL says`);
  }
});
