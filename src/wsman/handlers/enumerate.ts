// WS-Enumeration Enumerate (DSP0226 §8.2), with OptimizeEnumeration and the DSP0227 modes.
import type { OperationContext } from '../../cim/operation-context.js';
import { el } from '../../soap/encode-envelope.js';
import { escapeText, type XmlText } from '../../soap/xml-writer.js';
import { ACTION } from '../../soap/namespaces.js';
import { fillBatch, itemBudget } from '../batch.js';
import { openSource } from '../enumeration-source.js';
import type { TransportInfo, WsmanDeps } from '../deps.js';
import type { EnumerateRequest } from '../request.js';
import type { WsmanResponse } from '../response.js';

export function handleEnumerate(req: EnumerateRequest, ctx: OperationContext, deps: WsmanDeps, transport: TransportInfo): WsmanResponse {
  const { cursor, properties } = openSource(req, ctx, deps);
  const estimate = req.headers.requestTotalItemsCountEstimate ? deps.cimom.remaining(cursor) : undefined;
  const action = `${ACTION.ENUMERATE}Response`;
  const headerXml = estimateHeader(estimate);
  const batch = req.optimize
    ? fillBatch(ctx, deps, cursor, {
      maxElements: req.maxElements,
      // Room for items: the answer at its largest without them (an Expires, a context id, Items tags
      // around one empty item, the end marker).
      budget: itemBudget(req, deps, transport, {
        action,
        headerXml,
        bodyXml: enumerateResponse(req.expiresMs !== undefined ? el('wsen:Expires', new Date(0).toISOString()) : '', CONTEXT_ID_SHAPE, [''], true),
      }),
      mode: req.mode,
      polymorphism: req.polymorphism,
      properties,
      transport,
    })
    : undefined;
  const finished = batch?.done === true;
  const context = finished
    ? undefined
    : deps.contexts.open({ owner: ctx.principal.user, mode: req.mode, polymorphism: req.polymorphism, properties, cursor, locale: req.headers.locale }, req.expiresMs);
  // WS-Enumeration §3.1: when the client asked for a lifetime, say which one was granted.
  const expires = context && req.expiresMs !== undefined ? el('wsen:Expires', new Date(context.expiresAt).toISOString()) : '';
  // DSP0226 R8.2.3-5: when the optimized response ends the sequence the context is present but empty.
  return { action, headerXml, bodyXml: enumerateResponse(expires, context?.id ?? '', batch?.items, finished) };
}

/** EnumerateResponse's content, the items in pieces; `items` undefined when the Enumerate was not optimized. */
function enumerateResponse(expires: string, contextId: string, items: readonly string[] | undefined, finished: boolean): XmlText {
  const head = `<wsen:EnumerateResponse>${expires}${el('wsen:EnumerationContext', escapeText(contextId))}`;
  if (items === undefined) return `${head}</wsen:EnumerateResponse>`;
  const some = items.length > 0;
  return [`${head}${some ? '<wsman:Items>' : ''}`, ...items, `${some ? '</wsman:Items>' : '<wsman:Items/>'}${finished ? el('wsman:EndOfSequence') : ''}</wsen:EnumerateResponse>`];
}

/** As long as a context id (`uuid:` and a UUID), for measuring the answer before the context exists. */
const CONTEXT_ID_SHAPE = `uuid:${'0'.repeat(36)}`;

export function estimateHeader(estimate: number | undefined): string {
  return estimate === undefined ? '' : el('wsman:TotalItemsCountEstimate', String(estimate));
}
