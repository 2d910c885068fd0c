import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { can, useSignedIn } from '../../session/me';
import { Badge, When } from '../../ui/controls';
import { DialogButton } from '../../ui/dialog';
import { Panel } from '../../ui/page';
import { Select } from '../../ui/select';
import { PagedTable } from '../../ui/table';
import { INCIDENTS_KEY, incidentPage, type Incident } from './incidents-api';
import { OpenIncidentForm } from './OpenIncidentForm';
import { toneOf } from './security-api';
import { useWho } from './who';

const STATES = [
  { value: 'open', label: 'Open' },
  { value: 'contained', label: 'Contained' },
  { value: 'closed', label: 'Closed' },
  { value: 'any', label: 'Any state' },
];

/** Incidents, newest first; each opens on its own page with its playbook, timeline and closing form. */
export function IncidentsPanel() {
  const me = useSignedIn();
  const who = useWho();
  const [state, setState] = useState('open');
  const filter = state === 'any' ? undefined : state;
  return (
    <Panel title="Incidents">
      <div className="admin-filters" role="group" aria-label="Filter incidents">
        <Select label="State" options={STATES} value={state} onChange={setState} />
        {can(me, 'monitoring.incidents.manage') && (
          <DialogButton label="Open an incident" title="Open an incident">
            {(close) => <OpenIncidentForm onCancel={close} />}
          </DialogButton>
        )}
      </div>
      <PagedTable<Incident>
        queryKey={[...INCIDENTS_KEY, 'list', filter]}
        fetchPage={(cursor) => incidentPage(filter, cursor)}
        caption="Incidents, newest first"
        rowKey={(i) => i.id}
        columns={[
          {
            header: 'Incident',
            cell: (i) => (
              <Link to="/security/incidents/$id" params={{ id: i.id }}>
                {i.number} {i.title}
              </Link>
            ),
          },
          { header: 'Severity', cell: (i) => <Badge tone={toneOf(i.severity)}>{i.severity}</Badge> },
          { header: 'State', cell: (i) => i.state },
          { header: 'Owner', cell: (i) => who(i.owner) },
          { header: 'Opened', cell: (i) => <When at={i.openedAt} /> },
          { header: 'Closed', cell: (i) => <When at={i.closedAt} /> },
        ]}
        empty={{
          title: 'No incident in this state',
          hint: 'Open an incident from an alert (Alerts tab) or by hand with “Open an incident”.',
        }}
      />
    </Panel>
  );
}
