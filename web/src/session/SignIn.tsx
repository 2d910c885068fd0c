import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { api, execute, rememberCsrf, unwrap } from '../api/client';
import { Button, ErrorNote, Field, Notice, TotpField } from '../ui/controls';
import { useRefreshMe } from './me';

/** The system-use notice (IEC 62443-3-3 SR 1.12) comes before any credential is asked for. */
function SystemNotice() {
  const notice = useQuery({ queryKey: ['notice'], queryFn: () => unwrap(api.GET('/api/auth/notice')) });
  if (notice.data === undefined) return null;
  return (
    <aside className="system-notice" aria-label="System-use notice">
      {notice.data.notice}
    </aside>
  );
}

export function SignIn({ reason }: { reason?: string | undefined }) {
  const refresh = useRefreshMe();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => execute(api.POST('/api/auth/login', { body: { username, password } })),
    onSuccess: async (result) => {
      rememberCsrf(result.csrfToken);
      setPassword('');
      await refresh();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };
  return (
    <main className="sign-in" id="main">
      <h1>Bastion MES</h1>
      <SystemNotice />
      {reason !== undefined && <Notice>{reason}</Notice>}
      <Form onSubmit={submit} aria-label="Sign in">
        <Field
          label="User name"
          name="username"
          autoComplete="username"
          value={username}
          onChange={setUsername}
          isRequired
          autoFocus
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          isRequired
        />
        <ErrorNote error={login.error} />
        <Button type="submit" isDisabled={login.isPending}>
          Sign in
        </Button>
      </Form>
      <p className="hint">
        At a shop-floor terminal? Operators sign in there with badge and PIN: <a href="/terminal">open the terminal</a>.
      </p>
    </main>
  );
}

/** The one-time password (first login or after a reset) must be replaced before anything else. */
export function ChangePassword({
  onDone,
  title = 'Choose your own password',
}: {
  onDone?: () => void;
  title?: string;
}) {
  const refresh = useRefreshMe();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [repeat, setRepeat] = useState('');
  const change = useMutation({
    mutationFn: () => {
      if (newPassword !== repeat) return Promise.reject(new Error('The two new passwords differ.'));
      return unwrap(api.POST('/api/auth/password', { body: { currentPassword, newPassword } }));
    },
    onSuccess: async () => {
      setCurrent('');
      setNew('');
      setRepeat('');
      onDone?.();
      await refresh();
    },
  });
  return (
    <Form
      onSubmit={(event) => {
        event.preventDefault();
        change.mutate();
      }}
      aria-label={title}
      className="card"
    >
      <h2>{title}</h2>
      <Field
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        value={currentPassword}
        onChange={setCurrent}
        isRequired
      />
      <Field
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        hint="A long passphrase is best: at least 12 characters, not a common or guessable one."
        value={newPassword}
        onChange={setNew}
        isRequired
      />
      <Field
        label="Repeat the new password"
        name="repeatPassword"
        type="password"
        autoComplete="new-password"
        value={repeat}
        onChange={setRepeat}
        isRequired
      />
      <ErrorNote error={change.error} />
      <Button type="submit" isDisabled={change.isPending}>
        Change password
      </Button>
    </Form>
  );
}

/** The second step of a sign-in: a code from the authenticator app, or one recovery code. */
export function VerifySecondFactor() {
  const refresh = useRefreshMe();
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const verify = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/auth/mfa/verify', {
          body: useRecovery ? { recoveryCode: code.trim() } : { code: code.trim() },
        }),
      ),
    onSuccess: () => refresh(),
  });
  return (
    <main className="sign-in" id="main">
      <Form
        onSubmit={(event) => {
          event.preventDefault();
          verify.mutate();
        }}
        aria-label="Second factor"
      >
        <h1>Second factor</h1>
        {useRecovery ? (
          <Field
            label="Recovery code"
            name="recoveryCode"
            value={code}
            onChange={setCode}
            isRequired
            autoFocus
            autoComplete="off"
          />
        ) : (
          <TotpField value={code} onChange={setCode} autoFocus />
        )}
        <ErrorNote error={verify.error} />
        <Button type="submit" isDisabled={verify.isPending}>
          Verify
        </Button>
        <Button
          variant="secondary"
          onPress={() => {
            setUseRecovery(!useRecovery);
            setCode('');
          }}
        >
          {useRecovery ? 'Use the authenticator app instead' : 'Use a recovery code instead'}
        </Button>
      </Form>
    </main>
  );
}
