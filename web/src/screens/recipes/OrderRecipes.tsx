import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { api, execute, unwrap, urlOf } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { Badge, Button, Empty, ErrorNote, Field, Loading, Notice, When } from '../../ui/controls';
import { Panel, Screen } from '../../ui/page';
import { Table } from '../../ui/table';
import { recipesKey, type OrderStatus } from './model';
import '../../styles/recipes.css';

const DOWNLOAD_STATES: Record<string, { text: string; tone: 'good' | 'bad' | 'warn' | 'neutral' }> = {
  sent: { text: 'Sent, waiting for the read-back', tone: 'warn' },
  confirmed: { text: 'Confirmed: read back as sent', tone: 'good' },
  mismatch: { text: 'Mismatch: the machine holds other set points', tone: 'bad' },
  drifted: { text: 'Drifted: changed at the machine after confirmation', tone: 'bad' },
};
const DEVIATION_KINDS: Record<string, string> = {
  'out-of-range': 'Process value outside its validated range',
  'set-point-mismatch': 'Set point read back differs from the download',
  'unauthorised-change': 'Set point changed at the machine, not by Bastion',
};
const FINISHED = ['completed', 'closed'];

function IssueAndDownload({ status }: { status: OrderStatus }) {
  const client = useQueryClient();
  const [recipe, setRecipe] = useState(status.controlRecipes.at(-1)?.recipe ?? '');
  const [equipment, setEquipment] = useState(status.line ?? '');
  const [done, setDone] = useState<string | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: [...recipesKey, 'order', status.order] });
  const issue = useMutation({
    mutationFn: () => execute(api.POST('/api/recipes/issue', { body: { recipe: recipe.trim(), order: status.order } })),
    onSuccess: async (r) => {
      setDone(`Version ${r.version} of ${r.recipe} is issued to ${r.order} (seal verified).`);
      await refresh();
    },
  });
  const download = useMutation({
    mutationFn: () =>
      execute(api.POST('/api/recipes/download', { body: { order: status.order, equipment: equipment.trim() } })),
    onSuccess: async (r) => {
      setDone(`${r.parameters} set points sent to ${r.equipment}; the read-back is compared as it arrives.`);
      await refresh();
    },
  });
  return (
    <Panel title="Issue and download">
      {done !== null && <Notice>{done}</Notice>}
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          issue.mutate();
        }}
      >
        <Field
          label="Recipe code"
          hint="Its effective version is issued."
          value={recipe}
          onChange={setRecipe}
          isRequired
        />
        <Button type="submit" isDisabled={recipe.trim() === '' || issue.isPending}>
          Issue to {status.order}
        </Button>
      </form>
      <ErrorNote error={issue.error} />
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          download.mutate();
        }}
      >
        <Field
          label="Equipment path"
          hint="For example the press of the line."
          value={equipment}
          onChange={setEquipment}
          isRequired
        />
        <Button type="submit" variant="secondary" isDisabled={equipment.trim() === '' || download.isPending}>
          Download set points
        </Button>
      </form>
      <ErrorNote error={download.error} />
    </Panel>
  );
}

function StatusPanels({ status }: { status: OrderStatus }) {
  const me = useSignedIn();
  return (
    <>
      <Panel title="Control recipe">
        <p>
          Order {status.order} is {status.state}
          {status.line !== null ? ` on ${status.line}` : ', not dispatched to a line'}.
        </p>
        <Table
          caption={`Control recipes issued to ${status.order}`}
          rows={status.controlRecipes}
          rowKey={(c) => `${c.recipe}-${c.version}-${c.issuedAt}`}
          columns={[
            { header: 'Recipe', cell: (c) => `${c.recipe} v${c.version}` },
            { header: 'Seal verified at issue', cell: (c) => <code>{c.seal.slice(0, 16)}…</code> },
            { header: 'Issued', cell: (c) => <When at={c.issuedAt} /> },
          ]}
          empty={{
            title: 'No control recipe',
            hint: 'Issue the effective version of the product’s recipe to this order.',
          }}
        />
      </Panel>
      {can(me, 'recipes.issue') && !FINISHED.includes(status.state) && <IssueAndDownload status={status} />}
      <Panel title="Downloads and read-back">
        <Table
          caption={`Set-point downloads for ${status.order}`}
          rows={status.downloads}
          rowKey={(d) => `${d.equipment}-${d.sentAt}`}
          columns={[
            { header: 'Equipment', cell: (d) => d.equipment },
            { header: 'Recipe', cell: (d) => `${d.recipe} v${d.version}` },
            {
              header: 'State',
              cell: (d) => {
                const s = DOWNLOAD_STATES[d.state] ?? { text: d.state, tone: 'neutral' as const };
                return <Badge tone={s.tone}>{s.text}</Badge>;
              },
            },
            { header: 'Sent', cell: (d) => <When at={d.sentAt} /> },
            {
              header: 'Read back per parameter',
              cell: (d) =>
                d.readBack.length === 0 ? (
                  'nothing read back yet'
                ) : (
                  <ul className="readback">
                    {d.readBack.map((r) => (
                      <li key={r.parameter}>
                        {r.parameter}: {r.matches ? 'matches the set point' : 'DIFFERS from the set point'}
                      </li>
                    ))}
                  </ul>
                ),
            },
          ]}
          empty={{
            title: 'No download',
            hint: 'Download the control recipe to the equipment to compare its read-back.',
          }}
        />
      </Panel>
      <Panel title="Deviations">
        <p>
          {status.deviationCount} deviation{status.deviationCount === 1 ? '' : 's'} recorded
          {status.deviationCount > status.deviations.length ? ` (the newest ${status.deviations.length} shown)` : ''}.
          Values and limits are in the batch record.
        </p>
        <Table
          caption={`Deviations of ${status.order}, newest first`}
          rows={status.deviations}
          rowKey={(d) => `${d.at}-${d.parameter}-${d.kind}`}
          columns={[
            { header: 'When', cell: (d) => <When at={d.at} /> },
            { header: 'Parameter', cell: (d) => d.parameter },
            { header: 'What happened', cell: (d) => DEVIATION_KINDS[d.kind] ?? d.kind },
            { header: 'Critical', cell: (d) => (d.critical ? <Badge tone="bad">Critical: output held</Badge> : 'No') },
            { header: 'Equipment', cell: (d) => d.equipment },
          ]}
          empty={{ title: 'No deviation', hint: 'Every value reported so far lay within its validated range.' }}
        />
      </Panel>
      <Panel title="Batch record">
        {FINISHED.includes(status.state) ? (
          <p className="row">
            <a
              className="button button-secondary"
              href={urlOf(`/api/orders/${status.order}/batch-record`, { format: 'pdf' })}
            >
              Batch record of {status.order} (PDF)
            </a>
            <a
              className="button button-secondary"
              href={urlOf(`/api/orders/${status.order}/batch-record`, { format: 'json' })}
            >
              Batch record of {status.order} (JSON)
            </a>
            <span className="hint">Exporting is audited and watermarked; it needs recipe clearance.</span>
          </p>
        ) : (
          <p className="hint">The batch record can be exported once the order is completed.</p>
        )}
      </Panel>
    </>
  );
}

/** One work order's recipes: what was issued, what the equipment read back, what deviated; its batch record. */
export function OrderRecipes() {
  const search: { order?: string | undefined } = useSearch({ strict: false });
  const navigate = useNavigate();
  const [number, setNumber] = useState(search.order ?? '');
  const order = search.order;
  const status = useQuery({
    queryKey: [...recipesKey, 'order', order],
    queryFn: () => unwrap(api.GET('/api/orders/{number}/recipe-status', { params: { path: { number: order ?? '' } } })),
    enabled: order !== undefined,
  });
  return (
    <Screen
      title="Recipes of an order"
      intro="The control recipe of a work order, its downloads to equipment with their read-back, and its deviations."
    >
      <form
        className="row filters"
        onSubmit={(event) => {
          event.preventDefault();
          void navigate({ to: '/recipes/orders', search: { order: number.trim().toUpperCase() } });
        }}
      >
        <Field label="Work order number" value={number} onChange={setNumber} isRequired />
        <Button type="submit" isDisabled={number.trim() === ''}>
          Show
        </Button>
      </form>
      {order === undefined && <Empty title="No order chosen" hint="Enter a work order number to see its recipes." />}
      {order !== undefined && status.isPending && <Loading what={`the recipes of ${order}`} />}
      <ErrorNote error={status.error} />
      {status.isSuccess && <StatusPanels status={status.data} />}
    </Screen>
  );
}
