import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { api, ProblemError, unwrap } from '../../api/client';
import { Button, Field, Notice } from '../../ui/controls';
import { Table } from '../../ui/table';
import { enqueue } from './outbox';
import { quantityOf, type OperationProps } from './OperationWork';

interface Staged {
  lot: string;
  quantity: number;
  /** What Bastion said of the lot when it was scanned (unknown when the network was down). */
  about: string;
}

const LOT = /^[A-Z0-9._-]{1,40}$/;

/**
 * Material goes into a running operation as Bastion's genealogy records it: the scanned input lots are
 * consumed into an output lot of the order, in one command (POST /api/lots/produce with order and operation).
 * A scanner types the lot number and Enter into the focused field, which adds it to the list.
 */
export function MaterialTab(props: OperationProps) {
  const { order, product, operation, user } = props;
  const client = useQueryClient();
  const [lot, setLot] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [staged, setStaged] = useState<Staged[]>([]);
  const [output, setOutput] = useState(`${order.number}-${operation.sequence}-01`);
  const [outputQuantity, setOutputQuantity] = useState('1');
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();

  const add = async (event: FormEvent) => {
    event.preventDefault();
    const number = lot.trim().toUpperCase();
    const amount = quantityOf(quantity);
    if (!LOT.test(number)) return setError('A lot number is upper-case letters, digits, dot, dash or underscore.');
    if (amount === undefined || amount <= 0) return setError('The quantity consumed is a positive number.');
    if (staged.some((s) => s.lot === number)) return setError(`Lot ${number} is already in the list.`);
    let about = 'not checked: Bastion could not be reached';
    try {
      const found = await client.fetchQuery({
        queryKey: ['operator', 'lot', number],
        networkMode: 'always',
        queryFn: () => unwrap(api.GET('/api/lots/{number}', { params: { path: { number } } })),
      });
      if (found.state !== 'available') return setError(`Lot ${number} is ${found.state}; it cannot be consumed.`);
      about = `${found.material}, ${found.available} ${found.unit} available`;
    } catch (cause) {
      if (cause instanceof ProblemError && cause.status !== 0) return setError(`Lot ${number}: ${cause.message}`);
    }
    setError(undefined);
    setStaged((list) => [...list, { lot: number, quantity: amount, about }]);
    setLot('');
  };

  const book = () => {
    const made = quantityOf(outputQuantity);
    if (!LOT.test(output))
      return setError('The output lot number is upper-case letters, digits, dot, dash or underscore.');
    if (made === undefined || made <= 0) return setError('The output quantity is a positive number.');
    const label = `Consume ${staged.map((s) => `${s.quantity} of ${s.lot}`).join(', ')} into ${output}`;
    enqueue(user, label, {
      kind: 'consume',
      body: {
        order: order.number,
        operation: operation.sequence,
        // Naming the order's line checks the command at the line, where an operator's grant is.
        ...(order.line !== null ? { line: order.line } : {}),
        output: { number: output, material: product, quantity: made },
        inputs: staged.map((s) => ({ lot: s.lot, quantity: s.quantity })),
      },
    });
    setDone(`${label}: taken.`);
    setStaged([]);
    setOutput((o) => o.replace(/(\d+)$/, (n) => String(Number(n) + 1).padStart(n.length, '0')));
  };

  return (
    <div className="op-tab">
      <Form onSubmit={(e) => void add(e)} aria-label="Scan a lot" className="op-form">
        <div className="op-row">
          <Field
            label="Lot to consume"
            hint="Scan the lot's label or type its number, then Enter."
            value={lot}
            onChange={setLot}
            autoFocus
          />
          <Field label="Quantity consumed" inputMode="decimal" value={quantity} onChange={setQuantity} />
        </div>
        <Button type="submit" variant="secondary">
          Add lot
        </Button>
      </Form>
      {error !== undefined && (
        <p role="alert" className="error-note">
          {error}
        </p>
      )}
      <Table
        caption="Lots to consume"
        rows={staged}
        rowKey={(s) => s.lot}
        empty={{ title: 'No lot scanned yet', hint: 'Scan or type the lot you are putting into this operation.' }}
        columns={[
          { header: 'Lot', cell: (s) => s.lot },
          { header: 'Quantity', cell: (s) => s.quantity, numeric: true },
          { header: 'Lot details', cell: (s) => s.about },
          {
            header: 'Remove',
            cell: (s) => (
              <Button
                variant="secondary"
                aria-label={`Remove ${s.lot}`}
                onPress={() => setStaged((list) => list.filter((x) => x.lot !== s.lot))}
              >
                Remove
              </Button>
            ),
          },
        ]}
      />
      {staged.length > 0 && (
        <div className="op-row">
          <Field label="Output lot" value={output} onChange={(v) => setOutput(v.toUpperCase())} />
          <Field label="Output quantity" inputMode="decimal" value={outputQuantity} onChange={setOutputQuantity} />
          <Button variant="big" onPress={book}>
            Book consumption
          </Button>
        </div>
      )}
      {done !== undefined && <Notice>{done}</Notice>}
    </div>
  );
}
