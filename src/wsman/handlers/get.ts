// WS-Transfer Get (DSP0226 §7.3): one instance named by ResourceURI + SelectorSet.
import type { OperationContext } from '../../cim/operation-context.js';
import { ACTION } from '../../soap/namespaces.js';
import type { WsmanDeps } from '../deps.js';
import { encodeInstance } from '../encode-instance.js';
import { encodeFragment } from '../fragment.js';
import type { GetRequest } from '../request.js';
import type { WsmanResponse } from '../response.js';
import { selectorsToKeys } from '../selectors.js';
import { eprToPath } from '../epr.js';

export function handleGet(req: GetRequest, ctx: OperationContext, deps: WsmanDeps): WsmanResponse {
  const { resource } = req;
  const cls = deps.cimom.resolveClass(resource.namespace, resource.className);
  const keys = selectorsToKeys(cls, resource.selectors, (epr) => eprToPath(epr, deps.cimom.schema));
  const inst = deps.cimom.getInstance(ctx, resource.namespace, cls.name, keys);
  const instClass = deps.cimom.schema.getClass(inst.className) ?? cls;
  const raw = req.fragment ? encodeFragment(inst, instClass, req.fragment) : encodeInstance(inst, instClass);
  return { action: `${ACTION.GET}Response`, bodyXml: raw };
}
