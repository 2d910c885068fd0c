import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Checkbox } from 'react-aria-components';
import { api, execute } from '../../api/client';
import { Button, ErrorNote, Field } from '../../ui/controls';
import { Select } from '../../ui/select';
import { SEVERITY_OPTIONS, type Rule, type Severity } from './security-api';

const whole = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN);

/** On, off, threshold, window and severity of one rule; the server validates the figures and audits the change. */
export function TuneForm({
  rule,
  onDone,
  onCancel,
}: {
  rule: Rule;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const [enabled, setEnabled] = useState(rule.enabled);
  const [threshold, setThreshold] = useState(String(rule.threshold));
  const [windowSeconds, setWindowSeconds] = useState(String(rule.windowSeconds));
  const [severity, setSeverity] = useState<string>(rule.severity);
  const valid = whole(threshold) >= 1 && whole(windowSeconds) >= 1;
  const save = useMutation({
    mutationFn: () =>
      execute(
        api.POST('/api/security/rules/{name}', {
          params: { path: { name: rule.name } },
          body: {
            enabled,
            threshold: whole(threshold),
            windowSeconds: whole(windowSeconds),
            severity: severity as Severity,
          },
        }),
      ),
    onSuccess: () => onDone(`Rule “${rule.title}” tuned.`),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form className="admin-form" aria-label="Tune the rule" onSubmit={submit}>
      <Checkbox className="admin-checkbox" isSelected={enabled} onChange={setEnabled}>
        {({ isSelected }) => (
          <>
            <span className="admin-checkbox-box" aria-hidden="true">
              {isSelected ? '✓' : ''}
            </span>
            Enabled
          </>
        )}
      </Checkbox>
      <Field label="Threshold" inputMode="numeric" value={threshold} onChange={setThreshold} isRequired />
      <Field
        label="Window (seconds)"
        inputMode="numeric"
        value={windowSeconds}
        onChange={setWindowSeconds}
        isRequired
      />
      <Select label="Severity" options={SEVERITY_OPTIONS} value={severity} onChange={setSeverity} isRequired />
      <ErrorNote error={save.error} />
      <div className="security-actions">
        <Button type="submit" isDisabled={save.isPending || !valid}>
          Save tuning
        </Button>
        <Button variant="secondary" onPress={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
