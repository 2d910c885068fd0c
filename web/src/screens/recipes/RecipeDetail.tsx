import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { api, unwrap } from '../../api/client';
import { Badge, ErrorNote, Loading, When } from '../../ui/controls';
import { Panel, Screen } from '../../ui/page';
import { Table } from '../../ui/table';
import { DiffPanel } from './DiffPanel';
import { sealText, stateLabel, stateTone, versionsKey, type VersionSummary } from './model';
import { Signatures } from './values';
import type { DetailSearch } from './routes';
import { VersionPanel } from './VersionPanel';
import '../../styles/recipes.css';

/** Every version of a recipe (few hundred at most: read page by page into one list). */
async function allVersions(code: string): Promise<VersionSummary[]> {
  const items: VersionSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await unwrap(
      api.GET('/api/recipes/{code}/versions', {
        params: { path: { code }, query: { limit: 500, ...(cursor !== undefined ? { cursor } : {}) } },
      }),
    );
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}

/** A recipe: its versions with state, seal and signatures; one version's parameters; a diff of two. */
export function RecipeDetail() {
  const { code = '' } = useParams({ strict: false });
  const search: DetailSearch = useSearch({ strict: false });
  const navigate = useNavigate();
  const versions = useQuery({ queryKey: versionsKey(code), queryFn: () => allVersions(code) });
  const list = versions.data ?? [];
  const latest = list.at(-1);
  const selected = list.find((v) => v.version === search.version) ?? latest;
  const to = search.to ?? latest?.version;
  const from = search.from ?? (to !== undefined && to > 1 ? to - 1 : to);
  const go = (next: DetailSearch) =>
    void navigate({ to: '/recipes/$code', params: { code }, search: { ...search, ...next } });
  return (
    <Screen
      title={`Recipe ${code}`}
      intro="Versions under change control. Parameter values are trade secrets: reading them is audited."
      actions={
        <Link to="/recipes" className="button button-secondary">
          All recipes
        </Link>
      }
    >
      <Panel title="Versions">
        {versions.isPending && <Loading what="versions" />}
        <ErrorNote error={versions.error} />
        {versions.isSuccess && (
          <Table
            caption={`Versions of ${code}, oldest first`}
            rows={list}
            rowKey={(v) => String(v.version)}
            columns={[
              {
                header: 'Version',
                cell: (v) => (
                  <Link
                    to="/recipes/$code"
                    params={{ code }}
                    search={{ ...search, version: v.version }}
                    aria-current={v.version === selected?.version ? 'true' : undefined}
                  >
                    v{v.version}
                  </Link>
                ),
              },
              { header: 'State', cell: (v) => <Badge tone={stateTone(v.state)}>{stateLabel(v.state)}</Badge> },
              {
                header: 'Seal',
                cell: (v) => {
                  const seal = sealText(v.state, v.seal);
                  return <Badge tone={seal.tone}>{seal.text}</Badge>;
                },
              },
              { header: 'Reason', cell: (v) => v.reason },
              { header: 'Authored by', cell: (v) => v.author },
              { header: 'Approved by (e-signatures)', cell: (v) => <Signatures v={v} /> },
              { header: 'Created', cell: (v) => <When at={v.createdAt} /> },
              { header: 'Effective since', cell: (v) => <When at={v.effectiveAt} /> },
            ]}
            empty={{ title: 'No version', hint: 'A process engineer drafts the first version of this recipe.' }}
          />
        )}
      </Panel>
      {selected !== undefined && <VersionPanel key={selected.version} code={code} summary={selected} />}
      {from !== undefined && to !== undefined && list.length > 1 && (
        <DiffPanel
          code={code}
          versions={list.map((v) => v.version)}
          from={from}
          to={to}
          onChange={(next) => go(next)}
        />
      )}
    </Screen>
  );
}
