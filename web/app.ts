import { ApiError, get, post, setCsrf, withQuery, type LoginResult } from './api.js';
import { show, byId, formValues } from './dom.js';

/**
 * The shop-floor dashboard: log in (with the one-time password change and the second factor the server asks
 * for), then the charts the server draws: OEE and down time per line or machine, control charts, genealogy.
 */

interface Me {
  mustChangePassword: boolean;
  mfa: string;
  grants: { role: string; scope: string }[];
}
interface PlantNode {
  path: string;
  level: string;
  name: string;
  retired: boolean;
}
interface Plan {
  code: string;
  characteristics: { name: string; unit: string }[];
}

const REFRESH_MS = 15_000;
let refreshTimer: number | undefined;
let password = '';

function loginStep(step: 'login' | 'password' | 'totp', error = '') {
  show('login-view', true);
  show('dashboard', false);
  show('login-form', step === 'login');
  show('password-form', step === 'password');
  show('totp-form', step === 'totp');
  byId('login-error').textContent = error;
}

/** Where the session stands decides what comes next: a password change, the second factor, or the dashboard. */
async function proceed(state: { mustChangePassword: boolean; mfa: string }) {
  if (state.mustChangePassword) return loginStep('password');
  if (state.mfa === 'pending') return loginStep('totp');
  if (state.mfa === 'enrolment-required')
    return loginStep('login', 'Your role needs a second factor: enrol an authenticator app first (see the API).');
  await openDashboard();
}

async function openDashboard() {
  const me = await get<Me>('/api/auth/me');
  byId('who').textContent = me.grants.map((g) => `${g.role} @ ${g.scope}`).join(', ');
  show('login-view', false);
  show('dashboard', true);
  show('logout', true);
  await Promise.all([fillEquipment(), fillCharacteristics()]);
  refreshCharts();
  window.clearInterval(refreshTimer);
  refreshTimer = window.setInterval(refreshCharts, REFRESH_MS);
}

async function fillEquipment() {
  const { nodes } = await get<{ nodes: PlantNode[] }>('/api/plant');
  const select = byId<HTMLSelectElement>('equipment');
  select.replaceChildren(
    ...nodes
      .filter((n) => !n.retired && ['line', 'process-cell', 'work-cell', 'equipment'].includes(n.level))
      .map((n) => new Option(`${n.name} (${n.path})`, n.path)),
  );
}

async function fillCharacteristics() {
  const select = byId<HTMLSelectElement>('characteristic');
  try {
    const { plans } = await get<{ plans: Plan[] }>('/api/quality/plans');
    select.replaceChildren(
      ...plans.flatMap((p) =>
        p.characteristics.map((c) => new Option(`${p.code} · ${c.name} (${c.unit})`, `${p.code}\n${c.name}`)),
      ),
    );
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 403)) throw error;
  }
}

/** Charts are <img> of server-drawn SVG: the cookie authorises them, and no chart code runs in the page. */
function refreshCharts() {
  const { equipment, hours } = formValues('oee-form');
  if (equipment !== undefined && equipment !== '') {
    const to = new Date();
    const from = new Date(to.getTime() - Number(hours) * 3_600_000);
    const window = { equipment, from: from.toISOString(), to: to.toISOString(), format: 'svg' };
    byId<HTMLImageElement>('oee-chart').src = withQuery('/api/performance/oee', window);
    byId<HTMLImageElement>('pareto-chart').src = withQuery('/api/performance/downtime', window);
  }
  const [plan, characteristic] = (formValues('spc-form').characteristic ?? '').split('\n');
  if (plan !== undefined && plan !== '' && characteristic !== undefined && characteristic !== '')
    byId<HTMLImageElement>('spc-chart').src = withQuery('/api/quality/spc', { plan, characteristic, format: 'svg' });
}

async function traceLot() {
  const { lot, direction } = formValues('trace-form');
  const base = `/api/lots/${encodeURIComponent(lot ?? '')}/trace`;
  byId('trace-error').textContent = '';
  try {
    await get(withQuery(base, { direction: direction ?? 'backward' })); // a clear error for an unknown lot
    const chart = byId<HTMLImageElement>('trace-chart');
    chart.src = withQuery(base, { direction: direction ?? 'backward', format: 'svg' });
    show('trace-chart', true);
    const csv = byId<HTMLAnchorElement>('trace-csv');
    csv.href = withQuery(base, { direction: direction ?? 'backward', format: 'csv' });
    show('trace-csv', true);
  } catch (error) {
    byId('trace-error').textContent = error instanceof Error ? error.message : String(error);
  }
}

function on(formId: string, handler: () => Promise<void>) {
  byId(formId).addEventListener('submit', (event) => {
    event.preventDefault();
    handler().catch((error: unknown) => {
      byId('login-error').textContent = error instanceof Error ? error.message : String(error);
    });
  });
}

on('login-form', async () => {
  const values = formValues('login-form');
  password = values.password ?? '';
  const result = await post<LoginResult>('/api/auth/login', { username: values.username, password });
  setCsrf(result.csrfToken);
  await proceed(result);
});
on('password-form', async () => {
  await post('/api/auth/password', { currentPassword: password, newPassword: formValues('password-form').newPassword });
  password = '';
  await proceed(await get<Me>('/api/auth/me'));
});
on('totp-form', async () => {
  await post('/api/auth/mfa/verify', { code: formValues('totp-form').code });
  await proceed(await get<Me>('/api/auth/me'));
});
on('trace-form', traceLot);
byId('oee-form').addEventListener('change', refreshCharts);
byId('spc-form').addEventListener('change', refreshCharts);
byId('logout').addEventListener('click', () => {
  void post('/api/auth/logout').finally(() => window.location.reload());
});

get<Me>('/api/auth/me')
  .then(proceed)
  .catch(() => loginStep('login'));
get<{ notice: string }>('/api/auth/notice')
  .then(({ notice }) => (byId('notice').textContent = notice))
  .catch(() => undefined);
