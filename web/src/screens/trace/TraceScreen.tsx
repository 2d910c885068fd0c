import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { Form, Radio, RadioGroup, Label } from 'react-aria-components';
import { urlOf } from '../../api/client';
import { Button, Empty, ErrorNote, Field, Loading, Notice } from '../../ui/controls';
import { Panel, Screen } from '../../ui/page';
import { Table } from '../../ui/table';
import '../../styles/trace.css';
import { LotSearch } from './LotSearch';
import { LotState } from './lot-state';
import type { Direction, TraceSearch } from './routes';
import { TraceGraph } from './TraceGraph';
import { lotDetail, lotOfSerial, lotTrace, type LotDetail, type TracedLot } from './trace-api';

const route = getRouteApi('/shell/trace');

/** Traceability: a lot (or a serialised unit's lot) traced backward to its inputs or forward to the recall list. */
export function TraceScreen() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const go = (next: TraceSearch) => void navigate({ search: next });
  const serial = useQuery({
    queryKey: ['serial', search.serial],
    queryFn: () => lotOfSerial(search.serial!),
    enabled: search.lot === undefined && search.serial !== undefined,
  });
  const lot = search.lot ?? serial.data?.lot;
  return (
    <Screen
      title="Traceability"
      intro="Trace a lot backward (what went into it) or forward (where it went: the recall list)."
    >
      <TraceForm key={`${search.lot ?? ''}|${search.serial ?? ''}`} search={search} onTrace={go} />
      {serial.isError && <ErrorNote error={serial.error} />}
      {serial.data !== undefined && search.lot === undefined && (
        <Notice>
          Unit {serial.data.serial} belongs to lot {serial.data.lot}.
        </Notice>
      )}
      {lot === undefined ? (
        search.serial === undefined && (
          <Empty title="No lot chosen" hint="Type a lot or serial number above and press Trace." />
        )
      ) : (
        <TraceOf key={`${lot}|${search.direction}`} lot={lot} direction={search.direction} onTrace={go} />
      )}
    </Screen>
  );
}

function TraceForm({ search, onTrace }: { search: TraceSearch; onTrace: (next: TraceSearch) => void }) {
  const [lot, setLot] = useState(search.lot ?? '');
  const [serial, setSerial] = useState(search.serial ?? '');
  const [direction, setDirection] = useState<Direction>(search.direction);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (lot.trim() !== '') onTrace({ lot: lot.trim(), direction });
    else if (serial.trim() !== '') onTrace({ serial: serial.trim(), direction });
  };
  return (
    <Form className="trace-form" onSubmit={submit} aria-label="Trace a lot">
      <LotSearch value={lot} onChange={setLot} />
      <Field label="or serial number" value={serial} onChange={setSerial} hint="A unit's serial finds its lot." />
      <RadioGroup
        className="trace-direction"
        value={direction}
        onChange={(value) => setDirection(value === 'backward' ? 'backward' : 'forward')}
      >
        <Label className="direction-label">Direction</Label>
        <Radio value="backward">Backward: what went into it</Radio>
        <Radio value="forward">Forward: where it went (recall)</Radio>
      </RadioGroup>
      <Button type="submit" isDisabled={lot.trim() === '' && serial.trim() === ''}>
        Trace
      </Button>
    </Form>
  );
}

function TraceOf({
  lot,
  direction,
  onTrace,
}: {
  lot: string;
  direction: Direction;
  onTrace: (next: TraceSearch) => void;
}) {
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const start = useQuery({ queryKey: ['lot', lot], queryFn: () => lotDetail(lot) });
  const trace = useQuery({ queryKey: ['trace', lot, direction], queryFn: () => lotTrace(lot, direction) });
  if (start.isError) return <ErrorNote error={start.error} />;
  if (trace.isError) return <ErrorNote error={trace.error} />;
  if (start.isPending || trace.isPending) return <Loading what="the trace" />;
  const first: TracedLot = { ...start.data, depth: 0 };
  const csv = urlOf(`/api/lots/${encodeURIComponent(lot)}/trace`, { direction, format: 'csv' });
  const noun = direction === 'forward' ? 'Forward' : 'Backward';
  return (
    <>
      <section className="trace-summary" aria-label="Trace summary">
        <h2>
          {noun} trace of {lot}
        </h2>
        <p>
          {trace.data.lots.length} {trace.data.lots.length === 1 ? 'lot' : 'lots'} reached
          {trace.data.orders.length > 0 && `, made by ${trace.data.orders.join(', ')}`}.{' '}
          <a href={csv} download>
            Download the {direction === 'forward' ? 'recall list' : 'input list'} (CSV)
          </a>
        </p>
        {trace.data.withheld > 0 && (
          <p role="status" className="error-note">
            Incomplete: {trace.data.withheld} reached {trace.data.withheld === 1 ? 'lot was' : 'lots were'} made on
            lines outside your access and {trace.data.withheld === 1 ? 'is' : 'are'} not shown.
          </p>
        )}
      </section>
      <div className="trace-layout">
        <section className="panel trace-graph-panel" aria-labelledby="trace-graph-title">
          <h2 id="trace-graph-title">Genealogy graph</h2>
          <p className="hint">
            Click a lot (or Tab to it and press Enter) for its details. Scroll to zoom, drag to pan.
          </p>
          {trace.data.lots.length === 0 ? (
            <Empty
              title={`Nothing ${direction === 'forward' ? 'was made from' : 'went into'} ${lot}`}
              hint="Try the other direction."
            />
          ) : (
            <TraceGraph trace={trace.data} start={first} picked={picked} onPick={setPicked} />
          )}
        </section>
        <LotPanel lot={picked ?? lot} isStart={picked === undefined || picked === lot} onTrace={onTrace} />
      </div>
      <Panel title="Lots in this trace">
        <Table
          caption={`${noun} trace of ${lot}: lots by depth`}
          rows={trace.data.lots}
          rowKey={(l) => l.number}
          columns={[
            {
              header: 'Lot',
              cell: (l) => (
                <Button
                  variant="secondary"
                  onPress={() => setPicked(l.number)}
                  aria-label={`Details of lot ${l.number}`}
                >
                  {l.number}
                </Button>
              ),
            },
            { header: 'Material', cell: (l) => l.material },
            { header: 'Depth', cell: (l) => l.depth, numeric: true },
            { header: 'Quantity', cell: (l) => `${l.quantity} ${l.unit}`, numeric: true },
            { header: 'State', cell: (l) => <LotState state={l.state} /> },
            { header: 'Order', cell: (l) => l.order ?? '—' },
          ]}
          empty={{ title: 'No lots reached', hint: 'Try the other direction.' }}
        />
      </Panel>
    </>
  );
}

function LotPanel({ lot, isStart, onTrace }: { lot: string; isStart: boolean; onTrace: (next: TraceSearch) => void }) {
  const detail = useQuery({ queryKey: ['lot', lot], queryFn: () => lotDetail(lot) });
  return (
    <section className="panel trace-lot" aria-labelledby="trace-lot-title" aria-live="polite">
      <h2 id="trace-lot-title">
        {isStart ? 'Start lot' : 'Lot'} {lot}
      </h2>
      {detail.isPending && <Loading what="the lot" />}
      {detail.isError && <ErrorNote error={detail.error} />}
      {detail.data !== undefined && <LotFacts lot={detail.data} />}
      <div className="row">
        <Button variant="secondary" onPress={() => onTrace({ lot, direction: 'backward' })}>
          Trace backward from here
        </Button>
        <Button variant="secondary" onPress={() => onTrace({ lot, direction: 'forward' })}>
          Trace forward from here
        </Button>
      </div>
    </section>
  );
}

function LotFacts({ lot }: { lot: LotDetail }) {
  return (
    <dl className="facts">
      <dt>Material</dt>
      <dd>{lot.material}</dd>
      <dt>State</dt>
      <dd>
        <LotState state={lot.state} />
        {lot.holdReason !== null && <> — {lot.holdReason}</>}
      </dd>
      <dt>Quantity</dt>
      <dd>
        {lot.quantity} {lot.unit} ({lot.available} {lot.unit} available)
      </dd>
      <dt>Made by order</dt>
      <dd>{lot.order ?? '— (received)'}</dd>
      <dt>Supplier</dt>
      <dd>
        {lot.supplier === null ? '—' : `${lot.supplier}${lot.supplierLot === null ? '' : ` (lot ${lot.supplierLot})`}`}
      </dd>
      <dt>Serial numbers</dt>
      <dd>
        {lot.serials.length === 0
          ? 'none'
          : `${lot.serials.length}: ${lot.serials.slice(0, 5).join(', ')}${lot.serials.length > 5 ? ', …' : ''}`}
      </dd>
    </dl>
  );
}
