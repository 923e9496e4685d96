// WS-Enumeration Enumerate (DSP0226 §8.2), with OptimizeEnumeration and the DSP0227 modes.
import type { OperationContext } from '../../cim/operation-context.js';
import { placeRaw, type XMLBuilder } from '../../soap/encode-envelope.js';
import { ACTION, NS } from '../../soap/namespaces.js';
import { envelopeBudget, fillBatch } from '../batch.js';
import { openSource } from '../enumeration-source.js';
import type { TransportInfo, WsmanDeps } from '../deps.js';
import type { EnumerateRequest } from '../request.js';
import type { WsmanResponse } from '../response.js';

export function handleEnumerate(req: EnumerateRequest, ctx: OperationContext, deps: WsmanDeps, transport: TransportInfo): WsmanResponse {
  const budget = envelopeBudget(req.headers, deps);
  const { cursor, properties } = openSource(req, ctx, deps);
  const estimate = req.headers.requestTotalItemsCountEstimate ? deps.cimom.remaining(cursor) : undefined;
  const batch = req.optimize
    ? fillBatch(ctx, deps, cursor, { maxElements: req.maxElements, budget, mode: req.mode, polymorphism: req.polymorphism, properties, transport })
    : undefined;
  const finished = batch?.done === true;
  const context = finished
    ? undefined
    : deps.contexts.open({ owner: ctx.principal.user, mode: req.mode, polymorphism: req.polymorphism, properties, cursor, locale: req.headers.locale }, req.expiresMs);
  return {
    action: `${ACTION.ENUMERATE}Response`,
    headers: (h) => addEstimate(h, estimate),
    body: (b) => {
      const r = b.ele(NS.WSEN, 'wsen:EnumerateResponse');
      // WS-Enumeration §3.1: when the client asked for a lifetime, say which one was granted.
      if (context && req.expiresMs !== undefined) r.ele(NS.WSEN, 'wsen:Expires').txt(new Date(context.expiresAt).toISOString());
      // DSP0226 R8.2.3-5: when the optimized response ends the sequence the context is present but empty.
      r.ele(NS.WSEN, 'wsen:EnumerationContext').txt(context?.id ?? '');
      if (batch) {
        placeRaw(r.ele(NS.WSMAN, 'wsman:Items'));
        if (finished) r.ele(NS.WSMAN, 'wsman:EndOfSequence');
      }
    },
    ...(batch ? { raw: batch.xml } : {}),
  };
}

export function addEstimate(h: XMLBuilder, estimate: number | undefined): void {
  if (estimate !== undefined) h.ele(NS.WSMAN, 'wsman:TotalItemsCountEstimate').txt(String(estimate));
}
