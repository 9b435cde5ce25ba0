import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { GraphParams, GraphResult } from '../../server/src/lsp/protocol';
import { graphHtml } from './graphHtml';
import { layoutGraph, type PositionedGraph } from './graphLayout';
import { openAsset, type RequestSender } from './locations';

export type GraphFetcher = (params: GraphParams) => Promise<GraphResult>;

/** The one lineage graph panel; reused and re-focused by later invocations. */
export class LineageGraphPanel implements vscode.Disposable {
  static readonly viewType = 'assetLens.lineageGraph';
  panel: vscode.WebviewPanel | undefined;
  /** What the panel currently draws (for tests). */
  current: PositionedGraph | undefined;

  constructor(
    private readonly fetch: GraphFetcher,
    private readonly send: RequestSender,
  ) {}

  private lastParams: GraphParams | undefined;

  /** Redraws an open panel from a fresh graph (after a re-index). */
  async refresh(): Promise<void> {
    if (this.panel && this.lastParams) await this.show(this.lastParams, false);
  }

  async show(params: GraphParams, reveal = true): Promise<PositionedGraph> {
    this.lastParams = params;
    const result = await this.fetch({ depth: 2, ...params });
    const graph = await layoutGraph(result ?? { nodes: [], edges: [] });
    this.current = graph;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        LineageGraphPanel.viewType,
        'Asset lineage',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: [] },
      );
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.current = undefined;
      });
      this.panel.webview.onDidReceiveMessage((msg: { type?: string; key?: string }) => {
        if (msg?.type !== 'open' || typeof msg.key !== 'string') return;
        const node = this.current?.nodes.find((n) => n.key === msg.key);
        if (node) void openAsset(this.send, node);
      });
    } else if (reveal) {
      this.panel.reveal(undefined, true);
    }
    this.panel.title = graph.focus ? `Lineage: ${graph.focus}` : 'Asset lineage';
    this.panel.webview.html = graphHtml(graph, this.panel.webview.cspSource, randomBytes(16).toString('base64'));
    return graph;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
