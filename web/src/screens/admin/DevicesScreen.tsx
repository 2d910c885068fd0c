import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { api, ProblemError, run, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { can, useSignedIn } from '../../session/me';
import { Badge, Button, ErrorNote, Field } from '../../ui/controls';
import { DialogButton } from '../../ui/dialog';
import { Panel, Screen } from '../../ui/page';
import { Select } from '../../ui/select';
import { PagedTable } from '../../ui/table';
import { OpcUaPanel } from './opcua';
import { QuarantinePanel, SecurityEventsPanel } from './security-events';
import { OutcomeNote, outcomeOf, ScopePicker, type Outcome } from './shared';

type Device = paths['/api/ingest/devices']['get']['responses'][200]['content']['application/json']['items'][number];

type DeviceTab = 'devices' | 'quarantine' | 'events' | 'opcua';
export const DEVICES_KEY = ['ingest-devices'] as const;

/** Devices feeding Bastion (Sparkplug B and OPC UA), what was quarantined, and the refusals at the door. */
export function DevicesScreen() {
  const { tab } = useSearch({ from: '/shell/security/devices' });
  const navigate = useNavigate({ from: '/security/devices' });
  return (
    <Screen
      title="Devices and events"
      intro="Registered devices and their credentials, quarantined messages, security events and OPC UA connections."
    >
      <Tabs
        selectedKey={tab}
        onSelectionChange={(key) => void navigate({ search: { tab: key as DeviceTab }, replace: true })}
      >
        <TabList aria-label="Devices and events">
          <Tab id="devices">Devices</Tab>
          <Tab id="quarantine">Quarantined messages</Tab>
          <Tab id="events">Security events</Tab>
          <Tab id="opcua">OPC UA</Tab>
        </TabList>
        <TabPanel id="devices">
          <DevicesPanel />
        </TabPanel>
        <TabPanel id="quarantine">
          <QuarantinePanel />
        </TabPanel>
        <TabPanel id="events">
          <SecurityEventsPanel />
        </TabPanel>
        <TabPanel id="opcua">
          <OpcUaPanel />
        </TabPanel>
      </Tabs>
    </Screen>
  );
}

const STATES = [
  { value: 'any', label: 'Any state' },
  { value: 'active', label: 'Active' },
  { value: 'quarantined', label: 'Quarantined' },
];

function DevicesPanel() {
  const me = useSignedIn();
  const client = useQueryClient();
  const manage = can(me, 'ingest.devices.manage');
  const [state, setState] = useState('any');
  const [outcome, setOutcome] = useState<Outcome>();
  const done = (o: Outcome) => {
    setOutcome(o);
    void client.invalidateQueries({ queryKey: DEVICES_KEY });
  };
  const rotate = useMutation({
    mutationFn: (name: string) => run(api.POST('/api/ingest/devices/{name}/rotate', { params: { path: { name } } })),
    onSuccess: (result, name) =>
      done(
        outcomeOf(`Rotating the secret of ${name}`, result, (r) => ({
          kind: 'done',
          message: `New secret issued for ${r.name}; the old one no longer works. Configure the device with it.`,
          secret: { label: `Secret of ${r.name}`, value: r.secret },
        })),
      ),
  });
  const release = useMutation({
    mutationFn: (name: string) => run(api.POST('/api/ingest/devices/{name}/release', { params: { path: { name } } })),
    onSuccess: (result, name) =>
      done(
        outcomeOf(`Releasing ${name}`, result, (r) => ({
          kind: 'done',
          message: `${r.name} released: its data is accepted again.`,
        })),
      ),
  });
  const query = { state: state === 'any' ? undefined : (state as 'active' | 'quarantined') };
  return (
    <Panel title="Devices">
      <OutcomeNote outcome={outcome} />
      <ErrorNote error={rotate.error ?? release.error} />
      <div className="admin-filters" role="group" aria-label="Filter devices">
        <Select label="State" options={STATES} value={state} onChange={setState} />
        {manage && (
          <DialogButton label="Register a device" title="Register a device">
            {(close) => <RegisterDevice onDone={(o) => (done(o), close())} onCancel={close} />}
          </DialogButton>
        )}
      </div>
      <PagedTable<Device>
        queryKey={[...DEVICES_KEY, query]}
        fetchPage={(cursor) =>
          unwrap(api.GET('/api/ingest/devices', { params: { query: { ...query, cursor, limit: 25 } } }))
        }
        caption="Registered devices"
        rowKey={(d) => d.id}
        columns={[
          { header: 'Device', cell: (d) => <strong>{d.name}</strong> },
          { header: 'Equipment', cell: (d) => <code>{d.equipment}</code> },
          { header: 'Sparkplug namespace', cell: (d) => `${d.groupId} / ${d.edgeNodeId}` },
          {
            header: 'State',
            cell: (d) =>
              d.state === 'quarantined' ? (
                <>
                  <Badge tone="bad">quarantined</Badge> {d.quarantineReason}
                </>
              ) : (
                <Badge tone="good">{d.state}</Badge>
              ),
          },
          ...(manage
            ? [
                {
                  header: 'Actions',
                  cell: (d: Device) => (
                    <div className="row">
                      {d.state === 'quarantined' ? (
                        <Button
                          variant="secondary"
                          onPress={() => release.mutate(d.name)}
                          aria-label={`Release ${d.name}`}
                        >
                          Release
                        </Button>
                      ) : (
                        <DialogButton label="Quarantine" title={`Quarantine ${d.name}`} variant="danger">
                          {(close) => <Quarantine name={d.name} onDone={(o) => (done(o), close())} onCancel={close} />}
                        </DialogButton>
                      )}
                      <Button
                        variant="secondary"
                        onPress={() => rotate.mutate(d.name)}
                        aria-label={`Rotate secret of ${d.name}`}
                      >
                        Rotate secret
                      </Button>
                    </div>
                  ),
                },
              ]
            : []),
        ]}
        empty={{
          title: 'No device',
          hint: manage ? 'Register a device to let it publish data.' : 'A security officer registers devices.',
        }}
      />
    </Panel>
  );
}

function Quarantine({ name, onDone, onCancel }: { name: string; onDone: (o: Outcome) => void; onCancel: () => void }) {
  const [reason, setReason] = useState('');
  const quarantine = useMutation({
    mutationFn: () =>
      run(api.POST('/api/ingest/devices/{name}/quarantine', { params: { path: { name } }, body: { reason } })),
    onSuccess: (result) =>
      onDone(
        outcomeOf(`Quarantining ${name}`, result, (r) => ({
          kind: 'done',
          message: `${r.name} quarantined: its messages are set aside for review, not recorded.`,
        })),
      ),
  });
  return (
    <form
      className="admin-form"
      onSubmit={(event) => {
        event.preventDefault();
        quarantine.mutate();
      }}
    >
      <Field
        label="Reason"
        value={reason}
        onChange={setReason}
        isRequired
        hint="Why its data must not be trusted now."
      />
      <ErrorNote error={quarantine.error} />
      <div className="row">
        <Button type="submit" variant="danger" isDisabled={quarantine.isPending}>
          Quarantine {name}
        </Button>
        <Button variant="secondary" onPress={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function RegisterDevice({ onDone, onCancel }: { onDone: (o: Outcome) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [equipment, setEquipment] = useState<string | null>(null);
  const [groupId, setGroupId] = useState('');
  const [edgeNodeId, setEdgeNodeId] = useState('');
  const register = useMutation({
    mutationFn: () =>
      run(api.POST('/api/ingest/devices', { body: { name, equipment: equipment ?? '', groupId, edgeNodeId } })),
    onSuccess: (result) =>
      onDone(
        outcomeOf(`Registering ${name}`, result, (r) => ({
          kind: 'done',
          message: `Device ${r.name} registered. Configure it with this secret (its MQTT password).`,
          secret: { label: `Secret of ${r.name}`, value: r.secret },
        })),
      ),
  });
  const fields = register.error instanceof ProblemError ? register.error.fields : {};
  return (
    <form
      className="admin-form"
      onSubmit={(event) => {
        event.preventDefault();
        register.mutate();
      }}
    >
      <Field label="Device name" value={name} onChange={setName} isRequired error={fields['/name']} />
      <ScopePicker label="Equipment it feeds" value={equipment} onChange={setEquipment} />
      <Field label="Sparkplug group ID" value={groupId} onChange={setGroupId} isRequired error={fields['/groupId']} />
      <Field
        label="Sparkplug edge node ID"
        value={edgeNodeId}
        onChange={setEdgeNodeId}
        isRequired
        error={fields['/edgeNodeId']}
      />
      <ErrorNote error={register.error} />
      <div className="row">
        <Button type="submit" isDisabled={register.isPending || equipment === null}>
          Register
        </Button>
        <Button variant="secondary" onPress={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
