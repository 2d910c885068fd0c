import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { Badge, Button, ErrorNote, Field, Loading } from '../../ui/controls';
import { Panel } from '../../ui/page';
import { Select } from '../../ui/select';
import { Table } from '../../ui/table';
import { readFull, reasonError, recipesKey, type ShownParameter } from './model';
import { ParameterValues, Watermark } from './values';

interface Change {
  name: string;
  change: 'added' | 'removed' | 'changed' | 'same';
  before: ShownParameter | null;
  after: ShownParameter | null;
}

const CHANGE_TEXT: Record<Change['change'], { text: string; tone: 'warn' | 'neutral' | 'good' | 'bad' }> = {
  changed: { text: 'Changed', tone: 'warn' },
  added: { text: 'Added', tone: 'good' },
  removed: { text: 'Removed', tone: 'bad' },
  same: { text: 'Same', tone: 'neutral' },
};

function DiffTable({ caption, rows }: { caption: string; rows: Change[] }) {
  return (
    <Table
      caption={caption}
      rows={rows}
      rowKey={(c) => c.name}
      columns={[
        { header: 'Parameter', cell: (c) => c.name },
        { header: 'Old', cell: (c) => <ParameterValues p={c.before} /> },
        { header: 'New', cell: (c) => <ParameterValues p={c.after} /> },
        {
          header: 'Change',
          cell: (c) => <Badge tone={CHANGE_TEXT[c.change].tone}>{CHANGE_TEXT[c.change].text}</Badge>,
        },
      ]}
      empty={{ title: 'No parameters', hint: 'Neither version defines parameters.' }}
    />
  );
}

/** Two versions side by side, parameter by parameter; the values only through an audited read. */
export function DiffPanel({
  code,
  versions,
  from,
  to,
  onChange,
}: {
  code: string;
  versions: number[];
  from: number;
  to: number;
  onChange: (next: { from?: number; to?: number }) => void;
}) {
  const me = useSignedIn();
  const options = versions.map((v) => ({ value: String(v), label: `Version ${v}` }));
  const diff = useQuery({
    queryKey: [...recipesKey, code, 'diff', from, to],
    queryFn: () => unwrap(api.GET('/api/recipes/{code}/diff', { params: { path: { code }, query: { from, to } } })),
  });
  const [reason, setReason] = useState('');
  const full = useMutation({
    mutationFn: () => readFull({ recipe: code, version: to, compareTo: from, reason: reason.trim() }),
  });
  const fullDiff =
    full.data?.diff !== null && full.data?.version === to && full.data.diff?.from === from ? full.data : null;
  return (
    <Panel title="Compare versions">
      <div className="row filters">
        <Select
          label="Old version"
          options={options}
          value={String(from)}
          onChange={(v) => onChange({ from: Number(v) })}
        />
        <Select
          label="New version"
          options={options}
          value={String(to)}
          onChange={(v) => onChange({ to: Number(v) })}
        />
      </div>
      {diff.isPending && <Loading what="the comparison" />}
      <ErrorNote error={diff.error} />
      {diff.isSuccess && fullDiff === null && (
        <>
          <p className="diff-summary" role="status">
            {diff.data.parameters.filter((c) => c.change !== 'same').length} parameter(s) differ between version {from}{' '}
            and version {to}
            {diff.data.stepsChanged ? '; the steps differ too' : '; the steps are the same'}.
          </p>
          <DiffTable caption={`Version ${from} against version ${to} (values masked)`} rows={diff.data.parameters} />
        </>
      )}
      {fullDiff?.diff && (
        <>
          <Watermark watermark={fullDiff.watermark} />
          <DiffTable
            caption={`Version ${from} against version ${to} (full values, audited read)`}
            rows={fullDiff.diff.parameters}
          />
        </>
      )}
      {fullDiff === null && can(me, 'recipes.read-secret') && (
        <form
          className="row read-values"
          onSubmit={(event) => {
            event.preventDefault();
            full.mutate();
          }}
        >
          <Field
            label="Why do you need the values of this comparison?"
            value={reason}
            onChange={setReason}
            isRequired
          />
          <Button type="submit" variant="secondary" isDisabled={reasonError(reason) !== undefined || full.isPending}>
            Show the values
          </Button>
          <ErrorNote error={full.error} />
        </form>
      )}
    </Panel>
  );
}
