import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { can, useSignedIn } from '../../session/me';
import { Badge, ErrorNote, Loading, When } from '../../ui/controls';
import { Panel, Screen } from '../../ui/page';
import { Table } from '../../ui/table';
import { CloseForm, EntryForm } from './incident-forms';
import { Checklist, Timeline } from './incident-parts';
import { incident, INCIDENTS_KEY, type Incident } from './incidents-api';
import { toneOf } from './security-api';
import { useWho } from './who';
import './security.css';

/** One incident: what it is, its playbook's checklist, the alerts behind it, its timeline, and its closing. */
export function IncidentScreen() {
  const { id } = useParams({ from: '/shell/security/incidents/$id' });
  const answer = useQuery({ queryKey: [...INCIDENTS_KEY, 'one', id], queryFn: () => incident(id) });
  const title = answer.data === undefined ? 'Incident' : `Incident ${answer.data.number}: ${answer.data.title}`;
  return (
    <Screen
      title={title}
      actions={
        <Link to="/security/center" search={{ tab: 'incidents' }}>
          All incidents
        </Link>
      }
    >
      {answer.isPending ? (
        <Loading what="the incident" />
      ) : answer.isError ? (
        <ErrorNote error={answer.error} />
      ) : (
        <IncidentBody incident={answer.data} />
      )}
    </Screen>
  );
}

function IncidentBody({ incident: i }: { incident: Incident }) {
  const manage = can(useSignedIn(), 'monitoring.incidents.manage') && i.state !== 'closed';
  const who = useWho();
  return (
    <>
      <Panel title="Summary">
        <dl className="admin-facts">
          <Fact term="Severity">
            <Badge tone={toneOf(i.severity)}>{i.severity}</Badge>
          </Fact>
          <Fact term="State">{i.state}</Fact>
          <Fact term="Owner">{who(i.owner)}</Fact>
          <Fact term="Playbook">{i.playbook ?? 'none'}</Fact>
          <Fact term="Opened">
            <When at={i.openedAt} /> by {who(i.openedBy)}
          </Fact>
          <Fact term="Closed">
            <When at={i.closedAt} />
          </Fact>
          {i.rootCause !== null && <Fact term="Root cause">{i.rootCause}</Fact>}
          {i.lessons !== null && <Fact term="Lessons">{i.lessons}</Fact>}
        </dl>
      </Panel>
      <div className="grid-2">
        <Panel title="Playbook checklist">
          <Checklist incident={i} editable={manage} />
        </Panel>
        <Panel title="Linked alerts">
          <Table
            caption="Alerts linked to this incident"
            rows={i.alerts}
            rowKey={(a) => a.id}
            columns={[
              { header: 'Rule', cell: (a) => <code>{a.rule}</code> },
              { header: 'Severity', cell: (a) => <Badge tone={toneOf(a.severity)}>{a.severity}</Badge> },
              { header: 'Alert', cell: (a) => a.title },
              { header: 'State', cell: (a) => a.state },
            ]}
            empty={{ title: 'No linked alert', hint: 'This incident was opened by hand.' }}
          />
        </Panel>
      </div>
      <Panel title="Timeline">
        <Timeline entries={i.timeline} />
        {manage && <EntryForm id={i.id} />}
      </Panel>
      {manage && (
        <Panel title="Close the incident">
          <CloseForm id={i.id} />
        </Panel>
      )}
    </>
  );
}

function Fact({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}
