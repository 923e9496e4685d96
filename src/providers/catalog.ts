// Every provider the gateway runs, built from the profile folders: one SpecProvider per
// profile and one AssociationTableProvider holding every association row.
import type { InstanceProvider } from '../cim/provider.js';
import type { XenModel } from '../xenapi/model.js';
import { AssociationTableProvider, type AssociationRow, type AssociationSpec } from './association-table.js';
import { SpecProvider } from './class-spec.js';
import { CIMV2 } from './instances.js';
import type { ProfileFactory, ProfileParts } from './profile.js';
import { CONFORMS_NAMESPACES, profileRegistration } from './profile-registration/profile.js';
import { systemVirtualization } from './system-virtualization/profile.js';
import { virtualSystem } from './virtual-system/profile.js';

/** The profile folders, in registration order. */
export const PROFILE_FACTORIES: readonly ProfileFactory[] = [systemVirtualization, virtualSystem];

const NAMESPACES_OF: Readonly<Record<string, readonly string[]>> = {
  Xen_ElementConformsToProfile: CONFORMS_NAMESPACES,
};

export function createProviders(model: XenModel, factories: readonly ProfileFactory[] = PROFILE_FACTORIES): InstanceProvider[] {
  const parts: ProfileParts[] = factories.map((f) => f(model));
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
