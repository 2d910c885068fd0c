import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Form } from 'react-aria-components';
import { api, execute } from '../api/client';
import { Button, ErrorNote, TotpField } from '../ui/controls';
import { useRefreshMe } from './me';

/** The server draws the QR code as SVG; it is parsed as SVG (never as HTML) and adopted into the page. */
function QrCode({ svg, uri }: { svg: string; uri: string }) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const parsed = new DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
    if (parsed.nodeName !== 'svg') return;
    parsed.setAttribute('role', 'img');
    parsed.setAttribute('aria-label', `QR code of ${uri.split('?')[0] ?? 'the authenticator key'}`);
    holder.current?.replaceChildren(document.importNode(parsed, true));
  }, [svg, uri]);
  return <div className="qr" ref={holder} />;
}

/**
 * Enrolment of an authenticator app: the QR code (and the key as text for apps without a camera), a first code
 * to prove it works, then the recovery codes, shown this once only.
 */
export function EnrolMfa() {
  const refresh = useRefreshMe();
  const [code, setCode] = useState('');
  const [recoveryCodes, setRecoveryCodes] = useState<string[]>();
  const start = useMutation({ mutationFn: () => execute(api.POST('/api/auth/mfa/enrol')) });
  const confirm = useMutation({
    mutationFn: () => execute(api.POST('/api/auth/mfa/confirm', { body: { code: code.trim() } })),
    onSuccess: (result) => setRecoveryCodes(result.recoveryCodes),
  });

  if (recoveryCodes !== undefined) {
    return (
      <main className="sign-in" id="main">
        <h1>Your recovery codes</h1>
        <p>
          Each code signs you in once if you lose your phone. Store them somewhere safe now (print them or keep them in
          a password manager): <strong>they are not shown again.</strong>
        </p>
        <ol className="recovery-codes" aria-label="Recovery codes">
          {recoveryCodes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ol>
        <Button onPress={() => void refresh()}>I have stored them: continue</Button>
      </main>
    );
  }
  return (
    <main className="sign-in" id="main">
      <h1>Set up your second factor</h1>
      <p>Your role can change what the plant makes or who may do what, so it needs an authenticator app (TOTP).</p>
      {start.data === undefined ? (
        <>
          <ErrorNote error={start.error} />
          <Button onPress={() => start.mutate()} isDisabled={start.isPending}>
            Show the QR code
          </Button>
        </>
      ) : (
        <Form
          onSubmit={(event) => {
            event.preventDefault();
            confirm.mutate();
          }}
          aria-label="Confirm the authenticator"
        >
          <p>1. Scan this code with your authenticator app.</p>
          <QrCode svg={start.data.qrSvg} uri={start.data.otpauthUri} />
          <p>
            No camera? Enter this key by hand:{' '}
            <code className="secret" aria-label="Authenticator key">
              {start.data.secret}
            </code>
          </p>
          <p>2. Type the 6-digit code the app shows now.</p>
          <TotpField value={code} onChange={setCode} />
          <ErrorNote error={confirm.error} />
          <Button type="submit" isDisabled={confirm.isPending}>
            Confirm
          </Button>
        </Form>
      )}
    </main>
  );
}
