import {
  Button as AriaButton,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select as AriaSelect,
  SelectValue,
  Text,
} from 'react-aria-components';

export interface Option {
  value: string;
  label: string;
}

/** A labelled choice from a list (React Aria: keyboard, type-ahead, screen-reader announcements). */
export function Select({
  label,
  options,
  value,
  onChange,
  hint,
  placeholder = 'Choose…',
  isRequired,
}: {
  label: string;
  options: Option[];
  value: string | null;
  onChange: (value: string) => void;
  hint?: string;
  placeholder?: string;
  isRequired?: boolean;
}) {
  return (
    <AriaSelect
      className="field select"
      selectedKey={value}
      onSelectionChange={(key) => key !== null && onChange(String(key))}
      placeholder={placeholder}
      isRequired={isRequired}
    >
      <Label>{label}</Label>
      <AriaButton>
        <SelectValue />
        <span aria-hidden="true"> ▾</span>
      </AriaButton>
      {hint !== undefined && <Text slot="description">{hint}</Text>}
      <Popover>
        <ListBox items={options.map((o) => ({ id: o.value, ...o }))}>
          {(item) => <ListBoxItem id={item.id}>{item.label}</ListBoxItem>}
        </ListBox>
      </Popover>
    </AriaSelect>
  );
}
