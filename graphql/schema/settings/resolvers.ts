import { DEFAULT_DISABLED_SELECTORS } from '../../../protocol/index.ts';
import { loadSiteSettings, updateSiteSettings, type SiteSettingsValues } from '../../../server/settings/site-settings.ts';
import { requireUser } from '../../authorize.ts';
import type { Resolvers } from '../../generated/resolvers-types.ts';

const withDefaults = (settings: SiteSettingsValues) => ({ ...settings, defaultDisabledSelectors: DEFAULT_DISABLED_SELECTORS });

export const settingsResolvers: Resolvers = {
  Query: {
    siteSettings: async (_parent, _args, ctx) => {
      requireUser(ctx, 'ADMIN');
      return withDefaults(await loadSiteSettings(ctx.db));
    },
  },
  Mutation: {
    updateSiteSettings: async (_parent, { input }, ctx) => {
      requireUser(ctx, 'ADMIN');
      return withDefaults(
        await updateSiteSettings(ctx.db, {
          writeModeEnabled: input.writeModeEnabled ?? undefined,
          disabledSelectors: input.disabledSelectors ?? undefined,
        }),
      );
    },
  },
};
