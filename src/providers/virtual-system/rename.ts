// Put of a VM's names (on Xen_ComputerSystem or its settings): ElementName is the XenAPI
// name_label, Description the name_description.
import { CimError } from '../../cim/errors.js';
import type { OperationContext } from '../../cim/operation-context.js';
import type { CimValue } from '../../cim/types.js';
import type { XenModel } from '../../xenapi/model.js';
import { callerOf, type ProviderServices } from '../services.js';
import { xenToCim } from '../xen-errors.js';

export const NAME_PROPERTIES = ['ElementName', 'Description'] as const;

const SETTERS: Readonly<Record<string, string>> = { elementname: 'VM.set_name_label', description: 'VM.set_name_description' };

export async function renameVm(model: XenModel, services: ProviderServices, ctx: OperationContext, vmUuid: string, changes: ReadonlyMap<string, CimValue>): Promise<void> {
  const vmRef = model.refByUuid('VM', vmUuid) ?? '';
  const calls: [string, string][] = [];
  for (const [name, value] of changes) {
    const setter = SETTERS[name.toLowerCase()];
    if (!setter) throw new CimError('NOT_SUPPORTED', `${name} cannot be changed.`, { subject: 'property', valueProblem: 'read-only' });
    if (value !== null && typeof value !== 'string') throw new CimError('INVALID_PARAMETER', `${name} is a string.`, { subject: 'property', valueProblem: 'type-mismatch' });
    if (name.toLowerCase() === 'elementname' && (value === null || value === '')) {
      throw new CimError('INVALID_PARAMETER', 'ElementName cannot be empty: XenAPI needs a name_label.', { subject: 'property', valueProblem: 'invalid-value' });
    }
    calls.push([setter, value ?? '']);
  }
  for (const [setter, value] of calls) {
    try {
      await services.xen.call(callerOf(ctx), setter, [vmRef, value]);
    } catch (err) {
      throw xenToCim(err, setter);
    }
  }
}
