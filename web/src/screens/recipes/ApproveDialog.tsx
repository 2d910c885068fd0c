import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, execute } from '../../api/client';
import { useSignedIn } from '../../session/me';
import { Button, ErrorNote } from '../../ui/controls';
import { DialogButton } from '../../ui/dialog';
import { useSignatureFields } from '../../ui/signature';
import { recipesKey } from './model';

export interface Approved {
  recipe: string;
  version: number;
  state: string;
  approvals: number;
}

/**
 * Approving is an electronic signature (21 CFR 11.200): the first signing of a session needs the user name
 * too, so the person types it here with the password (and authenticator code when the account has one).
 */
function ApproveForm({
  recipe,
  version,
  close,
  onApproved,
}: {
  recipe: string;
  version: number;
  close: () => void;
  onApproved: (a: Approved) => void;
}) {
  const me = useSignedIn();
  const client = useQueryClient();
  const signing = useSignatureFields('approved', me.mfa !== 'not-required');
  const approve = useMutation({
    mutationFn: () =>
      execute(
        api.POST('/api/recipes/versions/approve', {
          body: { input: { recipe, version }, signature: signing.signature() },
        }),
      ),
    onSettled: () => signing.clear(),
    onSuccess: async (result) => {
      await client.invalidateQueries({ queryKey: recipesKey });
      onApproved(result);
      close();
    },
  });
  return (
    <form
      className="stack"
      onSubmit={(event) => {
        event.preventDefault();
        approve.mutate();
      }}
    >
      <p>
        You sign version {version} of {recipe}. Your signature, its meaning and the time are shown with the version from
        now on.
      </p>
      {signing.fields}
      <ErrorNote error={approve.error} />
      <div className="row">
        <Button type="submit" isDisabled={approve.isPending}>
          Sign and approve
        </Button>
        <Button variant="secondary" onPress={close}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

export function ApproveDialog(props: { recipe: string; version: number; onApproved: (a: Approved) => void }) {
  return (
    <DialogButton
      label={`Approve ${props.recipe} v${props.version}`}
      title={`Approve ${props.recipe} version ${props.version}`}
    >
      {(close) => <ApproveForm {...props} close={close} />}
    </DialogButton>
  );
}

export function approvedText(a: Approved): string {
  return a.state === 'approved'
    ? `Version ${a.version} of ${a.recipe} is approved and sealed (${a.approvals} signature${a.approvals === 1 ? '' : 's'}).`
    : `Your signature is recorded: version ${a.version} of ${a.recipe} has ${a.approvals} approval and needs another person's.`;
}
