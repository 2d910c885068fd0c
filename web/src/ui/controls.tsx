import type { ReactNode } from 'react';
import {
  Button as AriaButton,
  FieldError,
  Input,
  Label,
  TextField,
  Text,
  type ButtonProps,
  type TextFieldProps,
} from 'react-aria-components';

/** Buttons, fields and messages built on React Aria's accessible primitives, styled by styles/app.css. */
export function Button({
  variant = 'primary',
  ...props
}: ButtonProps & { variant?: 'primary' | 'secondary' | 'danger' | 'big' }) {
  return <AriaButton {...props} className={`button button-${variant}`} />;
}

export interface FieldProps extends Omit<TextFieldProps, 'children'> {
  label: string;
  hint?: string;
  error?: string | undefined;
  inputMode?: 'text' | 'numeric' | 'decimal';
  placeholder?: string;
}

export function Field({ label, hint, error, inputMode, placeholder, ...props }: FieldProps) {
  return (
    <TextField {...props} className="field" isInvalid={error !== undefined && error !== ''}>
      <Label>{label}</Label>
      <Input inputMode={inputMode} placeholder={placeholder} />
      {hint !== undefined && <Text slot="description">{hint}</Text>}
      <FieldError>{error}</FieldError>
    </TextField>
  );
}

/** A problem the server reported or the page met, said plainly where the person is looking. */
export function ErrorNote({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  const message = error instanceof Error ? error.message : 'Something went wrong.';
  return (
    <p role="alert" className="error-note">
      {message}
    </p>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="notice">
      {children}
    </p>
  );
}

/** What an empty screen should say: what is missing, and what to do about it. */
export function Empty({ title, hint }: { title: string; hint: string }) {
  return (
    <div className="empty">
      <strong>{title}</strong>
      <span>{hint}</span>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" aria-busy="true">
      Loading {what}…
    </p>
  );
}

/** A time in the person's own time zone (the browser's), with the exact ISO time on hover. */
export function When({ at }: { at: string | null | undefined }) {
  if (at === null || at === undefined || at === '') return <span>—</span>;
  const date = new Date(at);
  return (
    <time dateTime={at} title={at}>
      {date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
    </time>
  );
}

export function Badge({
  tone = 'neutral',
  children,
}: {
  tone?: 'good' | 'bad' | 'warn' | 'neutral';
  children: ReactNode;
}) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

/** The 6-digit code of an authenticator app (sign-in, enrolment, e-signatures): numeric keypad, autofill hint. */
export function TotpField({
  value,
  onChange,
  isRequired = true,
  autoFocus,
  name = 'code',
}: {
  value: string;
  onChange: (value: string) => void;
  isRequired?: boolean;
  autoFocus?: boolean;
  name?: string;
}) {
  return (
    <Field
      label="Code from your authenticator app"
      name={name}
      inputMode="numeric"
      autoComplete="one-time-code"
      value={value}
      onChange={onChange}
      isRequired={isRequired}
      autoFocus={autoFocus}
    />
  );
}
