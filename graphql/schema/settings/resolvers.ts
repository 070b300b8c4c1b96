import { BUILT_IN_RULES, loadSiteSettings, updateSiteSettings, type SiteSettingsValues } from '../../../server/settings/site-settings.ts';
import { identitySecretCreatedAt, removeIdentitySecret, rotateIdentitySecret } from '../../../server/settings/identity-secret.ts';
import { isHandoverEnabled, setHandoverEnabled } from '../../../server/settings/handover-setting.ts';
import { areInvitationsEnabled, setInvitationsEnabled } from '../../../server/settings/invitations-setting.ts';
import { requireUser } from '../../authorize.ts';
import type { GraphQLContext } from '../../context.ts';
import type { Resolvers, SiteSettingsInput } from '../../generated/resolvers-types.ts';

const withBuiltIn = async (settings: SiteSettingsValues, ctx: GraphQLContext) => ({
  ...settings,
  builtIn: { ...BUILT_IN_RULES, allowedOrigins: ctx.config.allowedOrigins },
  handoverEnabled: await isHandoverEnabled(ctx.db),
  invitationsEnabled: await areInvitationsEnabled(ctx.db),
});

/** GraphQL's "absent or null" becomes "unchanged". */
const given = (input: SiteSettingsInput): Partial<SiteSettingsValues> =>
  Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null && value !== undefined));

export const settingsResolvers: Resolvers = {
  Query: {
    siteSettings: async (_parent, _args, ctx) => {
      requireUser(ctx, 'ADMIN');
      return withBuiltIn(await loadSiteSettings(ctx.db), ctx);
    },
  },
  Mutation: {
    updateSiteSettings: async (_parent, { input }, ctx) => {
      requireUser(ctx, 'ADMIN');
      const saved = await updateSiteSettings(ctx.db, given(input));
      if (typeof input.handoverEnabled === 'boolean') await setHandoverEnabled(ctx.db, input.handoverEnabled);
      if (typeof input.invitationsEnabled === 'boolean') await setInvitationsEnabled(ctx.db, input.invitationsEnabled);
      return withBuiltIn(saved, ctx);
    },
    rotateIdentitySecret: async (_parent, _args, ctx) => {
      requireUser(ctx, 'ADMIN');
      return rotateIdentitySecret(ctx.db);
    },
    removeIdentitySecret: async (_parent, _args, ctx) => {
      requireUser(ctx, 'ADMIN');
      await removeIdentitySecret(ctx.db);
      return withBuiltIn(await loadSiteSettings(ctx.db), ctx);
    },
  },
  SiteSettings: {
    // Only when asked: the time is public to admins, the secret never leaves after rotateIdentitySecret.
    identitySecretCreatedAt: (_settings, _args, ctx) => identitySecretCreatedAt(ctx.db),
  },
};
