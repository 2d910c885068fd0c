import type { ReactNode } from 'react';
import { When } from '../../ui/controls';

/*
 * The posture is shown as the server words it: each top-level figure a term and its value, nested figures as
 * "name: value" lines. Reading it generically keeps this panel in step with the posture API as it grows (new
 * figures show up without a release of the page), at the price of plain formatting.
 */
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** "lastAuditVerification" → "Last audit verification". */
export const wordsOf = (key: string) => {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function valueOf(value: unknown): ReactNode {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return ISO.test(value) ? <When at={value} /> : value;
  if (typeof value === 'number') return value.toLocaleString();
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    return (
      <ul className="security-plain-list">
        {value.slice(0, 10).map((item, i) => (
          <li key={i}>{valueOf(item)}</li>
        ))}
      </ul>
    );
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '—';
    return (
      <ul className="security-plain-list">
        {entries.map(([key, inner]) => (
          <li key={key}>
            {wordsOf(key)}: {valueOf(inner)}
          </li>
        ))}
      </ul>
    );
  }
  return '—';
}

export function PostureFacts({ posture }: { posture: Record<string, unknown> }) {
  return (
    <dl className="admin-facts">
      {Object.entries(posture).map(([key, value]) => (
        <div key={key}>
          <dt>{wordsOf(key)}</dt>
          <dd>{valueOf(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
