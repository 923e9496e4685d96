// DSP1033 Profile Registration, in root/interop: one Xen_RegisteredProfile per profile the
// gateway implements, ElementConformsToProfile to each profile's central instances (served in
// both namespaces, so discovery works from either side) and ReferencedProfile from the
// autonomous System Virtualization profile to its component profiles.
import { classSpec } from '../class-spec.js';
import { instanceId, localId } from '../ids.js';
import { INTEROP } from '../instances.js';
import { PROFILES, type CentralInstances, type ProfileId, type ProfileParts } from '../profile.js';
import type { AssociationContribution } from '../profile.js';
import { CIMV2 } from '../instances.js';

export const REGISTERED_PROFILE_CLASS = 'Xen_RegisteredProfile';

const IDS = Object.keys(PROFILES) as ProfileId[];
const sources = new Map(IDS.map((id) => [id, Object.freeze({ id })]));

/** InstanceID local part of a profile: DSP number, name without spaces, version. */
export function profileLocalId(id: ProfileId): string {
  const p = PROFILES[id];
  return `${id}-${p.name.replace(/ /g, '')}-${p.version}`;
}
const BY_LOCAL = new Map(IDS.map((id) => [profileLocalId(id), id]));

const registeredProfileSpec = classSpec<{ id: ProfileId }>({
  className: REGISTERED_PROFILE_CLASS,
  namespace: INTEROP,
  dependsOn: [],
  ids: () => IDS.map(profileLocalId),
  source: (local) => {
    const id = BY_LOCAL.get(local);
    return id ? sources.get(id) : undefined;
  },
  keys: (local) => [{ name: 'InstanceID', value: instanceId(local) }],
  idFromKeys: (k) => localId(k.get('instanceid')),
  properties: (_local, { id }) => ({
    ElementName: `${PROFILES[id].name} ${PROFILES[id].version}`,
    Caption: `DMTF ${id} ${PROFILES[id].name}`,
    RegisteredOrganization: 2 /* DMTF */,
    RegisteredName: PROFILES[id].name,
    RegisteredVersion: PROFILES[id].version,
    AdvertiseTypes: [2 /* Not Advertised: no SLP here */],
  }),
});

const profileEnd = (role: string) => ({ role, namespace: INTEROP, className: REGISTERED_PROFILE_CLASS });

/** DSP1033: the component profiles the autonomous System Virtualization profile (DSP1042) references. */
const COMPONENTS: readonly ProfileId[] = ['DSP1057', 'DSP1041', 'DSP1043', 'DSP1044', 'DSP1045', 'DSP1047', 'DSP1050', 'DSP1097'];

export function profileRegistration(centrals: readonly CentralInstances[]): ProfileParts {
  const links: AssociationContribution[] = centrals.map((c) => ({
    association: 'Xen_ElementConformsToProfile',
    row: {
      ends: [profileEnd('ConformantStandard'), c.end],
      dependsOn: c.dependsOn,
      pairs: function* () {
        const local = profileLocalId(c.profile);
        for (const id of c.ids()) yield [local, id] as const;
      },
    },
  }));
  links.push({
    association: 'Xen_ReferencedProfile',
    row: {
      // DSP1033: the referencing (autonomous) profile is the Dependent, the referenced one the Antecedent.
      ends: [profileEnd('Antecedent'), profileEnd('Dependent')],
      dependsOn: [],
      pairs: () => COMPONENTS.map((c) => [profileLocalId(c), profileLocalId('DSP1042')] as const),
    },
  });
  return { name: 'profile-registration', specs: [registeredProfileSpec], links, central: [] };
}

/** Where ElementConformsToProfile is served: with the profiles, and beside the central instances. */
export const CONFORMS_NAMESPACES = [INTEROP, CIMV2];
