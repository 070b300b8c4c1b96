import { gql } from '@urql/core';

/** Every GraphQL operation the pages send, in one place. */
export const SIGN_IN = gql`
  mutation SignIn($email: String!, $password: String!) {
    signIn(email: $email, password: $password) {
      id
      name
      role
    }
  }
`;

export const SIGN_OUT = gql`
  mutation SignOut {
    signOut
  }
`;

export const ME = gql`
  query Me {
    me {
      id
      name
      email
      role
    }
  }
`;

const SESSION_FIELDS = `id code status mode url viewportWidth viewportHeight`;

export const MY_ACTIVE_SESSION = gql`
  query MyActiveSession {
    myActiveSession { ${SESSION_FIELDS} }
  }
`;

export const JOIN_SESSION = gql`
  mutation JoinSession($code: String!) {
    joinSession(code: $code) { ${SESSION_FIELDS} }
  }
`;

/** Issue 9: the newest waiting session of a customer, by the e-mail or account ID their site gave. */
export const JOIN_SESSION_BY_CUSTOMER = gql`
  mutation JoinSessionByCustomer($email: String, $accountId: String) {
    joinSessionByCustomer(email: $email, accountId: $accountId) { ${SESSION_FIELDS} }
  }
`;

export const EXIT_SESSION = gql`
  mutation ExitSession($sessionId: ID!) {
    exitSession(sessionId: $sessionId) {
      id
      status
    }
  }
`;

export const SEND_SIGNAL = `mutation SendSignal($sessionId: ID!, $signal: JSON!) { sendSignal(sessionId: $sessionId, signal: $signal) }`;

export const SESSION_STREAM = `subscription SessionStream($sessionId: ID!) { sessionStream(sessionId: $sessionId) }`;

/** The fields every page reads of a session. */
export interface SessionSummary {
  id: string;
  code: string;
  status: 'WAITING' | 'ACTIVE' | 'PAUSED' | 'ENDED';
  mode: 'POINTER' | 'WRITE';
  url: string;
  viewportWidth: number | null;
  viewportHeight: number | null;
}

export interface Me {
  id: string;
  name: string;
  email: string;
  role: 'AGENT' | 'SUPERVISOR' | 'ADMIN';
}

export const REQUEST_WRITE_MODE = gql`
  mutation RequestWriteMode($sessionId: ID!) {
    requestWriteMode(sessionId: $sessionId) {
      id
      mode
      writeRequestId
    }
  }
`;

export const SET_POINTER_MODE = gql`
  mutation SetPointerMode($sessionId: ID!) {
    setPointerMode(sessionId: $sessionId) {
      id
      mode
    }
  }
`;

const SITE_SETTINGS_FIELDS = `
  writeModeEnabled
  recordingEnabled
  disabledSelectors
  maskedFieldSelectors
  maskedElementSelectors
  maskedImageSelectors
  maskedPagePatterns
  allowedOrigins
  builtIn {
    disabledSelectors
    maskedFieldSelectors
    maskedElementSelectors
    maskedImageSelectors
    maskedPagePatterns
    allowedOrigins
  }
`;

export const SITE_SETTINGS = gql`
  query SiteSettings {
    siteSettings {
      ${SITE_SETTINGS_FIELDS}
    }
  }
`;

export const UPDATE_SITE_SETTINGS = gql`
  mutation UpdateSiteSettings($input: SiteSettingsInput!) {
    updateSiteSettings(input: $input) {
      ${SITE_SETTINGS_FIELDS}
    }
  }
`;

/** The editable lists of a site's rules, in the order the admin page shows them. */
export const RULE_LISTS = [
  'maskedFieldSelectors',
  'maskedElementSelectors',
  'maskedImageSelectors',
  'maskedPagePatterns',
  'disabledSelectors',
  'allowedOrigins',
] as const;
export type RuleList = (typeof RULE_LISTS)[number];

export type SiteSettings = Record<RuleList, string[]> & {
  writeModeEnabled: boolean;
  recordingEnabled: boolean;
  builtIn: Record<RuleList, string[]>;
};
