// XenAPI power_state and allowed_operations → CIM EnabledState and friends, as DSP1057 and
// xenapi-cim.md §3 give them.

export const EnabledState = {
  Unknown: 0, Enabled: 2, Disabled: 3, ShuttingDown: 4, NotApplicable: 5, EnabledButOffline: 6, Quiesce: 9, Starting: 10,
} as const;

export const RequestedState = {
  Enabled: 2, Disabled: 3, ShutDown: 4, Offline: 6, Quiesce: 9, Reboot: 10, Reset: 11, NotApplicable: 12,
} as const;

/** TransitioningToState when no transition is under way (its other values are RequestedState's). */
export const NO_TRANSITION = 5;

/**
 * The RequestedState a XenAPI power operation in progress stands for (VM.current_operations
 * values): what was asked, whoever asked it (the gateway, xe, XenCenter).
 */
export const STATE_OF_OPERATION: Readonly<Record<string, number>> = {
  start: RequestedState.Enabled,
  start_on: RequestedState.Enabled,
  resume: RequestedState.Enabled,
  resume_on: RequestedState.Enabled,
  unpause: RequestedState.Enabled,
  hard_shutdown: RequestedState.Disabled,
  clean_shutdown: RequestedState.ShutDown,
  shutdown: RequestedState.ShutDown,
  suspend: RequestedState.Offline,
  pause: RequestedState.Quiesce,
  clean_reboot: RequestedState.Reboot,
  hard_reboot: RequestedState.Reset,
};

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

export type PowerOp = 'start' | 'unpause' | 'resume' | 'hard_shutdown' | 'clean_shutdown' | 'suspend' | 'pause' | 'clean_reboot' | 'hard_reboot';
/** 'none': the VM is already where the request would take it (answered 0, nothing done). */
export type PowerStep = PowerOp | 'none';

/**
 * RequestStateChange (xenapi-cim.md §3): per requested state, the XenAPI operation from each
 * power state (absent: an invalid transition), the operation that names the change, and the
 * power state the VM is in once it is done.
 */
export const REQUEST_TRANSITIONS: Readonly<Record<number, { readonly from: Readonly<Record<string, PowerStep>>; readonly op: PowerOp; readonly leadsTo: string }>> = {
  [RequestedState.Enabled]: { op: 'start', leadsTo: 'Running', from: { Halted: 'start', Running: 'none', Paused: 'unpause', Suspended: 'resume' } },
  [RequestedState.Disabled]: { op: 'hard_shutdown', leadsTo: 'Halted', from: { Running: 'hard_shutdown', Paused: 'hard_shutdown', Suspended: 'hard_shutdown', Halted: 'none' } },
  [RequestedState.ShutDown]: { op: 'clean_shutdown', leadsTo: 'Halted', from: { Running: 'clean_shutdown', Paused: 'hard_shutdown', Suspended: 'hard_shutdown', Halted: 'none' } },
  [RequestedState.Offline]: { op: 'suspend', leadsTo: 'Suspended', from: { Running: 'suspend', Suspended: 'none' } },
  [RequestedState.Quiesce]: { op: 'pause', leadsTo: 'Paused', from: { Running: 'pause', Paused: 'none' } },
  [RequestedState.Reboot]: { op: 'clean_reboot', leadsTo: 'Running', from: { Running: 'clean_reboot' } },
  [RequestedState.Reset]: { op: 'hard_reboot', leadsTo: 'Running', from: { Running: 'hard_reboot', Paused: 'hard_reboot' } },
};

/**
 * Every state RequestStateChange can lead a VM to (CIM_EnabledLogicalElementCapabilities
 * RequestedStatesSupported): the static set, of which AvailableRequestedStates is the part that
 * applies in the VM's current state.
 */
export const REQUESTABLE_STATES: readonly number[] = Object.keys(REQUEST_TRANSITIONS).map(Number).sort((a, b) => a - b);

/**
 * AvailableRequestedStates: the states RequestStateChange would change the VM to now, in
 * ascending order: those whose operation from this power state xapi allows (allowed_operations).
 */
export function availableRequestedStates(powerState: string, allowedOperations: readonly string[]): number[] {
  const allowed = new Set(allowedOperations);
  const states: number[] = [];
  for (const [state, t] of Object.entries(REQUEST_TRANSITIONS)) {
    const step = t.from[powerState];
    if (step !== undefined && step !== 'none' && allowed.has(step)) states.push(Number(state));
  }
  return states.sort((a, b) => a - b);
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
