import { Button } from '../../ui/controls';
import { Input, Label, TextField } from 'react-aria-components';

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

/**
 * A PIN typed on big digit buttons (a gloved hand on a touch screen) or on a keyboard: the field takes digits
 * only, and Enter signs in. The PIN is never shown, only how many digits were entered.
 */
export function PinPad({ pin, onChange }: { pin: string; onChange: (pin: string) => void }) {
  const press = (digit: string) => pin.length < 8 && onChange(pin + digit);
  return (
    <div className="pin-pad">
      <TextField
        className="field"
        value={pin}
        onChange={(text) => onChange(text.replace(/\D/g, '').slice(0, 8))}
        isRequired
        type="password"
      >
        <Label>PIN</Label>
        <Input inputMode="numeric" autoComplete="off" />
      </TextField>
      <div className="pin-keys" role="group" aria-label="PIN keys">
        {DIGITS.map((d) => (
          <Button key={d} variant="big" onPress={() => press(d)}>
            {d}
          </Button>
        ))}
        <Button variant="secondary" onPress={() => onChange(pin.slice(0, -1))} aria-label="Delete last digit">
          ⌫
        </Button>
        <Button variant="big" onPress={() => press('0')}>
          0
        </Button>
        <Button variant="secondary" onPress={() => onChange('')}>
          Clear
        </Button>
      </div>
    </div>
  );
}
