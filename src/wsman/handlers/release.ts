// WS-Enumeration Release (DSP0226 §8.5).
import type { OperationContext } from '../../cim/operation-context.js';
import { ACTION } from '../../soap/namespaces.js';
import type { WsmanDeps } from '../deps.js';
import type { ReleaseRequest } from '../request.js';
import type { WsmanResponse } from '../response.js';

export function handleRelease(req: ReleaseRequest, ctx: OperationContext, deps: WsmanDeps): WsmanResponse {
  const ectx = deps.contexts.acquire(req.context, ctx.principal.user);
  deps.contexts.delete(ectx.id);
  return { action: `${ACTION.RELEASE}Response` };
}
