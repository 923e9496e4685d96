// XenAPI power_state and allowed_operations → CIM EnabledState and friends, as DSP1057 and
// xenapi-cim.md §3 give them.

export const EnabledState = {
  Unknown: 0, Enabled: 2, Disabled: 3, ShuttingDown: 4, NotApplicable: 5, EnabledButOffline: 6, Quiesce: 9, Starting: 10,
} as const;

export const RequestedState = {
  Enabled: 2, Disabled: 3, ShutDown: 4, Offline: 6, Quiesce: 9, Reboot: 10, Reset: 11, NotApplicable: 12,
} as const;

interface PowerMapping {
  readonly enabledState: number;
  /** CIM_ManagedSystemElement.OperationalStatus */
  readonly operationalStatus: number;
}

const BY_POWER_STATE: Readonly<Record<string, PowerMapping>> = {
  Running: { enabledState: EnabledState.Enabled, operationalStatus: 2 /* OK */ },
  Halted: { enabledState: EnabledState.Disabled, operationalStatus: 15 /* Dormant */ },
  Paused: { enabledState: EnabledState.Quiesce, operationalStatus: 15 /* Dormant */ },
  Suspended: { enabledState: EnabledState.EnabledButOffline, operationalStatus: 10 /* Stopped */ },
};

export function powerMapping(powerState: string): PowerMapping {
  return BY_POWER_STATE[powerState] ?? { enabledState: EnabledState.Unknown, operationalStatus: 0 };
}

/** XenAPI VM operations → the RequestStateChange value that performs them. */
const OPERATION_TO_REQUESTED: ReadonlyArray<readonly [string, number]> = [
  ['start', RequestedState.Enabled],
  ['unpause', RequestedState.Enabled],
  ['resume', RequestedState.Enabled],
  ['hard_shutdown', RequestedState.Disabled],
  ['clean_shutdown', RequestedState.ShutDown],
  ['suspend', RequestedState.Offline],
  ['pause', RequestedState.Quiesce],
  ['clean_reboot', RequestedState.Reboot],
  ['hard_reboot', RequestedState.Reset],
];

/** AvailableRequestedStates: what RequestStateChange may ask for now, in ascending order. */
export function availableRequestedStates(allowedOperations: readonly string[]): number[] {
  const allowed = new Set(allowedOperations);
  const states = new Set<number>();
  for (const [op, state] of OPERATION_TO_REQUESTED) if (allowed.has(op)) states.add(state);
  return [...states].sort((a, b) => a - b);
}

/** The state properties of anything that lives and dies with a VM's domain (the VM and its vCPUs and memory). */
export function powerStateProperties(powerState: string): {
  OperationalStatus: number[];
  StatusDescriptions: string[];
  HealthState: number;
  EnabledState: number;
  RequestedState: number;
  EnabledDefault: number;
} {
  const { enabledState, operationalStatus } = powerMapping(powerState);
  return {
    OperationalStatus: [operationalStatus],
    StatusDescriptions: [powerState],
    HealthState: 5,
    EnabledState: enabledState,
    RequestedState: RequestedState.NotApplicable,
    EnabledDefault: 2,
  };
}
