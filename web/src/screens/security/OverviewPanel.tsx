import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Badge, ErrorNote, Loading, When } from '../../ui/controls';
import { Panel } from '../../ui/page';
import { Table } from '../../ui/table';
import { PostureFacts } from './PostureFacts';
import { SeverityChart } from './SeverityChart';
import { ALERTS_KEY, alertPage, posture, toneOf } from './security-api';

const OPEN_LIMIT = 500;

/** The posture at a glance, the open alerts by severity, and the latest alerts. */
export function OverviewPanel() {
  const summary = useQuery({ queryKey: ['security-posture'], queryFn: posture, refetchInterval: 30_000 });
  const open = useQuery({
    queryKey: [...ALERTS_KEY, 'open-all'],
    queryFn: () => alertPage('open', undefined, OPEN_LIMIT),
    refetchInterval: 10_000,
  });
  const latest = useQuery({
    queryKey: [...ALERTS_KEY, 'latest'],
    queryFn: () => alertPage(undefined, undefined, 10),
    refetchInterval: 10_000,
  });
  return (
    <>
      <Panel title="Posture">
        {summary.isPending ? (
          <Loading what="the posture" />
        ) : summary.isError ? (
          <ErrorNote error={summary.error} />
        ) : summary.data === null ? (
          <p className="hint">The posture summary is not available on this server.</p>
        ) : (
          <PostureFacts posture={summary.data} />
        )}
      </Panel>
      <Panel title="Open alerts by severity">
        {open.isPending ? (
          <Loading what="open alerts" />
        ) : open.isError ? (
          <ErrorNote error={open.error} />
        ) : (
          <SeverityChart alerts={open.data.items} more={(open.data.nextCursor ?? null) !== null} />
        )}
      </Panel>
      <Panel title="Latest alerts">
        {latest.isPending ? (
          <Loading what="the latest alerts" />
        ) : latest.isError ? (
          <ErrorNote error={latest.error} />
        ) : (
          <Table
            caption="The ten alerts seen most recently"
            rows={latest.data.items}
            rowKey={(a) => a.id}
            columns={[
              { header: 'Last seen', cell: (a) => <When at={a.lastAt} /> },
              { header: 'Severity', cell: (a) => <Badge tone={toneOf(a.severity)}>{a.severity}</Badge> },
              { header: 'Alert', cell: (a) => a.title },
              { header: 'State', cell: (a) => a.state },
            ]}
            empty={{ title: 'No alert yet', hint: 'Alerts appear here when a detection rule fires.' }}
          />
        )}
        <p>
          <Link to="/security/center" search={{ tab: 'alerts' }}>
            All alerts
          </Link>
        </p>
      </Panel>
    </>
  );
}
