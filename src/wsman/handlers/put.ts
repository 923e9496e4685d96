// WS-Transfer Put (DSP0226 §7.4, DSP0227 §7.4): changes the properties of one instance whose
// values differ from the instance now, and answers with the instance as it is afterwards.
import type { CimInstance } from '../../cim/instance.js';
import type { OperationContext } from '../../cim/operation-context.js';
import { ObjectPath } from '../../cim/object-path.js';
import { WsmanFault } from '../../soap/faults.js';
import { ACTION } from '../../soap/namespaces.js';
import { decodeInstanceElement } from '../decode-values.js';
import type { WsmanDeps } from '../deps.js';
import { encodeEpr, encodeInstance } from '../encode-instance.js';
import { decodeFragment, encodeFragment } from '../fragment.js';
import { eprToPath } from '../epr.js';
import type { PutRequest } from '../request.js';
import { parseResourceUri } from '../resource-uri.js';
import type { WsmanResponse } from '../response.js';
import { selectorsToKeys } from '../selectors.js';

export async function handlePut(req: PutRequest, ctx: OperationContext, deps: WsmanDeps): Promise<WsmanResponse> {
  const { cimom } = deps;
  const { resource, body } = req;
  const cls = cimom.resolveClass(resource.namespace, resource.className);
  const keys = selectorsToKeys(cls, resource.selectors, (epr) => eprToPath(epr, cimom.schema));
  const current = cimom.getInstance(ctx, resource.namespace, cls.name, keys);
  const currentClass = cimom.schema.getClass(current.className) ?? cls;
  if (req.fragment) {
    const values = decodeFragment(body, currentClass, req.fragment, cimom.schema);
    const updated = await cimom.modifyInstance(ctx, new ObjectPath(current.path.namespace, current.className, current.path.keys), values);
    return { action: `${ACTION.PUT}Response`, bodyXml: encodeFragment(updated, currentClass, req.fragment), ...requestedEpr(req, updated) };
  }
  // The body is an element of the instance's class (or of a class it is, as wsmancli sends back a Get).
  const bodyClass = cimom.schema.getClass(body.name);
  const bodyUri = parseResourceUri(body.ns);
  if (!bodyClass || !cimom.schema.isA(current.className, bodyClass.name) || bodyUri?.className?.toLowerCase() !== bodyClass.name.toLowerCase()) {
    throw new WsmanFault('wxf:InvalidRepresentation', {
      detail: 'InvalidNamespace',
      reason: `The Body must be a ${current.className} element in the namespace of its class's ResourceURI.`,
    });
  }
  const values = decodeInstanceElement(body, current.className, cimom.schema).properties;
  const updated = await cimom.modifyInstance(ctx, new ObjectPath(current.path.namespace, current.className, current.path.keys), values);
  const instClass = cimom.schema.getClass(updated.className) ?? cls;
  return { action: `${ACTION.PUT}Response`, bodyXml: encodeInstance(updated, instClass), ...requestedEpr(req, updated) };
}

/** DSP0226 §7.4 wsman:RequestEPR: the Put answers with the resource's EPR as it is after the update. */
function requestedEpr(req: PutRequest, updated: CimInstance): { headerXml?: string } {
  return req.headers.requestEpr ? { headerXml: `<wsman:RequestedEPR>${encodeEpr(updated.path)}</wsman:RequestedEPR>` } : {};
}
