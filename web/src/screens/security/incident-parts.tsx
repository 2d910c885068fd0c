import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Checkbox } from 'react-aria-components';
import { ErrorNote, Empty, When } from '../../ui/controls';
import { useWho } from './who';
import { INCIDENTS_KEY, markStep, type Incident, type IncidentEntry } from './incidents-api';

/** The playbook's steps as a checklist: ticking one records who did it and when (and lands in the timeline). */
export function Checklist({ incident, editable }: { incident: Incident; editable: boolean }) {
  const client = useQueryClient();
  const who = useWho();
  const mark = useMutation({
    mutationFn: ({ position, done }: { position: number; done: boolean }) => markStep(incident.id, position, done),
    onSuccess: (updated) => client.setQueryData([...INCIDENTS_KEY, 'one', incident.id], updated),
  });
  if (incident.steps.length === 0)
    return (
      <Empty title="No playbook" hint="This incident was opened without a playbook: record actions in the timeline." />
    );
  return (
    <>
      <ol className="security-checklist" aria-label="Playbook checklist">
        {incident.steps.map((s) => (
          <li key={s.position}>
            <Checkbox
              className="admin-checkbox"
              isSelected={s.doneAt !== null}
              isDisabled={!editable || mark.isPending}
              onChange={(done) => mark.mutate({ position: s.position, done })}
            >
              {({ isSelected }) => (
                <>
                  <span className="admin-checkbox-box" aria-hidden="true">
                    {isSelected ? '✓' : ''}
                  </span>
                  <span>
                    {s.step}
                    {s.doneAt !== null && (
                      <span className="hint">
                        {' '}
                        — done <When at={s.doneAt} /> by {who(s.doneBy)}
                      </span>
                    )}
                  </span>
                </>
              )}
            </Checkbox>
          </li>
        ))}
      </ol>
      <ErrorNote error={mark.error} />
    </>
  );
}

/** What happened, oldest first: the opening, linked alerts, notes, actions, steps done, the closing. */
export function Timeline({ entries }: { entries: IncidentEntry[] }) {
  const who = useWho();
  if (entries.length === 0) return <Empty title="Nothing recorded yet" hint="Notes and actions appear here." />;
  return (
    <ol className="security-timeline" aria-label="Incident timeline">
      {entries.map((e, index) => (
        <li key={`${e.at}-${index}`}>
          <When at={e.at} /> <strong>{e.kind}</strong> <span className="hint">by {who(e.actor)}</span>
          <div>{e.text}</div>
        </li>
      ))}
    </ol>
  );
}
