/**
 * The minimal Janus configuration Treff generates for the Janus it runs.
 *
 * Only the VideoRoom plugin and the WebSocket transport are loaded: the
 * plugin and transport folders Janus gets are private folders holding a
 * link to exactly those two libraries, so nothing else in the Debian
 * package (SIP, streaming, HTTP, MQTT, event handlers, loggers…) can load.
 * The API listens on a Unix socket inside Treff's private runtime folder and
 * every request must carry a random API secret. The admin API is off.
 *
 * Pure functions: the supervisor writes their output to disk.
 */
import { availableParallelism } from "node:os";

export interface JanusConfigOptions {
  /** Private folder (mode 0700) that holds config, socket and library links. */
  runtimeDir: string;
  /** Random secret every Janus API request must carry. */
  apiSecret: string;
  /**
   * Interfaces or address prefixes Janus may offer as ICE candidates
   * (Janus `ice_enforce_list`), e.g. "eth0". Empty: every interface. Janus
   * never uses interfaces flagged LOOPBACK (see scripts/media-loopback.sh).
   */
  iceInterfaces: string;
  /** Janus log level 0–7. At 3 (warnings) and below Janus prints no participant address. */
  logLevel: number;
  /** UDP port range for media, "min-max"; empty lets Janus choose. */
  rtpPortRange: string;
  /** Public address to announce when Janus sits behind 1:1 NAT (cloud VMs). */
  nat1To1: string;
  /**
   * ICE-lite: Janus answers connectivity checks but sends none; the browser
   * nominates. Only for a server whose candidates are directly reachable.
   */
  iceLite: boolean;
  /**
   * How Janus spends its CPU on media (see JANUS_MEDIA_DEFAULTS); each field
   * left out takes Treff's default. bench:load measures them as A/B runs.
   */
  eventLoops?: number;
  nackOptimizations?: boolean;
  minNackQueueMs?: number;
  twccPeriodMs?: number;
  noMediaTimerSeconds?: number;
}

/** The media settings of janus.jcfg that Treff writes, always, so the generated file shows them. */
export interface JanusMediaSettings {
  /**
   * Janus `event_loops`: a fixed number of threads that share every
   * handle's media, instead of a thread per handle (0, Janus' default).
   */
  eventLoops: number;
  /** Janus `nack_optimizations`: a key frame sent to a subscriber empties its retransmission buffer. */
  nackOptimizations: boolean;
  /** Janus `min_nack_queue`: the shortest time (ms) packets are kept for retransmission. */
  minNackQueueMs: number;
  /** Janus `twcc_period`: how often (ms) publishers get transport-wide congestion feedback. */
  twccPeriodMs: number;
  /** Janus `no_media_timer`: seconds without media before Janus reports it; 0: never. */
  noMediaTimerSeconds: number;
}

/**
 * Treff's defaults; BENCHMARKS.md (bench:load, "Janus settings, A/B") shows
 * what each one measured. One event loop per core: with a thread per handle,
 * every packet forwarded to a subscriber wakes that subscriber's thread, and
 * Janus forwarded about half as many packets per core of CPU as with shared
 * loops. A single loop for two cores forwarded more per core still but lost
 * packets under load: it cannot use the second core.
 */
export const JANUS_MEDIA_DEFAULTS: Readonly<JanusMediaSettings> = {
  eventLoops: availableParallelism(),
  nackOptimizations: false,
  minNackQueueMs: 200,
  twccPeriodMs: 200,
  noMediaTimerSeconds: 1,
};

/** File names inside runtimeDir. */
export const JANUS_FILES = {
  config: "janus.jcfg",
  videoroom: "janus.plugin.videoroom.jcfg",
  websockets: "janus.transport.websockets.jcfg",
  socket: "janus.sock",
  plugins: "plugins",
  transports: "transports",
  empty: "empty",
} as const;

/** Library names Treff links into its private plugin and transport folders. */
export const JANUS_LIBRARIES = {
  plugin: "libjanus_videoroom.so",
  transport: "libjanus_websockets.so",
} as const;

/** Quote a string for libconfig (.jcfg) syntax. */
function str(value: string): string {
  return JSON.stringify(value);
}

/** The janus.jcfg lines for the media settings: `general` and `media` section. */
export function janusMediaLines(o: Partial<JanusMediaSettings>): { general: string[]; media: string[] } {
  const d = JANUS_MEDIA_DEFAULTS;
  const m: JanusMediaSettings = {
    eventLoops: o.eventLoops ?? d.eventLoops,
    nackOptimizations: o.nackOptimizations ?? d.nackOptimizations,
    minNackQueueMs: o.minNackQueueMs ?? d.minNackQueueMs,
    twccPeriodMs: o.twccPeriodMs ?? d.twccPeriodMs,
    noMediaTimerSeconds: o.noMediaTimerSeconds ?? d.noMediaTimerSeconds,
  };
  const whole = (value: number) => Math.max(0, Math.floor(value));
  return {
    // 0 is Janus' own default (a thread per handle); written only when set, as Janus reads any value as a count.
    general: m.eventLoops > 0 ? [`event_loops = ${whole(m.eventLoops)}`] : [],
    media: [
      `min_nack_queue = ${whole(m.minNackQueueMs)}`,
      `twcc_period = ${whole(m.twccPeriodMs)}`,
      `no_media_timer = ${whole(m.noMediaTimerSeconds)}`,
      `nack_optimizations = ${m.nackOptimizations}`,
    ],
  };
}

export function janusMainConfig(o: JanusConfigOptions): string {
  const dir = (name: string) => str(`${o.runtimeDir}/${name}`);
  const tuning = janusMediaLines(o);
  const nat = [
    // No STUN server: a self-hosted Janus must not ask third parties for its address.
    o.iceInterfaces ? `ice_enforce_list = ${str(o.iceInterfaces)}` : "",
    o.nat1To1 ? `nat_1_1_mapping = ${str(o.nat1To1)}` : "",
    // Janus never resolves `.local` names a client sends (a lookup on the server's own network);
    // a browser that hides its address behind one still connects: Janus learns the address from
    // the browser's own connectivity checks (a peer-reflexive candidate).
    "ignore_mdns = true",
    o.iceLite ? "ice_lite = true" : "",
  ].filter(Boolean);
  return `# Generated by Treff at start; edits are overwritten.
general: {
	configs_folder = ${str(o.runtimeDir)}
	plugins_folder = ${dir(JANUS_FILES.plugins)}
	transports_folder = ${dir(JANUS_FILES.transports)}
	events_folder = ${dir(JANUS_FILES.empty)}
	loggers_folder = ${dir(JANUS_FILES.empty)}
	log_to_stdout = true
	debug_level = ${o.logLevel}
	debug_colors = false
	api_secret = ${str(o.apiSecret)}
	session_timeout = 60
	hide_dependencies = true
	server_name = "treff"
	exit_on_dl_error = true
	${tuning.general.join("\n\t")}
}
media: {
	${[o.rtpPortRange ? `rtp_port_range = ${str(o.rtpPortRange)}` : "", ...tuning.media].filter(Boolean).join("\n\t")}
}
nat: {
	${nat.join("\n\t")}
}
plugins: {
}
transports: {
}
events: {
	broadcast = false
}
`;
}

export function janusVideoRoomConfig(): string {
  // No static rooms: Treff creates and destroys every room through the API.
  return `# Generated by Treff at start; edits are overwritten.
general: {
	string_ids = false
}
`;
}

export function janusWebSocketConfig(o: JanusConfigOptions): string {
  return `# Generated by Treff at start; edits are overwritten.
general: {
	json = "plain"
	ws = true
	ws_unix = ${str(`${o.runtimeDir}/${JANUS_FILES.socket}`)}
	wss = false
	ws_logging = "err"
}
admin: {
	admin_ws = false
	admin_wss = false
}
`;
}
