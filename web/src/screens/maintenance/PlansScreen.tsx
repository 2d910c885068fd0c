import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ProgressBar } from 'react-aria-components';
import { api, execute, unwrap } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { Badge, Button, ErrorNote, Field, Notice, When } from '../../ui/controls';
import { DialogButton } from '../../ui/dialog';
import { Panel, Screen } from '../../ui/page';
import { Select } from '../../ui/select';
import { PagedTable } from '../../ui/table';
import { LongText } from './forms';
import { MaintenanceTabs, placeOptions, PLANS_KEY, usePlaces, type Plan } from './shared';

const unitOf = (plan: Pick<Plan, 'trigger'>) => (plan.trigger === 'calendar' ? 'days' : 'parts');
// One decimal is enough for days; a whole number needs none ("0 of 7 days", "2.5 of 7 days").
const figure = (n: number) => String(Math.round(n * 10) / 10);

/** How far a plan has run since it was last done, as a bar and as the figure itself (the bar alone says too little). */
function Progress({ plan }: { plan: Plan }) {
  const percent = plan.interval > 0 ? Math.round((plan.used / plan.interval) * 100) : 0;
  const text = `${figure(plan.used)} of ${figure(plan.interval)} ${unitOf(plan)} (${percent}%)`;
  return (
    <ProgressBar
      className={`plan-progress${plan.due ? ' due' : ''}`}
      value={Math.min(plan.used, plan.interval)}
      maxValue={plan.interval}
      valueLabel={text}
      aria-label={`${plan.code}: ${text}`}
    >
      {({ percentage }) => (
        <>
          <div className="bar" aria-hidden="true">
            <div className="fill" style={{ width: `${percentage ?? 0}%` }} />
          </div>
          <span className="figure">{text}</span>
        </>
      )}
    </ProgressBar>
  );
}

function DefinePlan({ close, onDone }: { close: () => void; onDone: (code: string) => void }) {
  const client = useQueryClient();
  const places = usePlaces();
  const [code, setCode] = useState('');
  const [equipment, setEquipment] = useState<string | null>(null);
  const [trigger, setTrigger] = useState<'calendar' | 'counter'>('calendar');
  const [interval, setInterval] = useState('30');
  const [task, setTask] = useState('');
  const define = useMutation({
    mutationFn: () =>
      execute(
        api.POST('/api/maintenance/plans', {
          body: { code: code.trim(), equipment: equipment ?? '', trigger, interval: Number(interval), task },
        }),
      ),
    onSuccess: async (plan) => {
      await client.invalidateQueries({ queryKey: PLANS_KEY });
      onDone(plan.code);
      close();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    define.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="Plan preventive maintenance">
      <Field
        label="Plan code"
        value={code}
        onChange={setCode}
        hint="Capitals, digits, . _ - (e.g. PM-PRESS1-DIE)"
        isRequired
      />
      <Select
        label="Equipment"
        options={placeOptions(places.data, true)}
        value={equipment}
        onChange={setEquipment}
        isRequired
      />
      <Select
        label="Due by"
        options={[
          { value: 'calendar', label: 'Calendar: every N days' },
          { value: 'counter', label: 'Counter: every N parts made' },
        ]}
        value={trigger}
        onChange={(v) => setTrigger(v as 'calendar' | 'counter')}
      />
      <Field
        label={trigger === 'calendar' ? 'Every how many days' : 'Every how many parts'}
        inputMode="decimal"
        value={interval}
        onChange={setInterval}
        isRequired
      />
      <LongText label="Task" value={task} onChange={setTask} hint="What to do, at least 5 characters." />
      <ErrorNote error={define.error} />
      <div className="row">
        <Button type="submit" isDisabled={define.isPending || equipment === null}>
          Save the plan
        </Button>
        <Button variant="secondary" onPress={close}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** Opens orders for the plans that are due, in a place the maintainer is responsible for. */
function Schedule({ onDone }: { onDone: (message: string) => void }) {
  const me = useSignedIn();
  const client = useQueryClient();
  const places = usePlaces();
  const home = me.grants.find((g) => g.role === 'maintenance' || g.role === 'supervisor')?.scope ?? '/';
  const [where, setWhere] = useState<string>(home);
  const schedule = useMutation({
    mutationFn: () =>
      execute(api.POST('/api/maintenance/plans/schedule', { body: where === '/' ? {} : { equipment: where } })),
    onSuccess: async ({ opened }) => {
      onDone(
        opened.length === 0
          ? 'No plan is due: no order was opened.'
          : `Opened ${opened.length} preventive order${opened.length === 1 ? '' : 's'}: ${opened.join(', ')}.`,
      );
      await client.invalidateQueries({ queryKey: ['maintenance'] });
    },
  });
  return (
    <div className="row">
      <Select
        label="Schedule the due plans at"
        options={[{ value: '/', label: 'Everywhere' }, ...placeOptions(places.data)]}
        value={where}
        onChange={setWhere}
      />
      <Button onPress={() => schedule.mutate()} isDisabled={schedule.isPending}>
        Schedule due plans
      </Button>
      <ErrorNote error={schedule.error} />
    </div>
  );
}

/** Preventive plans: how far each has run towards its next service, plan a new one, open orders for the due. */
export function PlansScreen() {
  const me = useSignedIn();
  const [done, setDone] = useState<string | null>(null);
  const manage = can(me, 'maintenance.manage');
  return (
    <Screen
      title="Preventive plans"
      intro="Every plan is due after a number of days or of parts made; scheduling opens an order for each due plan."
      actions={
        manage ? (
          <DialogButton label="Plan maintenance" title="Plan preventive maintenance">
            {(close) => <DefinePlan close={close} onDone={(code) => setDone(`Plan ${code} saved.`)} />}
          </DialogButton>
        ) : undefined
      }
    >
      <MaintenanceTabs />
      {done !== null && <Notice>{done}</Notice>}
      {manage && (
        <Panel title="Schedule">
          <Schedule onDone={setDone} />
        </Panel>
      )}
      <Panel title="Plans">
        <PagedTable<Plan>
          queryKey={PLANS_KEY}
          fetchPage={(cursor) =>
            unwrap(api.GET('/api/maintenance/plans', { params: { query: { cursor, limit: 25 } } }))
          }
          caption="Preventive maintenance plans"
          rowKey={(p) => p.code}
          empty={{
            title: 'No preventive plan',
            hint: 'Plan maintenance for a machine: every N days or every N parts.',
          }}
          columns={[
            { header: 'Plan', cell: (p) => p.code },
            { header: 'Equipment', cell: (p) => p.equipment },
            { header: 'Task', cell: (p) => p.task },
            { header: 'Every', cell: (p) => `${figure(p.interval)} ${unitOf(p)}` },
            { header: 'Last done', cell: (p) => <When at={p.lastDoneAt} /> },
            { header: 'Progress', cell: (p) => <Progress plan={p} /> },
            {
              header: 'Due',
              cell: (p) => (p.due ? <Badge tone="warn">due</Badge> : <Badge tone="good">not yet</Badge>),
            },
          ]}
        />
      </Panel>
    </Screen>
  );
}
