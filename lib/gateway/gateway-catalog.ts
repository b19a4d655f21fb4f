import type { PolicyRuntime } from "@/lib/decisions/policy-runtime";
import { ToolCatalog } from "./tool-catalog";
import type { Upstream } from "./types";

const REFRESH_MS = 5_000;

/**
 * The catalog the gateway answers from: upstream servers re-read from the registry at most every
 * five seconds (a registration reaches every server process within that), rebuilt when either
 * they or the policy in force change. Never a query per call.
 */
export class GatewayCatalog {
  private upstreams: Upstream[] | null = null;
  private loadedAt = 0;
  private loading: Promise<void> | null = null;
  private built: { catalog: ToolCatalog; upstreams: Upstream[]; policyVersion: number | null } | null = null;

  constructor(
    private readonly runtime: PolicyRuntime,
    private readonly load: () => Promise<Upstream[]>,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  async current(): Promise<ToolCatalog> {
    if (this.upstreams === null) await this.reload();
    else if (Date.now() - this.loadedAt > REFRESH_MS) void this.reload();
    const policy = this.runtime.snapshot()?.policy ?? null;
    const version = policy?.version ?? null;
    if (!this.built || this.built.upstreams !== this.upstreams || this.built.policyVersion !== version) {
      this.built = { catalog: new ToolCatalog(this.upstreams ?? [], policy), upstreams: this.upstreams ?? [], policyVersion: version };
    }
    return this.built.catalog;
  }

  /** Re-reads the registry now (after a registration in this process, and in tests). */
  reload(): Promise<void> {
    this.loading ??= this.load()
      .then((upstreams) => {
        this.upstreams = upstreams;
        this.loadedAt = Date.now();
      })
      .catch((error: unknown) => {
        this.onError(error);
        // Keep answering from what was loaded last; with nothing loaded yet, no upstream.
        this.upstreams ??= [];
        this.loadedAt = Date.now();
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }
}
