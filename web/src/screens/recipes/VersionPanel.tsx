import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, execute, unwrap } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { Badge, Button, ErrorNote, Field, Loading, Notice, When } from '../../ui/controls';
import { DialogButton } from '../../ui/dialog';
import { Panel } from '../../ui/page';
import { ApproveDialog, approvedText } from './ApproveDialog';
import { DraftForm } from './DraftForm';
import {
  readFull,
  reasonError,
  recipesKey,
  sealText,
  stateLabel,
  stateTone,
  type FullRead,
  type VersionSummary,
} from './model';
import { ParameterTable, Signatures, Watermark } from './values';

const RETIRABLE = ['draft', 'in-review', 'approved', 'effective', 'superseded'];

function RetireForm({ code, version, close }: { code: string; version: number; close: () => void }) {
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const retire = useMutation({
    mutationFn: () =>
      execute(api.POST('/api/recipes/versions/retire', { body: { recipe: code, version, reason: reason.trim() } })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: recipesKey });
      close();
    },
  });
  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        retire.mutate();
      }}
    >
      <p>A retired version can no longer be made effective or issued to an order.</p>
      <Field label="Reason for retiring" value={reason} onChange={setReason} isRequired />
      <ErrorNote error={retire.error} />
      <div className="row">
        <Button type="submit" variant="danger" isDisabled={reasonError(reason) !== undefined || retire.isPending}>
          Retire version {version}
        </Button>
        <Button variant="secondary" onPress={close}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** Reading the full values is a command: authorised, audited with its reason, answered with a watermark. */
function ReadValues({ code, version, onRead }: { code: string; version: number; onRead: (r: FullRead) => void }) {
  const [reason, setReason] = useState('');
  const read = useMutation({
    mutationFn: () => readFull({ recipe: code, version, reason: reason.trim() }),
    onSuccess: onRead,
  });
  return (
    <form
      className="row read-values"
      onSubmit={(event) => {
        event.preventDefault();
        read.mutate();
      }}
    >
      <Field
        label="Why do you need the full values?"
        hint="Recorded in the audit trail with your name."
        value={reason}
        onChange={setReason}
        isRequired
      />
      <Button type="submit" variant="secondary" isDisabled={reasonError(reason) !== undefined || read.isPending}>
        Read full values
      </Button>
      <ErrorNote error={read.error} />
    </form>
  );
}

/** One version: its life-cycle actions for those who may, its parameters (masked unless read in full). */
export function VersionPanel({ code, summary }: { code: string; summary: VersionSummary }) {
  const me = useSignedIn();
  const client = useQueryClient();
  const v = summary.version;
  const [full, setFull] = useState<FullRead | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const detail = useQuery({
    queryKey: [...recipesKey, code, 'version', v],
    queryFn: () =>
      unwrap(api.GET('/api/recipes/{code}/versions/{version}', { params: { path: { code, version: v } } })),
  });
  const step = useMutation({
    mutationFn: async (action: 'submit' | 'activate') => {
      const body = { recipe: code, version: v };
      if (action === 'submit') {
        const r = await execute(api.POST('/api/recipes/versions/submit', { body }));
        return `Version ${v} is in review: it needs ${r.approvalsRequired} approval${r.approvalsRequired === 1 ? '' : 's'} by someone other than you.`;
      }
      const r = await execute(api.POST('/api/recipes/versions/activate', { body }));
      return `Version ${v} is effective (seal verified)${r.superseded === null ? '' : `; version ${r.superseded} is superseded`}.`;
    },
    onSuccess: async (text) => {
      setDone(text);
      await client.invalidateQueries({ queryKey: recipesKey });
    },
  });
  const seal = sealText(summary.state, summary.seal);
  const mine = summary.author === me.username;
  const signedByMe = summary.approvals.some((a) => a.signer === me.username);
  return (
    <Panel title={`Version ${v}`}>
      <dl className="facts">
        <dt>State</dt>
        <dd>
          <Badge tone={stateTone(summary.state)}>{stateLabel(summary.state)}</Badge>
        </dd>
        <dt>Seal</dt>
        <dd>
          <Badge tone={seal.tone}>{seal.text}</Badge>
        </dd>
        <dt>Reason</dt>
        <dd>{summary.reason}</dd>
        <dt>Authored by</dt>
        <dd>
          {summary.author}, <When at={summary.createdAt} />
        </dd>
        <dt>Electronic signatures</dt>
        <dd>
          <Signatures v={summary} />
        </dd>
      </dl>
      {done !== null && <Notice>{done}</Notice>}
      <ErrorNote error={step.error} />
      <div className="row actions">
        {summary.state === 'draft' && can(me, 'recipes.author') && (
          <Button onPress={() => step.mutate('submit')} isDisabled={step.isPending}>
            Submit version {v} for review
          </Button>
        )}
        {summary.state === 'in-review' && can(me, 'recipes.approve') && !mine && !signedByMe && (
          <ApproveDialog recipe={code} version={v} onApproved={(a) => setDone(approvedText(a))} />
        )}
        {summary.state === 'approved' && can(me, 'recipes.release') && (
          <Button onPress={() => step.mutate('activate')} isDisabled={step.isPending}>
            Make version {v} effective
          </Button>
        )}
        {RETIRABLE.includes(summary.state) && can(me, 'recipes.release') && (
          <DialogButton label={`Retire version ${v}`} title={`Retire version ${v} of ${code}`} variant="danger">
            {(close) => <RetireForm code={code} version={v} close={close} />}
          </DialogButton>
        )}
      </div>
      {summary.state === 'in-review' && mine && (
        <p className="hint">You authored this version: another person must approve it (separation of duties).</p>
      )}
      {summary.state === 'in-review' && signedByMe && (
        <p className="hint">You have signed this version; it waits for another approver.</p>
      )}
      <h3>Parameters</h3>
      {full === null && can(me, 'recipes.read-secret') && <ReadValues code={code} version={v} onRead={setFull} />}
      {full === null && !can(me, 'recipes.read-secret') && (
        <p className="hint">Values are hidden: reading them needs recipe clearance (recipes.read-secret).</p>
      )}
      {full !== null && <Watermark watermark={full.watermark} />}
      {detail.isPending && <Loading what="parameters" />}
      <ErrorNote error={detail.error} />
      {detail.isSuccess && (
        <ParameterTable
          caption={`Parameters of version ${v}${full === null ? ' (values masked)' : ' (full values, audited read)'}`}
          parameters={full?.parameters ?? detail.data.parameters}
        />
      )}
      {detail.isSuccess && detail.data.steps.length > 0 && (
        <>
          <h3>Steps</h3>
          <ol className="steps">
            {detail.data.steps.map((s) => (
              <li key={s.name}>
                <strong>{s.name}:</strong> {s.instruction}
              </li>
            ))}
          </ol>
        </>
      )}
      {full !== null && can(me, 'recipes.author') && <DraftForm code={code} base={full} />}
    </Panel>
  );
}
