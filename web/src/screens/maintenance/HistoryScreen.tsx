import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { api, unwrap } from '../../api/client';
import { Empty, ErrorNote, Loading, When } from '../../ui/controls';
import { Panel, Screen } from '../../ui/page';
import { Select } from '../../ui/select';
import { historyRoute } from './routes';
import { duration, HISTORY_KEY, MaintenanceTabs, placeOptions, StateBadge, usePlaces, type History } from './shared';

type Entry = History['orders'][number];

function Parts({ parts }: { parts: Entry['parts'] }) {
  if (parts.length === 0) return <span>none</span>;
  return (
    <ul className="parts-used">
      {parts.map((p, i) => (
        <li key={`${p.part}-${i}`}>
          {p.quantity} {p.unit} {p.part}
        </li>
      ))}
    </ul>
  );
}

function Timeline({ equipment }: { equipment: string }) {
  const history = useQuery({
    queryKey: [...HISTORY_KEY, equipment],
    queryFn: () => unwrap(api.GET('/api/maintenance/history', { params: { query: { equipment } } })),
  });
  if (history.isPending) return <Loading what="the equipment history" />;
  if (history.isError) return <ErrorNote error={history.error} />;
  const { orders, downtimeMinutes } = history.data;
  const completed = orders.filter((o) => o.state === 'completed').length;
  return (
    <>
      <dl className="history-summary">
        <div>
          <dt>Maintenance orders</dt>
          <dd>{orders.length}</dd>
        </div>
        <div>
          <dt>Completed</dt>
          <dd>{completed}</dd>
        </div>
        <div>
          <dt>Down time for maintenance</dt>
          <dd>{duration(downtimeMinutes)}</dd>
        </div>
      </dl>
      {orders.length === 0 ? (
        <Empty
          title="No maintenance recorded here"
          hint="Orders opened for this equipment (or anything below it) appear here once reported."
        />
      ) : (
        <ol className="timeline" aria-label={`Maintenance history of ${equipment}, newest first`}>
          {orders.map((o) => (
            <li key={o.number}>
              <h3>
                {o.number} · {o.kind} <StateBadge state={o.state} />
              </h3>
              <p className="what">{o.description}</p>
              <dl>
                <div>
                  <dt>Equipment</dt>
                  <dd>{o.equipment}</dd>
                </div>
                <div>
                  <dt>Opened</dt>
                  <dd>
                    <When at={o.createdAt} />
                  </dd>
                </div>
                <div>
                  <dt>Started</dt>
                  <dd>
                    <When at={o.startedAt} />
                  </dd>
                </div>
                <div>
                  <dt>Completed</dt>
                  <dd>
                    <When at={o.completedAt} />
                  </dd>
                </div>
                <div>
                  <dt>Down time</dt>
                  <dd>{o.stopsEquipment ? duration(o.downtimeMinutes) : 'none (ran on)'}</dd>
                </div>
                <div>
                  <dt>Work done</dt>
                  <dd>{o.workDone ?? '—'}</dd>
                </div>
                <div>
                  <dt>Parts used</dt>
                  <dd>
                    <Parts parts={o.parts} />
                  </dd>
                </div>
              </dl>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

/** Equipment history: every maintenance order of a machine (or a line, with what is below it), with its work. */
export function HistoryScreen() {
  const { equipment } = historyRoute.useSearch();
  const navigate = useNavigate({ from: '/maintenance/history' });
  const places = usePlaces();
  return (
    <Screen
      title="Equipment history"
      intro="What was done to a machine: its maintenance orders, the work done, the parts used and the down time."
    >
      <MaintenanceTabs />
      <Panel title="Equipment">
        <div className="history-picker">
          <Select
            label="Equipment"
            options={placeOptions(places.data)}
            value={equipment ?? null}
            onChange={(v) => void navigate({ search: { equipment: v } })}
            hint="A line or cell shows the history of everything below it too."
          />
        </div>
      </Panel>
      <Panel title="History">
        {equipment === undefined ? (
          <Empty title="No equipment chosen" hint="Choose a machine above to see its maintenance history." />
        ) : (
          <Timeline equipment={equipment} />
        )}
      </Panel>
    </Screen>
  );
}
