import type { ReactNode } from 'react';
import { Dialog as AriaDialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { Button } from './controls';

/**
 * A modal dialog opened by a button (focus is trapped inside and returns to the button on close; Escape closes).
 * `children` gets `close` to end the dialog once its work is done.
 */
export function DialogButton({
  label,
  title,
  variant = 'primary',
  children,
}: {
  label: string;
  title: string;
  variant?: 'primary' | 'secondary' | 'danger' | 'big';
  children: (close: () => void) => ReactNode;
}) {
  return (
    <DialogTrigger>
      <Button variant={variant}>{label}</Button>
      <ModalOverlay isDismissable>
        <Modal>
          <AriaDialog>
            {({ close }) => (
              <>
                <Heading slot="title">{title}</Heading>
                {children(close)}
              </>
            )}
          </AriaDialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}
