// XML namespace URIs and action URIs of SOAP 1.2, WS-Addressing (2004/08), WS-Transfer,
// WS-Enumeration, WS-Eventing, WS-Management (DSP0226) and the CIM binding (DSP0227).

export const NS = {
  S: 'http://www.w3.org/2003/05/soap-envelope',
  SOAP11: 'http://schemas.xmlsoap.org/soap/envelope/',
  WSA: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  WSMAN: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
  WSMID: 'http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd',
  WXF: 'http://schemas.xmlsoap.org/ws/2004/09/transfer',
  WSEN: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration',
  WSE: 'http://schemas.xmlsoap.org/ws/2004/08/eventing',
  WSMB: 'http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd',
  CIM: 'http://schemas.dmtf.org/wbem/wscim/1/common',
  XSI: 'http://www.w3.org/2001/XMLSchema-instance',
  XS: 'http://www.w3.org/2001/XMLSchema',
  XML: 'http://www.w3.org/XML/1998/namespace',
  XMLNS: 'http://www.w3.org/2000/xmlns/',
  /** Microsoft WS-Man extensions (DataLocale, SessionId, OperationID …) */
  MSWSMAN: 'http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd',
} as const;

/** The prefixes our responses use; every response envelope declares them once on the root. */
export const PREFIX: Readonly<Record<string, string>> = {
  s: NS.S,
  wsa: NS.WSA,
  wsman: NS.WSMAN,
  wsen: NS.WSEN,
  wxf: NS.WXF,
  wsmb: NS.WSMB,
  wsmid: NS.WSMID,
  xsi: NS.XSI,
  cim: NS.CIM,
};

export const WSA_ANONYMOUS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';

const WXF_BASE = 'http://schemas.xmlsoap.org/ws/2004/09/transfer/';
const WSEN_BASE = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/';

export const ACTION = {
  GET: `${WXF_BASE}Get`,
  PUT: `${WXF_BASE}Put`,
  CREATE: `${WXF_BASE}Create`,
  DELETE: `${WXF_BASE}Delete`,
  ENUMERATE: `${WSEN_BASE}Enumerate`,
  PULL: `${WSEN_BASE}Pull`,
  RELEASE: `${WSEN_BASE}Release`,
  RENEW: `${WSEN_BASE}Renew`,
  GET_STATUS: `${WSEN_BASE}GetStatus`,
} as const;

export const FAULT_ACTION = {
  WSA: 'http://schemas.xmlsoap.org/ws/2004/08/addressing/fault',
  WSMAN: 'http://schemas.dmtf.org/wbem/wsman/1/wsman/fault',
  WXF: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/fault',
  WSEN: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault',
  WSE: 'http://schemas.xmlsoap.org/ws/2004/08/eventing/fault',
} as const;

export const FAULT_DETAIL_BASE = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/';

export const DIALECT = {
  WQL_MS: 'http://schemas.microsoft.com/wbem/wsman/1/WQL',
  WQL_DMTF: 'http://schemas.dmtf.org/wbem/wsman/1/WQL',
  CQL: 'http://schemas.dmtf.org/wbem/cql/1/dsp0202.pdf',
  SELECTOR: 'http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter',
  ASSOCIATION: 'http://schemas.dmtf.org/wbem/wsman/1/cimbinding/associationFilter',
  XPATH: 'http://www.w3.org/TR/1999/REC-xpath-19991116',
} as const;

/** The filter dialects Enumerate evaluates, named in a FilterDialectRequestedUnavailable fault. */
export const SUPPORTED_FILTER_DIALECTS: readonly string[] = [DIALECT.WQL_DMTF, DIALECT.WQL_MS, DIALECT.CQL, DIALECT.SELECTOR, DIALECT.ASSOCIATION];
