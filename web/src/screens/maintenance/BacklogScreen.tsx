import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, execute, unwrap } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { Button, ErrorNote, Notice, When } from '../../ui/controls';
import { DialogButton } from '../../ui/dialog';
import { Panel, Screen } from '../../ui/page';
import { Select } from '../../ui/select';
import { PagedTable } from '../../ui/table';
import { CompleteOrder, ReportFault } from './forms';
import { backlogRoute, type BacklogSearch, type OrderState } from './routes';
import { duration, MaintenanceTabs, ORDERS_KEY, placeOptions, StateBadge, usePlaces, type Order } from './shared';

const STATES = [
  { value: '', label: 'Every state' },
  { value: 'open', label: 'Open' },
  { value: 'in-progress', label: 'In progress' },
  { value: 'completed', label: 'Completed' },
];

/** The maintenance backlog: orders by state and equipment; report a fault, start and complete the work. */
export function BacklogScreen() {
  const me = useSignedIn();
  const search = backlogRoute.useSearch();
  const navigate = useNavigate({ from: '/maintenance' });
  const client = useQueryClient();
  const places = usePlaces();
  const [done, setDone] = useState<string | null>(null);
  const manage = can(me, 'maintenance.manage');
  const start = useMutation({
    mutationFn: (order: Order) =>
      execute(
        api.POST('/api/maintenance/orders/start', { body: { number: order.number, equipment: order.equipment } }),
      ),
    onSuccess: async (order) => {
      setDone(`${order.number} is in progress: work has started.`);
      await client.invalidateQueries({ queryKey: ['maintenance'] });
    },
  });
  const filter = (patch: Partial<BacklogSearch>) =>
    void navigate({
      search: (old: BacklogSearch) => {
        const merged = { ...old, ...patch };
        return {
          ...(merged.state !== undefined ? { state: merged.state } : {}),
          ...(merged.equipment !== undefined && merged.equipment !== '' ? { equipment: merged.equipment } : {}),
        };
      },
    });
  return (
    <Screen
      title="Maintenance backlog"
      intro="Maintenance orders, newest first: report a fault, start the work, complete it with what was done."
      actions={
        can(me, 'maintenance.request') ? (
          <DialogButton label="Report a fault" title="Report a fault">
            {(close) => <ReportFault close={close} onDone={(o) => setDone(`${o.number} opened for ${o.equipment}.`)} />}
          </DialogButton>
        ) : undefined
      }
    >
      <MaintenanceTabs />
      {done !== null && <Notice>{done}</Notice>}
      <ErrorNote error={start.error} />
      <Panel title="Orders">
        <div className="row filters">
          <Select
            label="State"
            options={STATES}
            value={search.state ?? ''}
            onChange={(v) => filter({ state: (v === '' ? undefined : v) as OrderState | undefined })}
          />
          <Select
            label="Equipment"
            options={[{ value: '', label: 'Everywhere' }, ...placeOptions(places.data)]}
            value={search.equipment ?? ''}
            onChange={(v) => filter({ equipment: v === '' ? undefined : v })}
            hint="This place and everything below it."
          />
        </div>
        <PagedTable<Order>
          queryKey={[...ORDERS_KEY, search]}
          fetchPage={(cursor) =>
            unwrap(api.GET('/api/maintenance/orders', { params: { query: { ...search, cursor, limit: 25 } } }))
          }
          caption="Maintenance orders"
          rowKey={(o) => o.number}
          empty={{
            title: 'No maintenance order',
            hint: 'Nothing matches these filters. Report a fault, or schedule the preventive plans that are due.',
          }}
          columns={[
            { header: 'Order', cell: (o) => o.number },
            {
              header: 'Equipment',
              cell: (o) => (
                <Link to="/maintenance/history" search={{ equipment: o.equipment }}>
                  {o.equipment}
                </Link>
              ),
            },
            { header: 'Kind', cell: (o) => o.kind },
            { header: 'What', cell: (o) => o.description },
            { header: 'State', cell: (o) => <StateBadge state={o.state} /> },
            { header: 'Opened', cell: (o) => <When at={o.createdAt} /> },
            { header: 'Down time', numeric: true, cell: (o) => (o.stopsEquipment ? duration(o.downtimeMinutes) : '—') },
            {
              header: 'Work',
              cell: (o) =>
                !manage ? null : o.state === 'open' ? (
                  <Button
                    variant="secondary"
                    aria-label={`Start ${o.number}`}
                    isDisabled={start.isPending}
                    onPress={() => start.mutate(o)}
                  >
                    Start
                  </Button>
                ) : o.state === 'in-progress' ? (
                  <DialogButton label={`Complete ${o.number}`} title={`Complete ${o.number}`} variant="secondary">
                    {(close) => (
                      <CompleteOrder order={o} close={close} onDone={(c) => setDone(`${c.number} is completed.`)} />
                    )}
                  </DialogButton>
                ) : (
                  <span>
                    Done <When at={o.completedAt} />
                  </span>
                ),
            },
          ]}
        />
      </Panel>
    </Screen>
  );
}
