import { graphlib, layout } from '@dagrejs/dagre';
import {
  Background,
  Controls,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
import { stateOf } from './lot-state';
import type { Trace, TracedLot } from './trace-api';

const SIZE = { width: 190, height: 78 };

type LotData = TracedLot & { start: boolean; picked: boolean };
type LotNode = Node<LotData, 'lot'>;

/** One lot as a box: number, material, quantity, and its state in words as well as in colour. */
function LotBox({ data }: NodeProps<LotNode>) {
  const state = stateOf(data.state);
  return (
    <div
      className={`lot-node lot-${data.state}${data.start ? ' lot-start' : ''}${data.picked ? ' lot-picked' : ''}`}
      data-lot={data.number}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <strong>{data.number}</strong>
      <span>
        {data.material} · {data.quantity} {data.unit}
      </span>
      <span className={`lot-node-state tone-${state.tone}`}>{data.start ? `START · ${state.text}` : state.text}</span>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

const nodeTypes = { lot: LotBox };

/**
 * Dagre places the lots left to right, the start lot first: backward, what went into it follows; forward,
 * where it went. Edges always point away from the start lot, labelled with the quantity that moved.
 */
function laidOut(trace: Trace, start: TracedLot, picked: string | undefined) {
  const graph = new graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 70 });
  graph.setDefaultEdgeLabel(() => ({}));
  const lots = [start, ...trace.lots];
  for (const lot of lots) graph.setNode(lot.number, { ...SIZE });
  const pairs = trace.links.map((l) =>
    trace.direction === 'forward' ? { ...l, from: l.parent, to: l.child } : { ...l, from: l.child, to: l.parent },
  );
  for (const p of pairs) graph.setEdge(p.from, p.to);
  layout(graph);
  const nodes: LotNode[] = lots.map((lot) => {
    const at = graph.node(lot.number) as { x: number; y: number };
    return {
      id: lot.number,
      type: 'lot',
      position: { x: at.x - SIZE.width / 2, y: at.y - SIZE.height / 2 },
      data: { ...lot, start: lot.number === start.number, picked: lot.number === picked },
      ariaLabel: `Lot ${lot.number}, ${lot.material}, ${lot.quantity} ${lot.unit}, ${stateOf(lot.state).text}`,
      connectable: false,
    };
  });
  const edges: Edge[] = pairs.map((p) => ({
    id: `${p.parent}>${p.child}`,
    source: p.from,
    target: p.to,
    label: `${p.quantity}`,
    markerEnd: { type: MarkerType.ArrowClosed },
    focusable: false,
  }));
  return { nodes, edges };
}

export function TraceGraph({
  trace,
  start,
  picked,
  onPick,
}: {
  trace: Trace;
  start: TracedLot;
  picked: string | undefined;
  onPick: (lot: string) => void;
}) {
  const { nodes, edges } = useMemo(() => laidOut(trace, start, picked), [trace, start, picked]);
  return (
    <div className="trace-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        nodesConnectable={false}
        nodesDraggable={false}
        edgesFocusable={false}
        onNodeClick={(_event, node) => onPick(node.id)}
        onNodesChange={(changes) => {
          // Keyboard selection (Tab to a lot, Enter) arrives as a selection change, like a click.
          for (const change of changes) if (change.type === 'select' && change.selected) onPick(change.id);
        }}
        fitView
        minZoom={0.2}
        proOptions={{ hideAttribution: false }}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
