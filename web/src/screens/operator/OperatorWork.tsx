import { useState, type ReactNode } from 'react';
import { ToggleButton } from 'react-aria-components';
import { Badge, Empty, ErrorNote, Loading } from '../../ui/controls';
import { useOrder, useWorkOrders, type OrderSummary } from './data';
import { OperationWork } from './OperationWork';
import { OutboxPanel } from './OutboxPanel';

const TONE: Record<string, 'good' | 'warn' | 'neutral' | 'bad'> = {
  running: 'good',
  paused: 'warn',
  completed: 'neutral',
  pending: 'neutral',
  dispatched: 'neutral',
};

/** A big choice in a list (an order, an operation): pressed while chosen. */
export function Choice({ chosen, onPress, children }: { chosen: boolean; onPress: () => void; children: ReactNode }) {
  return (
    <ToggleButton className="button button-big op-choice" isSelected={chosen} onChange={onPress}>
      {children}
    </ToggleButton>
  );
}

export function StateBadge({ state }: { state: string }) {
  return <Badge tone={TONE[state] ?? 'neutral'}>{state}</Badge>;
}

function OrderList({
  line,
  selected,
  onSelect,
}: {
  line: string | undefined;
  selected: string | undefined;
  onSelect: (order: OrderSummary) => void;
}) {
  const orders = useWorkOrders(line);
  if (orders.isPending) return <Loading what="orders" />;
  if (orders.isError) return <ErrorNote error={orders.error} />;
  if (orders.data.length === 0)
    return (
      <Empty
        title="No dispatched or running orders"
        hint="A supervisor dispatches orders to this line; they appear here on their own."
      />
    );
  return (
    <ul className="op-orders" aria-label="Orders">
      {orders.data.map((o) => (
        <li key={o.number}>
          <Choice chosen={o.number === selected} onPress={() => onSelect(o)}>
            <span className="op-choice-title">{o.number}</span>
            <span>
              {o.product} · {o.state}
            </span>
            <span>
              {o.good} good / {o.scrap} scrap of {o.quantity}
            </span>
          </Choice>
        </li>
      ))}
    </ul>
  );
}

function OrderWork({ summary, user }: { summary: OrderSummary; user: string }) {
  const order = useOrder(summary.number);
  const [sequence, setSequence] = useState<number>();
  if (order.isPending) return <Loading what={`order ${summary.number}`} />;
  if (order.isError) return <ErrorNote error={order.error} />;
  const chosen =
    order.data.operations.find((op) => op.sequence === sequence) ??
    order.data.operations.find((op) => op.state === 'running' || op.state === 'paused');
  return (
    <div className="op-order">
      <h2>
        Order {order.data.number} · {summary.product}
      </h2>
      <p>
        {order.data.good} good, {order.data.scrap} scrap of {order.data.quantity} · order{' '}
        <StateBadge state={order.data.state} />
      </p>
      <ul className="op-operations" aria-label="Operations">
        {order.data.operations.map((op) => (
          <li key={op.sequence}>
            <Choice chosen={op.sequence === chosen?.sequence} onPress={() => setSequence(op.sequence)}>
              <span className="op-choice-title">
                {op.sequence} {op.name}
              </span>
              <span>
                {op.state} · {op.good} good / {op.scrap} scrap
              </span>
            </Choice>
          </li>
        ))}
      </ul>
      {chosen === undefined ? (
        <Empty title="Choose an operation" hint="Press an operation above to start it and report on it." />
      ) : (
        <OperationWork
          key={chosen.sequence}
          order={order.data}
          product={summary.product}
          operation={chosen}
          user={user}
        />
      )}
    </div>
  );
}

/** The operator's work: the line's orders, an order's operations, and what to do on the chosen one. */
export function OperatorWork({ user, line }: { user: string; line?: string }) {
  const [order, setOrder] = useState<OrderSummary>();
  return (
    <div className="op-work">
      <OutboxPanel user={user} />
      <div className="op-columns">
        <section className="op-side" aria-labelledby="op-orders-title">
          <h2 id="op-orders-title">{line !== undefined ? `Orders on ${line}` : 'Orders in my scope'}</h2>
          <OrderList line={line} selected={order?.number} onSelect={setOrder} />
        </section>
        <section className="op-main" aria-label="Order">
          {order === undefined ? (
            <Empty title="Choose an order" hint="Press one of the dispatched or running orders on the left." />
          ) : (
            <OrderWork key={order.number} summary={order} user={user} />
          )}
        </section>
      </div>
    </div>
  );
}
