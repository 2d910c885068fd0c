import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startMonitoring, type RunningMonitoring } from '../src/app/monitoring.js';
import type { IncidentView } from '../src/modules/monitoring/index.js';
import { adminSession, httpTestBastion, type Session } from './support/http.js';
import type { TestBastion } from './support/bastion.js';
import { enrolledSession, makeUser } from './support/identity.js';

interface AlertItem {
  id: string;
  rule: string;
  state: string;
  acknowledgedBy: string | null;
  incidentId: string | null;
  closedAt: string | null;
}
interface AuditPage {
  records: { record: { action: string; outcome: string; details?: Record<string, unknown> } }[];
}

describe('incidents with playbooks', () => {
  let t: TestBastion;
  let app: FastifyInstance;
  let monitoring: RunningMonitoring;
  let admin: Session;
  let alert: AlertItem;

  const write = (session: Session) => ({ ...session.headers, 'x-csrf-token': session.csrfToken });
  const post = (url: string, payload: object, session = admin) =>
    app.inject({ method: 'POST', url, headers: write(session), payload });
  const get = <T>(url: string, session = admin) =>
    app.inject({ url, headers: session.headers }).then((r) => r.json<T>());
  const alertNamed = async (id: string) => get<AlertItem>(`/api/security/alerts/${id}`);
  const open = async (payload: object) => {
    const response = await post('/api/security/incidents', payload);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<IncidentView>();
  };

  beforeEach(async () => {
    ({ t, app } = await httpTestBastion());
    monitoring = await startMonitoring(t.bastion, t.logger);
    admin = await adminSession(app, t);
    for (let i = 0; i < 5; i += 1)
      await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'wrong 1' } });
    await monitoring.settled();
    const page = await get<{ items: AlertItem[] }>('/api/security/alerts?state=open');
    alert = page.items.find((a) => a.rule === 'brute-force')!;
    expect(alert).toBeDefined();
  });
  afterEach(async () => {
    await monitoring.stop();
    await app.close();
    await t.destroy();
  });

  it('opens INC-0001 from a brute-force alert: playbook steps copied, the alert linked and acknowledged by the opener', async () => {
    const incident = await open({
      title: 'Password guessing on admin',
      severity: 'high',
      playbook: 'compromised-account',
      alertIds: [alert.id],
    });
    expect(incident).toMatchObject({ number: 'INC-0001', state: 'open', playbook: 'compromised-account' });
    expect(incident.steps).toHaveLength(4);
    expect(incident.steps[0]).toMatchObject({ position: 1, doneAt: null, doneBy: null });
    expect(incident.steps[0]!.step).toMatch(/Revoke the account's sessions/);
    expect(incident.alerts).toEqual([
      expect.objectContaining({ id: alert.id, rule: 'brute-force', state: 'acknowledged' }),
    ]);
    expect(incident.timeline.map((e) => e.kind)).toEqual(['opened', 'alert']);
    expect(await alertNamed(alert.id)).toMatchObject({ incidentId: incident.id, acknowledgedBy: incident.openedBy });
    const byNumber = await get<IncidentView>('/api/security/incidents/INC-0001');
    expect(byNumber.id).toBe(incident.id);
    const second = await open({ title: 'By hand', severity: 'low' });
    expect(second.number).toBe('INC-0002');
  });

  it('ticks a step, adds a note, refuses to close without root cause and lessons, then closes the incident and its alert', async () => {
    const { id } = await open({ title: 'Guessing', severity: 'high', playbook: 'ransomware', alertIds: [alert.id] });
    const step = await post(`/api/security/incidents/${id}/steps/2`, { done: true });
    expect(step.statusCode, step.body).toBe(200);
    expect(step.json<IncidentView>().steps[1]!.doneAt).not.toBeNull();
    const note = await post(`/api/security/incidents/${id}/entries`, { kind: 'action', text: 'Blocked the source' });
    expect(note.json<IncidentView>().timeline.at(-1)).toMatchObject({ kind: 'action', text: 'Blocked the source' });
    expect((await post(`/api/security/incidents/${id}/close`, { rootCause: 'Weak password' })).statusCode).toBe(400);
    expect((await post(`/api/security/incidents/${id}/close`, { rootCause: ' ', lessons: 'x' })).statusCode).toBe(400);
    const closed = await post(`/api/security/incidents/${id}/close`, { rootCause: 'Weak password', lessons: 'MFA' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json<IncidentView>()).toMatchObject({ state: 'closed', rootCause: 'Weak password', lessons: 'MFA' });
    expect(closed.json<IncidentView>().timeline.at(-1)!.text).toMatch(/steps not done: 1, 3, 4, 5/);
    expect(await alertNamed(alert.id)).toMatchObject({ state: 'closed', closedAt: expect.any(String) as string });
  });

  it('refuses every change to a closed incident with 409', async () => {
    const { id, openedBy } = await open({ title: 'Done soon', severity: 'medium', playbook: 'generic' });
    await post(`/api/security/incidents/${id}/close`, { rootCause: 'False positive', lessons: 'Tune the rule' });
    const tries = [
      post(`/api/security/incidents/${id}/entries`, { kind: 'note', text: 'late' }),
      post(`/api/security/incidents/${id}/steps/1`, { done: true }),
      post(`/api/security/incidents/${id}/alerts`, { alertIds: [alert.id] }),
      post(`/api/security/incidents/${id}/owner`, { owner: openedBy }),
      post(`/api/security/incidents/${id}/close`, { rootCause: 'again', lessons: 'again' }),
    ];
    for (const response of await Promise.all(tries)) expect(response.statusCode, response.body).toBe(409);
  });

  it('refuses with 409 to link an alert already linked to another open incident', async () => {
    await open({ title: 'First', severity: 'high', alertIds: [alert.id] });
    const twice = await post('/api/security/incidents', { title: 'Second', severity: 'high', alertIds: [alert.id] });
    expect(twice.statusCode).toBe(409);
    const other = await open({ title: 'Third', severity: 'low' });
    expect((await post(`/api/security/incidents/${other.id}/alerts`, { alertIds: [alert.id] })).statusCode).toBe(409);
  });

  it('assigns an existing account as owner and refuses one that does not exist', async () => {
    const officer = await makeUser(t.bastion, app, { username: 'olga', roles: [{ role: 'security-officer' }] });
    const { id } = await open({ title: 'Owned', severity: 'low' });
    const assigned = await post(`/api/security/incidents/${id}/owner`, { owner: officer.id });
    expect(assigned.json<IncidentView>().owner).toBe(officer.id);
    const nobody = await post(`/api/security/incidents/${id}/owner`, { owner: '0190c0de-0000-7000-8000-000000000000' });
    expect(nobody.statusCode).toBe(400);
  });

  it('writes an audit record for each incident command, the undone steps in the close record', async () => {
    const { id } = await open({ title: 'Audited', severity: 'high', playbook: 'recipe-tampering' });
    await post(`/api/security/incidents/${id}/steps/1`, { done: true });
    await post(`/api/security/incidents/${id}/entries`, { kind: 'note', text: 'noted' });
    await post(`/api/security/incidents/${id}/owner`, {
      owner: (await get<IncidentView>(`/api/security/incidents/${id}`)).openedBy,
    });
    await post(`/api/security/incidents/${id}/alerts`, { alertIds: [alert.id] });
    await post(`/api/security/incidents/${id}/close`, { rootCause: 'Test', lessons: 'Test' });
    const audit = await get<AuditPage>(`/api/audit/records?targetId=${id}`);
    const actions = audit.records.filter((r) => r.record.outcome === 'success').map((r) => r.record.action);
    expect(actions).toEqual([
      'monitoring.incidents.open',
      'monitoring.incidents.step',
      'monitoring.incidents.note',
      'monitoring.incidents.assign',
      'monitoring.incidents.link',
      'monitoring.incidents.close',
    ]);
    expect(audit.records.at(-1)!.record.details).toMatchObject({ undoneSteps: [2, 3, 4] });
  });

  it('lets an auditor list and read incidents and playbooks but not open one (403)', async () => {
    const { id } = await open({ title: 'Visible', severity: 'low' });
    const user = await makeUser(t.bastion, app, { username: 'audrey', roles: [{ role: 'auditor' }] });
    const auditor = await enrolledSession(app, user);
    const list = await get<{ items: IncidentView[] }>('/api/security/incidents?state=open', auditor);
    expect(list.items.map((i) => i.id)).toEqual([id]);
    expect((await get<IncidentView>(`/api/security/incidents/${id}`, auditor)).title).toBe('Visible');
    const playbooks = await get<{ items: { name: string }[] }>('/api/security/playbooks', auditor);
    expect(playbooks.items.map((p) => p.name)).toEqual([
      'ransomware',
      'recipe-tampering',
      'compromised-account',
      'generic',
    ]);
    const refused = await post('/api/security/incidents', { title: 'No', severity: 'low' }, auditor);
    expect(refused.statusCode).toBe(403);
  });
});
