import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Table } from '../../ui/table';
import { SEVERITIES, type Alert, type Severity } from './security-api';

const COLOUR: Record<Severity, string> = { critical: '#7a1410', high: '#b3261e', medium: '#8a5300', low: '#4a5560' };

/**
 * Open alerts counted by severity: a bar chart for the eye, and the same figures as a table beside it (the chart
 * is one labelled image to a screen reader, as on the performance screen).
 */
export function SeverityChart({ alerts, more }: { alerts: Alert[]; more: boolean }) {
  const counts = SEVERITIES.map((severity) => ({
    severity,
    open: alerts.filter((a) => a.severity === severity).length,
  }));
  const total = counts.reduce((sum, c) => sum + c.open, 0);
  const label = `Open alerts by severity: ${counts.map((c) => `${c.severity} ${c.open}`).join(', ')}${more ? ' (at least)' : ''}`;
  return (
    <div className="security-severity">
      <figure className="chart security-chart" role="img" aria-label={label}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={counts} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid stroke="#c9d1d9" strokeDasharray="3 3" />
            <XAxis dataKey="severity" interval={0} />
            <YAxis allowDecimals={false} width={40} />
            <Tooltip />
            <Bar dataKey="open" name="Open alerts" isAnimationActive={false}>
              {counts.map((c) => (
                <Cell key={c.severity} fill={COLOUR[c.severity]} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <Table
        caption={`Open alerts by severity (${total}${more ? '+' : ''} in all)`}
        rows={counts}
        rowKey={(c) => c.severity}
        columns={[
          { header: 'Severity', cell: (c) => c.severity },
          { header: 'Open', cell: (c) => c.open, numeric: true },
        ]}
        empty={{ title: 'No open alert', hint: 'Nothing needs attention.' }}
      />
    </div>
  );
}
