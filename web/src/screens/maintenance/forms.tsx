import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Checkbox, Label, TextArea, TextField } from 'react-aria-components';
import { api, execute } from '../../api/client';
import { Button, ErrorNote, Field } from '../../ui/controls';
import { Select } from '../../ui/select';
import { HISTORY_KEY, ORDERS_KEY, PLANS_KEY, placeOptions, usePlaces, type Order } from './shared';

/** A multi-line text field (descriptions, work done): people write sentences here. */
export function LongText({
  label,
  value,
  onChange,
  hint,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string;
}) {
  return (
    <TextField className="field long-text" value={value} onChange={onChange} isRequired>
      <Label>{label}</Label>
      <TextArea rows={3} />
      {hint !== undefined && <span className="hint">{hint}</span>}
    </TextField>
  );
}

/** Report a fault: the machine, what is wrong, and whether the repair takes it down. */
export function ReportFault({ close, onDone }: { close: () => void; onDone: (order: Order) => void }) {
  const client = useQueryClient();
  const places = usePlaces();
  const [equipment, setEquipment] = useState<string | null>(null);
  const [description, setDescription] = useState('');
  const [stops, setStops] = useState(true);
  const report = useMutation({
    mutationFn: () =>
      execute(
        api.POST('/api/maintenance/orders', {
          body: { equipment: equipment ?? '', description, stopsEquipment: stops },
        }),
      ),
    onSuccess: async (order) => {
      await client.invalidateQueries({ queryKey: ['maintenance'] });
      onDone(order);
      close();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    report.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="Report a fault">
      <Select
        label="Equipment"
        options={placeOptions(places.data, true)}
        value={equipment}
        onChange={setEquipment}
        isRequired
      />
      <LongText
        label="What is wrong"
        value={description}
        onChange={setDescription}
        hint="At least 5 characters: what you saw, heard or measured."
      />
      <Checkbox className="checkbox" isSelected={stops} onChange={setStops}>
        <span className="box" aria-hidden="true" />
        The repair takes the equipment down
      </Checkbox>
      <ErrorNote error={report.error} />
      <div className="row">
        <Button type="submit" isDisabled={report.isPending || equipment === null}>
          Report the fault
        </Button>
        <Button variant="secondary" onPress={close}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

interface PartLine {
  key: number;
  part: string;
  quantity: string;
  unit: string;
}

/** Complete an order: what was done and the parts used (each part a line of name, quantity and unit). */
export function CompleteOrder({
  order,
  close,
  onDone,
}: {
  order: Order;
  close: () => void;
  onDone: (o: Order) => void;
}) {
  const client = useQueryClient();
  const [workDone, setWorkDone] = useState('');
  const [parts, setParts] = useState<PartLine[]>([]);
  const [next, setNext] = useState(1);
  const change = (key: number, patch: Partial<PartLine>) =>
    setParts((all) => all.map((p) => (p.key === key ? { ...p, ...patch } : p)));
  const complete = useMutation({
    mutationFn: () =>
      execute(
        api.POST('/api/maintenance/orders/complete', {
          body: {
            number: order.number,
            equipment: order.equipment,
            workDone,
            parts: parts
              .filter((p) => p.part.trim() !== '')
              .map((p) => ({ part: p.part.trim(), quantity: Number(p.quantity), unit: p.unit.trim() })),
          },
        }),
      ),
    onSuccess: async (done) => {
      await Promise.all([
        client.invalidateQueries({ queryKey: ORDERS_KEY }),
        client.invalidateQueries({ queryKey: HISTORY_KEY }),
        client.invalidateQueries({ queryKey: PLANS_KEY }),
      ]);
      onDone(done);
      close();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    complete.mutate();
  };
  return (
    <form onSubmit={submit} aria-label={`Complete ${order.number}`}>
      <p>
        {order.number} at {order.equipment}: {order.description}
      </p>
      <LongText label="Work done" value={workDone} onChange={setWorkDone} hint="At least 5 characters." />
      <fieldset className="parts">
        <legend>Parts used</legend>
        {parts.length === 0 && <p className="hint">No part recorded.</p>}
        {parts.map((p, index) => (
          <div className="row" key={p.key}>
            <Field label={`Part ${index + 1}`} value={p.part} onChange={(v) => change(p.key, { part: v })} isRequired />
            <Field
              label={`Quantity of part ${index + 1}`}
              inputMode="decimal"
              value={p.quantity}
              onChange={(v) => change(p.key, { quantity: v })}
              isRequired
            />
            <Field
              label={`Unit of part ${index + 1}`}
              value={p.unit}
              onChange={(v) => change(p.key, { unit: v })}
              hint="pcs, m, kg, l…"
              isRequired
            />
            <Button variant="secondary" onPress={() => setParts((all) => all.filter((x) => x.key !== p.key))}>
              Remove part {index + 1}
            </Button>
          </div>
        ))}
        <Button
          variant="secondary"
          onPress={() => {
            setParts((all) => [...all, { key: next, part: '', quantity: '1', unit: 'pcs' }]);
            setNext((n) => n + 1);
          }}
        >
          Add a part
        </Button>
      </fieldset>
      <ErrorNote error={complete.error} />
      <div className="row">
        <Button type="submit" isDisabled={complete.isPending}>
          Complete {order.number}
        </Button>
        <Button variant="secondary" onPress={close}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
