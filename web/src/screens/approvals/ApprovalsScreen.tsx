import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { useSignedIn } from '../../session/me';
import { Badge, Button, ErrorNote, Loading, Notice, When } from '../../ui/controls';
import { Panel, Screen } from '../../ui/page';
import { Table } from '../../ui/table';
import '../../styles/maintenance.css';

type Approval = paths['/api/approvals']['get']['responses'][200]['content']['application/json']['approvals'][number];

/** The held commands a person is likely to meet, said in words; any other shows its command name. */
const ASKED: Record<string, string> = {
  'identity.grant': 'Grant a role',
  'identity.revoke': 'Revoke a role',
  'quality.ncr.disposition': 'Disposition a non-conformance',
};

function Asked({ approval }: { approval: Approval }) {
  const entries = Object.entries(approval.input);
  return (
    <div className="asked">
      <strong>{ASKED[approval.command] ?? approval.command}</strong>
      <span className="hint"> ({approval.command})</span>
      {entries.length > 0 && (
        <dl className="asked-input">
          {entries.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

/**
 * Changes under dual control that wait for a second person. The author sees their own requests too, but the
 * decision is the server's: it refuses an author's own approval, and this screen shows its reason.
 */
export function ApprovalsScreen() {
  const me = useSignedIn();
  const client = useQueryClient();
  const [outcome, setOutcome] = useState<string | null>(null);
  const list = useQuery({ queryKey: ['approvals'], queryFn: () => unwrap(api.GET('/api/approvals')) });
  const decide = useMutation({
    mutationFn: async ({ approval, approve }: { approval: Approval; approve: boolean }) => {
      const params = { path: { id: approval.id } };
      await unwrap(
        approve
          ? api.POST('/api/approvals/{id}/approve', { params })
          : api.POST('/api/approvals/{id}/reject', { params }),
      );
      return { approval, approve };
    },
    onMutate: () => setOutcome(null),
    onSuccess: ({ approval, approve }) =>
      setOutcome(
        `${approve ? 'Approved' : 'Rejected'}: ${ASKED[approval.command] ?? approval.command} asked by ${
          approval.author ?? 'another account'
        }.`,
      ),
    // Whatever the answer, the list changed or is stale (decided elsewhere, expired): read it again.
    onSettled: () => client.invalidateQueries({ queryKey: ['approvals'] }),
  });
  return (
    <Screen
      title="Approvals"
      intro="Changes under dual control wait here for a second person. Nobody approves their own request."
    >
      {outcome !== null && <Notice>{outcome}</Notice>}
      <ErrorNote error={decide.error} />
      <Panel title="Waiting for approval">
        {list.isPending ? (
          <Loading what="approvals" />
        ) : list.isError ? (
          <ErrorNote error={list.error} />
        ) : (
          <Table<Approval>
            caption="Changes waiting for approval, oldest first"
            rows={list.data.approvals}
            rowKey={(a) => a.id}
            empty={{
              title: 'Nothing waits for approval',
              hint: 'A change under dual control appears here when someone asks for it.',
            }}
            columns={[
              { header: 'What is asked', cell: (a) => <Asked approval={a} /> },
              {
                header: 'Asked by',
                cell: (a) =>
                  a.authorId === me.id ? (
                    <>
                      {a.author ?? me.username} <Badge tone="neutral">you</Badge>
                    </>
                  ) : (
                    (a.author ?? a.authorId)
                  ),
              },
              { header: 'Asked at', cell: (a) => <When at={a.createdAt} /> },
              { header: 'Expires', cell: (a) => <When at={a.expiresAt} /> },
              { header: 'Approvals', numeric: true, cell: (a) => `${a.approvals} of ${a.required}` },
              {
                header: 'Decision',
                cell: (a) => {
                  const what = `${ASKED[a.command] ?? a.command} asked by ${a.author ?? 'another account'}`;
                  return (
                    <div className="row decision">
                      <Button
                        aria-label={`Approve: ${what}`}
                        isDisabled={decide.isPending}
                        onPress={() => decide.mutate({ approval: a, approve: true })}
                      >
                        Approve
                      </Button>
                      <Button
                        variant="danger"
                        aria-label={`Reject: ${what}`}
                        isDisabled={decide.isPending}
                        onPress={() => decide.mutate({ approval: a, approve: false })}
                      >
                        Reject
                      </Button>
                    </div>
                  );
                },
              },
            ]}
          />
        )}
      </Panel>
    </Screen>
  );
}
