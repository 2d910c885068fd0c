import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { api, execute, ProblemError } from '../../api/client';
import { Button, ErrorNote, Field } from '../../ui/controls';
import { DialogButton } from '../../ui/dialog';
import { Select } from '../../ui/select';
import { useProducts } from './plant';

/** Creates a work order (POST /api/orders); the new order opens, ready to release. */
export function CreateOrder() {
  return (
    <DialogButton label="Create order" title="Create a work order">
      {(close) => <CreateOrderForm close={close} />}
    </DialogButton>
  );
}

function CreateOrderForm({ close }: { close: () => void }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const products = useProducts(true);
  const [number, setNumber] = useState('');
  const [product, setProduct] = useState<string | null>(null);
  const [quantity, setQuantity] = useState('');
  const [due, setDue] = useState('');
  const create = useMutation({
    mutationFn: () =>
      execute(
        api.POST('/api/orders', {
          body: {
            number: number.trim(),
            product: product ?? '',
            quantity: Number(quantity),
            ...(due === '' ? {} : { due: new Date(due).toISOString() }),
          },
        }),
      ),
    onSuccess: async (order) => {
      await client.invalidateQueries({ queryKey: ['orders'] });
      close();
      await navigate({ to: '/orders/$number', params: { number: order.number } });
    },
  });
  const fields = create.error instanceof ProblemError ? create.error.fields : {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} className="stack">
      <Field
        label="Order number"
        hint="Upper-case letters, digits, dot, dash, underscore"
        value={number}
        onChange={setNumber}
        isRequired
        error={fields['/number']}
      />
      <Select
        label="Product"
        value={product}
        onChange={setProduct}
        isRequired
        options={(products.data ?? []).map((m) => ({ value: m.code, label: `${m.code} — ${m.name}` }))}
      />
      <Field
        label="Quantity"
        inputMode="decimal"
        value={quantity}
        onChange={setQuantity}
        isRequired
        error={fields['/quantity']}
      />
      <label className="field">
        <span>Due (optional)</span>
        <input type="datetime-local" value={due} onChange={(e) => setDue(e.target.value)} />
      </label>
      <ErrorNote error={create.error ?? products.error} />
      <div className="row">
        <Button type="submit" isDisabled={create.isPending}>
          Create
        </Button>
        <Button variant="secondary" onPress={close}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
