// Xen_ConcreteJob: a job the gateway started, as its XenAPI task says it stands
// (task status → JobState, progress → PercentComplete).
import { CimDateTime } from '../../cim/types.js';
import { date, str, type XenRecord } from '../../xenapi/values.js';
import { classSpec } from '../class-spec.js';
import { instanceId, localId, VM_CLASS } from '../ids.js';
import { CIMV2, timestamp } from '../instances.js';
import type { ProfileParts } from '../profile.js';
import { outcome, type JobInfo, type JobRegistry } from './registry.js';

export const JOB_CLASS = 'Xen_ConcreteJob';

export const JobState = { Starting: 3, Running: 4, ShuttingDown: 6, Completed: 7, Terminated: 8, Exception: 10 } as const;

function jobState(task: XenRecord): number {
  switch (str(task, 'status')) {
    case 'success': return JobState.Completed;
    case 'failure': return JobState.Exception;
    case 'cancelled': return JobState.Terminated;
    case 'cancelling': return JobState.ShuttingDown;
    default: return Number(task['progress'] ?? 0) > 0 ? JobState.Running : JobState.Starting;
  }
}

/** xapi's error_info as the gateway words XenAPI errors elsewhere: `XenAPI CODE [param, …]`, empty parameters left out. */
function failureText(errorInfo: readonly string[]): string {
  const [code = 'UNKNOWN_ERROR', ...params] = errorInfo;
  const shown = params.filter((p) => p.trim() !== '');
  return `XenAPI ${code}${shown.length > 0 ? ` [${shown.join(', ')}]` : ''}`;
}

export function jobsProfile(registry: JobRegistry): ProfileParts {
  const spec = classSpec<XenRecord>({
    className: JOB_CLASS,
    namespace: CIMV2,
    dependsOn: ['task'],
    ids: function* () {
      for (const [uuid] of registry.entries()) yield uuid;
    },
    // The task record is the source: it changes whenever the job does; a running job's
    // elapsed time also changes with the clock, so it is rebuilt at most once a second.
    source: (uuid) => registry.byUuid(uuid)?.task,
    volatile: true,
    extraDeps: (task) => (outcome(task).status === 'pending' ? [Math.floor(Date.now() / 1000)] : []),
    keys: (uuid) => [{ name: 'InstanceID', value: instanceId(uuid) }],
    idFromKeys: (k) => localId(k.get('instanceid')),
    properties: (uuid, task) => {
      const job: JobInfo = registry.byUuid(uuid)?.job ?? { taskRef: '', name: 'Job', owner: '', submitted: new Date(0) };
      const created = date(task, 'created') ?? job.submitted;
      const finished = date(task, 'finished');
      const result = outcome(task);
      const progress = Number(task['progress'] ?? 0);
      return {
        Name: job.name,
        ElementName: `${job.name}${job.vmUuid ? ` on ${job.vmUuid}` : ''}`,
        Description: str(task, 'name_label') || null,
        Owner: job.owner,
        JobState: jobState(task),
        JobStatus: result.status === 'failure' ? `Failed: ${failureText(result.error)}` : result.status === 'pending' ? 'Running' : result.status === 'success' ? 'Completed' : 'Cancelled',
        PercentComplete: result.status === 'success' ? 100 : Math.max(0, Math.min(100, Math.round(progress * 100))),
        // xapi's task times have whole seconds: a job is never shown starting before it was submitted.
        TimeSubmitted: timestamp(job.submitted.getTime() > created.getTime() ? created : job.submitted),
        StartTime: timestamp(created),
        TimeOfLastStateChange: timestamp(finished ?? created),
        // CIM_Job: how long it has run so far, or ran in all once it is done; in whole seconds,
        // as xapi gives the task's times, so it never shrinks when the job ends.
        ElapsedTime: CimDateTime.interval(Math.max(0, (finished?.getTime() ?? Math.floor(Date.now() / 1000) * 1000) - created.getTime())),
        DeleteOnCompletion: false,
        TimeBeforeRemoval: CimDateTime.interval(registry.retentionMs),
        ErrorCode: result.status === 'failure' ? 1 : 0,
        ErrorDescription: result.status === 'failure' ? failureText(result.error) : null,
        // CIM: Completed (17) goes with OK or Error, so that a client can tell how; a cancelled job is Stopped (10).
        OperationalStatus: result.status === 'failure' ? [17, 6] : result.status === 'success' ? [17, 2] : result.status === 'cancelled' ? [10] : [2],
        HealthState: result.status === 'failure' ? 20 : 5,
      };
    },
  });
  return {
    name: 'jobs',
    // Specs of several source types share the provider; this one only ever sees job pairs.
    specs: [spec],
    links: [
      {
        association: 'Xen_AffectedJobElement',
        row: {
          ends: [{ role: 'AffectedElement', namespace: CIMV2, className: VM_CLASS }, { role: 'AffectingElement', namespace: CIMV2, className: JOB_CLASS }],
          dependsOn: ['task', 'VM'],
          pairs: function* () {
            for (const [uuid, job] of registry.entries()) if (job.vmUuid) yield [job.vmUuid, uuid] as const;
          },
        },
      },
    ],
    central: [],
  };
}
