// Custom actions (DSP0227 §9): an extrinsic method of one instance. The answer is
// <Method>_OUTPUT with the OUT parameters in declaration order, then ReturnValue.
import { findQualifier } from '../../cim/class.js';
import { CimError } from '../../cim/errors.js';
import type { OperationContext } from '../../cim/operation-context.js';
import { ObjectPath } from '../../cim/object-path.js';
import { escapeAttr } from '../../soap/xml-writer.js';
import { decodeParameters } from '../decode-values.js';
import type { WsmanDeps } from '../deps.js';
import { encodeNamedValue } from '../encode-instance.js';
import { eprToPath } from '../epr.js';
import type { InvokeRequest } from '../request.js';
import { resourceUriOf } from '../resource-uri.js';
import type { WsmanResponse } from '../response.js';
import { selectorsToKeys } from '../selectors.js';

export async function handleInvoke(req: InvokeRequest, ctx: OperationContext, deps: WsmanDeps): Promise<WsmanResponse> {
  const { cimom } = deps;
  const { resource } = req;
  const cls = cimom.resolveClass(resource.namespace, resource.className);
  const keys = selectorsToKeys(cls, resource.selectors, (epr) => eprToPath(epr, cimom.schema));
  const decl = cls.methods.find((m) => m.name.toLowerCase() === req.method.toLowerCase());
  if (!decl) throw new CimError('METHOD_NOT_FOUND', `${cls.name} has no method ${req.method}.`);
  const params = req.input ? decodeParameters(req.input, decl.parameters, decl.name, cimom.schema) : new Map();
  const target = cimom.getInstance(ctx, resource.namespace, cls.name, keys);
  const result = await cimom.invokeMethod(ctx, new ObjectPath(target.path.namespace, target.className, target.path.keys), decl.name, params);
  let out = '';
  for (const p of decl.parameters) {
    if (findQualifier(p.qualifiers, 'Out')?.value !== true || !result.out.has(p.name)) continue;
    out += encodeNamedValue(`p:${p.name}`, result.out.get(p.name) ?? null);
  }
  out += `<p:ReturnValue>${result.returnValue}</p:ReturnValue>`;
  const uri = resourceUriOf(cls.name);
  return {
    action: `${req.action}Response`,
    bodyXml: `<p:${decl.name}_OUTPUT xmlns:p="${escapeAttr(uri)}">${out}</p:${decl.name}_OUTPUT>`,
  };
}
