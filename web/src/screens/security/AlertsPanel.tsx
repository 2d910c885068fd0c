import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { api, execute } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { Badge, Button, ErrorNote, Notice, When } from '../../ui/controls';
import { DialogButton } from '../../ui/dialog';
import { Panel } from '../../ui/page';
import { Select } from '../../ui/select';
import { PagedTable } from '../../ui/table';
import { AcknowledgeForm } from './AcknowledgeForm';
import { OpenIncidentForm } from './OpenIncidentForm';
import { useWho } from './who';
import { ALERTS_KEY, alertPage, toneOf, type Alert, type AlertState } from './security-api';

const STATES = [
  { value: 'open', label: 'Open' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'closed', label: 'Closed' },
  { value: 'any', label: 'Any state' },
];

/** Alerts, most recently seen first, refreshed while the tab is open: a new alert appears without a reload. */
export function AlertsPanel() {
  const me = useSignedIn();
  const manage = can(me, 'monitoring.alerts.manage');
  const openIncidents = can(me, 'monitoring.incidents.manage');
  const client = useQueryClient();
  const who = useWho();
  const [state, setState] = useState('open');
  const [done, setDone] = useState<string>();
  const refresh = (message: string) => {
    setDone(message);
    void client.invalidateQueries({ queryKey: ALERTS_KEY });
  };
  useEffect(() => {
    // New alerts arrive from detection, not from this page: look again every few seconds while the tab is open.
    const timer = setInterval(() => void client.invalidateQueries({ queryKey: ALERTS_KEY }), 5_000);
    return () => clearInterval(timer);
  }, [client]);
  const escalate = useMutation({
    mutationFn: (alert: Alert) =>
      execute(api.POST('/api/security/alerts/{id}/escalate', { params: { path: { id: alert.id } } })),
    onSuccess: (a) => refresh(`Escalated “${a.title}” (level ${a.escalationLevel}).`),
  });
  const filter = state === 'any' ? undefined : (state as AlertState);
  const actions = (a: Alert) => (
    <div className="security-actions">
      {manage && a.state === 'open' && (
        <DialogButton label="Acknowledge" title={`Acknowledge “${a.title}”`} variant="secondary">
          {(close) => <AcknowledgeForm alert={a} onDone={(m) => (refresh(m), close())} onCancel={close} />}
        </DialogButton>
      )}
      {manage && a.state !== 'closed' && (
        <Button variant="secondary" isDisabled={escalate.isPending} onPress={() => escalate.mutate(a)}>
          Escalate
        </Button>
      )}
      {a.incidentId !== null ? (
        <Link to="/security/incidents/$id" params={{ id: a.incidentId }}>
          Its incident
        </Link>
      ) : (
        openIncidents && (
          <DialogButton label="Open incident" title={`Open an incident from “${a.title}”`} variant="secondary">
            {(close) => <OpenIncidentForm alert={a} onCancel={close} />}
          </DialogButton>
        )
      )}
    </div>
  );
  return (
    <Panel title="Alerts">
      {done !== undefined && <Notice>{done}</Notice>}
      <ErrorNote error={escalate.error} />
      <div className="admin-filters" role="group" aria-label="Filter alerts">
        <Select label="State" options={STATES} value={state} onChange={setState} />
      </div>
      <PagedTable<Alert>
        queryKey={[...ALERTS_KEY, 'list', filter]}
        fetchPage={(cursor) => alertPage(filter, cursor)}
        caption="Alerts, most recently seen first"
        rowKey={(a) => a.id}
        columns={[
          { header: 'Rule', cell: (a) => <code>{a.rule}</code> },
          { header: 'Severity', cell: (a) => <Badge tone={toneOf(a.severity)}>{a.severity}</Badge> },
          { header: 'Alert', cell: (a) => a.title },
          { header: 'Count', cell: (a) => a.count, numeric: true },
          { header: 'First seen', cell: (a) => <When at={a.firstAt} /> },
          { header: 'Last seen', cell: (a) => <When at={a.lastAt} /> },
          { header: 'State', cell: (a) => stateOf(a, who) },
          { header: 'Actions', cell: actions },
        ]}
        empty={{
          title: 'No alert in this state',
          hint: 'Alerts appear here as the detection rules fire; this list refreshes by itself.',
        }}
      />
    </Panel>
  );
}

function stateOf(a: Alert, who: (id: string | null) => string) {
  if (a.state === 'acknowledged') return `acknowledged by ${who(a.acknowledgedBy)}`;
  return a.escalationLevel > 0 ? `${a.state}, escalated (level ${a.escalationLevel})` : a.state;
}
