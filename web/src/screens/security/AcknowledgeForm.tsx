import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, execute } from '../../api/client';
import { Button, ErrorNote } from '../../ui/controls';
import { TextArea } from './TextArea';
import type { Alert } from './security-api';

/** Acknowledging says "someone is on it": it stops the escalation clock; the note says what is being done. */
export function AcknowledgeForm({
  alert,
  onDone,
  onCancel,
}: {
  alert: Alert;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const [note, setNote] = useState('');
  const acknowledge = useMutation({
    mutationFn: () =>
      execute(
        api.POST('/api/security/alerts/{id}/acknowledge', {
          params: { path: { id: alert.id } },
          body: note.trim() === '' ? {} : { note: note.trim() },
        }),
      ),
    onSuccess: (a) => onDone(`Acknowledged “${a.title}”.`),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    acknowledge.mutate();
  };
  return (
    <form className="admin-form" aria-label="Acknowledge the alert" onSubmit={submit}>
      <TextArea label="Note (optional)" value={note} onChange={setNote} />
      <ErrorNote error={acknowledge.error} />
      <div className="security-actions">
        <Button type="submit" isDisabled={acknowledge.isPending}>
          Acknowledge alert
        </Button>
        <Button variant="secondary" onPress={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
