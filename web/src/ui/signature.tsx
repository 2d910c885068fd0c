import { useState } from 'react';
import { Field, TotpField } from './controls';
import { Select } from './select';

/** An electronic signature (21 CFR Part 11 §11.200): the signer's name, password, second factor and the meaning. */
export interface Signature {
  meaning: 'authored' | 'reviewed' | 'approved' | 'released' | 'responsibility';
  /** The first signature of a session needs every component, the user name included (§11.200(a)(1)(i)). */
  username: string;
  password: string;
  totp?: string;
}

const MEANINGS: { value: Signature['meaning']; label: string }[] = [
  { value: 'approved', label: 'Approved' },
  { value: 'reviewed', label: 'Reviewed' },
  { value: 'released', label: 'Released' },
  { value: 'authored', label: 'Authored' },
  { value: 'responsibility', label: 'I take responsibility' },
];

/**
 * The fields of a signature. The password and code live in this component's state only for the one request
 * (never stored, never cached); `withTotp` when the signer's account has an authenticator.
 */
export function useSignatureFields(defaultMeaning: Signature['meaning'] = 'approved', withTotp = true) {
  const [meaning, setMeaning] = useState<Signature['meaning']>(defaultMeaning);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const fields = (
    <fieldset className="signature">
      <legend>Electronic signature</legend>
      <Select
        label="Meaning of this signature"
        options={MEANINGS}
        value={meaning}
        onChange={(v) => setMeaning(v as Signature['meaning'])}
      />
      <Field
        label="Your user name"
        name="signatureUsername"
        autoComplete="username"
        value={username}
        onChange={setUsername}
        isRequired
      />
      <Field
        label="Your password"
        name="signaturePassword"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={setPassword}
        isRequired
      />
      {withTotp && <TotpField name="signatureTotp" value={totp} onChange={setTotp} isRequired={false} />}
    </fieldset>
  );
  const signature = (): Signature => ({
    meaning,
    username: username.trim(),
    password,
    ...(totp.trim() !== '' ? { totp: totp.trim() } : {}),
  });
  const clear = () => {
    setPassword('');
    setTotp('');
  };
  return { fields, signature, clear };
}
