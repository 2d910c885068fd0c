import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { Button, ErrorNote, Field } from '../../ui/controls';
import { Select } from '../../ui/select';
import { INCIDENTS_KEY, openIncident, playbooks } from './incidents-api';
import { ALERTS_KEY, SEVERITY_OPTIONS, type Alert, type Severity } from './security-api';

const NONE = 'none';

/** Opens an incident, from an alert (linked to it, its title and severity as a start) or by hand. */
export function OpenIncidentForm({ alert, onCancel }: { alert?: Alert; onCancel: () => void }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const books = useQuery({ queryKey: ['security-playbooks'], queryFn: playbooks, staleTime: 300_000 });
  const [title, setTitle] = useState(alert?.title ?? '');
  const [severity, setSeverity] = useState<string>(alert?.severity ?? 'medium');
  const [playbook, setPlaybook] = useState(NONE);
  const open = useMutation({
    mutationFn: () =>
      openIncident({
        title: title.trim(),
        severity: severity as Severity,
        ...(playbook !== NONE && { playbook }),
        ...(alert !== undefined && { alertIds: [alert.id] }),
      }),
    onSuccess: (incident) => {
      void client.invalidateQueries({ queryKey: ALERTS_KEY });
      void client.invalidateQueries({ queryKey: INCIDENTS_KEY });
      void navigate({ to: '/security/incidents/$id', params: { id: incident.id } });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    open.mutate();
  };
  const options = [
    { value: NONE, label: 'No playbook' },
    ...(books.data?.items ?? []).map((p) => ({ value: p.name, label: p.title })),
  ];
  return (
    <form className="admin-form" aria-label="Open an incident" onSubmit={submit}>
      <Field label="Title" value={title} onChange={setTitle} isRequired maxLength={200} />
      <Select label="Severity" options={SEVERITY_OPTIONS} value={severity} onChange={setSeverity} isRequired />
      <Select
        label="Playbook"
        options={options}
        value={playbook}
        onChange={setPlaybook}
        hint="Its checklist is copied into the incident."
      />
      <ErrorNote error={books.error ?? open.error} />
      <div className="security-actions">
        <Button type="submit" isDisabled={open.isPending || title.trim() === ''}>
          Open the incident
        </Button>
        <Button variant="secondary" onPress={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
