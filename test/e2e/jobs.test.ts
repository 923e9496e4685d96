// Long operations become jobs: RequestStateChange answers 4096 with a Job reference when the
// XenAPI task outlasts --job-wait; the job (Xen_ConcreteJob) follows the task to its end and
// is kept for --job-retention, then removed.
import t from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { allRecords, field, guests, xenSession } from '../helpers/xenapi.js';
import { ACTIONS, bodyOf, envelope, faultOf, find, post, prop, ROOT, XEN_CS_URI } from '../helpers/wsman-client.js';
import { ALL_CLASSES, associationFilter, filtered, selectorOf, valueOf } from '../helpers/filters.js';
import type { XmlElement } from '../../src/soap/xml.js';

const JOB_URI = 'http://schemas.citrix.com/wbem/wscim/1/cim-schema/2/Xen_ConcreteJob';
let stack: Stack;
t.before(async () => {
  stack = await startStack({ sim: { vms: 12, taskDurations: { 'VM.start': 1500, 'VM.suspend': 300 } }, config: { jobWaitMs: 150, jobRetentionMs: 1500 } });
});
t.teardown(() => stack.close());

async function vmIn(state: string): Promise<string> {
  const x = await xenSession(stack.sim.url);
  try {
    return field([...guests(await allRecords(x.session, 'VM')).values()].find((v) => v['power_state'] === state)!, 'uuid');
  } finally {
    await x.close();
  }
}
const rsc = (uuid: string, state: number) =>
  post(stack.endpoint, envelope({
    action: `${XEN_CS_URI}/RequestStateChange`, resourceUri: XEN_CS_URI, selectors: { CreationClassName: 'Xen_ComputerSystem', Name: uuid },
    body: `<p:RequestStateChange_INPUT xmlns:p="${XEN_CS_URI}"><p:RequestedState>${state}</p:RequestedState></p:RequestStateChange_INPUT>`,
  }), ROOT);
const getJob = async (instanceId: string): Promise<{ status: number; job: XmlElement | undefined }> => {
  const r = await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: JOB_URI, selectors: { InstanceID: instanceId } }), ROOT);
  return { status: r.status, job: r.status === 200 ? bodyOf(r) : undefined };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('a start slower than --job-wait answers 4096 with a Job EPR; polling the job shows it finish', async (t) => {
  const uuid = await vmIn('Halted');
  const r = await rsc(uuid, 2);
  const out = bodyOf(r)!;
  t.equal(prop(out, 'ReturnValue'), '4096');
  const jobRef = out.children.find((c) => c.name === 'Job')!;
  t.ok(jobRef, 'the Job out parameter is present');
  t.equal(find(jobRef, 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd', 'ResourceURI')[0]?.text, JOB_URI);
  t.ok(out.children.findIndex((c) => c.name === 'Job') < out.children.findIndex((c) => c.name === 'ReturnValue'), 'OUT parameters come before ReturnValue');
  const id = selectorOf(jobRef, 'InstanceID')!;
  t.match(id, /^Xen:[0-9a-f-]{36}$/);

  const first = (await getJob(id)).job!;
  t.ok(['3', '4'].includes(prop(first, 'JobState')!), `running (JobState ${prop(first, 'JobState')})`);
  t.equal(prop(first, 'Name'), 'RequestStateChange');
  t.equal(prop(first, 'Owner'), 'root');
  const affected = await filtered(stack.endpoint, ROOT, ALL_CLASSES, associationFilter('associated', { className: 'Xen_ConcreteJob', keys: { InstanceID: id } }, { assocClass: 'CIM_AffectedJobElement' }));
  t.same(affected.map((a) => valueOf(a, 'Name')), [uuid], 'the job leads to the VM it starts');

  // CIM_Job.ElapsedTime: how long it has run so far, while it runs (an xs:duration in cim:Interval).
  const elapsedMs = (j: XmlElement): number => {
    const text = j.children.find((c) => c.name === 'ElapsedTime')?.children.find((c) => c.name === 'Interval')?.text.trim() ?? '';
    const m = /^P(?:(\d+)D)?T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(text);
    return m ? ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000 + Number(m[4] ?? 0) * 1000 : NaN;
  };
  t.ok(elapsedMs(first) >= 0, `a running job has an ElapsedTime (${elapsedMs(first)} ms)`);
  let job = first;
  const running: number[] = [];
  for (let i = 0; i < 60 && prop(job, 'JobState') !== '7'; i++) {
    await sleep(100);
    job = (await getJob(id)).job!;
    if (prop(job, 'JobState') !== '7') running.push(elapsedMs(job));
  }
  t.ok(running.every((ms) => ms >= 0), 'every read while running has an ElapsedTime');
  t.ok(elapsedMs(job) >= Math.max(elapsedMs(first), ...running), 'the finished job ran at least as long as it had been running');
  t.equal(prop(job, 'JobState'), '7', 'Completed');
  t.same(job.children.filter((c) => c.name === 'OperationalStatus').map((c) => c.text), ['17', '2'], 'OperationalStatus Completed, OK');
  t.equal(prop(job, 'PercentComplete'), '100');
  t.equal(prop(job, 'ErrorCode'), '0');
  // DSP0230: <p:Name><cim:Datetime>xs:dateTime</cim:Datetime></p:Name>
  const cimTime = (name: string): number => Date.parse(job.children.find((c) => c.name === name)?.children[0]?.text.trim() ?? '');
  t.ok(Number.isFinite(cimTime('TimeSubmitted')) && Number.isFinite(cimTime('StartTime')), 'both times present');
  t.ok(cimTime('TimeSubmitted') <= cimTime('StartTime'), 'submitted no later than started');
  const vm = bodyOf(await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: XEN_CS_URI, selectors: { Name: uuid } }), ROOT))!;
  t.equal(prop(vm, 'EnabledState'), '2', 'and the VM runs');

  // Kept for --job-retention after it finished, then removed (and its task destroyed).
  let gone = false;
  for (let i = 0; i < 60 && !gone; i++) {
    await sleep(100);
    gone = (await getJob(id)).status !== 200;
  }
  t.ok(gone, 'the finished job is removed after the retention time');
  const missing = await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: JOB_URI, selectors: { InstanceID: id } }), ROOT);
  t.equal(faultOf(missing)?.subcode, 'wsa:DestinationUnreachable');
});

t.test('a task that fails after starting leaves a job in Exception with the XenAPI error', async (t) => {
  const uuid = await vmIn('Running');
  stack.sim.inject({ method: 'VM.suspend', error: ['SR_BACKEND_FAILURE_44', '', 'There is insufficient space', ''], delayMs: 400 });
  const r = await rsc(uuid, 6);
  const out = bodyOf(r)!;
  t.equal(prop(out, 'ReturnValue'), '4096');
  const id = selectorOf(out.children.find((c) => c.name === 'Job')!, 'InstanceID')!;
  let job = (await getJob(id)).job!;
  for (let i = 0; i < 40 && prop(job, 'JobState') !== '10'; i++) {
    await sleep(50);
    job = (await getJob(id)).job!;
  }
  t.equal(prop(job, 'JobState'), '10', 'Exception');
  t.equal(prop(job, 'ErrorDescription'), 'XenAPI SR_BACKEND_FAILURE_44 [There is insufficient space]', 'xapi\'s error as the gateway words XenAPI errors, empty parameters left out');
  t.equal(prop(job, 'JobStatus'), 'Failed: XenAPI SR_BACKEND_FAILURE_44 [There is insufficient space]');
  t.equal(prop(job, 'ErrorCode'), '1');
  t.same(job.children.filter((c) => c.name === 'OperationalStatus').map((c) => c.text), ['17', '6'], 'OperationalStatus Completed, Error');
  const vm = bodyOf(await post(stack.endpoint, envelope({ action: ACTIONS.get, resourceUri: XEN_CS_URI, selectors: { Name: uuid } }), ROOT))!;
  t.equal(prop(vm, 'EnabledState'), '2', 'the VM is still running');
});

t.test('enumerating jobs lists those the gateway started', async (t) => {
  const uuid = await vmIn('Halted');
  const r = await rsc(uuid, 2);
  const id = selectorOf(bodyOf(r)!.children.find((c) => c.name === 'Job')!, 'InstanceID');
  const jobs = await filtered(stack.endpoint, ROOT, 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ConcreteJob', '');
  t.ok(jobs.some((j) => valueOf(j, 'InstanceID') === id), 'the new job is listed under CIM_ConcreteJob');
  t.ok(jobs.every((j) => j.name === 'Xen_ConcreteJob'));
});
