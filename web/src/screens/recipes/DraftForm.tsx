import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, execute } from '../../api/client';
import { Button, ErrorNote, Field } from '../../ui/controls';
import { reasonError, recipesKey, type FullRead } from './model';

interface Row {
  name: string;
  unit: string;
  critical: boolean;
  setPoint: string;
  low: string;
  high: string;
}

const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text.replace(',', '.')));

/**
 * A new version drafted from the values just read in full: the author changes values, says why, and saves a
 * draft (its content is frozen only at submission, so the draft can be checked in the diff first).
 */
export function DraftForm({ code, base }: { code: string; base: FullRead }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [rows, setRows] = useState<Row[]>(() =>
    base.parameters.map((p) => ({
      name: p.name,
      unit: p.unit,
      critical: p.critical,
      setPoint: String(p.setPoint),
      low: String(p.low),
      high: String(p.high),
    })),
  );
  const [reason, setReason] = useState('');
  const set = (i: number, field: 'setPoint' | 'low' | 'high', value: string) =>
    setRows((all) => all.map((r, j) => (j === i ? { ...r, [field]: value } : r)));
  const invalid = (text: string) => (Number.isFinite(number(text)) ? undefined : 'A number, please.');
  const ready =
    reasonError(reason) === undefined && rows.every((r) => [r.setPoint, r.low, r.high].every((t) => !invalid(t)));
  const draft = useMutation({
    mutationFn: () =>
      execute(
        api.POST('/api/recipes/versions', {
          body: {
            recipe: code,
            reason: reason.trim(),
            steps: base.steps,
            parameters: rows.map((r) => ({
              name: r.name,
              unit: r.unit,
              setPoint: number(r.setPoint),
              low: number(r.low),
              high: number(r.high),
              critical: r.critical,
            })),
          },
        }),
      ),
    onSuccess: async (result) => {
      await client.invalidateQueries({ queryKey: recipesKey });
      void navigate({
        to: '/recipes/$code',
        params: { code },
        search: { version: result.version, from: base.version, to: result.version },
      });
    },
  });
  return (
    <form
      className="draft"
      aria-labelledby="draft-title"
      onSubmit={(event) => {
        event.preventDefault();
        draft.mutate();
      }}
    >
      <h3 id="draft-title">Draft a new version from version {base.version}</h3>
      <p className="hint">Change the values that need changing; a changed critical parameter needs two approvers.</p>
      <div className="draft-grid">
        {rows.map((r, i) => (
          <fieldset key={r.name}>
            <legend>
              {r.name} ({r.unit}){r.critical ? ', critical' : ''}
            </legend>
            <Field
              label={`Set point of ${r.name}`}
              inputMode="decimal"
              value={r.setPoint}
              onChange={(value) => set(i, 'setPoint', value)}
              error={invalid(r.setPoint)}
            />
            <Field
              label={`Lowest validated ${r.name}`}
              inputMode="decimal"
              value={r.low}
              onChange={(value) => set(i, 'low', value)}
              error={invalid(r.low)}
            />
            <Field
              label={`Highest validated ${r.name}`}
              inputMode="decimal"
              value={r.high}
              onChange={(value) => set(i, 'high', value)}
              error={invalid(r.high)}
            />
          </fieldset>
        ))}
      </div>
      <Field label="Reason for the new version" value={reason} onChange={setReason} isRequired error={undefined} />
      <ErrorNote error={draft.error} />
      <Button type="submit" isDisabled={!ready || draft.isPending}>
        Save draft
      </Button>
    </form>
  );
}
