// Typed WS-Management requests: one discriminated union, decoded once from the envelope.
import type { Polymorphism } from '../cim/cimom.js';
import type { Headers, Selector } from '../soap/headers.js';

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

export type EnumerationMode = 'EnumerateObject' | 'EnumerateEPR' | 'EnumerateObjectAndEPR';

export interface IdentifyRequest {
  readonly kind: 'identify';
  readonly messageId: string | undefined;
}

export interface GetRequest extends Addressing {
  readonly kind: 'get';
  readonly resource: ResourceRef;
}

export interface EnumerateRequest extends Addressing {
  readonly kind: 'enumerate';
  readonly resource: ResourceRef;
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
}

export interface ReleaseRequest extends Addressing {
  readonly kind: 'release';
  readonly context: string;
}

export type WsmanRequest = IdentifyRequest | GetRequest | EnumerateRequest | PullRequest | ReleaseRequest;
