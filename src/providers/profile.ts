// What a profile folder contributes: the classes it serves (as specs), rows of the shared
// associations, and its central instances for DSP1033 ElementConformsToProfile.
import type { AssociationEnd } from '../cim/provider.js';
import type { XenClass, XenModel } from '../xenapi/model.js';
import type { AssociationRow } from './association-table.js';
import type { ClassSpec } from './class-spec.js';
import type { ProviderServices } from './services.js';
import type { PoolKind } from './pools.js';

export interface AssociationContribution {
  /** the concrete Xen_ association class the row belongs to */
  readonly association: string;
  readonly row: AssociationRow;
}

/** The central (or scoping) instances of a registered profile, by registered profile id. */
export interface CentralInstances {
  readonly profile: ProfileId;
  readonly end: AssociationEnd;
  readonly dependsOn: readonly XenClass[];
  ids(): Iterable<string>;
}

export interface ProfileParts {
  readonly name: string;
  // Specs of many source types live together; each is only ever called with its own sources.
  readonly specs: readonly ClassSpec<object>[];
  readonly links: readonly AssociationContribution[];
  readonly central: readonly CentralInstances[];
  /** resource pools the profile serves; their allocation capabilities come from the resource-allocation part (pools.ts) */
  readonly pools?: readonly PoolKind[];
}

export type ProfileFactory = (model: XenModel, services: ProviderServices) => ProfileParts;

/** The DMTF profiles the gateway registers (DSP1033), by short id. */
export const PROFILES = {
  DSP1033: { name: 'Profile Registration', version: '1.0.0' },
  DSP1041: { name: 'Resource Allocation', version: '1.1.0' },
  DSP1042: { name: 'System Virtualization', version: '1.0.0' },
  DSP1043: { name: 'Allocation Capabilities', version: '1.0.0' },
  DSP1044: { name: 'Processor Resource Virtualization', version: '1.0.0' },
  DSP1045: { name: 'Memory Resource Virtualization', version: '1.0.0' },
  DSP1047: { name: 'Storage Resource Virtualization', version: '1.0.0' },
  DSP1050: { name: 'Ethernet Port Resource Virtualization', version: '1.0.0' },
  DSP1057: { name: 'Virtual System', version: '1.0.0' },
  DSP1097: { name: 'Virtual Ethernet Switch', version: '1.0.0' },
} as const;

export type ProfileId = keyof typeof PROFILES;
