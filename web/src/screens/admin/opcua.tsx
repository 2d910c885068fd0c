import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, run, unwrap } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { Badge, Button, ErrorNote, Loading, When } from '../../ui/controls';
import { Panel } from '../../ui/page';
import { Table } from '../../ui/table';
import { OutcomeNote, outcomeOf, type Outcome } from './shared';

const CERTS_KEY = ['opcua-certificates'] as const;

/** OPC UA connections with their live state, and the server certificates Bastion trusts or refuses. */
export function OpcUaPanel() {
  const me = useSignedIn();
  const client = useQueryClient();
  const [outcome, setOutcome] = useState<Outcome>();
  const connections = useQuery({
    queryKey: ['opcua-connections'],
    queryFn: () => unwrap(api.GET('/api/opcua/connections')),
  });
  const certificates = useQuery({ queryKey: CERTS_KEY, queryFn: () => unwrap(api.GET('/api/opcua/certificates')) });
  const decide = useMutation({
    mutationFn: ({ thumbprint, trust }: { thumbprint: string; trust: boolean }) =>
      run(
        trust
          ? api.POST('/api/opcua/certificates/{thumbprint}/trust', { params: { path: { thumbprint } } })
          : api.POST('/api/opcua/certificates/{thumbprint}/reject', { params: { path: { thumbprint } } }),
      ),
    onSuccess: (result, { trust }) => {
      void client.invalidateQueries({ queryKey: CERTS_KEY });
      setOutcome(
        outcomeOf(trust ? 'Trusting the certificate' : 'Rejecting the certificate', result, (r) => ({
          kind: 'done',
          message: `Certificate of ${r.subject} is now ${r.state}.`,
        })),
      );
    },
  });
  const manage = can(me, 'opcua.manage');
  return (
    <>
      <Panel title="OPC UA connections">
        {connections.isPending ? (
          <Loading what="OPC UA connections" />
        ) : connections.isError ? (
          <ErrorNote error={connections.error} />
        ) : (
          <Table
            caption="OPC UA connections"
            rows={connections.data.connections}
            rowKey={(c) => c.name}
            columns={[
              { header: 'Connection', cell: (c) => <strong>{c.name}</strong> },
              { header: 'Endpoint', cell: (c) => <code>{c.endpointUrl}</code> },
              { header: 'Equipment', cell: (c) => <code>{c.equipment}</code> },
              { header: 'Security policy', cell: (c) => c.securityPolicy },
              { header: 'Nodes', cell: (c) => c.nodes.length, numeric: true },
              {
                header: 'State',
                cell: (c) => (
                  <>
                    <Badge
                      tone={c.status.state === 'connected' ? 'good' : c.status.state === 'stopped' ? 'neutral' : 'bad'}
                    >
                      {c.status.state}
                    </Badge>{' '}
                    {c.status.reason}
                  </>
                ),
              },
              { header: 'Since', cell: (c) => <When at={c.status.since} /> },
            ]}
            empty={{ title: 'No OPC UA connection', hint: 'Connections are defined with `bastion opcua` or the API.' }}
          />
        )}
      </Panel>
      <Panel title="OPC UA server certificates">
        <OutcomeNote outcome={outcome} />
        <ErrorNote error={decide.error} />
        {certificates.isPending ? (
          <Loading what="certificates" />
        ) : certificates.isError ? (
          <ErrorNote error={certificates.error} />
        ) : (
          <>
            {certificates.data.own !== null && (
              <p>
                Bastion&apos;s own client certificate: <code>{certificates.data.own.subject}</code>, valid to{' '}
                <When at={certificates.data.own.validTo} />.
              </p>
            )}
            <Table
              caption="Server certificates seen (rejected until trusted)"
              rows={certificates.data.certificates}
              rowKey={(c) => c.thumbprint}
              columns={[
                { header: 'Subject', cell: (c) => c.subject },
                { header: 'Issuer', cell: (c) => c.issuer },
                { header: 'Thumbprint', cell: (c) => <code>{c.thumbprint}</code> },
                { header: 'Valid to', cell: (c) => <When at={c.validTo} /> },
                {
                  header: 'State',
                  cell: (c) => <Badge tone={c.state === 'trusted' ? 'good' : 'bad'}>{c.state}</Badge>,
                },
                ...(manage
                  ? [
                      {
                        header: 'Decision',
                        cell: (c: { thumbprint: string; subject: string; state: string }) =>
                          c.state === 'trusted' ? (
                            <Button
                              variant="danger"
                              onPress={() => decide.mutate({ thumbprint: c.thumbprint, trust: false })}
                              aria-label={`Reject ${c.subject}`}
                            >
                              Reject
                            </Button>
                          ) : (
                            <Button
                              variant="secondary"
                              onPress={() => decide.mutate({ thumbprint: c.thumbprint, trust: true })}
                              aria-label={`Trust ${c.subject}`}
                            >
                              Trust
                            </Button>
                          ),
                      },
                    ]
                  : []),
              ]}
              empty={{
                title: 'No server certificate',
                hint: 'A certificate appears here when an OPC UA server first presents it.',
              }}
            />
          </>
        )}
      </Panel>
    </>
  );
}
