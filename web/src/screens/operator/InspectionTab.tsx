import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Badge, Button, Empty, ErrorNote, Field, Loading, Notice } from '../../ui/controls';
import { Select } from '../../ui/select';
import { usePlans, type Characteristic, type Plan } from './data';
import { enqueue } from './outbox';
import type { OperationProps } from './OperationWork';

type Verdict = 'pass' | 'fail' | 'incomplete';

const numberOf = (text: string): number | undefined =>
  /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : undefined;

/** A characteristic passes when every value is inside its specification limits (limits included). */
export function verdictOf(c: Characteristic, texts: string[]): Verdict {
  const values = texts.map(numberOf);
  if (values.some((v) => v !== undefined && (v < c.lower || v > c.upper))) return 'fail';
  if (values.some((v) => v === undefined)) return 'incomplete';
  return 'pass';
}

function VerdictBadge({ verdict }: { verdict: Verdict }) {
  if (verdict === 'pass') return <Badge tone="good">Pass</Badge>;
  if (verdict === 'fail') return <Badge tone="bad">Fail</Badge>;
  return <Badge>Incomplete</Badge>;
}

function PlanForm({ plan, props }: { plan: Plan; props: OperationProps }) {
  const size = (c: Characteristic) => c.subgroupSize ?? 1;
  const blank = () => Object.fromEntries(plan.characteristics.map((c) => [c.name, Array<string>(size(c)).fill('')]));
  const [values, setValues] = useState<Record<string, string[]>>(blank);
  const [lot, setLot] = useState('');
  const [done, setDone] = useState<string>();
  const verdicts = plan.characteristics.map((c) => verdictOf(c, values[c.name] ?? []));
  const overall: Verdict = verdicts.includes('fail') ? 'fail' : verdicts.includes('incomplete') ? 'incomplete' : 'pass';
  const set = (name: string, index: number, text: string) =>
    setValues((all) => ({ ...all, [name]: (all[name] ?? []).map((v, i) => (i === index ? text : v)) }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (overall === 'incomplete') return;
    const label = `Inspection ${plan.code} on ${props.order.number} (${overall})`;
    enqueue(props.user, label, {
      kind: 'inspect',
      body: {
        plan: plan.code,
        order: props.order.number,
        ...(props.order.line !== null ? { line: props.order.line } : {}),
        ...(lot.trim() !== '' ? { lot: lot.trim().toUpperCase() } : {}),
        measurements: plan.characteristics.map((c) => ({
          characteristic: c.name,
          values: (values[c.name] ?? []).map((v) => Number(v)),
        })),
      },
    });
    setDone(`${label}: taken.`);
    setValues(blank());
  };
  return (
    <Form onSubmit={submit} aria-label={`Inspection ${plan.code}`} className="op-form">
      {plan.characteristics.map((c, ci) => (
        <fieldset key={c.name} className="op-characteristic">
          <legend>
            {c.name}: {c.lower} to {c.upper} {c.unit} (nominal {c.nominal}) · <VerdictBadge verdict={verdicts[ci]!} />
          </legend>
          <div className="op-row">
            {(values[c.name] ?? []).map((v, i) => (
              <Field
                key={i}
                label={size(c) > 1 ? `${c.name} value ${i + 1} (${c.unit})` : `${c.name} (${c.unit})`}
                inputMode="decimal"
                value={v}
                onChange={(text) => set(c.name, i, text)}
              />
            ))}
          </div>
        </fieldset>
      ))}
      <Field label="Lot inspected (optional)" value={lot} onChange={setLot} />
      <p className={`op-verdict op-verdict-${overall}`} aria-live="polite">
        Verdict:{' '}
        <strong>{overall === 'pass' ? 'Pass' : overall === 'fail' ? 'Fail' : 'Incomplete — enter every value'}</strong>
      </p>
      <Button type="submit" variant="big" isDisabled={overall === 'incomplete'}>
        Record inspection
      </Button>
      {done !== undefined && <Notice>{done}</Notice>}
    </Form>
  );
}

/** The inspection plan of this product at this operation, its limits, and the verdict as values are typed. */
export function InspectionTab(props: OperationProps) {
  const plans = usePlans();
  const [chosen, setChosen] = useState<string | null>(null);
  if (plans.isPending) return <Loading what="inspection plans" />;
  if (plans.isError) return <ErrorNote error={plans.error} />;
  const fitting = plans.data.filter(
    (p) =>
      p.product === props.product &&
      p.state === 'active' &&
      (p.operation === null || p.operation === props.operation.sequence),
  );
  if (fitting.length === 0)
    return (
      <Empty
        title="No inspection at this operation"
        hint={`No active inspection plan of ${props.product} names operation ${props.operation.sequence}.`}
      />
    );
  const plan = fitting.find((p) => p.code === chosen) ?? fitting[0]!;
  return (
    <div className="op-tab">
      {fitting.length > 1 && (
        <Select
          label="Inspection plan"
          value={plan.code}
          onChange={setChosen}
          options={fitting.map((p) => ({ value: p.code, label: `${p.code} v${p.version}` }))}
        />
      )}
      <h4>
        Plan {plan.code} version {plan.version}
      </h4>
      <PlanForm key={plan.code} plan={plan} props={props} />
    </div>
  );
}
