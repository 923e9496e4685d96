// Put on a resource allocation setting (processor, memory, disk) is ModifyResourceSettings
// with the changed properties: one set of rules and XenAPI calls for both ways in. The
// method's refusals become the faults a Put answers with.
import { CimError } from '../../cim/errors.js';
import type { OperationContext } from '../../cim/operation-context.js';
import type { CimValue } from '../../cim/types.js';
import type { XenModel } from '../../xenapi/model.js';
import { instanceId, masterUuid } from '../ids.js';
import type { ProviderServices } from '../services.js';

/** What Put may change per kind of setting (the rest is read from XenAPI or fixed). */
export const PROCESSOR_WRITABLE = ['VirtualQuantity', 'Reservation', 'Limit', 'Weight'];
export const MEMORY_WRITABLE = ['VirtualQuantity', 'Reservation', 'Limit'];
export const DISK_WRITABLE = ['VirtualQuantity', 'ElementName', 'Description'];

/**
 * `localIdOf` turns the class's spec id into the local part of the setting's InstanceID.
 * `keepGiven`: properties passed on even when the Put gives them unchanged, because leaving them
 * out means something else to the method (memory's Limit and Reservation would move with
 * VirtualQuantity; a Put's body is the state wanted, so what it gives stays).
 * `nullMeans`: what a property set to NULL (xsi:nil) stands for; NULL for any other is refused
 * (to the method NULL is "not given", which would leave the value as it is).
 */
export function putResourceSetting(
  model: XenModel,
  services: ProviderServices,
  className: string,
  localIdOf: (id: string) => string = (id) => id,
  keepGiven: readonly string[] = [],
  nullMeans: Readonly<Record<string, CimValue>> = {},
) {
  return async (ctx: OperationContext, id: string, _source: unknown, changes: ReadonlyMap<string, CimValue>, kept?: ReadonlyMap<string, CimValue>): Promise<void> => {
    const hostUuid = masterUuid(model) ?? '';
    const given = [...(kept ?? [])].filter(([name]) => keepGiven.includes(name));
    const wanted = [...changes].map(([name, value]): [string, CimValue] => {
      if (value !== null) return [name, value];
      const meaning = nullMeans[name];
      if (meaning === undefined) throw new CimError('INVALID_PARAMETER', `${name} cannot be NULL (xsi:nil) on ${className}.`, { subject: 'property', valueProblem: 'invalid-value' });
      return [name, meaning];
    });
    const inst = { className, properties: new Map<string, CimValue>([['InstanceID', instanceId(localIdOf(id))], ...given, ...wanted]) };
    // Loaded on use: the method modules import the setting classes, which import this file.
    const { modifyResourceSettings } = await import('./management-methods-modify.js');
    const { MethodRefusal, VSMS_RC } = await import('./management-methods-common.js');
    try {
      await modifyResourceSettings({ model, services, ctx, hostUuid }, new Map([['ResourceSettings', [inst]]]));
    } catch (err) {
      if (!(err instanceof MethodRefusal)) throw err;
      switch (err.code) {
        case VSMS_RC.InvalidParameter:
        case VSMS_RC.InvalidState:
          throw new CimError('INVALID_PARAMETER', err.message, { subject: 'property', valueProblem: 'invalid-value' });
        case VSMS_RC.NotSupported:
        case VSMS_RC.IncompatibleParameters:
          throw new CimError('NOT_SUPPORTED', err.message, { subject: 'property', valueProblem: 'read-only' });
        case VSMS_RC.Timeout:
          throw new CimError('FAILED', err.message, { reason: 'timeout' });
        default:
          throw new CimError('FAILED', err.message);
      }
    }
  };
}
