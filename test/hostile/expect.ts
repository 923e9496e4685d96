// Compares an answer with the one a corpus entry expects; returns what differs.
import { URI, type Answer } from './answers.js';
import type { Expect } from './corpus.js';

const PREFIX: Readonly<Record<string, string>> = {
  s: URI.S, wsa: URI.WSA, wsman: URI.WSMAN, wsen: URI.WSEN, wxf: URI.WXF, wsmid: URI.WSMID, wsmb: URI.WSMB,
};

/** `prefix:Local`; `cim:Class` is an instance element in its class's namespace; `*:Local` any namespace; "" an empty Body. */
export function elementMatches(spec: string, el: Answer['element']): boolean {
  if (spec === '') return el === null;
  if (!el) return false;
  const [prefix = '', local = ''] = spec.split(':');
  if (el.name !== local) return false;
  if (prefix === '*') return true;
  if (prefix === 'cim') {
    const vendor = local.startsWith('Xen_') ? 'http://schemas.citrix.com' : 'http://schemas.dmtf.org';
    return el.ns === `${vendor}/wbem/wscim/1/cim-schema/2/${local}`;
  }
  return el.ns === PREFIX[prefix];
}

export function differences(answer: Answer, expect: Expect): string[] {
  const out: string[] = [];
  const got = describe(answer);
  if (answer.status !== expect.status) return [`expected HTTP ${expect.status}, got ${got}`];
  if (expect.status === 200) {
    if (!elementMatches(expect.element, answer.element)) out.push(`expected the response element ${expect.element || '(empty Body)'}, got ${got}`);
    if (expect.charset && answer.charset !== expect.charset) out.push(`expected a ${expect.charset} answer, got ${answer.charset ?? 'none'}`);
  } else if (expect.status === 500) {
    if (answer.code !== expect.code) out.push(`expected Code ${expect.code}, got ${got}`);
    if (answer.subcode !== expect.subcode) out.push(`expected Subcode ${expect.subcode ?? '(none)'}, got ${got}`);
    if (answer.detail !== expect.detail) out.push(`expected FaultDetail ${expect.detail ?? '(none)'}, got ${got}`);
    if (expect.notUnderstood !== undefined && answer.notUnderstood !== expect.notUnderstood) out.push(`expected NotUnderstood ${expect.notUnderstood}, got ${answer.notUnderstood ?? '(none)'}`);
    if (expect.charset && answer.charset !== expect.charset) out.push(`expected a ${expect.charset} fault, got ${answer.charset ?? 'none'}`);
  }
  return out;
}

export function describe(a: Answer): string {
  if (a.kind === 'unauthorized') return 'HTTP 401';
  if (a.kind === 'fault') return `HTTP ${a.status} ${a.code ?? '?'}${a.subcode ? ` ${a.subcode}` : ''}${a.detail ? ` [${a.detail}]` : ''}: ${(a.reason ?? '').slice(0, 160)}`;
  if (a.kind === 'response') return `HTTP ${a.status} ${a.element === undefined ? '?' : a.element === null ? '(empty Body)' : `{${a.element.ns}}${a.element.name}`}`;
  return `HTTP ${a.status} ${a.text.slice(0, 160)}`;
}
