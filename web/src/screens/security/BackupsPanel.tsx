import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { Badge, ErrorNote, Loading, When } from '../../ui/controls';
import { Panel } from '../../ui/page';
import { PagedTable } from '../../ui/table';
import { backupStatus, type BackupJob, type Drill } from './security-api';

const toneOfStatus = (status: string) =>
  status === 'succeeded' || status === 'passed' ? 'good' : status === 'running' ? 'neutral' : 'bad';
const minutes = (ms: number | null) => (ms === null ? '—' : `${(ms / 60_000).toFixed(1)} min`);

/** Backups and restore drills, read from the backup module's own API (there is no other backup screen). */
export function BackupsPanel() {
  const status = useQuery({ queryKey: ['backup-status'], queryFn: backupStatus });
  return (
    <>
      <Panel title="Backup status">
        {status.isPending ? (
          <Loading what="the backup status" />
        ) : status.isError ? (
          <ErrorNote error={status.error} />
        ) : (
          <dl className="admin-facts">
            <div>
              <dt>Configured</dt>
              <dd>{status.data.configured ? 'yes' : <Badge tone="bad">no destination</Badge>}</dd>
            </div>
            <div>
              <dt>Destinations</dt>
              <dd>{status.data.destinations.map((d) => `${d.name} (${d.kind})`).join(', ') || '—'}</dd>
            </div>
            <div>
              <dt>Last successful backup</dt>
              <dd>
                <When at={status.data.lastSucceededAt} />
              </dd>
            </div>
            <div>
              <dt>Last passed drill</dt>
              <dd>
                <When at={status.data.lastDrillPassedAt} />{' '}
                {status.data.drillOverdue && <Badge tone="bad">drill overdue</Badge>}
              </dd>
            </div>
          </dl>
        )}
      </Panel>
      <Panel title="Recent backups">
        <PagedTable<BackupJob>
          queryKey={['backup-jobs', 'backup']}
          fetchPage={(cursor) =>
            unwrap(api.GET('/api/backups', { params: { query: { kind: 'backup', cursor, limit: 10 } } }))
          }
          caption="Backups, newest first"
          rowKey={(j) => j.id}
          columns={[
            { header: 'Requested', cell: (j) => <When at={j.requestedAt} /> },
            { header: 'Status', cell: (j) => <Badge tone={toneOfStatus(j.status)}>{j.status}</Badge> },
            { header: 'Copies', cell: (j) => j.copies.map((c) => `${c.destination}: ${c.status}`).join(', ') || '—' },
            { header: 'Error', cell: (j) => j.error ?? '—' },
          ]}
          empty={{ title: 'No backup yet', hint: 'Backups run on schedule once a destination is configured.' }}
        />
      </Panel>
      <Panel title="Restore drills">
        <PagedTable<Drill>
          queryKey={['backup-drills']}
          fetchPage={(cursor) => unwrap(api.GET('/api/backups/drills', { params: { query: { cursor, limit: 10 } } }))}
          caption="Restore drills, newest first"
          rowKey={(d) => `${d.jobId}-${d.destination}`}
          columns={[
            { header: 'Started', cell: (d) => <When at={d.startedAt} /> },
            { header: 'Destination', cell: (d) => d.destination },
            { header: 'Result', cell: (d) => <Badge tone={toneOfStatus(d.status)}>{d.status}</Badge> },
            { header: 'RPO', cell: (d) => minutes(d.rpoMs), numeric: true },
            { header: 'RTO', cell: (d) => minutes(d.rtoMs), numeric: true },
          ]}
          empty={{ title: 'No restore drill yet', hint: 'Run one with `bastion backup drill`.' }}
        />
      </Panel>
    </>
  );
}
