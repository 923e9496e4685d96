// Faults as typed values. One table gives each subcode its SOAP Code, fault Action and
// default reason (DSP0226 Table "Fault subcodes"; codes as OpenPegasus and WinRM send them).
import { FAULT_ACTION, NS } from './namespaces.js';

export interface FaultSpec {
  /** namespace URI of the subcode QName */
  readonly ns: string;
  readonly code: 'Sender' | 'Receiver';
  readonly action: string;
  readonly reason: string;
}

const wsa = (code: FaultSpec['code'], reason: string): FaultSpec => ({ ns: NS.WSA, code, action: FAULT_ACTION.WSA, reason });
const wsman = (code: FaultSpec['code'], reason: string): FaultSpec => ({ ns: NS.WSMAN, code, action: FAULT_ACTION.WSMAN, reason });
const wsen = (code: FaultSpec['code'], reason: string): FaultSpec => ({ ns: NS.WSEN, code, action: FAULT_ACTION.WSEN, reason });
const wxf = (code: FaultSpec['code'], reason: string): FaultSpec => ({ ns: NS.WXF, code, action: FAULT_ACTION.WXF, reason });

export const FAULT_TABLE = {
  'wsa:ActionNotSupported': wsa('Sender', 'The action is not supported by the service.'),
  'wsa:DestinationUnreachable': wsa('Sender', 'No route can be determined to reach the destination role defined by the WS-Addressing To.'),
  'wsa:EndpointUnavailable': wsa('Receiver', 'The specified endpoint is currently unavailable.'),
  'wsa:InvalidMessageInformationHeader': wsa('Sender', 'A message information header is not valid and the message cannot be processed.'),
  'wsa:MessageInformationHeaderRequired': wsa('Sender', 'A required message information header is missing.'),
  'wsman:AccessDenied': wsman('Sender', 'The sender was not authorized to access the resource.'),
  'wsman:AlreadyExists': wsman('Sender', 'The sender attempted to create a resource which already exists.'),
  'wsman:CannotProcessFilter': wsman('Sender', 'The requested filter could not be processed.'),
  'wsman:Concurrency': wsman('Sender', 'The action could not be completed due to concurrency or locking problems.'),
  'wsman:EncodingLimit': wsman('Sender', 'An internal encoding limit was exceeded in a request or would be violated if the message were processed.'),
  'wsman:InternalError': wsman('Receiver', 'The service cannot comply with the request due to internal processing errors.'),
  'wsman:InvalidOptions': wsman('Sender', 'One or more options are not valid.'),
  'wsman:InvalidParameter': wsman('Sender', 'An operation parameter is not valid.'),
  'wsman:InvalidSelectors': wsman('Sender', 'The selectors for the resource are not valid.'),
  'wsman:QuotaLimit': wsman('Sender', 'The service is busy servicing other requests.'),
  'wsman:SchemaValidationError': wsman('Sender', 'The supplied SOAP violates the corresponding XML schema definition.'),
  'wsman:TimedOut': wsman('Receiver', 'The operation has timed out.'),
  'wsman:UnsupportedFeature': wsman('Sender', 'The specified feature is not supported.'),
  'wsman:FragmentDialectNotSupported': wsman('Sender', 'The requested fragment filtering dialect or language is not supported.'),
  'wsen:InvalidEnumerationContext': wsen('Receiver', 'The supplied enumeration context is invalid.'),
  'wsen:TimedOut': wsen('Receiver', 'The enumerator has timed out and is no longer valid.'),
  'wsen:CannotProcessFilter': wsen('Sender', 'The requested filter could not be processed.'),
  'wsen:FilterDialectRequestedUnavailable': wsen('Sender', 'The requested filtering dialect is not supported.'),
  'wsen:FilteringNotSupported': wsen('Sender', 'Filtered enumeration is not supported.'),
  'wsen:InvalidExpirationTime': wsen('Sender', 'The expiration time requested is invalid.'),
  'wsen:UnsupportedExpirationType': wsen('Sender', 'The only expiration time supported is a duration.'),
  'wxf:InvalidRepresentation': wxf('Sender', 'The XML content is not valid.'),
  'wsmb:PolymorphismModeNotSupported': { ns: NS.WSMB, code: 'Sender', action: FAULT_ACTION.WSMAN, reason: 'The requested polymorphism mode is not supported.' },
} as const satisfies Record<string, FaultSpec>;

export type FaultSubcode = keyof typeof FAULT_TABLE;

/** SOAP-level faults without a WS-Man subcode (SOAP 1.2 part 1 §5.4.6). */
export type SoapFaultCode = 'VersionMismatch' | 'MustUnderstand';

export interface FaultOptions {
  /** faultDetail name under …/wsman/1/wsman/faultDetail/ (e.g. "InvalidResourceURI") */
  readonly detail?: string;
  /** reason text replacing the table's default */
  readonly reason?: string;
  /** for s:MustUnderstand: the header QName not understood */
  readonly notUnderstood?: { readonly ns: string; readonly name: string };
  /** for s:VersionMismatch: the request was a SOAP 1.1 envelope, so the fault is one too */
  readonly soap11?: boolean;
}

/** A WS-Management fault; every layer from wsman/ up throws and catches this type. */
export class WsmanFault extends Error {
  readonly detail: string | undefined;
  readonly notUnderstood: FaultOptions['notUnderstood'];
  readonly soap11: boolean;

  constructor(readonly subcode: FaultSubcode | SoapFaultCode, options: FaultOptions = {}) {
    super(options.reason ?? reasonOf(subcode));
    this.name = 'WsmanFault';
    this.detail = options.detail;
    this.notUnderstood = options.notUnderstood;
    this.soap11 = options.soap11 === true;
  }

  get code(): 'Sender' | 'Receiver' | SoapFaultCode {
    return isSoapFaultCode(this.subcode) ? this.subcode : FAULT_TABLE[this.subcode].code;
  }

  get action(): string {
    return isSoapFaultCode(this.subcode) ? FAULT_ACTION.WSA : FAULT_TABLE[this.subcode].action;
  }

  /** WinRM, OpenPegasus and OMI answer every SOAP fault with 500; wsmancli reads only 200/400/500. */
  get httpStatus(): number {
    return 500;
  }
}

function isSoapFaultCode(s: string): s is SoapFaultCode {
  return s === 'VersionMismatch' || s === 'MustUnderstand';
}

function reasonOf(subcode: FaultSubcode | SoapFaultCode): string {
  if (subcode === 'VersionMismatch') return 'The SOAP envelope namespace is not SOAP 1.2.';
  if (subcode === 'MustUnderstand') return 'A header marked mustUnderstand was not understood.';
  return FAULT_TABLE[subcode].reason;
}
