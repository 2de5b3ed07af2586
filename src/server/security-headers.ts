/**
 * Headers on every HTTP response. The Content-Security-Policy allows only
 * Treff's own origin: no inline script, no third-party script, style, font
 * or connection, so a page cannot leak to anyone else even if text a user
 * typed were ever misrendered. 'wasm-unsafe-eval' lets the page and its
 * workers compile WebAssembly (the background-effect model and noise
 * suppression, served from this origin); it allows no JavaScript eval.
 */
export interface SecurityHeaderOptions {
  /** Origins allowed to embed Treff in a frame; none by default. */
  frameAncestors: string[];
  /** The request arrived over TLS (directly or via a trusted proxy). */
  secure: boolean;
}

export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  const frameAncestors = options.frameAncestors.length ? options.frameAncestors.join(" ") : "'none'";
  const csp = [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join("; ");
  return {
    "content-security-policy": csp,
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=(), usb=()",
    "x-content-type-options": "nosniff",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    ...(options.secure ? { "strict-transport-security": "max-age=31536000" } : {}),
  };
}
