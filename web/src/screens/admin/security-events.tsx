import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { ErrorNote, Loading, When } from '../../ui/controls';
import { Panel } from '../../ui/page';
import { Select } from '../../ui/select';
import { PagedTable, Table } from '../../ui/table';

type EventQuery = NonNullable<paths['/api/ingest/security-events']['get']['parameters']['query']>;
type Kind = NonNullable<EventQuery['kind']>;
type SecurityEvent =
  paths['/api/ingest/security-events']['get']['responses'][200]['content']['application/json']['items'][number];

const KINDS: Kind[] = [
  'unknown-device',
  'bad-credentials',
  'namespace-violation',
  'malformed-payload',
  'oversized',
  'flooding',
  'flooding-disconnected',
  'quarantined',
  'sequence-gap',
  'timestamp-out-of-window',
  'data-quality',
];

/** Refused device messages and connections, newest first. */
export function SecurityEventsPanel() {
  const [kind, setKind] = useState('any');
  const query = { kind: kind === 'any' ? undefined : (kind as Kind) };
  return (
    <Panel title="Security events">
      <div className="admin-filters" role="group" aria-label="Filter security events">
        <Select
          label="Kind"
          options={[{ value: 'any', label: 'Any kind' }, ...KINDS.map((k) => ({ value: k, label: k }))]}
          value={kind}
          onChange={setKind}
        />
      </div>
      <PagedTable<SecurityEvent>
        queryKey={['security-events', query]}
        fetchPage={(cursor) =>
          unwrap(api.GET('/api/ingest/security-events', { params: { query: { ...query, cursor, limit: 50 } } }))
        }
        caption="Security events, newest first"
        rowKey={(e) => e.id}
        columns={[
          { header: 'When', cell: (e) => <When at={e.at} /> },
          { header: 'Kind', cell: (e) => e.kind },
          { header: 'Device', cell: (e) => e.deviceId ?? '—' },
          { header: 'Client user name', cell: (e) => e.username ?? '—' },
          { header: 'Address', cell: (e) => e.address ?? '—' },
          { header: 'Detail', cell: (e) => e.detail ?? '—' },
          { header: 'Count', cell: (e) => e.count, numeric: true },
        ]}
        empty={{
          title: 'No security event',
          hint: 'Nothing was refused at the broker. Refused connections and messages appear here as they happen.',
        }}
      />
    </Panel>
  );
}

/** Messages set aside for review: from a quarantined device, or with a time outside the accepted window. */
export function QuarantinePanel() {
  const messages = useQuery({
    queryKey: ['ingest-quarantine'],
    queryFn: () => unwrap(api.GET('/api/ingest/quarantine', { params: { query: { limit: 100 } } })),
  });
  return (
    <Panel title="Quarantined messages">
      {messages.isPending ? (
        <Loading what="quarantined messages" />
      ) : messages.isError ? (
        <ErrorNote error={messages.error} />
      ) : (
        <Table
          caption="Quarantined messages (the latest 100)"
          rows={messages.data.messages}
          rowKey={(m) => m.id}
          columns={[
            { header: 'Received', cell: (m) => <When at={m.receivedAt} /> },
            { header: 'Device', cell: (m) => m.deviceId },
            { header: 'Topic', cell: (m) => <code>{m.topic}</code> },
            { header: 'Reason', cell: (m) => m.reason ?? '—' },
            { header: 'Bytes', cell: (m) => m.size, numeric: true },
          ]}
          empty={{
            title: 'No quarantined message',
            hint: 'Messages of a quarantined device, or stamped outside the accepted time window, are kept here for review.',
          }}
        />
      )}
    </Panel>
  );
}
