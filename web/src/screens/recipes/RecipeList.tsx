import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { Badge } from '../../ui/controls';
import { Screen } from '../../ui/page';
import { Select } from '../../ui/select';
import { PagedTable } from '../../ui/table';
import { recipesKey, stateLabel, stateTone, STATE_LABELS, type RecipeItem, type VersionState } from './model';
import '../../styles/recipes.css';

const STATE_FILTER = [
  { value: 'any', label: 'Any state' },
  ...Object.entries(STATE_LABELS).map(([value, label]) => ({ value, label: `Has a version ${label.toLowerCase()}` })),
];

/** Master recipes by code: which version production uses, and where the latest change stands. */
export function RecipeList() {
  const me = useSignedIn();
  const [state, setState] = useState('any');
  const query = state === 'any' ? {} : { state: state as VersionState };
  return (
    <Screen
      title="Recipes"
      intro="Master recipes under change control: every version is approved with an electronic signature and sealed before use."
      actions={
        <>
          {can(me, 'recipes.approve') && (
            <Link to="/recipes/approvals" className="button button-secondary">
              Approval queue
            </Link>
          )}
          <Link to="/recipes/orders" className="button button-secondary">
            Recipes of an order
          </Link>
        </>
      }
    >
      <div className="filters">
        <Select label="Version state" options={STATE_FILTER} value={state} onChange={setState} />
      </div>
      <PagedTable<RecipeItem>
        queryKey={[...recipesKey, 'list', state]}
        fetchPage={(cursor) =>
          unwrap(
            api.GET('/api/recipes', {
              params: { query: { ...query, limit: 50, ...(cursor !== undefined ? { cursor } : {}) } },
            }),
          )
        }
        caption="Master recipes"
        rowKey={(r) => r.code}
        columns={[
          {
            header: 'Recipe',
            cell: (r) => (
              <Link to="/recipes/$code" params={{ code: r.code }} search={{}}>
                {r.code}
              </Link>
            ),
          },
          { header: 'Name', cell: (r) => r.name },
          { header: 'Product', cell: (r) => r.product },
          {
            header: 'Effective version',
            cell: (r) => (r.effectiveVersion === null ? 'none in force' : `v${r.effectiveVersion}`),
          },
          {
            header: 'Latest version',
            cell: (r) =>
              r.latestVersion === null ? (
                '—'
              ) : (
                <>
                  v{r.latestVersion} <Badge tone={stateTone(r.latestState)}>{stateLabel(r.latestState)}</Badge>
                </>
              ),
          },
          {
            header: 'Seal of the latest',
            cell: (r) =>
              r.latestState === 'blocked' ? (
                <Badge tone="bad">Broken</Badge>
              ) : r.latestSealed ? (
                <Badge tone="good">Sealed</Badge>
              ) : (
                <Badge tone="neutral">Not sealed yet</Badge>
              ),
          },
        ]}
        empty={{
          title: 'No recipe here',
          hint:
            state === 'any'
              ? 'A process engineer creates master recipes; none exists yet.'
              : 'No recipe has a version in this state: choose another state.',
        }}
      />
    </Screen>
  );
}
