import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { can, useSignedIn } from '../../session/me';
import { Badge, ErrorNote, Loading, Notice } from '../../ui/controls';
import { DialogButton } from '../../ui/dialog';
import { Panel } from '../../ui/page';
import { Table } from '../../ui/table';
import { TuneForm } from './TuneForm';
import { RULES_KEY, rules, toneOf, type Rule } from './security-api';

/** Seconds in the largest unit that divides them, for reading ("300" → "5 min"). */
export function spanOf(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** The detection rules as they run (defaults with their tuning), and the form a security officer tunes them with. */
export function RulesPanel() {
  const me = useSignedIn();
  const tune = can(me, 'monitoring.rules.tune');
  const client = useQueryClient();
  const [done, setDone] = useState<string>();
  const list = useQuery({ queryKey: RULES_KEY, queryFn: rules });
  const tuned = (message: string) => {
    setDone(message);
    void client.invalidateQueries({ queryKey: RULES_KEY });
  };
  return (
    <Panel title="Detection rules">
      {done !== undefined && <Notice>{done}</Notice>}
      {list.isPending ? (
        <Loading what="detection rules" />
      ) : list.isError ? (
        <ErrorNote error={list.error} />
      ) : (
        <Table<Rule>
          caption="Detection rules"
          rows={list.data.items}
          rowKey={(r) => r.name}
          columns={[
            {
              header: 'Rule',
              cell: (r) => (
                <>
                  <strong>{r.title}</strong> <code>{r.name}</code>
                  <div className="hint">{r.description}</div>
                </>
              ),
            },
            { header: 'Enabled', cell: (r) => (r.enabled ? 'yes' : <Badge tone="warn">off</Badge>) },
            { header: 'Severity', cell: (r) => <Badge tone={toneOf(r.severity)}>{r.severity}</Badge> },
            { header: 'Threshold', cell: (r) => r.threshold, numeric: true },
            { header: 'Window', cell: (r) => spanOf(r.windowSeconds), numeric: true },
            { header: 'ATT&CK for ICS', cell: (r) => r.technique ?? '—' },
            { header: 'Tuned', cell: (r) => (r.tuned ? 'tuned' : 'default') },
            {
              header: 'Actions',
              cell: (r) =>
                tune && (
                  <DialogButton label="Tune" title={`Tune “${r.title}”`} variant="secondary">
                    {(close) => <TuneForm rule={r} onDone={(m) => (tuned(m), close())} onCancel={close} />}
                  </DialogButton>
                ),
            },
          ]}
          empty={{ title: 'No detection rule', hint: 'The server runs no rule.' }}
        />
      )}
    </Panel>
  );
}
