// Object paths as strings, for the properties that hold one (RASD HostResource, switch
// AssociatedResourcePool): DSP0207's untyped instance path without an authority,
// `/root/cimv2:Xen_DiskImage.CreationClassName="Xen_DiskImage",DeviceID="…"`.
import type { KeyBinding } from '../cim/object-path.js';

/** The DSP0207 WBEM_URI_UntypedInstancePath of an instance with string, number or boolean keys. */
export function wbemPath(namespace: string, className: string, keys: readonly KeyBinding[]): string {
  const ns = namespace.replace(/\\/g, '/').replace(/^\/+/, '');
  const pairs = keys.map((k) => {
    const v = k.value;
    if (typeof v === 'string') return `${k.name}="${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    if (typeof v === 'object') throw new TypeError(`key ${k.name} of ${className} is a reference; not written as a path`);
    return `${k.name}=${typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(v)}`;
  });
  return `/${ns}:${className}.${pairs.join(',')}`;
}
