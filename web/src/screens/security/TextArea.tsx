import type { ComponentProps } from 'react';
import { TextArea as Shared } from '../../ui/text-area';

/** The shared multi-line text, three rows high, laid out as the security center lays it out. */
export const TextArea = (props: Omit<ComponentProps<typeof Shared>, 'className' | 'rows'>) => (
  <Shared {...props} className="field security-textarea" rows={3} />
);
