import { FieldError, Label, TextArea as AriaTextArea, TextField } from 'react-aria-components';

/** A labelled multi-line text (a reason, a note, a root cause), with the server's message for it. */
export function TextArea({
  label,
  value,
  onChange,
  error,
  isRequired,
  className,
  rows,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  isRequired?: boolean;
  /** The screen's own layout class. */
  className: string;
  rows?: number;
}) {
  return (
    <TextField
      className={className}
      value={value}
      onChange={onChange}
      isRequired={isRequired}
      isInvalid={error !== undefined}
    >
      <Label>{label}</Label>
      <AriaTextArea rows={rows} />
      <FieldError className="field-error">{error}</FieldError>
    </TextField>
  );
}
