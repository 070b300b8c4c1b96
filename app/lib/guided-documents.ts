import { graphql } from '../../graphql/generated/client';

/** The agent asks the customer for Guided Mode (scroll and highlight only). */
export const REQUEST_GUIDED_MODE = graphql(`
  mutation RequestGuidedMode($sessionId: ID!) {
    requestGuidedMode(sessionId: $sessionId) {
      id
      mode
      guidedRequestId
    }
  }
`);

/** What each role may do, as the admin's card shows and saves it. */
graphql(`
  fragment CapabilitiesFields on SiteSettings {
    capabilities {
      agent {
        point
        annotate
        scroll
        control
        navigate
        invite
      }
      supervisor {
        point
        annotate
        scroll
        control
        navigate
        invite
      }
    }
  }
`);

/** The admin's capabilities per role, read and saved on their own (the site settings form saves its own fields). */
export const SITE_CAPABILITIES = graphql(`
  query SiteCapabilities {
    siteSettings {
      ...CapabilitiesFields
    }
  }
`);

export const UPDATE_SITE_CAPABILITIES = graphql(`
  mutation UpdateSiteCapabilities($capabilities: RoleCapabilitiesInput!) {
    updateSiteSettings(input: { capabilities: $capabilities }) {
      ...CapabilitiesFields
    }
  }
`);
