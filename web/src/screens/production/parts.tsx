/** How far an order is: good made against planned, with the scrap written beside it. */
export function Progress({
  good,
  scrap,
  planned,
  label,
}: {
  good: number;
  scrap: number;
  planned: number;
  label: string;
}) {
  const share = planned > 0 ? Math.min(1, good / planned) : 0;
  return (
    <span className="progress">
      <progress max={1} value={share} aria-label={label} />
      <span>
        {good} good, {scrap} scrap of {planned} ({Math.round(share * 100)} %)
      </span>
    </span>
  );
}
