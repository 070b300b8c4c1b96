import { graphql } from '../../graphql/generated/client';
import type { UserFieldsFragment } from '../../graphql/generated/client/graphql';

export type { Role } from '../../graphql/generated/client/graphql';

/** Users per page of the admin list; a full page shows "Load more". */
export const USERS_PAGE = 200;

/** The admin users page's GraphQL operations. */
graphql(`
  fragment UserFields on User {
    id
    name
    email
    role
  }
`);

export const USERS = graphql(`
  query Users($first: Int, $after: ID) {
    users(first: $first, after: $after) {
      ...UserFields
    }
  }
`);

export const CREATE_USER = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      ...UserFields
    }
  }
`);

export const RESET_PASSWORD = graphql(`
  mutation ResetPassword($userId: ID!, $password: String!) {
    resetPassword(userId: $userId, password: $password) {
      id
    }
  }
`);

export const SET_USER_ROLE = graphql(`
  mutation SetUserRole($userId: ID!, $role: Role!) {
    setUserRole(userId: $userId, role: $role) {
      ...UserFields
    }
  }
`);

export type ManagedUser = UserFieldsFragment;

/** Kept in step with the server's rule (server/users/users.ts). */
export const MIN_PASSWORD_LENGTH = 10;
