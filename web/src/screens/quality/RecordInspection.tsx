import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { Form } from 'react-aria-components';
import { api, execute } from '../../api/client';
import { Button, ErrorNote, Field, Notice } from '../../ui/controls';
import { Panel } from '../../ui/page';
import { Select } from '../../ui/select';
import { KEYS, type Characteristic, type Plan } from './data';
import { num, Verdict } from './format';

/** A typed value judged as the server will judge it (inside the limits, ends included); the server decides. */
function verdictOf(c: Characteristic, text: string): 'pass' | 'fail' | undefined {
  if (text.trim() === '' || !Number.isFinite(Number(text))) return undefined;
  const value = Number(text);
  return value >= c.lower && value <= c.upper ? 'pass' : 'fail';
}

export function RecordInspection({ plans }: { plans: Plan[] }) {
  const client = useQueryClient();
  const [code, setCode] = useState<string | null>(null);
  const [lot, setLot] = useState('');
  const [order, setOrder] = useState('');
  const [values, setValues] = useState<Record<string, string[]>>({});
  const plan = plans.find((p) => p.code === code);
  const valuesOf = (c: Characteristic) => {
    const given = values[c.name] ?? [];
    return Array.from({ length: c.subgroupSize ?? 1 }, (_, i) => given[i] ?? '');
  };
  const record = useMutation({
    mutationFn: (p: Plan) =>
      execute(
        api.POST('/api/quality/inspections', {
          body: {
            plan: p.code,
            ...(lot.trim() !== '' ? { lot: lot.trim() } : {}),
            ...(order.trim() !== '' ? { order: order.trim() } : {}),
            measurements: p.characteristics.map((c) => ({
              characteristic: c.name,
              values: valuesOf(c).map(Number),
            })),
          },
        }),
      ),
    onSuccess: async () => {
      setValues({});
      await Promise.all(
        [KEYS.inspections, KEYS.ncrs, KEYS.lots, KEYS.spc].map((queryKey) => client.invalidateQueries({ queryKey })),
      );
    },
  });
  const verdicts = plan?.characteristics.flatMap((c) => valuesOf(c).map((v) => verdictOf(c, v))) ?? [];
  const overall = verdicts.includes('fail')
    ? 'fail'
    : verdicts.length > 0 && verdicts.every((v) => v === 'pass')
      ? 'pass'
      : undefined;
  return (
    <Panel title="Record an inspection">
      <Form
        onSubmit={(event) => {
          event.preventDefault();
          if (plan) record.mutate(plan);
        }}
      >
        <div className="row">
          <Select
            label="Inspection plan"
            value={code}
            onChange={(next) => {
              setCode(next);
              setValues({});
            }}
            options={plans.map((p) => ({ value: p.code, label: `${p.code} (${p.product})` }))}
            isRequired
          />
          <Field label="Lot (optional)" value={lot} onChange={setLot} />
          <Field label="Work order (optional)" value={order} onChange={setOrder} />
        </div>
        {plan?.characteristics.map((c) => (
          <fieldset key={c.name} className="quality-characteristic">
            <legend>
              {c.name} ({c.unit}): nominal {num(c.nominal)}, limits {num(c.lower)} to {num(c.upper)}
            </legend>
            <div className="row">
              {valuesOf(c).map((v, i) => {
                const verdict = verdictOf(c, v);
                return (
                  <div key={i} className="quality-value">
                    <Field
                      label={`${c.name} value ${i + 1}`}
                      inputMode="decimal"
                      value={v}
                      isRequired
                      onChange={(text) =>
                        setValues((all) => {
                          const next = [...valuesOf(c)];
                          next[i] = text;
                          return { ...all, [c.name]: next };
                        })
                      }
                      error={v.trim() !== '' && verdict === undefined ? 'Enter a number' : undefined}
                    />
                    <span aria-live="polite">{verdict !== undefined && <Verdict result={verdict} />}</span>
                  </div>
                );
              })}
            </div>
          </fieldset>
        ))}
        {plan !== undefined && (
          <p aria-live="polite">
            Verdict so far: {overall === undefined ? 'enter every value' : <Verdict result={overall} />}
            {overall === 'fail' && ' — recording it puts the lot on hold and opens a non-conformance report.'}
          </p>
        )}
        <Button type="submit" isDisabled={plan === undefined || record.isPending}>
          Record the inspection
        </Button>
      </Form>
      <ErrorNote error={record.error} />
      {record.isSuccess && (
        <Notice>
          Recorded: <Verdict result={record.data.result} />
          {record.data.failed.length > 0 && ` Outside the limits: ${record.data.failed.join(', ')}.`}
          {record.data.lotHeld && ` Lot ${record.data.lot ?? ''} is now on hold.`}
          {record.data.ncr !== null && (
            <>
              {' '}
              <Link to="/quality/ncrs" search={{ ncr: record.data.ncr }}>
                {record.data.ncr}
              </Link>{' '}
              was opened.
            </>
          )}
        </Notice>
      )}
    </Panel>
  );
}
