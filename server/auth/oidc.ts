import * as client from 'openid-client';
import type { Config } from '../config.js';

/** Claims an OpenID provider returns that Fabrique uses (ProConnect's names included). */
export interface OidcClaims {
  sub: string;
  email?: string;
  preferred_username?: string;
  given_name?: string;
  usual_name?: string;
  family_name?: string;
  name?: string;
}

/** What the browser carries (signed) between the redirect to the provider and the callback. */
export interface OidcPending {
  state: string;
  nonce: string;
  verifier: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * OpenID Connect sign-in through openid-client: authorization code with PKCE, state and nonce of
 * 43 characters, ID token and signed (JWT) userinfo verified against the provider's keys.
 * Plain-HTTP issuers are allowed only on the loopback interface (tests, local providers).
 */
export class OidcClient {
  private discovered: Promise<client.Configuration> | null = null;

  constructor(
    private readonly settings: NonNullable<Config['oidc']>,
    private readonly redirectUri: () => string,
  ) {}

  get issuer(): string {
    return this.settings.issuer;
  }

  private configuration(): Promise<client.Configuration> {
    if (!this.discovered) {
      const issuer = new URL(this.settings.issuer);
      const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
      this.discovered = client
        .discovery(issuer, this.settings.clientId, this.settings.clientSecret || undefined, undefined, {
          execute: insecure ? [client.allowInsecureRequests] : [],
        })
        .then((config) => {
          client.enableNonRepudiationChecks(config);
          return config;
        });
      // A provider that was down must be retried on the next sign-in, not remembered as failed.
      this.discovered.catch(() => {
        this.discovered = null;
      });
    }
    return this.discovered;
  }

  /** The provider's authorization URL and what must be kept until the callback. */
  async start(): Promise<{ url: URL; pending: OidcPending }> {
    const config = await this.configuration();
    const pending = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier() };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(),
      scope: 'openid email profile',
      response_type: 'code',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    });
    return { url, pending };
  }

  /** Exchanges the code, checks state, nonce and PKCE, and returns the ID token's claims merged with userinfo. */
  async finish(callbackUrl: URL, pending: OidcPending): Promise<OidcClaims> {
    const config = await this.configuration();
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) throw new Error('the provider returned no ID token');
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
    const pick = (key: string): string | undefined => {
      const value = userinfo[key] ?? idClaims[key];
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    return {
      sub: idClaims.sub,
      email: pick('email'),
      preferred_username: pick('preferred_username'),
      given_name: pick('given_name'),
      usual_name: pick('usual_name'),
      family_name: pick('family_name'),
      name: pick('name'),
    };
  }
}
