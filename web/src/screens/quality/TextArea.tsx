import type { ComponentProps } from 'react';
import { TextArea as Shared } from '../../ui/text-area';

/** The shared multi-line text, laid out as the quality screens lay it out. */
export const TextArea = (props: Omit<ComponentProps<typeof Shared>, 'className'>) => (
  <Shared {...props} className="quality-textarea" />
);
