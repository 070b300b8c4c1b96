import { graphql } from '../../graphql/generated/client';
import type { MeQuery, SessionSummaryFieldsFragment, SiteSettingsFieldsFragment } from '../../graphql/generated/client/graphql';

/** Every GraphQL operation the pages send, in one place. */
export const SIGN_IN = graphql(`
  mutation SignIn($email: String!, $password: String!) {
    signIn(email: $email, password: $password) {
      id
      name
      role
    }
  }
`);

export const SIGN_OUT = graphql(`
  mutation SignOut {
    signOut
  }
`);

export const ME = graphql(`
  query Me {
    me {
      id
      name
      email
      role
    }
  }
`);

graphql(`
  fragment SessionSummaryFields on Session {
    id
    code
    status
    mode
    url
    viewportWidth
    viewportHeight
  }
`);

export const MY_ACTIVE_SESSION = graphql(`
  query MyActiveSession {
    myActiveSession {
      ...SessionSummaryFields
    }
  }
`);

export const JOIN_SESSION = graphql(`
  mutation JoinSession($code: String!) {
    joinSession(code: $code) {
      ...SessionSummaryFields
    }
  }
`);

/**
 * Joins a waiting session of a customer, by the e-mail or account ID their site gave: the one
 * chosen when several match, and with the last digits of its ID when the identity is unverified.
 */
export const JOIN_SESSION_BY_CUSTOMER = graphql(`
  mutation JoinSessionByCustomer($email: String, $accountId: String, $sessionId: ID, $lastDigits: String) {
    joinSessionByCustomer(email: $email, accountId: $accountId, sessionId: $sessionId, lastDigits: $lastDigits) {
      ...SessionSummaryFields
    }
  }
`);

export const EXIT_SESSION = graphql(`
  mutation ExitSession($sessionId: ID!) {
    exitSession(sessionId: $sessionId) {
      id
      status
    }
  }
`);

/** Sent on the open WebSocket, not over HTTP: pointer moves and clicks are many and need to be quick. */
export const SEND_SIGNAL = graphql(`
  mutation SendSignal($sessionId: ID!, $signal: JSON!) {
    sendSignal(sessionId: $sessionId, signal: $signal)
  }
`);

/** Each value is a protocol StreamMessage (a JSON scalar). */
export const SESSION_STREAM = graphql(`
  subscription SessionStream($sessionId: ID!) {
    sessionStream(sessionId: $sessionId)
  }
`);

/** The fields every page reads of a session. */
export type SessionSummary = SessionSummaryFieldsFragment;

/** The signed-in user. */
export type Me = NonNullable<MeQuery['me']>;

export const REQUEST_WRITE_MODE = graphql(`
  mutation RequestWriteMode($sessionId: ID!) {
    requestWriteMode(sessionId: $sessionId) {
      id
      mode
      writeRequestId
    }
  }
`);

export const SET_POINTER_MODE = graphql(`
  mutation SetPointerMode($sessionId: ID!) {
    setPointerMode(sessionId: $sessionId) {
      id
      mode
    }
  }
`);

graphql(`
  fragment SiteSettingsFields on SiteSettings {
    writeModeEnabled
    handoverEnabled
    invitationsEnabled
    recordingEnabled
    captureAssets
    disabledSelectors
    maskedFieldSelectors
    maskedElementSelectors
    maskedImageSelectors
    maskedCanvasSelectors
    maskedPagePatterns
    allowedOrigins
    keptQueryParameters
    embedOrigins
    frameOrigins
    builtIn {
      disabledSelectors
      maskedFieldSelectors
      maskedElementSelectors
      maskedImageSelectors
      maskedCanvasSelectors
      maskedPagePatterns
      allowedOrigins
      keptQueryParameters
      embedOrigins
      frameOrigins
      frameOrigins
    }
  }
`);

export const SITE_SETTINGS = graphql(`
  query SiteSettings {
    siteSettings {
      ...SiteSettingsFields
    }
  }
`);

export const UPDATE_SITE_SETTINGS = graphql(`
  mutation UpdateSiteSettings($input: SiteSettingsInput!) {
    updateSiteSettings(input: $input) {
      ...SiteSettingsFields
    }
  }
`);

/** The editable lists of a site's rules, in the order the admin page shows them. */
export const RULE_LISTS = [
  'maskedFieldSelectors',
  'maskedElementSelectors',
  'maskedImageSelectors',
  'maskedCanvasSelectors',
  'maskedPagePatterns',
  'keptQueryParameters',
  'disabledSelectors',
  'allowedOrigins',
  'embedOrigins',
  'frameOrigins',
] as const;
export type RuleList = (typeof RULE_LISTS)[number];

export type SiteSettings = SiteSettingsFieldsFragment;

export const EMBEDDED_SIGN_IN = graphql(`
  mutation EmbeddedSignIn($email: String!, $password: String!) {
    signIn(email: $email, password: $password, embedded: true) {
      id
      name
      role
    }
  }
`);
