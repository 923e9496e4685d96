// Typed WS-Management requests: one discriminated union, decoded once from the envelope.
import type { Polymorphism } from '../cim/cimom.js';
import type { Headers, Selector } from '../soap/headers.js';
import type { XmlElement } from '../soap/xml.js';

/** What every addressed request shares (not Identify). */
export interface Addressing {
  readonly action: string;
  readonly messageId: string | undefined;
  readonly headers: Headers;
}

/** A ResourceURI resolved to a CIM class, plus the selectors naming an instance. */
export interface ResourceRef {
  readonly resourceUri: string;
  readonly className: string;
  readonly namespace: string;
  /** selectors other than __cimnamespace */
  readonly selectors: readonly Selector[];
}

/** The resource an Enumerate names: a class, or every class (the DSP0227 all-classes URI, with a filter). */
export interface EnumerateResource extends Omit<ResourceRef, 'className'> {
  readonly className: string | undefined;
}

/** wsman:Filter, decoded by dialect (DSP0226 §8.2.1, DSP0227 §8). */
export type EnumerationFilter =
  | { readonly kind: 'selector'; readonly selectors: readonly Selector[] }
  | { readonly kind: 'query'; readonly dialect: 'wql' | 'cql'; readonly text: string }
  | {
      readonly kind: 'associators';
      /** the wsmb:Object EPR */
      readonly object: XmlElement;
      readonly assocClass: string | undefined;
      readonly resultClass: string | undefined;
      readonly role: string | undefined;
      readonly resultRole: string | undefined;
      readonly includeResultProperty: readonly string[];
    }
  | {
      readonly kind: 'references';
      readonly object: XmlElement;
      /** the association class wanted (wsmb:ResultClassName, or openwsman's AssociationClassName) */
      readonly resultClass: string | undefined;
      readonly role: string | undefined;
      readonly includeResultProperty: readonly string[];
    };

export type EnumerationMode = 'EnumerateObject' | 'EnumerateEPR' | 'EnumerateObjectAndEPR';

export interface IdentifyRequest {
  readonly kind: 'identify';
  readonly messageId: string | undefined;
}

/** A property-level fragment (wsman:FragmentTransfer). */
export interface Fragment {
  readonly property: string;
  /** `…/text()`: the value alone, without its element */
  readonly text: boolean;
  readonly expression: string;
}

export interface GetRequest extends Addressing {
  readonly kind: 'get';
  readonly resource: ResourceRef;
  readonly fragment: Fragment | undefined;
}

export interface EnumerateRequest extends Addressing {
  readonly kind: 'enumerate';
  readonly resource: EnumerateResource;
  readonly filter: EnumerationFilter | undefined;
  readonly optimize: boolean;
  /** batch size of the optimized first response */
  readonly maxElements: number;
  readonly mode: EnumerationMode;
  readonly polymorphism: Polymorphism;
  /** wsen:Expires as a duration, in milliseconds */
  readonly expiresMs?: number;
}

export interface PullRequest extends Addressing {
  readonly kind: 'pull';
  readonly context: string;
  readonly maxElements: number;
  /** wsen:MaxTime: how long the Pull may take to gather items, in ms */
  readonly maxTimeMs?: number;
  /** wsen:MaxCharacters: the most characters of items in the answer */
  readonly maxCharacters?: number;
}

export interface RenewRequest extends Addressing {
  readonly kind: 'renew';
  readonly context: string;
  readonly expiresMs?: number;
}

export interface GetStatusRequest extends Addressing {
  readonly kind: 'getstatus';
  readonly context: string;
}

export interface ReleaseRequest extends Addressing {
  readonly kind: 'release';
  readonly context: string;
}

export interface PutRequest extends Addressing {
  readonly kind: 'put';
  readonly resource: ResourceRef;
  /** the instance element of the body (wsman:XmlFragment for a fragment Put) */
  readonly body: XmlElement;
  readonly fragment: Fragment | undefined;
}

export interface InvokeRequest extends Addressing {
  readonly kind: 'invoke';
  readonly resource: ResourceRef;
  readonly method: string;
  /** the <Method>_INPUT element, absent for a method called without parameters */
  readonly input: XmlElement | undefined;
}

export type WsmanRequest = IdentifyRequest | GetRequest | EnumerateRequest | PullRequest | ReleaseRequest | PutRequest | InvokeRequest | RenewRequest | GetStatusRequest;
