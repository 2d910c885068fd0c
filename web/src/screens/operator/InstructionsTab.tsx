import { urlOf } from '../../api/client';
import { Empty, ErrorNote, Loading, When } from '../../ui/controls';
import { useAttachments, useReleasedVersion } from './data';
import type { OperationProps } from './OperationWork';

const sizeOf = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${Math.round(bytes / 1024)} kB`);

/** The operation's work instructions (from the released routing) and its attached documents. */
export function InstructionsTab({ product, operation }: OperationProps) {
  const version = useReleasedVersion(product);
  const attachments = useAttachments(product, version.data?.version);
  if (version.isPending) return <Loading what="work instructions" />;
  if (version.isError) return <ErrorNote error={version.error} />;
  if (version.data === null)
    return <Empty title="No released definition" hint={`Ask a process engineer to release ${product}.`} />;
  const step = version.data.routing.find((r) => r.sequence === operation.sequence);
  const files = (attachments.data?.attachments ?? []).filter((a) => a.operation === operation.sequence);
  return (
    <div className="op-tab">
      <h4>
        {product} version {version.data.version}, operation {operation.sequence}
      </h4>
      {step?.instructions !== undefined && step.instructions !== '' ? (
        <p className="op-instructions">{step.instructions}</p>
      ) : (
        <p>No written instructions for this operation.</p>
      )}
      <ErrorNote error={attachments.error} />
      {files.length === 0 ? (
        <p>No attachments for this operation.</p>
      ) : (
        <ul className="op-attachments" aria-label="Attachments">
          {files.map((a) => (
            <li key={a.id}>
              <a href={urlOf(`/api/attachments/${a.id}`)} download>
                Download {a.mediaType} ({sizeOf(a.size)})
              </a>{' '}
              added <When at={a.createdAt} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
