// The filter dialect URIs that name WQL and CQL in WS-Management Enumerate requests.
import { CimError } from '../errors.js';
import type { QueryDialect } from './ast.js';

/** Dialect URI → query language. WinRM and wsmancli send Microsoft's WQL URI; DSP0227 spells a DMTF one. */
export const QUERY_DIALECT_URIS: ReadonlyMap<string, QueryDialect> = new Map([
  ['http://schemas.microsoft.com/wbem/wsman/1/WQL', 'wql'],
  ['http://schemas.dmtf.org/wbem/wsman/1/WQL', 'wql'],
  ['http://schemas.dmtf.org/wbem/cql/1/dsp0202.pdf', 'cql'],
]);

/** The query language a dialect URI names, or undefined for any other dialect (selector, XPath, …). */
export function queryDialectFromUri(uri: string): QueryDialect | undefined {
  return QUERY_DIALECT_URIS.get(uri.trim());
}

/** As queryDialectFromUri, but an unknown URI is QUERY_LANGUAGE_NOT_SUPPORTED naming it. */
export function requireQueryDialect(uri: string): QueryDialect {
  const d = queryDialectFromUri(uri);
  if (d === undefined) {
    throw new CimError('QUERY_LANGUAGE_NOT_SUPPORTED', `query dialect ${uri} is not supported (WQL, CQL)`, { subject: 'query' });
  }
  return d;
}
