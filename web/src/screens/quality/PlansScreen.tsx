import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { Form } from 'react-aria-components';
import { api, execute, type ProblemError } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { Button, ErrorNote, Field, Loading, Notice, When } from '../../ui/controls';
import { Panel } from '../../ui/page';
import { Table } from '../../ui/table';
import { KEYS, usePlans, type Plan } from './data';
import { num } from './format';

/** The inspection plans in force, and (for those who may) a form to define a plan or its next version. */
export function PlansScreen() {
  const me = useSignedIn();
  const plans = usePlans();
  return (
    <>
      <Panel title="Inspection plans in force">
        {plans.isPending ? (
          <Loading what="inspection plans" />
        ) : plans.isError ? (
          <ErrorNote error={plans.error} />
        ) : (
          <Table
            caption="Inspection plans (the version in force)"
            rows={plans.data}
            rowKey={(p) => p.code}
            columns={[
              { header: 'Plan', cell: (p) => `${p.code} v${p.version}` },
              { header: 'Product', cell: (p) => p.product },
              { header: 'Operation', cell: (p) => p.operation ?? 'any' },
              { header: 'Characteristics and limits', cell: (p) => <Characteristics plan={p} /> },
              { header: 'In force since', cell: (p) => <When at={p.createdAt} /> },
            ]}
            empty={{
              title: 'No inspection plan yet',
              hint: 'A quality engineer defines one below: the product, and each characteristic with its limits.',
            }}
          />
        )}
      </Panel>
      {can(me, 'quality.plans.manage') && <DefinePlan />}
    </>
  );
}

function Characteristics({ plan }: { plan: Plan }) {
  return (
    <ul className="quality-plain-list">
      {plan.characteristics.map((c) => (
        <li key={c.name}>
          <strong>{c.name}</strong> ({c.unit}): nominal {num(c.nominal)}, limits {num(c.lower)} to {num(c.upper)},{' '}
          {c.subgroupSize ?? 1} value(s) per inspection ·{' '}
          <Link to="/quality/spc" search={{ plan: plan.code, characteristic: c.name }}>
            Control chart
          </Link>
        </li>
      ))}
    </ul>
  );
}

interface Row {
  name: string;
  unit: string;
  nominal: string;
  lower: string;
  upper: string;
  subgroupSize: string;
}
const blank = (): Row => ({ name: '', unit: 'mm', nominal: '', lower: '', upper: '', subgroupSize: '1' });

function DefinePlan() {
  const client = useQueryClient();
  const [code, setCode] = useState('');
  const [product, setProduct] = useState('');
  const [operation, setOperation] = useState('');
  const [rows, setRows] = useState<Row[]>([blank()]);
  const define = useMutation({
    mutationFn: () =>
      execute(
        api.POST('/api/quality/plans', {
          body: {
            code: code.trim(),
            product: product.trim(),
            ...(operation.trim() !== '' ? { operation: Number(operation) } : {}),
            characteristics: rows.map((r) => ({
              name: r.name.trim(),
              unit: r.unit.trim(),
              nominal: Number(r.nominal),
              lower: Number(r.lower),
              upper: Number(r.upper),
              subgroupSize: Number(r.subgroupSize),
            })),
          },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: KEYS.plans }),
  });
  const fieldError = (path: string) => (define.error as ProblemError | null)?.fields[path];
  const set = (i: number, key: keyof Row) => (value: string) =>
    setRows((all) => all.map((r, j) => (j === i ? { ...r, [key]: value } : r)));
  return (
    <Panel title="Define an inspection plan">
      <p className="hint">An existing code makes a new version: the old one is kept, results keep their limits.</p>
      <Form
        onSubmit={(event) => {
          event.preventDefault();
          define.mutate();
        }}
      >
        <div className="row">
          <Field label="Plan code" value={code} onChange={setCode} isRequired error={fieldError('/code')} />
          <Field label="Product" value={product} onChange={setProduct} isRequired error={fieldError('/product')} />
          <Field
            label="Routing operation (optional)"
            inputMode="numeric"
            value={operation}
            onChange={setOperation}
            error={fieldError('/operation')}
          />
        </div>
        {rows.map((r, i) => (
          <fieldset key={i} className="quality-characteristic">
            <legend>Characteristic {i + 1}</legend>
            <div className="row">
              <Field label="Name" value={r.name} onChange={set(i, 'name')} isRequired />
              <Field label="Unit" value={r.unit} onChange={set(i, 'unit')} isRequired />
              <Field label="Nominal" inputMode="decimal" value={r.nominal} onChange={set(i, 'nominal')} isRequired />
              <Field label="Lower limit" inputMode="decimal" value={r.lower} onChange={set(i, 'lower')} isRequired />
              <Field label="Upper limit" inputMode="decimal" value={r.upper} onChange={set(i, 'upper')} isRequired />
              <Field
                label="Values per inspection"
                inputMode="numeric"
                value={r.subgroupSize}
                onChange={set(i, 'subgroupSize')}
              />
              {rows.length > 1 && (
                <Button variant="secondary" onPress={() => setRows((all) => all.filter((_, j) => j !== i))}>
                  Remove characteristic {i + 1}
                </Button>
              )}
            </div>
            {fieldError(`/characteristics/${i}`) !== undefined && (
              <p className="field-error">{fieldError(`/characteristics/${i}`)}</p>
            )}
          </fieldset>
        ))}
        <div className="row">
          <Button variant="secondary" onPress={() => setRows((all) => [...all, blank()])}>
            Add a characteristic
          </Button>
          <Button type="submit" isDisabled={define.isPending}>
            Define the plan
          </Button>
        </div>
      </Form>
      <ErrorNote error={define.error} />
      {define.isSuccess && (
        <Notice>
          Plan {define.data.code} version {define.data.version} is in force.
        </Notice>
      )}
    </Panel>
  );
}
