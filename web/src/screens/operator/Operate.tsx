import { useSignedIn } from '../../session/me';
import { Screen } from '../../ui/page';
import { OperatorWork } from './OperatorWork';
import '../../styles/operator.css';

/** The operator screen inside the shell: every dispatched or running order within the person's scopes. */
export function Operate() {
  const me = useSignedIn();
  return (
    <Screen
      title="Operator terminal"
      intro="Start, pause and complete operations, book material, report quantities, inspections and down time."
    >
      <OperatorWork user={me.username} />
    </Screen>
  );
}
