// WS-Enumeration Pull (DSP0226 §8.4). MaxElements defaults to 1; the response that ends
// the sequence carries EndOfSequence and no context (wsmancli pulls while one is present).
import type { OperationContext } from '../../cim/operation-context.js';
import { el } from '../../soap/encode-envelope.js';
import { escapeText } from '../../soap/xml-writer.js';
import { ACTION } from '../../soap/namespaces.js';
import { fillBatch, itemBudget } from '../batch.js';
import type { TransportInfo, WsmanDeps } from '../deps.js';
import type { PullRequest } from '../request.js';
import type { WsmanResponse } from '../response.js';
import { estimateHeader } from './enumerate.js';

export function handlePull(req: PullRequest, ctx: OperationContext, deps: WsmanDeps, transport: TransportInfo): WsmanResponse {
  // DSP0226 R8.1-6: only the user who opened the enumeration may pull from it.
  const ectx = deps.contexts.acquire(req.context, ctx.principal.user);
  let batch;
  try {
    const before = req.headers.requestTotalItemsCountEstimate ? deps.cimom.remaining(ectx.cursor) : undefined;
    // Room for items: the answer at its largest without them (context, Items tags around one empty item, end marker).
    const budget = itemBudget(req, deps, transport, {
      action: `${ACTION.PULL}Response`,
      headerXml: estimateHeader(before),
      bodyXml: pullResponse(ectx.id, [''], true),
    });
    batch = fillBatch(ctx, deps, ectx.cursor, {
      maxElements: req.maxElements,
      budget,
      mode: ectx.mode,
      polymorphism: ectx.polymorphism,
      properties: ectx.properties,
      transport,
      ...(req.maxCharacters !== undefined ? { maxCharacters: req.maxCharacters } : {}),
      ...(req.maxTimeMs !== undefined ? { deadline: Date.now() + req.maxTimeMs } : {}),
    });
  } finally {
    deps.contexts.releaseUse(ectx);
  }
  if (batch.done) deps.contexts.delete(ectx.id);
  const estimate = req.headers.requestTotalItemsCountEstimate ? deps.cimom.remaining(ectx.cursor) : undefined;
  const { done } = batch;
  return {
    action: `${ACTION.PULL}Response`,
    headerXml: estimateHeader(estimate),
    bodyXml: pullResponse(done ? undefined : ectx.id, batch.items, done),
  };
}

/** PullResponse's content, the items in pieces; without a context once the sequence is done. */
function pullResponse(contextId: string | undefined, items: readonly string[], done: boolean): readonly string[] {
  const some = items.length > 0;
  return [
    `<wsen:PullResponse>${contextId === undefined ? '' : el('wsen:EnumerationContext', escapeText(contextId))}${some ? '<wsen:Items>' : ''}`,
    ...items,
    `${some ? '</wsen:Items>' : ''}${done ? el('wsen:EndOfSequence') : ''}</wsen:PullResponse>`,
  ];
}
