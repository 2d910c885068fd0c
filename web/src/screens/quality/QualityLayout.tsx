import { Link, Outlet } from '@tanstack/react-router';
import { Screen } from '../../ui/page';
import '../../styles/quality.css';

const SECTIONS = [
  { to: '/quality/plans', label: 'Inspection plans' },
  { to: '/quality/inspections', label: 'Inspections' },
  { to: '/quality/spc', label: 'Control charts' },
  { to: '/quality/ncrs', label: 'Non-conformances' },
  { to: '/quality/lots', label: 'Lots' },
] as const;

/** The quality area: its sections as links (each an address of its own), the chosen section below. */
export function QualityLayout() {
  return (
    <Screen
      title="Quality"
      intro="Inspection plans and results, control charts, non-conformance reports and lots on hold."
    >
      <nav aria-label="Quality sections" className="quality-sections">
        <ul>
          {SECTIONS.map((s) => (
            <li key={s.to}>
              <Link to={s.to}>{s.label}</Link>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </Screen>
  );
}
