import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, ErrorNote } from '../../ui/controls';
import { Select } from '../../ui/select';
import { addEntry, closeIncident, INCIDENTS_KEY, type Incident } from './incidents-api';
import { TextArea } from './TextArea';

const KINDS = [
  { value: 'note', label: 'Note' },
  { value: 'action', label: 'Action taken' },
];

function useIncidentUpdate(id: string) {
  const client = useQueryClient();
  return (updated: Incident) => {
    client.setQueryData([...INCIDENTS_KEY, 'one', id], updated);
    void client.invalidateQueries({ queryKey: [...INCIDENTS_KEY, 'list'] });
  };
}

/** A note or an action for the timeline. */
export function EntryForm({ id }: { id: string }) {
  const updated = useIncidentUpdate(id);
  const [kind, setKind] = useState('note');
  const [text, setText] = useState('');
  const add = useMutation({
    mutationFn: () => addEntry(id, kind, text.trim()),
    onSuccess: (incident) => {
      setText('');
      updated(incident);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <form className="admin-form" aria-label="Add to the timeline" onSubmit={submit}>
      <h3>Add to the timeline</h3>
      <Select label="Kind" options={KINDS} value={kind} onChange={setKind} />
      <TextArea label="What happened or was done" value={text} onChange={setText} isRequired />
      <ErrorNote error={add.error} />
      <Button type="submit" isDisabled={add.isPending || text.trim() === ''}>
        Add
      </Button>
    </form>
  );
}

/** Closing needs its root cause and lessons: the record a review (and NIS2 reporting) reads later. */
export function CloseForm({ id }: { id: string }) {
  const updated = useIncidentUpdate(id);
  const [rootCause, setRootCause] = useState('');
  const [lessons, setLessons] = useState('');
  const close = useMutation({
    mutationFn: () => closeIncident(id, rootCause.trim(), lessons.trim()),
    onSuccess: updated,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    close.mutate();
  };
  return (
    <form className="admin-form" aria-label="Close the incident" onSubmit={submit}>
      <TextArea label="Root cause" value={rootCause} onChange={setRootCause} isRequired />
      <TextArea label="Lessons learned" value={lessons} onChange={setLessons} isRequired />
      <ErrorNote error={close.error} />
      <Button
        type="submit"
        variant="danger"
        isDisabled={close.isPending || rootCause.trim() === '' || lessons.trim() === ''}
      >
        Close the incident
      </Button>
    </form>
  );
}
