/**
 * /metrics in Prometheus' text format (prom-client), on an address of its
 * own that the operator chooses (TREFF_METRICS_LISTEN), never on the public
 * HTTP port. Off unless configured.
 *
 * Every figure is a count for this node; no label carries a room name, a
 * display name or an address (the only label, `reason`, is one of the
 * protocol's error codes).
 */
import { createServer } from "node:http";
import { availableParallelism, loadavg } from "node:os";
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { ErrorCode } from "../protocol/messages.js";
import type { RegistryStats } from "../cluster/registry.js";
import type { Logger } from "../common/log.js";

/** Where the figures come from, read at each scrape. */
export interface MetricsSources {
  rooms: () => RegistryStats;
  connections: () => number;
  mediaUp: () => boolean;
  draining: () => boolean;
}

export class TreffMetrics {
  readonly registry = new Registry();
  private readonly rejected: Counter<"reason">;
  private readonly mediaDown: Counter;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge("treff_rooms", "Meetings running on this node (with people in them or in their lobby)", () => sources.rooms().rooms);
    gauge("treff_participants", "People in the meetings on this node", () => sources.rooms().participants);
    gauge("treff_publishers", "Participants whose camera and microphone reach this node's media server", () => sources.rooms().publishers);
    gauge("treff_lobby_waiting", "People waiting in the lobbies of the meetings on this node", () => sources.rooms().waiting);
    gauge("treff_signaling_connections", "Signaling WebSockets open on this node", sources.connections);
    gauge("treff_janus_up", "1 while this node's media server (Janus) is reachable", () => Number(sources.mediaUp()));
    gauge("treff_node_load", "One-minute load average of this machine per CPU core", () => loadavg()[0]! / availableParallelism());
    gauge("treff_node_draining", "1 while this node drains (takes no new meetings)", () => Number(sources.draining()));
    this.mediaDown = new Counter({ name: "treff_janus_restarts_total", help: "Times this node's media server went away (Treff restarts its own)", registers });
    this.rejected = new Counter({
      name: "treff_messages_rejected_total",
      help: "Signaling messages rejected at the edge (malformed, too large, over the rate), by error code",
      labelNames: ["reason"],
      registers,
    });
    collectDefaultMetrics({ register: this.registry, prefix: "treff_" });
  }

  messageRejected(code: ErrorCode): void {
    this.rejected.inc({ reason: code });
  }

  mediaWentDown(): void {
    this.mediaDown.inc();
  }

  /** Serves GET /metrics on `listen` (host:port); resolves with the address it is bound to. */
  async serve(listen: string, log: Logger): Promise<MetricsServer> {
    const separator = listen.lastIndexOf(":");
    const host = listen.slice(0, separator).replace(/^\[|\]$/g, "");
    const port = Number(listen.slice(separator + 1));
    const server = createServer((request, response) => {
      if (request.method !== "GET" || request.url?.split("?")[0] !== "/metrics") {
        response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found.");
        return;
      }
      this.registry.metrics().then(
        (text) => response.writeHead(200, { "content-type": this.registry.contentType }).end(text),
        () => response.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("Server error."),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    const bound = typeof address === "object" && address ? address.port : port;
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${bound}/metrics`;
    log.info({ url }, "metrics are served");
    return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }
}

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}
