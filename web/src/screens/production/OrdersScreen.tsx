import { Link, useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { Badge, Button, Field, When } from '../../ui/controls';
import { Panel, Screen } from '../../ui/page';
import { Select } from '../../ui/select';
import { PagedTable, type Column } from '../../ui/table';
import { CreateOrder } from './CreateOrder';
import { Progress } from './parts';
import { labelOf, linesOf, STATE_TONE, usePlant } from './plant';
import { ordersRoute } from './routes';
import { ORDER_STATES, PAGE_SIZES, type OrderSearch } from './search';
import type { paths } from '../../api/schema';
import '../../styles/production.css';

type OrderItem = paths['/api/orders']['get']['responses'][200]['content']['application/json']['items'][number];

/** The start of a day in the person's own time zone, as the instant the server filters by. */
const startOfDay = (day: string | undefined) =>
  day === undefined ? undefined : new Date(`${day}T00:00:00`).toISOString();

const columns: Column<OrderItem>[] = [
  {
    header: 'Order',
    cell: (o) => (
      <Link to="/orders/$number" params={{ number: o.number }}>
        {o.number}
      </Link>
    ),
  },
  { header: 'Product', cell: (o) => o.product },
  { header: 'State', cell: (o) => <Badge tone={STATE_TONE[o.state] ?? 'neutral'}>{o.state}</Badge> },
  { header: 'Line', cell: (o) => o.line ?? 'not dispatched' },
  { header: 'Due', cell: (o) => <When at={o.due} /> },
  {
    header: 'Progress',
    cell: (o) => <Progress good={o.good} scrap={o.scrap} planned={o.quantity} label={`Progress of ${o.number}`} />,
  },
];

/** Work orders: filtered by the URL's search parameters, paged by the server (10,000 orders page like 10). */
export function OrdersScreen() {
  const me = useSignedIn();
  const search = ordersRoute.useSearch();
  const navigate = useNavigate({ from: ordersRoute.fullPath });
  const plant = usePlant();
  const set = (change: Partial<OrderSearch>) =>
    void navigate({ search: (old) => ({ ...old, ...change }), replace: true });
  const query = {
    state: search.state,
    line: search.line,
    product: search.product,
    dueFrom: startOfDay(search.dueFrom),
    dueBefore: startOfDay(search.dueBefore),
    limit: search.limit ?? 25,
  };
  return (
    <Screen
      title="Work orders"
      intro="Plan, release and dispatch work orders; follow their progress."
      actions={can(me, 'production.orders.plan') ? <CreateOrder /> : undefined}
    >
      <Panel title="Filters">
        <div className="row">
          <Select
            label="State"
            value={search.state ?? 'any'}
            options={[{ value: 'any', label: 'Any state' }, ...ORDER_STATES.map((s) => ({ value: s, label: s }))]}
            onChange={(v) => set({ state: v === 'any' ? undefined : (v as OrderSearch['state']) })}
          />
          <Select
            label="Line"
            value={search.line ?? 'any'}
            options={[
              { value: 'any', label: 'Any line' },
              ...linesOf(plant.data ?? []).map((n) => ({ value: n.path, label: labelOf(n) })),
            ]}
            onChange={(v) => set({ line: v === 'any' ? undefined : v })}
          />
          <Select
            label="Rows per page"
            value={String(search.limit ?? 25)}
            options={PAGE_SIZES.map((n) => ({ value: String(n), label: String(n) }))}
            onChange={(v) => set({ limit: Number(v) })}
          />
        </div>
        <TextFilters key={JSON.stringify(search)} search={search} apply={set} />
      </Panel>
      <PagedTable
        queryKey={['orders', query]}
        fetchPage={(cursor) => unwrap(api.GET('/api/orders', { params: { query: { ...query, cursor } } }))}
        caption="Work orders"
        columns={columns}
        rowKey={(o) => o.number}
        empty={{
          title: 'No work orders match',
          hint: 'Clear the filters, or create an order (or import them from the ERP).',
        }}
      />
    </Screen>
  );
}

/** Product and due dates, applied together (typing does not reload the list at every key). */
function TextFilters({ search, apply }: { search: OrderSearch; apply: (change: Partial<OrderSearch>) => void }) {
  const [product, setProduct] = useState(search.product ?? '');
  const [dueFrom, setDueFrom] = useState(search.dueFrom ?? '');
  const [dueBefore, setDueBefore] = useState(search.dueBefore ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply({
      product: product.trim() === '' ? undefined : product.trim(),
      dueFrom: dueFrom === '' ? undefined : dueFrom,
      dueBefore: dueBefore === '' ? undefined : dueBefore,
    });
  };
  return (
    <form className="row filters" onSubmit={submit} aria-label="Product and due date">
      <Field label="Product code" value={product} onChange={setProduct} />
      <label className="field">
        <span>Due from</span>
        <input type="date" value={dueFrom} onChange={(e) => setDueFrom(e.target.value)} />
      </label>
      <label className="field">
        <span>Due before</span>
        <input type="date" value={dueBefore} onChange={(e) => setDueBefore(e.target.value)} />
      </label>
      <Button type="submit" variant="secondary">
        Apply filters
      </Button>
      <Button
        variant="secondary"
        onPress={() =>
          apply({ state: undefined, line: undefined, product: undefined, dueFrom: undefined, dueBefore: undefined })
        }
      >
        Clear filters
      </Button>
    </form>
  );
}
