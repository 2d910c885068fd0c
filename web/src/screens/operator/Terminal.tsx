import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { api, execute, problemOf, rememberCsrf } from '../../api/client';
import { useIdleLock } from '../../session/idle';
import { useMe, useSignOut, type Me } from '../../session/me';
import { Button, ErrorNote, Field, Loading, Notice } from '../../ui/controls';
import { OperatorWork } from './OperatorWork';
import { PinPad } from './PinPad';
import '../../styles/operator.css';

type TerminalIdentity = { id: string; name: string; line: string };
const CURRENT_KEY = ['terminal', 'current'] as const;
/** The terminal's idle lock when the server does not name a shorter one (its terminal sessions idle in 5). */
const TERMINAL_IDLE_MINUTES = 5;

function useCurrentTerminal() {
  return useQuery({
    queryKey: CURRENT_KEY,
    queryFn: async (): Promise<TerminalIdentity | null> => {
      const answer = await api.GET('/api/terminals/current');
      if (answer.response.status === 404) return null;
      if (answer.data === undefined) throw problemOf(answer.error, answer.response);
      return answer.data;
    },
    retry: false,
    staleTime: Infinity,
  });
}

function TerminalHeader({ terminal, children }: { terminal: TerminalIdentity; children?: React.ReactNode }) {
  return (
    <header className="terminal-bar">
      <span className="terminal-name">
        Terminal <strong>{terminal.name}</strong> · line <strong>{terminal.line}</strong>
      </span>
      {children}
    </header>
  );
}

function Enrol() {
  const client = useQueryClient();
  const [code, setCode] = useState('');
  const enrol = useMutation({
    mutationFn: () => execute(api.POST('/api/terminals/enrol', { body: { code: code.trim() } })),
    onSuccess: (terminal) => client.setQueryData(CURRENT_KEY, terminal),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    enrol.mutate();
  };
  return (
    <main className="terminal-page terminal-centre" id="main">
      <h1>Enrol this terminal</h1>
      <p>This browser is not an enrolled shop-floor terminal yet.</p>
      <Form onSubmit={submit} aria-label="Enrol this terminal" className="terminal-form">
        <Field
          label="Enrolment code"
          hint="Enter the enrolment code an administrator gave you (valid 15 minutes, once)."
          value={code}
          onChange={setCode}
          autoComplete="off"
          isRequired
          autoFocus
        />
        <ErrorNote error={enrol.error} />
        <Button type="submit" variant="big" isDisabled={enrol.isPending}>
          Enrol
        </Button>
      </Form>
    </main>
  );
}

function BadgeSignIn({ terminal, reason }: { terminal: TerminalIdentity; reason: string | undefined }) {
  const client = useQueryClient();
  const [badge, setBadge] = useState('');
  const [pin, setPin] = useState('');
  const signIn = useMutation({
    mutationFn: () => execute(api.POST('/api/terminals/sign-in', { body: { badge: badge.trim(), pin } })),
    onSuccess: async (result) => {
      rememberCsrf(result.csrfToken);
      setBadge('');
      await client.invalidateQueries({ queryKey: ['me'] });
    },
    onSettled: () => setPin(''),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (badge.trim() !== '' && pin.length >= 4) signIn.mutate();
  };
  useEffect(() => {
    document.title = `Terminal ${terminal.name} · Bastion`;
  }, [terminal.name]);
  return (
    <div className="terminal-page">
      <TerminalHeader terminal={terminal} />
      <main className="terminal-centre" id="main">
        <h1>Sign in with badge and PIN</h1>
        {reason !== undefined && <Notice>{reason}</Notice>}
        <Form onSubmit={submit} aria-label="Badge sign-in" className="terminal-form">
          <Field
            label="Badge"
            hint="Scan your badge or type its number."
            value={badge}
            onChange={setBadge}
            autoComplete="off"
            isRequired
            autoFocus
          />
          <PinPad pin={pin} onChange={setPin} />
          <ErrorNote error={signIn.error} />
          <Button type="submit" variant="big" isDisabled={signIn.isPending}>
            Sign in
          </Button>
        </Form>
      </main>
    </div>
  );
}

function SignedInTerminal({ terminal, me, onIdle }: { terminal: TerminalIdentity; me: Me; onIdle: () => void }) {
  const signOut = useSignOut();
  useIdleLock(Math.min(me.idleMinutes, TERMINAL_IDLE_MINUTES), onIdle);
  useEffect(() => {
    document.title = `Terminal ${terminal.name} · Bastion`;
  }, [terminal.name]);
  return (
    <div className="terminal-page">
      <TerminalHeader terminal={terminal}>
        <span className="terminal-who">{me.displayName !== '' ? me.displayName : me.username}</span>
        <Button variant="big" onPress={() => void signOut()}>
          Sign out
        </Button>
      </TerminalHeader>
      <main id="main" className="terminal-main">
        <h1 className="visually-hidden">Operator terminal {terminal.name}</h1>
        <OperatorWork user={me.username} line={terminal.line} />
      </main>
    </div>
  );
}

/** `/terminal`: enrolment, then badge and PIN, then the operator screen for the terminal's line. */
export function Terminal() {
  const current = useCurrentTerminal();
  const me = useMe();
  const signOut = useSignOut();
  const [reason, setReason] = useState<string>();
  if (current.isPending) return <Loading what="this terminal" />;
  if (current.isError) return <ErrorNote error={current.error} />;
  if (current.data === null) return <Enrol />;
  const terminal = current.data;
  if (me.data === undefined) return me.isError ? <ErrorNote error={me.error} /> : <Loading what="your session" />;
  if (me.data === null || me.data.terminal?.id !== terminal.id)
    return <BadgeSignIn terminal={terminal} reason={reason} />;
  const person = me.data;
  return (
    <SignedInTerminal
      terminal={terminal}
      me={person}
      onIdle={() => {
        setReason(`${person.displayName || person.username} was signed out after a few minutes without activity.`);
        void signOut();
      }}
    />
  );
}
