import { FieldError, Label, TextArea as AriaTextArea, TextField } from 'react-aria-components';

/** A labelled multi-line text (a note, a root cause), with the server's message for it. */
export function TextArea({
  label,
  value,
  onChange,
  error,
  isRequired,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  isRequired?: boolean;
}) {
  return (
    <TextField
      className="field security-textarea"
      value={value}
      onChange={onChange}
      isRequired={isRequired}
      isInvalid={error !== undefined}
    >
      <Label>{label}</Label>
      <AriaTextArea rows={3} />
      <FieldError className="field-error">{error}</FieldError>
    </TextField>
  );
}
