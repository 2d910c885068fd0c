import { useQuery, keepPreviousData } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Button, Empty, ErrorNote, Loading } from './controls';

export interface Column<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
  /** Numbers read best right-aligned. */
  numeric?: boolean;
}

/** A semantic table (a screen reader announces headers per cell) with a caption naming what it lists. */
export function Table<Row>({
  caption,
  rows,
  columns,
  rowKey,
  empty,
}: {
  caption: string;
  rows: Row[];
  columns: Column<Row>[];
  rowKey: (row: Row) => string;
  empty: { title: string; hint: string };
}) {
  if (rows.length === 0) return <Empty {...empty} />;
  return (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col" className={c.numeric === true ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.header} className={c.numeric === true ? 'num' : undefined}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface Page<Row> {
  items: Row[];
  nextCursor?: string | null;
}

/**
 * A cursor-paged list: one page in memory at a time (10,000 orders page as fast as 50), the cursors of the pages
 * before it kept so "Previous" goes back; the previous page stays on screen while the next one loads.
 */
export function PagedTable<Row>({
  queryKey,
  fetchPage,
  ...table
}: {
  queryKey: readonly unknown[];
  fetchPage: (cursor: string | undefined) => Promise<Page<Row>>;
  caption: string;
  columns: Column<Row>[];
  rowKey: (row: Row) => string;
  empty: { title: string; hint: string };
}) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const filterKey = JSON.stringify(queryKey);
  const [seenKey, setSeenKey] = useState(filterKey);
  if (seenKey !== filterKey) {
    // New filters start again at the first page.
    setSeenKey(filterKey);
    setCursors([undefined]);
  }
  const page = useQuery({
    queryKey: [...queryKey, 'page', cursor],
    queryFn: () => fetchPage(cursor),
    placeholderData: keepPreviousData,
  });
  if (page.isPending) return <Loading what={table.caption.toLowerCase()} />;
  if (page.isError) return <ErrorNote error={page.error} />;
  const next = page.data.nextCursor ?? undefined;
  return (
    <div className="paged" aria-busy={page.isFetching}>
      <Table {...table} rows={page.data.items} />
      <nav className="pager" aria-label={`${table.caption} pages`}>
        <span>Page {cursors.length}</span>
        <Button variant="secondary" isDisabled={cursors.length === 1} onPress={() => setCursors((c) => c.slice(0, -1))}>
          Previous
        </Button>
        <Button
          variant="secondary"
          isDisabled={next === undefined || page.isPlaceholderData}
          onPress={() => setCursors((c) => [...c, next])}
        >
          Next
        </Button>
      </nav>
    </div>
  );
}
