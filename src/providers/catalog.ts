// Every provider the gateway runs, built from the profile folders: one SpecProvider per
// profile and one AssociationTableProvider holding every association row.
import type { InstanceProvider } from '../cim/provider.js';
import type { XenModel } from '../xenapi/model.js';
import { AssociationTableProvider, type AssociationRow, type AssociationSpec } from './association-table.js';
import { SpecProvider } from './class-spec.js';
import { CIMV2, INTEROP } from './instances.js';
import type { ProfileFactory, ProfileParts } from './profile.js';
import { jobsProfile } from './jobs/job.js';
import type { ProviderServices } from './services.js';
import { ethernetPort } from './ethernet-port/profile.js';
import { CONFORMS_NAMESPACES, profileRegistration } from './profile-registration/profile.js';
import { processorMemory } from './processor-memory/profile.js';
import { resourceAllocation } from './resource-allocation/profile.js';
import { storage } from './storage/profile.js';
import { systemVirtualization } from './system-virtualization/profile.js';
import { virtualSwitch } from './virtual-switch/profile.js';
import { virtualSystem } from './virtual-system/profile.js';

/** The profile folders, in registration order. */
export const PROFILE_FACTORIES: readonly ProfileFactory[] = [
  systemVirtualization,
  virtualSystem,
  processorMemory,
  storage,
  ethernetPort,
  virtualSwitch,
];

const NAMESPACES_OF: Readonly<Record<string, readonly string[]>> = {
  Xen_ElementConformsToProfile: CONFORMS_NAMESPACES,
  // Both ends are registered profiles, which live in root/interop.
  Xen_ReferencedProfile: [INTEROP],
};

export function createProviders(model: XenModel, services: ProviderServices, factories: readonly ProfileFactory[] = PROFILE_FACTORIES): InstanceProvider[] {
  const parts: ProfileParts[] = factories.map((f) => f(model, services));
  parts.push(jobsProfile(services.jobs));
  // DSP1041/DSP1043 over every profile's pools (pools.ts), then DSP1033 over every central instance.
  parts.push(resourceAllocation(parts.flatMap((p) => p.pools ?? [])));
  parts.push(profileRegistration(parts.flatMap((p) => p.central)));
  const rows = new Map<string, AssociationRow[]>();
  for (const p of parts) {
    for (const link of p.links) {
      const list = rows.get(link.association) ?? [];
      list.push(link.row);
      rows.set(link.association, list);
    }
  }
  const associations: AssociationSpec[] = [...rows].map(([className, list]) => ({
    className,
    namespaces: NAMESPACES_OF[className] ?? [CIMV2],
    rows: list,
  }));
  return [
    ...parts.filter((p) => p.specs.length > 0).map((p) => new SpecProvider(p.name, model, p.specs)),
    new AssociationTableProvider('associations', model, associations),
  ];
}
