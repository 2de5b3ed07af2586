/**
 * Staff sign-in through the organisation's OpenID Connect provider (openid-client): the
 * authorization code flow with PKCE, state and nonce. Whoever the provider signs in for Treff's
 * client is staff of the practice (the organisation decides, e.g. by assigning the client to the
 * practice's people); the first sign-in makes them an account in the staff file, tied to the
 * provider's `sub`, so `npm run staff -- list` shows them and the session cookie works as for
 * passkeys. The flow's secrets wait in memory for ten minutes at most, keyed by `state`: the
 * SameSite=Strict session cookie cannot carry them across the provider's redirect.
 */
import * as oidc from "openid-client";
import type { StaffAccount, StaffStore } from "./staff-store.js";

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

const FLOW_LIFETIME_MS = 10 * 60 * 1000;
const MAX_FLOWS = 10_000;

interface Flow {
  verifier: string;
  nonce: string;
  redirectUri: string;
  expiresAt: number;
}

export class OidcSignIn {
  private configuration: Promise<oidc.Configuration> | undefined;
  private readonly flows = new Map<string, Flow>();

  constructor(
    private readonly settings: OidcSettings,
    private readonly store: StaffStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Where to send the browser to sign in; the provider comes back to `redirectUri`. */
  async start(redirectUri: string): Promise<URL> {
    const config = await this.discover();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const now = this.now();
    for (const [key, flow] of this.flows) if (flow.expiresAt <= now) this.flows.delete(key);
    if (this.flows.size >= MAX_FLOWS) this.flows.delete(this.flows.keys().next().value!);
    this.flows.set(state, { verifier, nonce, redirectUri, expiresAt: now + FLOW_LIFETIME_MS });
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: "openid profile",
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state,
      nonce,
    });
  }

  /** The staff account the provider's answer (the callback's URL) proves; throws if it does not. */
  async finish(callbackUrl: URL): Promise<StaffAccount> {
    const state = callbackUrl.searchParams.get("state") ?? "";
    const flow = this.flows.get(state);
    this.flows.delete(state);
    if (!flow || flow.expiresAt <= this.now()) throw new Error("this sign-in took too long or was not started here; start again");
    // The provider checks the redirect URI against the one in the request: the same, not this request's Host.
    const current = new URL(flow.redirectUri);
    current.search = callbackUrl.search;
    const config = await this.discover();
    const tokens = await oidc.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: flow.verifier,
      expectedState: state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    // Many providers put the name only into the UserInfo response, not into the ID token.
    const info = claims.name ? undefined : await oidc.fetchUserInfo(config, tokens.access_token, claims.sub).catch(() => undefined);
    const name = [claims.name, info?.name, claims.preferred_username, info?.preferred_username, claims.sub].find((v): v is string => typeof v === "string" && v.trim() !== "")!;
    return this.store.byOidc(this.settings.issuer, claims.sub) ?? this.store.addOidc(name.slice(0, 64), this.settings.issuer, claims.sub);
  }

  private discover(): Promise<oidc.Configuration> {
    const issuer = new URL(this.settings.issuer);
    // Plain http only for a provider on this machine (tests, a provider behind the same proxy).
    const loopback = issuer.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(issuer.hostname);
    this.configuration ??= oidc
      .discovery(issuer, this.settings.clientId, this.settings.clientSecret, undefined, loopback ? { execute: [oidc.allowInsecureRequests] } : {})
      .catch((error: unknown) => {
        this.configuration = undefined; // try again on the next sign-in
        throw error;
      });
    return this.configuration;
  }
}
