import { useQuery } from '@tanstack/react-query';
import { useDeferredValue } from 'react';
import {
  Button as AriaButton,
  ComboBox,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Text,
} from 'react-aria-components';
import { lotsStartingWith } from './trace-api';

/** The lot number field: as the person types, the lots whose number starts so are offered (keyboard too). */
export function LotSearch({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const typed = useDeferredValue(value.trim());
  const found = useQuery({
    queryKey: ['lots', 'prefix', typed],
    queryFn: () => lotsStartingWith(typed),
    enabled: typed !== '',
    staleTime: 30_000,
  });
  const items = typed === '' ? [] : (found.data?.items ?? []);
  return (
    <ComboBox
      className="field lot-search"
      inputValue={value}
      onInputChange={onChange}
      onSelectionChange={(key) => key !== null && onChange(String(key))}
      items={items}
      allowsCustomValue
      // The matches arrive after the text changed: the list opens at once and fills when they come.
      allowsEmptyCollection
      menuTrigger="input"
    >
      <Label>Lot number</Label>
      <div className="lot-search-input">
        <Input placeholder="e.g. L-ALU-0001" />
        <AriaButton aria-label="Show matching lots">▾</AriaButton>
      </div>
      <Text slot="description">Type the start of a lot number and pick it from the list.</Text>
      <Popover>
        <ListBox<(typeof items)[number]>
          renderEmptyState={() => (
            <p className="lot-search-empty">{found.isFetching ? 'Searching…' : 'No lot number starts so.'}</p>
          )}
        >
          {(lot) => (
            <ListBoxItem id={lot.number} textValue={lot.number}>
              {lot.number} · {lot.material} · {lot.quantity} {lot.unit}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </ComboBox>
  );
}
