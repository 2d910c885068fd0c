import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { api, execute, unwrap, urlOf } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { Badge, Button, Empty, ErrorNote, Loading, Notice, When } from '../../ui/controls';
import { Panel, Screen } from '../../ui/page';
import { Select } from '../../ui/select';
import { Table } from '../../ui/table';
import { Progress } from './parts';
import { labelOf, linesOf, STATE_TONE, usePlant } from './plant';
import { orderRoute } from './routes';
import '../../styles/production.css';

/** One work order: its operations and figures, and what the person may do with it next. */
export function OrderScreen() {
  const { number } = orderRoute.useParams();
  const order = useQuery({
    queryKey: ['orders', 'one', number],
    queryFn: () => unwrap(api.GET('/api/orders/{number}', { params: { path: { number } } })),
  });
  if (order.isPending) return <Loading what={`work order ${number}`} />;
  if (order.isError)
    return (
      <Screen title={`Work order ${number}`}>
        <ErrorNote error={order.error} />
        <Link to="/orders">Back to the work orders</Link>
      </Screen>
    );
  const o = order.data;
  const done = o.operations.filter((op) => op.state === 'completed').length;
  return (
    <Screen title={`Work order ${o.number}`} intro="Its operations, quantities and next steps.">
      <p className="back">
        <Link to="/orders">← All work orders</Link>
      </p>
      <Panel title="Summary">
        <dl className="facts">
          <dt>State</dt>
          <dd>
            <Badge tone={STATE_TONE[o.state] ?? 'neutral'}>{o.state}</Badge>
          </dd>
          <dt>Line</dt>
          <dd>{o.line ?? 'not dispatched'}</dd>
          <dt>Due</dt>
          <dd>
            <When at={o.due} />
          </dd>
          <dt>Operations done</dt>
          <dd>
            {done} of {o.operations.length}
          </dd>
          <dt>Quantity</dt>
          <dd>
            <Progress good={o.good} scrap={o.scrap} planned={o.quantity} label={`Progress of ${o.number}`} />
          </dd>
        </dl>
      </Panel>
      <Actions number={o.number} state={o.state} />
      <Panel title="Operations">
        <Table
          caption={`Operations of ${o.number}`}
          rows={o.operations}
          rowKey={(op) => String(op.sequence)}
          columns={[
            { header: 'Step', cell: (op) => op.sequence, numeric: true },
            { header: 'Operation', cell: (op) => op.name },
            { header: 'Work cell', cell: (op) => op.workCell },
            { header: 'State', cell: (op) => <Badge tone={STATE_TONE[op.state] ?? 'neutral'}>{op.state}</Badge> },
            { header: 'Good', cell: (op) => op.good, numeric: true },
            { header: 'Scrap', cell: (op) => op.scrap, numeric: true },
          ]}
          empty={{
            title: 'No operations yet',
            hint: 'Operations come from the product’s released routing when the order is released.',
          }}
        />
      </Panel>
    </Screen>
  );
}

/** Release, dispatch, close and the batch record, each shown only when the state and the role allow it. */
function Actions({ number, state }: { number: string; state: string }) {
  const me = useSignedIn();
  const client = useQueryClient();
  const plan = can(me, 'production.orders.plan');
  const exportRecord = can(me, 'recipes.read-secret') && (state === 'completed' || state === 'closed');
  const [done, setDone] = useState('');
  const changed = async (what: string) => {
    setDone(what);
    await client.invalidateQueries({ queryKey: ['orders'] });
  };
  const release = useMutation({
    mutationFn: () => execute(api.POST('/api/orders/release', { body: { number } })),
    onSuccess: () => changed(`Work order ${number} released.`),
  });
  const close = useMutation({
    mutationFn: () => execute(api.POST('/api/orders/close', { body: { number } })),
    onSuccess: () => changed(`Work order ${number} closed.`),
  });
  const dispatch = useMutation({
    mutationFn: (line: string) => execute(api.POST('/api/orders/dispatch', { body: { number, line } })),
    onSuccess: (order) => changed(`Work order ${number} dispatched to ${order.line ?? 'its line'}.`),
  });
  const possible = plan && ['created', 'released', 'completed'].includes(state);
  if (!possible && !exportRecord && done === '') return null;
  return (
    <Panel title="Actions">
      {done !== '' && <Notice>{done}</Notice>}
      <ErrorNote error={release.error ?? dispatch.error ?? close.error} />
      {plan && state === 'created' && (
        <Button onPress={() => release.mutate()} isDisabled={release.isPending}>
          Release
        </Button>
      )}
      {plan && state === 'released' && <Dispatch pending={dispatch.isPending} onDispatch={dispatch.mutate} />}
      {plan && state === 'completed' && (
        <Button onPress={() => close.mutate()} isDisabled={close.isPending}>
          Close
        </Button>
      )}
      {exportRecord && (
        <p className="row">
          Batch record:
          <a href={urlOf(`/api/orders/${encodeURIComponent(number)}/batch-record`, { format: 'pdf' })}>PDF</a>
          <a href={urlOf(`/api/orders/${encodeURIComponent(number)}/batch-record`, { format: 'json' })}>JSON</a>
        </p>
      )}
    </Panel>
  );
}

function Dispatch({ pending, onDispatch }: { pending: boolean; onDispatch: (line: string) => void }) {
  const plant = usePlant();
  const [line, setLine] = useState<string | null>(null);
  const lines = linesOf(plant.data ?? []);
  if (plant.isError) return <ErrorNote error={plant.error} />;
  if (plant.isSuccess && lines.length === 0)
    return <Empty title="No line to dispatch to" hint="Add a line to the plant model first." />;
  return (
    <div className="row">
      <Select
        label="Line"
        value={line}
        onChange={setLine}
        options={lines.map((n) => ({ value: n.path, label: labelOf(n) }))}
        placeholder="Choose a line…"
      />
      <Button onPress={() => line !== null && onDispatch(line)} isDisabled={line === null || pending}>
        Dispatch
      </Button>
    </div>
  );
}
