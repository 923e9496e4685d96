// WS-Enumeration Renew and GetStatus (WS-Enumeration §3.4, §3.5) for enumeration contexts,
// which openwsman, OpenPegasus and WinRM leave out: a manager can keep a slow enumeration
// alive and ask how long it has left.
import type { OperationContext } from '../../cim/operation-context.js';
import { ACTION, NS } from '../../soap/namespaces.js';
import type { WsmanDeps } from '../deps.js';
import type { GetStatusRequest, RenewRequest } from '../request.js';
import type { WsmanResponse } from '../response.js';

export function handleRenew(req: RenewRequest, ctx: OperationContext, deps: WsmanDeps): WsmanResponse {
  const ectx = deps.contexts.acquire(req.context, ctx.principal.user);
  try {
    deps.contexts.renew(ectx, req.expiresMs ?? deps.contexts.limits.defaultTtlMs);
  } finally {
    ectx.inUse = false;
  }
  const expires = new Date(ectx.expiresAt).toISOString();
  return {
    action: `${ACTION.RENEW}Response`,
    body: (b) => {
      const r = b.ele(NS.WSEN, 'wsen:RenewResponse');
      r.ele(NS.WSEN, 'wsen:Expires').txt(expires);
      r.ele(NS.WSEN, 'wsen:EnumerationContext').txt(ectx.id);
    },
  };
}

export function handleGetStatus(req: GetStatusRequest, ctx: OperationContext, deps: WsmanDeps): WsmanResponse {
  const ectx = deps.contexts.acquire(req.context, ctx.principal.user);
  ectx.inUse = false;
  const expires = new Date(ectx.expiresAt).toISOString();
  return {
    action: `${ACTION.GET_STATUS}Response`,
    body: (b) => {
      b.ele(NS.WSEN, 'wsen:GetStatusResponse').ele(NS.WSEN, 'wsen:Expires').txt(expires);
    },
  };
}
