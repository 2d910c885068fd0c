import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, run, urlOf } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { Badge, Button, ErrorNote, Loading } from '../../ui/controls';
import { Panel, Screen } from '../../ui/page';
import { NodeEditor, PlantImport } from './plant-forms';
import { OutcomeNote, PLANT_KEY, usePlant, type Outcome, type PlantNode } from './shared';

/**
 * The plant model (ISA-95: enterprise, site, area, line, cell, equipment) as a tree of buttons in nested
 * lists: Tab moves between nodes, Enter or Space opens one or folds its children; the chosen node's details
 * and editing sit beside it.
 */
export function PlantScreen() {
  const me = useSignedIn();
  const plant = usePlant();
  const [selected, setSelected] = useState<string>();
  const [folded, setFolded] = useState<Set<string>>(new Set());
  const [outcome, setOutcome] = useState<Outcome>();
  const [showRetired, setShowRetired] = useState(false);
  const manage = can(me, 'plant.manage');
  if (plant.isPending) return <Loading what="the plant model" />;
  if (plant.isError)
    return (
      <Screen title="Plant model">
        <ErrorNote error={plant.error} />
      </Screen>
    );
  const nodes = plant.data.nodes.filter((n) => showRetired || !n.retired);
  const chosen = nodes.find((n) => n.path === selected);
  const toggle = (path: string) =>
    setFolded((f) => {
      const next = new Set(f);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });
  return (
    <Screen
      title="Plant model"
      intro="Enterprise, sites, areas, lines, work cells and equipment. Roles are granted at a node and hold below it."
      actions={
        <a className="button button-secondary" href={urlOf('/api/plant/export')} download="plant.json">
          Export (JSON)
        </a>
      }
    >
      <OutcomeNote outcome={outcome} />
      <div className="admin-plant">
        <Panel title="Hierarchy">
          <label className="admin-toggle">
            <input type="checkbox" checked={showRetired} onChange={(e) => setShowRetired(e.target.checked)} /> Show
            retired nodes
          </label>
          {nodes.length === 0 ? (
            <p>No plant node yet{manage ? ': add the enterprise with the form.' : '.'}</p>
          ) : (
            <Branch
              nodes={nodes}
              parent={null}
              selected={selected}
              folded={folded}
              onSelect={setSelected}
              onToggle={toggle}
            />
          )}
        </Panel>
        <div>
          {chosen !== undefined ? (
            <NodeDetails node={chosen} manage={manage} onDone={setOutcome} onRetired={() => setSelected(undefined)} />
          ) : (
            <Panel title="Node">
              <p>Choose a node in the hierarchy to see its details{manage ? ', change it or add below it' : ''}.</p>
            </Panel>
          )}
          {manage && (
            <Panel title={chosen === undefined ? 'Add a top-level node' : `Add below ${chosen.name}`}>
              <NodeEditor parent={chosen} onDone={setOutcome} />
            </Panel>
          )}
          {manage && (
            <Panel title="Import">
              <PlantImport onDone={setOutcome} />
            </Panel>
          )}
        </div>
      </div>
    </Screen>
  );
}

function Branch({
  nodes,
  parent,
  selected,
  folded,
  onSelect,
  onToggle,
}: {
  nodes: PlantNode[];
  parent: string | null;
  selected: string | undefined;
  folded: Set<string>;
  onSelect: (path: string) => void;
  onToggle: (path: string) => void;
}) {
  const children = nodes.filter((n) => n.parentPath === parent);
  if (children.length === 0) return null;
  return (
    <ul
      className={parent === null ? 'admin-tree' : 'admin-tree-branch'}
      aria-label={parent === null ? 'Plant hierarchy' : undefined}
    >
      {children.map((n) => {
        const hasChildren = nodes.some((c) => c.parentPath === n.path);
        const open = !folded.has(n.path);
        return (
          <li key={n.path}>
            <div className="admin-tree-row">
              {hasChildren ? (
                <button
                  type="button"
                  className="admin-tree-fold"
                  aria-expanded={open}
                  aria-label={`${open ? 'Fold' : 'Unfold'} ${n.name}`}
                  onClick={() => onToggle(n.path)}
                >
                  {open ? '▾' : '▸'}
                </button>
              ) : (
                <span className="admin-tree-fold" aria-hidden="true" />
              )}
              <button
                type="button"
                className="admin-tree-node"
                aria-current={selected === n.path ? 'true' : undefined}
                onClick={() => onSelect(n.path)}
              >
                {n.name} <span className="admin-level">{n.level}</span>
                {n.retired && <Badge tone="warn">retired</Badge>}
              </button>
            </div>
            {hasChildren && open && (
              <Branch
                nodes={nodes}
                parent={n.path}
                selected={selected}
                folded={folded}
                onSelect={onSelect}
                onToggle={onToggle}
              />
            )}
          </li>
        );
      })}
    </ul>
  );
}

function NodeDetails({
  node,
  manage,
  onDone,
  onRetired,
}: {
  node: PlantNode;
  manage: boolean;
  onDone: (o: Outcome) => void;
  onRetired: () => void;
}) {
  const client = useQueryClient();
  const retire = useMutation({
    mutationFn: () => run(api.POST('/api/plant/nodes/retire', { body: { path: node.path } })),
    onSuccess: (result) => {
      void client.invalidateQueries({ queryKey: PLANT_KEY });
      if ('approvalPending' in result)
        onDone({ kind: 'pending', what: `Retiring ${node.path}`, approvalId: result.approvalId });
      else {
        onDone({ kind: 'done', message: `Retired ${node.path}.` });
        onRetired();
      }
    },
  });
  return (
    <Panel title={`${node.name} (${node.level})`}>
      <dl className="admin-facts">
        <div>
          <dt>Path</dt>
          <dd>
            <code>{node.path}</code>
          </dd>
        </div>
        <div>
          <dt>Code</dt>
          <dd>{node.code}</dd>
        </div>
        <div>
          <dt>Equipment class</dt>
          <dd>{node.equipmentClass ?? '—'}</dd>
        </div>
        <div>
          <dt>State</dt>
          <dd>{node.retired ? 'retired' : 'in use'}</dd>
        </div>
        {node.properties.map((p) => (
          <div key={p.id}>
            <dt>{p.id}</dt>
            <dd>
              {String(p.value)}
              {p.unitOfMeasure !== undefined ? ` ${p.unitOfMeasure}` : ''}
            </dd>
          </div>
        ))}
      </dl>
      {manage && !node.retired && (
        <>
          <NodeEditor node={node} onDone={onDone} />
          <ErrorNote error={retire.error} />
          <Button variant="danger" onPress={() => retire.mutate()} isDisabled={retire.isPending}>
            Retire {node.name}
          </Button>
        </>
      )}
    </Panel>
  );
}
