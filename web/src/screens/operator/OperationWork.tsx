import { useState, type FormEvent } from 'react';
import { Form, Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { Button, Field, Notice } from '../../ui/controls';
import { Select } from '../../ui/select';
import type { OperationMove } from './actions';
import type { Operation, Order } from './data';
import { InspectionTab } from './InspectionTab';
import { InstructionsTab } from './InstructionsTab';
import { MaterialTab } from './MaterialTab';
import { enqueue } from './outbox';
import { StateBadge } from './OperatorWork';

export interface OperationProps {
  order: Order;
  product: string;
  operation: Operation;
  user: string;
}

/** Which moves an operation in a state allows (the server decides; this only offers the sensible ones). */
const MOVES: Record<string, { move: OperationMove; label: string; variant: 'big' | 'secondary' }[]> = {
  pending: [{ move: 'start', label: 'Start', variant: 'big' }],
  running: [
    { move: 'pause', label: 'Pause', variant: 'secondary' },
    { move: 'complete', label: 'Complete', variant: 'big' },
  ],
  paused: [{ move: 'resume', label: 'Resume', variant: 'big' }],
};

export const quantityOf = (text: string): number | undefined =>
  /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : undefined;

export const target = ({ order, operation }: OperationProps) => ({
  number: order.number,
  line: order.line ?? '',
  sequence: operation.sequence,
});

function RunTab(props: OperationProps) {
  const { order, operation, user } = props;
  const [good, setGood] = useState('');
  const [scrap, setScrap] = useState('');
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<string>();
  const name = `${order.number} op ${operation.sequence}`;
  const move = (m: OperationMove, label: string) => {
    enqueue(user, `${label} ${name}`, { kind: m, body: target(props) });
    setDone(`${label}: taken for ${name}.`);
  };
  const report = (event: FormEvent) => {
    event.preventDefault();
    const g = good === '' ? 0 : quantityOf(good);
    const s = scrap === '' ? 0 : quantityOf(scrap);
    if (g === undefined || s === undefined) return setError('Quantities are whole or decimal numbers.');
    if (g + s === 0) return setError('Report at least one good or scrapped unit.');
    if (s > 0 && reason.trim() === '') return setError('Say why the scrap was scrapped.');
    setError(undefined);
    const label = `Report ${g} good, ${s} scrap on ${name}`;
    enqueue(user, label, {
      kind: 'report',
      body: { ...target(props), good: g, scrap: s, ...(s > 0 ? { scrapReason: reason.trim() } : {}) },
    });
    setGood('');
    setScrap('');
    setReason('');
    setDone(`${label}: taken.`);
  };
  return (
    <div className="op-tab">
      <div className="op-moves">
        {(MOVES[operation.state] ?? []).map((m) => (
          <Button key={m.move} variant={m.variant} onPress={() => move(m.move, m.label)}>
            {m.label}
          </Button>
        ))}
        {operation.state === 'completed' && <p>This operation is complete.</p>}
      </div>
      <Form onSubmit={report} aria-label="Report quantities" className="op-form">
        <h4>Report quantities</h4>
        <div className="op-row">
          <Field label="Good" inputMode="decimal" value={good} onChange={setGood} />
          <Field label="Scrap" inputMode="decimal" value={scrap} onChange={setScrap} />
          <Field label="Scrap reason" value={reason} onChange={setReason} hint="Needed when scrap is reported." />
        </div>
        {error !== undefined && (
          <p role="alert" className="error-note">
            {error}
          </p>
        )}
        <Button type="submit" variant="big">
          Report
        </Button>
      </Form>
      {done !== undefined && <Notice>{done}</Notice>}
    </div>
  );
}

function DownTimeTab(props: OperationProps) {
  const { operation, user } = props;
  const [reason, setReason] = useState('');
  const [category, setCategory] = useState<'breakdown' | 'setup'>('breakdown');
  const [done, setDone] = useState<string>();
  const equipment = operation.workCell;
  const report = (state: 'down' | 'running') => {
    const at = new Date().toISOString();
    const label = state === 'down' ? `Down time at ${equipment}: ${reason.trim()}` : `${equipment} running again`;
    enqueue(user, label, {
      kind: 'state',
      body: { equipment, state, at, ...(state === 'down' ? { category, reason: reason.trim() } : {}) },
    });
    setDone(`${label}: taken.`);
    setReason('');
  };
  return (
    <div className="op-tab">
      <p>
        Equipment: <strong>{equipment}</strong>
      </p>
      <div className="op-row">
        <Select
          label="Kind of stop"
          value={category}
          onChange={(v) => setCategory(v === 'setup' ? 'setup' : 'breakdown')}
          options={[
            { value: 'breakdown', label: 'Breakdown' },
            { value: 'setup', label: 'Set-up' },
          ]}
        />
        <Field label="Down time reason" value={reason} onChange={setReason} />
      </div>
      <div className="op-moves">
        <Button variant="danger" isDisabled={reason.trim() === ''} onPress={() => report('down')}>
          Report down
        </Button>
        <Button variant="secondary" onPress={() => report('running')}>
          Running again
        </Button>
      </div>
      {done !== undefined && <Notice>{done}</Notice>}
    </div>
  );
}

/** One operation: its moves, quantities, material, inspection, down time and instructions, each a tab. */
export function OperationWork(props: OperationProps) {
  const { operation } = props;
  return (
    <section className="op-operation" aria-labelledby="op-operation-title">
      <h3 id="op-operation-title">
        Operation {operation.sequence} · {operation.name} <StateBadge state={operation.state} />
      </h3>
      <p className="op-meta">
        At {operation.workCell} · {operation.good} good, {operation.scrap} scrap reported
      </p>
      <Tabs className="op-tabs">
        <TabList aria-label="Operation work">
          <Tab id="run">Run and report</Tab>
          <Tab id="material">Material</Tab>
          <Tab id="inspection">Inspection</Tab>
          <Tab id="down">Down time</Tab>
          <Tab id="instructions">Instructions</Tab>
        </TabList>
        <TabPanel id="run">
          <RunTab {...props} />
        </TabPanel>
        <TabPanel id="material">
          <MaterialTab {...props} />
        </TabPanel>
        <TabPanel id="inspection">
          <InspectionTab {...props} />
        </TabPanel>
        <TabPanel id="down">
          <DownTimeTab {...props} />
        </TabPanel>
        <TabPanel id="instructions">
          <InstructionsTab {...props} />
        </TabPanel>
      </Tabs>
    </section>
  );
}
